import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { ensureWebhooks } from '../../server/bigcommerce/webhooks.js';
import type { AppContext } from '../../server/context.js';
import { connectMongoose } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { OrderSync, Schedule, SyncRun, WebhookReceipt, ZohoConnection, orderSyncId } from '../../server/db/models/index.js';
import { JOBS_COLLECTION, PROCESS_EVERY_MS, agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { SCHEDULER_TICK_JOB } from '../../server/jobs/definitions.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { intervalMs } from '../../server/sync/nextOccurrence.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { freePort } from '../../sandbox/freePort.js';
import { createAdjustment, serializeAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { installedStoreSession } from '../support/sessions.js';
import { WorkerProcesses } from '../support/workerProcesses.js';
import { connectThroughPanel } from '../support/zohoConnect.js';
import { benchOrderInput, startBenchSimulators } from './simulators.js';

/**
 * Many stores on one deployment (issue 18): `TENANTS` stores (default 100), each with its own
 * Zoho organization, served by one web process and two worker processes on one database
 * (`MONGODB_URI`, or the embedded one), against both simulators at their real limits
 * (BigCommerce Standard: 150 calls per 30 s per store; Zoho: 100 calls a minute and 10 at once
 * per organization) with 100 ms added to every call. Workers poll for jobs every 5 s and hold
 * job locks for 60 s, as in production.
 *
 * After setup, for `TENANTS_MINUTES` (default 20):
 * - 5 stores onboard at once (settings saved, then "Sync now" of products: 500 Zoho items each);
 * - 5 stores take a steady order stream (10 a minute each);
 * - 10 quiet "probe" stores place one order a minute each, get one Zoho stock adjustment a
 *   minute each (one-way stock), and have their panel read (a `GET /api/*` every 10 s each);
 * - the rest are idle: connected at setup, their schedules spread over the run as if their
 *   connects had been staggered (each schedule due one interval after its store's connect).
 * With fewer than 100 stores the groups shrink in proportion (at least one store each).
 *
 * Before the load, one probe store places `TENANTS_BASELINE_ORDERS` orders (default 12, 10 s
 * apart) alone: the single-store figure the quiet stores are compared with.
 *
 * Figures: probe orders' webhook (receipt) → invoice (created in Zoho); a Zoho stock event
 * (receipt) → the BigCommerce write carrying its product; scheduled runs' start delay after the
 * schedule's `nextRunAt`; the scheduler tick's duration (its job's lastRunAt → lastFinishedAt);
 * database commands per store per hour (the driver's command monitoring in every app process,
 * reported on their stdout); panel GETs' time; peak RSS per process.
 */
const TENANTS = Number(process.env.TENANTS ?? 100);
const MINUTES = Number(process.env.TENANTS_MINUTES ?? 20);
const BASELINE_ORDERS = Number(process.env.TENANTS_BASELINE_ORDERS ?? 12);
const BASELINE_GAP_MS = 10_000;
const ONBOARDING_ITEMS = Number(process.env.TENANTS_ONBOARDING_ITEMS ?? 500);
const LATENCY_MS = 100;
const PANEL_EVERY_MS = 10_000;
/** The panel's reads that answer from the database (organizations, locations, channels and search call the platforms). */
const PANEL_PATHS = ['/api/session', '/api/alerts', '/api/orders', '/api/runs', '/api/schedules', '/api/settings', '/api/stock/status', '/api/usage', '/api/users', '/api/zoho/connection'];
const SKUS = ['T-MUG', 'T-TEE'] as const;
const PROCESS_ENV = {
  TEST_PROCESS_EVERY_MS: String(PROCESS_EVERY_MS),
  TEST_LOCK_LIFETIME_MS: '60000',
  TEST_STATS_EVERY_MS: '5000',
  LOG_LEVEL: process.env.TENANTS_LOG_LEVEL ?? 'silent',
};

type Role = 'probe' | 'steady' | 'onboarding' | 'idle';
interface Tenant {
  hash: string;
  role: Role;
  store: SimStore;
  org: ZohoOrg;
  session: string;
  /** Index within its group. */
  index: number;
}
interface ProcessStats {
  pid: number;
  role: string;
  commands: Record<string, number>;
  /** By command and collection: [count, total ms]. */
  timing: Record<string, [number, number]>;
  peakRss: number;
  cpuMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;
};
const fx = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
type Timing = Map<string, [number, number]>;
/** Every process's command timings summed (a snapshot: the processes report every 5 s). */
const timingOf = (stats: Map<number, ProcessStats>): Timing => {
  const all: Timing = new Map();
  for (const s of stats.values())
    for (const [key, [n, ms]] of Object.entries(s.timing ?? {})) {
      const t = all.get(key) ?? [0, 0];
      all.set(key, [t[0] + n, t[1] + ms]);
    }
  return all;
};
const timingBetween = (from: Timing, to: Timing): Timing =>
  new Map([...to].map(([key, [n, ms]]) => [key, [n - (from.get(key)?.[0] ?? 0), ms - (from.get(key)?.[1] ?? 0)] as [number, number]]));
/** p50 / p95 of an order's wait for a worker (receipt → claimed) and of its work (claimed → invoice). */
const stages = (x: { pickup: number[]; work: number[] }) =>
  `receipt → claimed by a worker p50 ${fx(quantile(x.pickup, 0.5))} ms, p95 ${fx(quantile(x.pickup, 0.95))} ms; claimed → invoice p50 ${fx(quantile(x.work, 0.5))} ms, p95 ${fx(quantile(x.work, 0.95))} ms`;
// The bench process hosts both simulators: a busy event loop answers every platform call late.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });

/** The embedded database's process (found by its data directory): CPU time used (ms) and peak RSS, from /proc (Linux). */
function databaseProcess(dataDir: string): { cpuMs(): number; peakRss(): number } | undefined {
  try {
    const pid = readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(dataDir));
    if (!pid) return undefined;
    return {
      // utime and stime, in clock ticks (100 a second on Linux), after the command name's closing parenthesis.
      cpuMs: () => {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10;
      },
      peakRss: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024,
    };
  } catch {
    return undefined;
  }
}

function groups(n: number): Record<Role, number> {
  if (n >= 100) return { onboarding: 5, steady: 5, probe: 10, idle: n - 20 };
  const onboarding = Math.max(1, Math.round(n * 0.05));
  const steady = Math.max(1, Math.round(n * 0.05));
  const probe = Math.max(1, Math.round(n * 0.1));
  return { onboarding, steady, probe, idle: Math.max(0, n - onboarding - steady - probe) };
}

export async function benchTenants(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-tenants-'));
  const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: 'benchtenants' });
  const uri = process.env.MONGODB_URI ?? embedded!.uri;
  await connectMongoose(uri);
  await mongoose.connection.dropDatabase();
  await connectMongoose(uri);
  // The app's processes count their database commands: the driver reports them only when asked.
  const monitoredUri = `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;

  const webPort = await freePort();
  const sims = await startBenchSimulators();
  const { bigcommerce, zoho } = sims;
  const config = { ...sims.config, appUrl: `http://127.0.0.1:${webPort}` };
  const setupAgenda = createAgenda(mongoose.connection.db!, { name: 'tenants-setup' });
  await setupAgenda.ready;
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: agendaJobQueue(setupAgenda) };
  const setupApp = createApp(ctx);
  const processes = new WorkerProcesses({ ctx, dbUri: monitoredUri });
  const killChildren = () => processes.killAll();
  process.once('exit', killChildren);
  const stats = new Map<number, ProcessStats>();
  const children: ChildProcess[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const child = await processes.start({ ...PROCESS_ENV, ...extra });
    children.push(child);
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('STATS ')) {
          const s = JSON.parse(line.slice(6)) as ProcessStats;
          stats.set(s.pid, s);
        } else if (process.env.TENANTS_LOG_LEVEL && line.trim()) process.stderr.write(`${line}\n`);
      }
    });
    return child;
  };
  const web = (path: string, session: string) => request(config.appUrl).get(path).set('authorization', `Bearer ${session}`);

  // When each invoice was created in Zoho (organization id → reference number → ms), and each BigCommerce stock write.
  const invoiceAt = new Map<string, number>();
  zoho.exchangeListeners.add((x) => {
    if (x.method !== 'POST' || !/\/invoices$/.test(x.path) || x.status >= 300) return;
    const ref = (x.responseBody as { invoice?: { reference_number?: string } })?.invoice?.reference_number;
    const orgId = String(x.query.organization_id ?? x.headers['x-com-zoho-inventory-organizationid'] ?? '');
    if (ref && !invoiceAt.has(`${orgId}:${ref}`)) invoiceAt.set(`${orgId}:${ref}`, Date.now());
  });
  const stockWrites: { hash: string; at: number; products: Set<number> }[] = [];
  bigcommerce.exchanges.add((e) => {
    if (e.method !== 'PUT' || !e.path.endsWith('/inventory/adjustments/absolute')) return;
    const hash = /\/stores\/([^/]+)\//.exec(e.path)?.[1] ?? '';
    const items = (e.requestBody as { items?: { product_id?: number }[] }).items ?? [];
    stockWrites.push({ hash, at: Date.now() - LATENCY_MS, products: new Set(items.map((i) => i.product_id!)) });
  });

  const sizes = groups(TENANTS);
  const tenants: Tenant[] = [];
  let peakBenchRss = process.memoryUsage().rss;
  // The machine's load (1-minute average) while the load runs: other work on it shows here.
  const loads: number[] = [];
  const rssTimer = setInterval(() => {
    peakBenchRss = Math.max(peakBenchRss, process.memoryUsage().rss);
    loads.push(loadavg()[0]!);
  }, 1_000);
  const timers: NodeJS.Timeout[] = [];
  try {
    // --- Setup: every store installed and connected to its own organization through the panel's routes.
    const setupStarted = Date.now();
    for (const role of ['probe', 'steady', 'onboarding', 'idle'] as Role[]) {
      for (let index = 0; index < sizes[role]; index++) {
        const hash = `t${role.slice(0, 2)}${String(index).padStart(3, '0')}`;
        const store = bigcommerce.state.addStore(hash, { accessToken: 'bc-token' });
        const org = zoho.state.addOrganization({ name: `Tenant ${hash}`, dataCenter: 'us', plan: 'premium' });
        const email = `${hash}@example.com`;
        zoho.state.addUser({ email, dataCenter: 'us', organizationIds: [org.id] });
        const session = await installedStoreSession(ctx, hash);
        await connectThroughPanel(setupApp, zoho, session, org.id, email);
        // Orders placed from now on count: the connection is a minute old.
        await ZohoConnection.updateOne({ _id: hash }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
        await ensureWebhooks(ctx, hash);
        tenants.push({ hash, role, store, org, session, index });
        if (role === 'probe' || role === 'steady') for (const sku of SKUS) createItem(org, { name: `Tenant ${sku}`, sku, rate: 10, initial_stock: 100_000 });
        if (role === 'onboarding') for (let i = 0; i < ONBOARDING_ITEMS; i++) createItem(org, { name: `Onboard ${hash} ${i}`, sku: `OB-${i}`, rate: 10, initial_stock: 50 });
      }
    }
    const byRole = (role: Role) => tenants.filter((t) => t.role === role);
    const orgOf = new Map(tenants.map((t) => [t.org.id, t]));
    bigcommerce.faults.set({ latencyMs: LATENCY_MS });
    zoho.faults.set({ latencyMs: LATENCY_MS });

    await start({ TEST_ROLE: 'web', PORT: String(webPort) });
    await Promise.all([start(), start()]);
    console.log(`setup: ${TENANTS} stores (${sizes.probe} probe, ${sizes.steady} steady, ${sizes.onboarding} onboarding, ${sizes.idle} idle) connected in ${((Date.now() - setupStarted) / 1000).toFixed(0)} s; 1 web + 2 worker processes`);

    // Probe and steady stores: settings saved (one-way stock), their two products created in
    // BigCommerce by the products flow and their stock written once, a Zoho stock webhook for
    // the probes, and one order each so that every measured order has a returning customer.
    const settings = defaultSettings();
    const live = [...byRole('probe'), ...byRole('steady')];
    for (const t of live) {
      const saved = await request(setupApp).put('/api/settings').set('authorization', `Bearer ${t.session}`).send({ ...settings, stock: { ...settings.stock, method: 'oneway' } });
      if (saved.status !== 200) throw new Error(`PUT /api/settings answered ${saved.status}: ${saved.text}`);
    }
    const runFlow = async (t: Tenant, flow: string) => {
      const res = await request(config.appUrl).post(`/api/sync/${flow}`).set('authorization', `Bearer ${t.session}`).send({});
      if (res.status !== 202) throw new Error(`POST /api/sync/${flow} answered ${res.status}: ${res.text}`);
      return res.body.id as string;
    };
    const waitRuns = async (ids: string[], what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const runs = await SyncRun.find({ _id: { $in: ids } }, { status: 1, message: 1 }).lean();
        if (runs.length === ids.length && runs.every((r) => !['queued', 'running'].includes(r.status))) {
          const bad = runs.filter((r) => r.status !== 'succeeded');
          if (bad.length) throw new Error(`${what}: ${bad.map((r) => `${r.status} ${r.message ?? ''}`).join('; ')}`);
          return;
        }
        if (Date.now() > deadline) throw new Error(`${what}: not finished in time`);
        await sleep(1_000);
      }
    };
    await waitRuns(await Promise.all(live.map((t) => runFlow(t, 'products'))), 'setup products runs', 10 * 60_000);
    await waitRuns(await Promise.all(live.map((t) => runFlow(t, 'stock'))), 'setup stock runs', 10 * 60_000);
    for (const t of byRole('probe')) {
      const hook = (await web('/api/zoho/webhook', t.session)).body as { url: string; headers: Record<string, string>; bodies: Record<string, Record<string, string>> };
      zoho.state.addWorkflowWebhook(t.org.id, { module: 'inventory_adjustment', url: `${config.appUrl}${new URL(hook.url).pathname}`, headers: hook.headers, body: hook.bodies.inventory_adjustment! });
    }
    const buyer = (t: Tenant, n: number) => `${t.hash}-buyer${n % 3}@example.com`;
    const place = (t: Tenant, email: string) => {
      const input = benchOrderInput(email, [
        { name: 'Tenant Mug', sku: SKUS[0], quantity: 1, price: 10 },
        { name: 'Tenant Tee', sku: SKUS[1], quantity: 1, price: 10 },
      ]);
      return { t, id: bigcommerce.state.placeOrder(t.store, input).id, placedAt: Date.now() };
    };
    const invoiced = (o: { t: Tenant; id: number }) => invoiceAt.get(`${o.t.org.id}:${o.id}`);
    const warmUp = live.flatMap((t) => [0, 1, 2].map((n) => place(t, buyer(t, n))));
    const waitInvoices = async (orders: { t: Tenant; id: number }[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (orders.some((o) => invoiced(o) === undefined) && Date.now() < deadline) await sleep(200);
      return orders.filter((o) => invoiced(o) === undefined).length;
    };
    if (await waitInvoices(warmUp, 5 * 60_000)) throw new Error('setup: warm-up orders not invoiced');

    /**
     * Receipt (the web process's receivedAt) → invoice, for the orders given. An order not invoiced
     * by `until` counts as waiting until then (a lower bound: leaving it out would make a backlog
     * look fast), and one with no receipt yet from when it was placed.
     */
    const orderLatencies = async (orders: { t: Tenant; id: number; placedAt: number }[], until = Date.now()) => {
      const receipts = await WebhookReceipt.find({ source: 'bigcommerce', topic: 'store/order/created', storeHash: { $in: [...new Set(orders.map((o) => o.t.hash))] } }, { storeHash: 1, resourceId: 1, receivedAt: 1 }).lean();
      const receivedAt = new Map(receipts.map((r) => [`${r.storeHash}:${r.resourceId}`, r.receivedAt.getTime()]));
      // Where the time goes: receipt → the order claimed by a worker (the job's wait), and claim → invoice.
      const claims = await OrderSync.find({ _id: { $in: orders.map((o) => orderSyncId(o.t.hash, o.id)) } }, { claimedAt: 1 }).lean();
      const claimedAt = new Map(claims.map((c) => [c._id, c.claimedAt.getTime()]));
      const ms: number[] = [];
      const pickup: number[] = [];
      const work: number[] = [];
      let missing = 0;
      for (const o of orders) {
        const from = receivedAt.get(`${o.t.hash}:${o.id}`) ?? o.placedAt;
        const to = invoiced(o);
        if (to === undefined) missing++;
        ms.push((to ?? until) - from);
        const claimed = claimedAt.get(orderSyncId(o.t.hash, o.id));
        if (claimed !== undefined && to !== undefined) {
          pickup.push(claimed - from);
          work.push(to - claimed);
        }
      }
      return { ms, missing, pickup, work };
    };

    // --- The single-store figure: one probe store's orders, nothing else going on.
    const alone = byRole('probe')[0]!;
    const timingAloneStart = timingOf(stats);
    const baseline = [];
    for (let i = 0; i < BASELINE_ORDERS; i++) {
      baseline.push(place(alone, buyer(alone, i)));
      await sleep(BASELINE_GAP_MS);
    }
    await waitInvoices(baseline, 2 * 60_000);
    const single = await orderLatencies(baseline);
    const timingAlone = timingBetween(timingAloneStart, timingOf(stats));
    console.log(`single store alone: ${single.ms.length} orders, webhook → invoice p50 ${fx(quantile(single.ms, 0.5))} ms, p95 ${fx(quantile(single.ms, 0.95))} ms`);
    console.log(`  ${stages(single)}`);

    // --- The load.
    const windowMs = MINUTES * 60_000;
    const t0 = Date.now();
    const loadEnds = t0 + windowMs;
    loads.length = 0;
    const timingLoadStart = timingOf(stats);
    const commandsAtStart = new Map([...stats].map(([pid, s]) => [pid, sum(s.commands)]));
    const cpuAtStart = new Map([...stats].map(([pid, s]) => [pid, s.cpuMs]));
    const dbProcess = embedded ? databaseProcess(dataDir) : undefined;
    const dbCpuAtStart = dbProcess?.cpuMs() ?? NaN;
    const benchCpuAtStart = cpuMs();
    loopDelay.reset();
    loopDelay.enable();
    // Idle stores: each schedule due one interval after a connect spread across the run.
    const idle = byRole('idle');
    for (const t of idle) {
      const connectAt = t0 - 15 * 60_000 + ((t.index + 0.5) / idle.length) * windowMs;
      for (const row of await Schedule.find({ storeHash: t.hash }).lean()) {
        const spec = JSON.parse(row.spec) as { every?: string };
        if (spec.every) await Schedule.updateOne({ _id: row._id }, { $set: { nextRunAt: new Date(connectAt + intervalMs(spec.every)) } });
      }
    }
    // Every value each schedule's nextRunAt takes: a scheduled run was due at the last one before it was queued.
    const dueSeen = new Map<string, Set<number>>();
    const watchSchedules = async () => {
      for (const row of await Schedule.find({}, { storeHash: 1, task: 1, nextRunAt: 1 }).lean()) {
        const key = `${row.storeHash}:${row.task}`;
        if (!dueSeen.has(key)) dueSeen.set(key, new Set());
        dueSeen.get(key)!.add(row.nextRunAt.getTime());
      }
    };
    await watchSchedules();
    // The tick's runs: its job's lastRunAt → lastFinishedAt.
    const ticks = new Map<number, number>();
    const watchTicks = async () => {
      const job = await mongoose.connection.db!.collection(JOBS_COLLECTION).findOne({ name: SCHEDULER_TICK_JOB });
      const ran = job?.lastRunAt as Date | undefined;
      const finished = job?.lastFinishedAt as Date | undefined;
      if (ran && finished && finished >= ran && ran.getTime() >= t0) ticks.set(ran.getTime(), finished.getTime() - ran.getTime());
    };
    const watching = (async () => {
      while (Date.now() < loadEnds) {
        await Promise.all([watchSchedules(), watchTicks()]).catch(() => undefined);
        await sleep(5_000);
      }
    })();

    // Onboarding: settings saved in the setup guide, then "Sync now" of products, all at once.
    const onboarding = byRole('onboarding');
    const onboardRuns = await Promise.all(
      onboarding.map(async (t) => {
        await request(config.appUrl).put('/api/settings').set('authorization', `Bearer ${t.session}`).send(settings);
        return runFlow(t, 'products');
      }),
    );
    // Steady stores: an order every 6 s each; probes: an order a minute each, and a Zoho stock adjustment a minute each, half a minute later.
    const probeOrders: ReturnType<typeof place>[] = [];
    let steadyOrders = 0;
    const every = (ms: number, offset: number, fn: () => void) => {
      timers.push(
        setTimeout(() => {
          if (Date.now() >= loadEnds) return;
          fn();
          const timer = setInterval(() => (Date.now() < loadEnds ? fn() : clearInterval(timer)), ms);
          timers.push(timer);
        }, offset),
      );
    };
    for (const t of byRole('steady')) {
      let n = 0;
      every(6_000, (t.index * 6_000) / sizes.steady, () => (place(t, buyer(t, n++)), steadyOrders++));
    }
    const probes = byRole('probe');
    const stockEvents: { t: Tenant; adjustmentId: string }[] = [];
    const panel: { path: string; ms: number; status: number }[] = [];
    for (const t of probes) {
      let n = 0;
      const offset = (t.index * 60_000) / probes.length;
      every(60_000, offset, () => probeOrders.push(place(t, buyer(t, n++))));
      const items = [...t.org.items.values()];
      every(60_000, offset + 30_000, () => {
        const item = items[n % items.length]!;
        const adjustment = createAdjustment(t.org, { date: t.org.today(), reason: 'Recount', adjustment_type: 'quantity', line_items: [{ item_id: item.item_id, quantity_adjusted: -1 }] });
        stockEvents.push({ t, adjustmentId: adjustment.inventory_adjustment_id });
        t.org.emit('inventory_adjustment', 'create', serializeAdjustment(t.org, adjustment));
      });
      let p = 0;
      every(PANEL_EVERY_MS, (t.index * PANEL_EVERY_MS) / probes.length, () => {
        const path = PANEL_PATHS[p++ % PANEL_PATHS.length]!;
        const started = performance.now();
        void web(path, t.session).then(
          (res) => panel.push({ path, ms: performance.now() - started, status: res.status }),
          () => panel.push({ path, ms: performance.now() - started, status: 0 }),
        );
      });
    }
    let minute = 0;
    while (Date.now() < loadEnds) {
      await sleep(Math.min(60_000, loadEnds - Date.now()));
      minute++;
      const done = (await SyncRun.find({ _id: { $in: onboardRuns } }, { status: 1 }).lean()).filter((r) => r.status === 'succeeded').length;
      console.log(`  minute ${minute}: ${probeOrders.length} probe orders (${probeOrders.filter((o) => invoiced(o)).length} invoiced), ${steadyOrders} steady orders, ${stockEvents.length} stock events, ${panel.length} panel reads, onboarding ${done}/${onboarding.length} done`);
    }
    await watching;
    for (const timer of timers) clearTimeout(timer);
    await waitInvoices(probeOrders, 2 * 60_000);
    const loadEnded = Date.now();
    await sleep(6_000); // the processes' last STATS lines

    // --- Figures.
    const probe = await orderLatencies(probeOrders, loadEnded);
    const stockLatencies: number[] = [];
    let stockMissed = 0;
    const adjReceipts = await WebhookReceipt.find({ source: 'zoho', topic: 'inventory_adjustment', storeHash: { $in: probes.map((t) => t.hash) } }, { storeHash: 1, resourceId: 1, receivedAt: 1 }).lean();
    const adjReceivedAt = new Map(adjReceipts.map((r) => [`${r.storeHash}:${r.resourceId}`, r.receivedAt.getTime()]));
    const productIds = new Map<string, Map<string, number>>();
    for (const t of probes) productIds.set(t.hash, new Map([...t.store.products.values()].map((p) => [p.sku, p.id])));
    for (const { t, adjustmentId } of stockEvents) {
      const at = adjReceivedAt.get(`${t.hash}:${adjustmentId}`);
      const sku = t.org.items.get(t.org.adjustments.get(adjustmentId)!.line_items[0]!.item_id)!.sku;
      const product = productIds.get(t.hash)!.get(sku ?? '');
      const write = at === undefined || product === undefined ? undefined : stockWrites.find((w) => w.hash === t.hash && w.at >= at && w.products.has(product));
      if (write) stockLatencies.push(write.at - at!);
      else {
        // Not written by the end: waiting until then at least (from the receipt, or from the event when none was recorded).
        stockMissed++;
        if (at !== undefined) stockLatencies.push(loadEnded - at);
      }
    }
    const delays: number[] = [];
    let notStarted = 0;
    for (const run of await SyncRun.find({ trigger: { $in: ['schedule', 'reconcile'] }, queuedAt: { $gte: new Date(t0) } }, { storeHash: 1, flow: 1, trigger: 1, queuedAt: 1, startedAt: 1 }).lean()) {
      const task = run.trigger === 'reconcile' ? 'reconcile' : run.flow;
      const due = Math.max(...[...(dueSeen.get(`${run.storeHash}:${task}`) ?? [])].filter((d) => d <= run.queuedAt.getTime()));
      if (!Number.isFinite(due)) continue;
      if (!run.startedAt) notStarted++;
      delays.push((run.startedAt?.getTime() ?? loadEnded) - due);
    }
    const onboardDone = await SyncRun.find({ _id: { $in: onboardRuns } }, { status: 1, startedAt: 1, finishedAt: 1 }).lean();
    const panelOk = panel.filter((r) => r.status === 200).map((r) => r.ms);
    const tickMs = [...ticks.values()];
    const hours = windowMs / 3_600_000;
    const commandsInWindow = [...stats].reduce((n, [pid, s]) => n + sum(s.commands) - (commandsAtStart.get(pid) ?? 0), 0);
    const timingLoad = timingBetween(timingLoadStart, timingOf(stats));
    const byCommand: Record<string, number> = {};
    for (const s of stats.values()) for (const [name, n] of Object.entries(s.commands)) byCommand[name] = (byCommand[name] ?? 0) + n;
    const ratio = quantile(probe.ms, 0.95) / quantile(single.ms, 0.95);

    const figures = {
      tenants: TENANTS,
      minutes: MINUTES,
      database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB',
      groups: sizes,
      singleStore: { orders: single.ms.length, p50: quantile(single.ms, 0.5), p95: quantile(single.ms, 0.95) },
      probeOrders: { orders: probeOrders.length, notInvoiced: probe.missing, p50: quantile(probe.ms, 0.5), p95: quantile(probe.ms, 0.95), max: quantile(probe.ms, 1) },
      steadyOrders,
      stock: { events: stockEvents.length, measured: stockLatencies.length, missed: stockMissed, p50: quantile(stockLatencies, 0.5), p95: quantile(stockLatencies, 0.95) },
      scheduledRuns: { runs: delays.length, notStarted, p50: quantile(delays, 0.5), p95: quantile(delays, 0.95), max: quantile(delays, 1) },
      onboarding: onboardDone.map((r) => ({ status: r.status, seconds: r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : undefined })),
      tick: { ticks: tickMs.length, p50: quantile(tickMs, 0.5), p95: quantile(tickMs, 0.95), max: quantile(tickMs, 1) },
      database_ops: { inWindow: commandsInWindow, perStorePerHour: commandsInWindow / TENANTS / hours, byCommandSinceStart: byCommand },
      panel: { reads: panel.length, failed: panel.length - panelOk.length, p50: quantile(panelOk, 0.5), p95: quantile(panelOk, 0.95), max: quantile(panelOk, 1) },
      peakRss: { bench: peakBenchRss, processes: [...stats.values()].map((s) => ({ role: s.role, pid: s.pid, peakRss: s.peakRss })) },
      // Share of one core each process used during the window (STATS come every 5 s: ±5 s of CPU time).
      cpu: [
        ...[...stats.values()].map((s) => ({ role: s.role, pid: s.pid, coreShare: (s.cpuMs - (cpuAtStart.get(s.pid) ?? 0)) / (loadEnded - t0) })),
        ...(dbProcess ? [{ role: 'embedded database', pid: 0, coreShare: (dbProcess.cpuMs() - dbCpuAtStart) / (Date.now() - t0) }] : []),
      ],
      databasePeakRss: dbProcess?.peakRss(),
      benchProcess: { coreShare: (cpuMs() - benchCpuAtStart) / (loadEnded - t0), loopDelayP99Ms: loopDelay.percentile(99) / 1e6 },
      machineLoad: { cores: 2, mean: loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length), max: Math.max(...loads) },
      ratio,
    };
    writeFileSync('bench-tenants.json', JSON.stringify(figures, null, 2));
    const f = figures;
    console.log(`\n${TENANTS} stores, ${MINUTES} min of load, ${f.database}; both simulators at real limits, 100 ms per call`);
    console.log(`probe orders (${f.probeOrders.orders}, ${f.probeOrders.notInvoiced} not invoiced 2 min after the window: counted as waiting until then): webhook → invoice p50 ${fx(f.probeOrders.p50)} ms, p95 ${fx(f.probeOrders.p95)} ms, max ${fx(f.probeOrders.max)} ms (single store alone: p50 ${fx(f.singleStore.p50)} ms, p95 ${fx(f.singleStore.p95)} ms)`);
    console.log(`  ${stages(probe)}`);
    console.log(`steady orders placed: ${steadyOrders}`);
    console.log(`stock event → BigCommerce (${f.stock.events} events, ${f.stock.missed} not written by the end: counted as waiting until then): p50 ${fx(f.stock.p50)} ms, p95 ${fx(f.stock.p95)} ms (target < 2,000 ms)`);
    console.log(`scheduled runs' start delay after nextRunAt (${f.scheduledRuns.runs} runs, ${f.scheduledRuns.notStarted} not started): p50 ${fx(f.scheduledRuns.p50 / 1000, 1)} s, p95 ${fx(f.scheduledRuns.p95 / 1000, 1)} s, max ${fx(f.scheduledRuns.max / 1000, 1)} s (target < 30 s)`);
    console.log(`scheduler tick (${f.tick.ticks} ticks): p50 ${fx(f.tick.p50)} ms, p95 ${fx(f.tick.p95)} ms, max ${fx(f.tick.max)} ms`);
    console.log(`onboarding first syncs (${ONBOARDING_ITEMS} items): ${f.onboarding.map((o) => `${o.status}${o.seconds ? ` ${o.seconds.toFixed(0)} s` : ''}`).join(', ')}`);
    console.log(`database commands: ${f.database_ops.inWindow} in the window = ${fx(f.database_ops.perStorePerHour)} per store per hour`);
    console.log(`  by command since start: ${Object.entries(byCommand).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const mean = (t: [number, number] | undefined) => (t && t[0] ? t[1] / t[0] : NaN);
    const busiest = [...timingLoad].sort((a, b) => b[1][1] - a[1][1]).slice(0, 10);
    console.log(`  answer time, the 10 costliest in the window (mean under load / alone, count under load): ${busiest.map(([key, t]) => `${key} ${fx(mean(t), 1)} / ${fx(mean(timingAlone.get(key)), 1)} ms ×${t[0]}`).join(', ')}`);
    console.log(`panel GET /api/* for probe stores (${f.panel.reads} reads, ${f.panel.failed} not 200): p50 ${fx(f.panel.p50, 1)} ms, p95 ${fx(f.panel.p95, 1)} ms, max ${fx(f.panel.max, 1)} ms (target < 100 ms)`);
    const slowest = PANEL_PATHS.map((path) => ({ path, p95: quantile(panel.filter((r) => r.path === path && r.status === 200).map((r) => r.ms), 0.95) })).sort((a, b) => b.p95 - a.p95);
    console.log(`  p95 by path: ${slowest.map((x) => `${x.path} ${fx(x.p95)} ms`).join(', ')}`);
    console.log(`peak RSS: ${f.peakRss.processes.map((p) => `${p.role} ${mb(p.peakRss)}`).join(', ')}; bench process (simulators, load) ${mb(f.peakRss.bench)}${f.databasePeakRss ? `; embedded database ${mb(f.databasePeakRss)}` : ''}`);
    console.log(`machine load average during the window: mean ${fx(f.machineLoad.mean, 1)}, max ${fx(f.machineLoad.max, 1)} (other work on the machine included)`);
    console.log(`CPU during the window (share of one core): ${f.cpu.map((c) => `${c.role} ${fx(c.coreShare * 100)} %`).join(', ')}, bench process ${fx(f.benchProcess.coreShare * 100)} % (its event loop's delay p99 ${fx(f.benchProcess.loopDelayP99Ms, 1)} ms: the simulators answer late by that much)`);
    void orgOf;
    console.log(`tenants: quiet-store order p95 = ${fx(ratio, 2)} × single-store`);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    clearInterval(rssTimer);
    loopDelay.disable();
    processes.killAll();
    process.off('exit', killChildren);
    await setupAgenda.stop();
    await bigcommerce.close();
    await zoho.close();
    await mongoose.disconnect();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
