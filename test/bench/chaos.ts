import type { ChildProcess } from 'node:child_process';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import { ensureWebhooks } from '../../server/bigcommerce/webhooks.js';
import type { AppContext } from '../../server/context.js';
import { OrderSync, WebhookReceipt, ZohoConnection } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { saveSettings } from '../../server/settings/service.js';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { freePort } from '../../sandbox/freePort.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { installedStoreSession } from '../support/sessions.js';
import { WorkerProcesses } from '../support/workerProcesses.js';
import { connectThroughPanel } from '../support/zohoConnect.js';
import { seededRandom } from '../../sandbox/common/random.js';
import { withBenchDatabase } from './benchDatabase.js';
import { benchOrderInput, startBenchSimulators } from './simulators.js';

/**
 * Chaos: real webhooks from the BigCommerce simulator to one web process, two worker processes
 * on one database, and, while orders come in, seeded random faults: SIGKILL of either worker
 * (restarted at once), answers Zoho loses after doing the work, bursts of 5xx from Zoho, an
 * order's lease lapsed under its running holder, and a worker frozen (SIGSTOP) for longer than
 * the lease and then let go on (SIGCONT). Orders come from a few repeat buyers; some are paid,
 * some cancelled once invoiced, some refunded (credit notes on). Once the faults stop and every
 * order is final, Zoho must hold one contact per buyer, one sales order and one invoice per
 * order, one payment per paid order, voided documents for the cancelled ones and one credit
 * note per refund. The seed reproduces the sequence of decisions (orders, fates, faults and
 * their moments); the processes' own timing is real.
 *
 * `a minute` of Zoho's (its limit of 100 calls per organization, the app's pace) is scaled to
 * MINUTE_MS; the order lease, its retries, the job locks and the clock margin are short but in
 * the same proportions as in production (ORDER_LEASE_MS, ORDER_RETRY_BASE_MS, ORDER_RETRY_MAX_MS,
 * LEASE_CLOCK_SKEW_MS, TEST_LOCK_LIFETIME_MS, TEST_ZOHO_RUNTIME in the processes' environment).
 */
const STORE = 'chaosstore';
const MINUTE_MS = 5_000;
const LEASE_MS = 10_000;
const CLOCK_SKEW_MS = 1_000;
const LOCK_LIFETIME_MS = 10_000;
const SKUS = { mug: 'CH-MUG', tee: 'CH-TEE' } as const;
const PROCESS_ENV = {
  ORDER_LEASE_MS: String(LEASE_MS),
  ORDER_RETRY_BASE_MS: '300',
  ORDER_RETRY_MAX_MS: '3000',
  LEASE_CLOCK_SKEW_MS: String(CLOCK_SKEW_MS),
  TEST_LOCK_LIFETIME_MS: String(LOCK_LIFETIME_MS),
  // Workers poll for due jobs every 2 s (production: 5 s, jobs due now wake them at once): each
  // poll is a findAndModify per job name, and the poll is what finds a lapsed or released lock.
  TEST_PROCESS_EVERY_MS: '2000',
  SHUTDOWN_GRACE_MS: '2000',
  LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
  TEST_ZOHO_RUNTIME: JSON.stringify({ perInterval: 100, intervalMs: MINUTE_MS, rateLimitPauseMs: 500, concurrencyPauseMs: 100, transientPauseMs: 100, requestTimeoutMs: 5_000, tokens: { pollMs: 50 }, budget: { flushMs: 200 } }),
};
/** Zoho calls that create something: where a lost answer tests the recovery. */
const CREATES = ['/contacts$', '/salesorders$', '/invoices$', '/customerpayments$', '/creditnotes$', '/creditnotes/[^/]+/refunds$', '/status/void$'];

type Fate = 'paid' | 'cancelled' | 'refunded';
export interface ChaosOptions {
  orders: number;
  seed: number;
  /** The database the processes share; the caller has mongoose connected to it. */
  dbUri: string;
  /** Progress lines (the summary is returned, not logged). */
  log?: (line: string) => void;
  /** How long everything may take to settle once the faults stop. */
  settleTimeoutMs?: number;
}
export interface ChaosResult {
  orders: number;
  kills: number;
  lostAnswers: number;
  duplicates: number;
  lost: number;
  settledSeconds: number;
  seed: number;
  /** What the checks found, one line each (empty when all is well). */
  problems: string[];
  summary: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { orders: total, seed, dbUri } = options;
  const log = options.log ?? (() => undefined);
  const rnd = seededRandom(seed);
  // Two streams: the orders' and the faults' loops run concurrently, so one shared stream would
  // hand out its numbers in whatever order the timing gave and a seed would not replay.
  const faultRnd = seededRandom(seed ^ 0x5bd1e995);
  const between = (min: number, max: number, r = rnd) => min + Math.floor(r() * (max - min + 1));
  const pick = <T>(items: readonly T[], r = rnd) => items[Math.floor(r() * items.length)]!;

  const webPort = await freePort();
  const sims = await startBenchSimulators({ limits: { requestsPerMinute: 100, minuteWindowMs: MINUTE_MS } });
  const { bigcommerce, zoho } = sims;
  const config = { ...sims.config, appUrl: `http://127.0.0.1:${webPort}` };
  bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
  bigcommerce.deliveries.configure({ retryDelaysMs: [250, 500, 1_000, 2_000, 4_000, 8_000] });
  const store = bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  const agenda = createAgenda(mongoose.connection.db!, { name: 'chaos-setup' });
  await agenda.ready;
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: agendaJobQueue(agenda) };
  const processes = new WorkerProcesses({ ctx, dbUri });

  const org = zoho.state.addOrganization({ name: 'Chaos', dataCenter: 'us', plan: 'premium' });
  zoho.state.addUser({ email: 'chaos@example.com', dataCenter: 'us', organizationIds: [org.id] });
  const session = await installedStoreSession(ctx, STORE);
  await connectThroughPanel(createApp(ctx), zoho, session, org.id, 'chaos@example.com');
  await ZohoConnection.updateOne({ _id: STORE }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
  await saveSettings(STORE, { orders: { creditNotes: true } });
  // The store's hooks point at the web process (APP_URL), as an install would leave them.
  await ensureWebhooks(ctx, STORE);
  createItem(org, { name: 'Chaos Mug', sku: SKUS.mug, rate: 10 });
  createItem(org, { name: 'Chaos Tee', sku: SKUS.tee, rate: 30 });

  const env = { ...PROCESS_ENV };
  // Two worker slots: a killed worker is replaced in its slot.
  const workers: (ChildProcess | undefined)[] = [undefined, undefined];
  // Whatever happens to this process, its children go with it.
  const killChildren = () => processes.killAll();
  process.once('exit', killChildren);
  let kills = 0;
  let stops = 0;
  let lapses = 0;
  let errorBursts = 0;
  let lossesArmed = 0;
  let lastFaultAt = Date.now();

  const buyers = Array.from({ length: Math.max(2, Math.min(5, Math.ceil(total / 20))) }, (_, i) => `buyer${i}@example.com`);
  const placed: { id: number; fate: Fate; buyer: string; followedUp: boolean }[] = [];
  const place = (buyer: string, fate: Fate) => {
    const input = benchOrderInput(
      buyer,
      [
        { name: 'Chaos Mug', sku: SKUS.mug, quantity: between(1, 3), price: 10 },
        { name: 'Chaos Tee', sku: SKUS.tee, quantity: 1, price: 30 },
      ],
      // Cancelled orders are awaiting payment when invoiced (a paid invoice is not voided).
      { status_id: fate === 'cancelled' ? 7 : 11 },
    );
    placed.push({ id: bigcommerce.state.placeOrder(store, input).id, fate, buyer, followedUp: fate === 'paid' });
  };
  const byRef = <T extends { reference_number: string }>(records: Iterable<T>, id: number) => [...records].filter((r) => r.reference_number === String(id));

  /** Cancels an order once its invoice exists, refunds one once its payment does (the merchant, in BigCommerce). */
  const followUps = () => {
    for (const o of placed) {
      if (o.followedUp) continue;
      if (o.fate === 'cancelled' && byRef(org.invoices.values(), o.id).length) {
        updateOrder(bigcommerce.state, store, store.orders.get(o.id)!, { status_id: 5 });
        o.followedUp = true;
      } else if (o.fate === 'refunded' && byRef(org.payments.values(), o.id).length) {
        const mug = store.orders.get(o.id)!.products.find((p) => p.sku === SKUS.mug)!;
        bigcommerce.state.refundOrder(store, o.id, { items: [{ order_product_id: mug.id, quantity: 1 }] });
        o.followedUp = true;
      }
    }
  };

  /** With CHAOS_LOG_LEVEL set, the processes' logs (their stdout) are passed on to stderr. */
  const start = async (extra: Record<string, string> = {}) => {
    const child = await processes.start({ ...env, ...extra });
    if (process.env.CHAOS_LOG_LEVEL) child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    // What a worker prints on SIGUSR2 (its running jobs, pools and limiters), for a failed run's report.
    child.stdout?.on('data', (chunk: Buffer) => dumps.push(...chunk.toString().split('\n').filter((line) => line.startsWith('DUMP '))));
    return child;
  };
  const restart = async (slot: number) => {
    workers[slot] = undefined;
    workers[slot] = await start().catch((error: unknown) => {
      problems.push(`worker ${slot} did not restart: ${String(error)}`);
      return undefined;
    });
  };
  /** One fault, chosen by the PRNG. */
  const fault = async () => {
    const kind = pick(['kill', 'lose', 'lose', 'lose', 'errors', 'lapse', 'stop'] as const, faultRnd);
    const slot = between(0, 1, faultRnd);
    const worker = workers[slot];
    lastFaultAt = Date.now();
    switch (kind) {
      case 'kill':
        if (!worker) return;
        worker.kill('SIGKILL');
        kills++;
        log(`  kill worker ${slot} (pid ${worker.pid})`);
        void restart(slot);
        return;
      case 'lose': {
        const times = between(1, 3, faultRnd);
        const mode = pick(['reset', 'timeout'] as const, faultRnd);
        const path = pick(CREATES, faultRnd);
        zoho.faults.loseAnswers({ times, mode, match: { method: 'POST', path } });
        lossesArmed += times;
        log(`  lose ${times} answer(s) of POST ${path} (${mode})`);
        return;
      }
      case 'errors': {
        const errorStatus = pick([500, 502, 503], faultRnd);
        zoho.faults.set({ errorRate: 0.2, errorStatus });
        errorBursts++;
        log(`  Zoho answers ${errorStatus} to a fifth of calls`);
        await sleep(between(500, 2_000, faultRnd));
        zoho.faults.set({ errorRate: 0 });
        return;
      }
      case 'lapse': {
        const held = await OrderSync.find({ storeHash: STORE, leaseUntil: { $gt: new Date() } }, { _id: 1 }).lean();
        if (!held.length) return;
        const victim = pick(held, faultRnd);
        await OrderSync.updateOne({ _id: victim._id }, { $set: { leaseUntil: new Date(Date.now() - 60_000) } });
        lapses++;
        log(`  lease of ${victim._id} lapsed under its holder`);
        return;
      }
      case 'stop': {
        if (!worker) return;
        worker.kill('SIGSTOP');
        stops++;
        const ms = LEASE_MS + CLOCK_SKEW_MS + between(1_000, 2_500, faultRnd);
        log(`  freeze worker ${slot} (pid ${worker.pid}) for ${ms} ms`);
        await sleep(ms);
        worker.kill('SIGCONT');
        return;
      }
    }
  };

  const problems: string[] = [];
  const dumps: string[] = [];
  let settledSeconds = NaN;
  let started = Date.now();
  let chaosOn = false;
  let chaos: Promise<void> = Promise.resolve();
  let followUpTimer: NodeJS.Timeout | undefined;
  try {
    await start({ TEST_ROLE: 'web', PORT: String(webPort) });
    [workers[0], workers[1]] = await Promise.all([start(), start()]);
    started = Date.now();
    chaosOn = true;
    chaos = (async () => {
      while (chaosOn) {
        await sleep(between(1_500, 4_000, faultRnd));
        if (chaosOn) await fault();
      }
    })();
    followUpTimer = setInterval(followUps, 50);
    // Orders come in with the faults: the fates and the gaps between them drawn from the seed.
    // Faults for at least minChaos (the orders come in over most of it), at most maxChaos.
    const minChaos = 15_000 + total * 250;
    const maxChaos = 20_000 + total * 400;
    const gap = Math.round((minChaos * 0.6) / total);
    for (let i = 0; i < total; i++) {
      const r = rnd();
      place(pick(buyers), r < 0.55 ? 'paid' : r < 0.8 ? 'cancelled' : 'refunded');
      await sleep(between(0, 2 * gap));
    }
    log(`  ${total} orders placed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The faults go on until the merchant's cancellations and refunds are all made, within the
    // window (the follow-ups still come after it).
    while ((Date.now() < started + minChaos || placed.some((o) => !o.followedUp)) && Date.now() < started + maxChaos) await sleep(100);
    chaosOn = false;
    await chaos;
    zoho.faults.set({ errorRate: 0 });
    for (const [slot, w] of workers.entries()) if (!w) await until(() => Boolean(workers[slot]), 30_000);
    log(`  faults stopped after ${((Date.now() - started) / 1000).toFixed(1)} s; settling`);

    // Settled: every order final, none held or flagged, no order job locked or due, no receipt queued.
    const jobs = mongoose.connection.db!.collection('jobs');
    const unsettled = async () => {
      const open = await OrderSync.countDocuments({ storeHash: STORE, $or: [{ status: { $nin: ['done', 'cancelled'] } }, { leaseUntil: { $gt: new Date() } }, { recheck: true }] });
      const known = await OrderSync.countDocuments({ storeHash: STORE });
      const lockedJobs = await jobs.countDocuments({ name: /order/i, lockedAt: { $ne: null } });
      const queued = await WebhookReceipt.countDocuments({ status: 'queued' });
      const followUps = placed.filter((o) => !o.followedUp).length;
      return { open, missing: total - known, lockedJobs, queued, followUps };
    };
    const count = (left: Awaited<ReturnType<typeof unsettled>>) => left.open + left.missing + left.lockedJobs + left.queued + left.followUps;
    const settleDeadline = Date.now() + (options.settleTimeoutMs ?? 60_000 + total * 1_000);
    let left = await unsettled();
    while (count(left) > 0 && Date.now() < settleDeadline) {
      await sleep(250);
      left = await unsettled();
    }
    settledSeconds = (Date.now() - lastFaultAt) / 1000;
    for (const o of placed.filter((p) => !p.followedUp)) problems.push(`order ${o.id} (${o.fate}) never reached the point where the merchant ${o.fate === 'cancelled' ? 'cancels' : 'refunds'} it`);
    if (count(left) > 0) {
      problems.push(`not settled after the bounded wait: ${JSON.stringify(left)}`);
      const open = await OrderSync.find({ storeHash: STORE, $or: [{ status: { $nin: ['done', 'cancelled'] } }, { leaseUntil: { $gt: new Date() } }, { recheck: true }] }).lean();
      for (const o of open) log(`  open: order ${o.orderId} ${o.status}/${o.step} attempts=${o.attempts} recheck=${o.recheck} lease=${o.leaseUntil?.toISOString()} next=${o.nextAttemptAt?.toISOString()} error=${o.lastError?.message ?? '-'}`);
      for (const j of await jobs.find({ name: /order/i, lockedAt: { $ne: null } }).toArray()) log(`  locked job: ${String(j.name)} ${JSON.stringify(j.data)} lockedAt=${String(j.lockedAt)}`);
      for (const w of workers) w?.kill('SIGUSR2');
      await sleep(500);
      for (const line of dumps) log(`  worker state: ${line}`);
    }
    // A late follow-up job must find nothing to do: give it a moment before counting.
    await sleep(1_500);
  } finally {
    chaosOn = false;
    clearInterval(followUpTimer);
    await Promise.allSettled([chaos]);
    processes.killAll();
    process.off('exit', killChildren);
    await agenda.stop();
    // What the simulators hold stays readable after they close.
    await bigcommerce.close();
    await zoho.close();
  }

  // The checks.
  let duplicates = 0;
  let lost = 0;
  const expectCount = (what: string, found: number, wanted: number) => {
    if (found > wanted) duplicates += found - wanted;
    if (found < wanted) lost += wanted - found;
    if (found !== wanted) problems.push(`${what}: ${found}, expected ${wanted}`);
  };
  for (const buyer of new Set(placed.map((o) => o.buyer))) {
    const contacts = [...org.contacts.values()].filter((c) => c.contact_persons.some((p) => p.email.toLowerCase() === buyer));
    expectCount(`contacts of ${buyer}`, contacts.length, 1);
  }
  const syncs = new Map((await OrderSync.find({ storeHash: STORE }).lean()).map((s) => [s.orderId, s]));
  for (const o of placed) {
    const salesOrders = byRef(org.salesOrders.values(), o.id);
    const invoices = byRef(org.invoices.values(), o.id);
    expectCount(`order ${o.id} (${o.fate}) sales orders`, salesOrders.length, 1);
    expectCount(`order ${o.id} (${o.fate}) invoices`, invoices.length, 1);
    expectCount(`order ${o.id} (${o.fate}) payments`, byRef(org.payments.values(), o.id).length, o.fate === 'cancelled' ? 0 : 1);
    expectCount(`order ${o.id} (${o.fate}) credit notes`, byRef(org.creditNotes.values(), o.id).length, o.fate === 'refunded' && o.followedUp ? 1 : 0);
    const status = syncs.get(o.id)?.status;
    const wanted = o.fate === 'cancelled' ? 'cancelled' : 'done';
    if (status !== wanted) {
      lost++;
      problems.push(`order ${o.id} (${o.fate}) is ${status ?? 'unknown to the app'}, expected ${wanted}`);
    }
    if (o.fate === 'cancelled' && o.followedUp) {
      const live = [...salesOrders, ...invoices].filter((d) => d.status !== 'void');
      if (live.length) {
        lost++;
        problems.push(`order ${o.id} cancelled but ${live.length} of its documents not void`);
      }
    }
  }


  const lostAnswers = zoho.faults.lostAnswers;
  const summary = `chaos: orders=${total} kills=${kills} lost_answers=${lostAnswers} duplicates=${duplicates} lost=${lost} settled=${settledSeconds.toFixed(1)}s seed=${seed}`;
  log(`  faults: ${kills} kills, ${stops} freezes, ${lapses} lapsed leases, ${errorBursts} 5xx bursts, ${lossesArmed} answers armed to be lost (${lostAnswers} lost); total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { orders: total, kills, lostAnswers, duplicates, lost, settledSeconds, seed, problems, summary };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(100);
}

/** `npm run bench -- chaos`: CHAOS_ORDERS (default 100), CHAOS_SEED (default: drawn). */
export async function benchChaos(): Promise<void> {
  const orders = Number(process.env.CHAOS_ORDERS ?? 100);
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`seed ${seed} (CHAOS_SEED=${seed} replays it)`);
  await withBenchDatabase(
    'chaos',
    async (uri) => {
      const result = await runChaos({ orders, seed, dbUri: uri, log: (line) => console.log(line) });
      for (const problem of result.problems) console.log(`  FAILED (seed ${seed}): ${problem}`);
      if (result.problems.length) process.exitCode = 1;
      console.log(result.summary);
    },
    { logLevel: process.env.CHAOS_DB_LOG_LEVEL },
  );
}
