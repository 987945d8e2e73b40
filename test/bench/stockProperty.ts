import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { ensureWebhooks } from '../../server/bigcommerce/webhooks.js';
import type { AppContext } from '../../server/context.js';
import { Link, OrderSync, RunRecord, StockFlush, StockLevel, StockOrderMove, SyncRun, ZohoConnection, linkId } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { ZOHO_ADJUSTMENT_REASON } from '../../server/sync/stock/twoWay.js';
import { createProduct } from '../../sandbox/bigcommerce/catalog.js';
import { takesStock, updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { freePort } from '../../sandbox/freePort.js';
import { createAdjustment, serializeAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { installedStoreSession } from '../support/sessions.js';
import { WorkerProcesses } from '../support/workerProcesses.js';
import { connectThroughPanel } from '../support/zohoConnect.js';
import { seededRandom } from '../../sandbox/common/random.js';
import { withBenchDatabase } from './benchDatabase.js';
import { startBenchSimulators } from './simulators.js';

/**
 * The stock invariant, as a property (issue 17): seeded random sequences of what moves stock —
 * Zoho adjustments (receipts, stocktakes) with their webhook, the merchant's edits in
 * BigCommerce, orders (paid; awaiting payment, then cancelled; held for a SKU Zoho lacks; stuck
 * behind Zoho's daily limit with only a draft sales order or none), returns (refunds, credited
 * in Zoho), scheduled stock runs and the flushes the events cause — through real webhooks to the
 * app's intake (this process) and two worker processes, in two-way mode. Once everything has
 * settled, for every linked item:
 *
 * - BigCommerce's level = Zoho's chosen quantity (available for sale) − the units Zoho has not
 *   moved yet (what BigCommerce's orders hold, less what Zoho's live invoices moved), never
 *   below 0; a level above it is `oversold`, one below it a problem too;
 * - Zoho changed by exactly the merchant's corrections (BigCommerce level after an edit − before
 *   it) and the invoiced orders, beside the test's own Zoho adjustments: the app's adjustments
 *   add up to the merchant's corrections. Units beyond them are `double_counts`, units short of
 *   them lost corrections.
 *
 * Each sequence runs on a fresh store and Zoho organization (seed = the run's seed + its index,
 * printed on failure: STOCK_SEED=<it> STOCK_SEQUENCES=1 replays its decisions; the processes'
 * timing is real). One harness and one pair of workers serve every sequence.
 */
const PLAN = 'professional' as const;
const ZOHO_WINDOW_MS = 10_000;
const ZOHO_PER_WINDOW = 2_000;
/** Work due further away than this is not waited for (a flush or an order deferred to the next day by Zoho's daily limit). */
const HORIZON_MS = 20_000;
const PROCESS_ENV = {
  ORDER_LEASE_MS: '10000',
  ORDER_RETRY_BASE_MS: '300',
  ORDER_RETRY_MAX_MS: '2000',
  LEASE_CLOCK_SKEW_MS: '1000',
  TEST_LOCK_LIFETIME_MS: '10000',
  TEST_PROCESS_EVERY_MS: '300',
  SHUTDOWN_GRACE_MS: '1000',
  STOCK_WINDOW_MS: '300',
  STOCK_RETRY_DELAY_MS: '1000',
  LOG_LEVEL: process.env.STOCK_LOG_LEVEL ?? 'silent',
  TEST_ZOHO_RUNTIME: JSON.stringify({
    perInterval: ZOHO_PER_WINDOW,
    intervalMs: ZOHO_WINDOW_MS,
    rateLimitPauseMs: 500,
    concurrencyPauseMs: 100,
    transientPauseMs: 100,
    requestTimeoutMs: 5_000,
    tokens: { pollMs: 50 },
    budget: { flushMs: 200 },
  }),
};

export interface StockPropertyOptions {
  sequences: number;
  seed: number;
  /** The database the processes share; the caller has mongoose connected to it. */
  dbUri: string;
  log?: (line: string) => void;
}

export interface StockPropertyResult {
  sequences: number;
  doubleCounts: number;
  oversold: number;
  seconds: number;
  seed: number;
  /** One line per violation, each naming its sequence's seed. */
  problems: string[];
  summary: string;
}

interface Item {
  sku: string;
  itemId: string;
  productId: number;
  /** Zoho's accounting stock when the sequence began. */
  initial: number;
  /** The test's own Zoho adjustments. */
  zohoEvents: number;
  /** The merchant's corrections in BigCommerce (level after − before, each edit). */
  merchant: number;
}

interface Placed {
  id: number;
  kind: 'paid' | 'awaiting' | 'held' | 'stuck';
  cancelled: boolean;
  /** A return is due once the order's payment exists in Zoho. */
  returnDue: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runStockProperty(options: StockPropertyOptions): Promise<StockPropertyResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const sims = await startBenchSimulators({ limits: { requestsPerMinute: ZOHO_PER_WINDOW, minuteWindowMs: ZOHO_WINDOW_MS } });
  const { bigcommerce, zoho } = sims;
  const limits = (daily: number) => zoho.state.setLimits({ requestsPerMinute: ZOHO_PER_WINDOW, minuteWindowMs: ZOHO_WINDOW_MS, dailyCalls: { [PLAN]: daily } });
  bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
  bigcommerce.deliveries.configure({ retryDelaysMs: [100, 250, 500, 1_000, 2_000] });
  zoho.deliveries.configure({ retryDelaysMs: [100, 250, 500, 1_000, 2_000] });

  // The web role in this process (webhooks are received here and queued); jobs run in two worker processes.
  const webPort = await freePort();
  const config = { ...sims.config, appUrl: `http://127.0.0.1:${webPort}` };
  const agenda = createAgenda(mongoose.connection.db!, { name: 'stock-property-web' });
  await agenda.ready;
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: agendaJobQueue(agenda) };
  const app = createApp(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(webPort, '127.0.0.1', () => resolve(s));
  });
  const processes = new WorkerProcesses({ ctx, dbUri: options.dbUri });
  const killChildren = () => processes.killAll();
  process.once('exit', killChildren);

  const problems: string[] = [];
  let doubleCounts = 0;
  let oversold = 0;
  let ran = 0;
  try {
    await Promise.all([processes.start(PROCESS_ENV), processes.start(PROCESS_ENV)]);
    for (let i = 0; i < options.sequences; i++) {
      const seed = options.seed + i;
      const t0 = Date.now();
      const found = await runSequence(seed, i);
      ran++;
      doubleCounts += found.doubleCounts;
      oversold += found.oversold;
      for (const p of found.problems) problems.push(`seed ${seed}: ${p}`);
      log(`  sequence ${i + 1}/${options.sequences} seed=${seed}: ${found.steps.join(' ')} → ${found.problems.length ? `FAILED (${found.problems.length})` : 'ok'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const p of found.problems) log(`    ${p}`);
    }
  } finally {
    processes.killAll();
    process.off('exit', killChildren);
    await agenda.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await bigcommerce.close();
    await zoho.close();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const summary = `stock-property: sequences=${ran} double_counts=${doubleCounts} oversold=${oversold} time=${seconds}s seed=${options.seed}`;
  return { sequences: ran, doubleCounts, oversold, seconds, seed: options.seed, problems, summary };

  async function runSequence(seed: number, index: number) {
    const rnd = seededRandom(seed);
    const between = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
    const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
    const hash = `sp${index}s${seed}`.toLowerCase().replace(/[^a-z0-9]/g, '');
    limits(1_000_000);

    // A fresh store and organization: three linked items and one product Zoho does not know.
    const store = bigcommerce.state.addStore(hash, { accessToken: 'bc-token' });
    bigcommerce.state.configureOrderInventoryEvents({ order: 'random', seed });
    const org = zoho.state.addOrganization({ name: `Property ${hash}`, dataCenter: 'us', plan: PLAN });
    const email = `${hash}@example.com`;
    zoho.state.addUser({ email, dataCenter: 'us', organizationIds: [org.id] });
    const session = await installedStoreSession(ctx, hash);
    await connectThroughPanel(app, zoho, session, org.id, email);
    // Orders placed in the same second as the connection are not "before it".
    await ZohoConnection.updateOne({ _id: hash }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
    const settings = defaultSettings();
    await saveSettings(hash, {
      ...settings,
      products: { ...settings.products, enabled: false },
      fulfilment: { ...settings.fulfilment, enabled: false },
      stock: { ...settings.stock, method: 'twoway' },
      orders: { ...settings.orders, creditNotes: true },
    });
    const items: Item[] = [];
    for (const name of ['A', 'B', 'C']) {
      const sku = `${hash}-${name}`.toUpperCase();
      const initial = between(4, 12);
      const item = createItem(org, { name: `Item ${name}`, sku, rate: 10, initial_stock: initial });
      const product = createProduct(bigcommerce.state, store, { name: `Item ${name}`, sku, type: 'physical', weight: 1, price: 10, inventory_tracking: 'product' });
      await Link.create({ _id: linkId(hash, 'product', item.item_id), storeHash: hash, entity: 'product', zohoId: item.item_id, bigcommerceId: String(product.id), sku, hash: 'property', hidden: false });
      items.push({ sku, itemId: item.item_id, productId: product.id, initial, zohoEvents: 0, merchant: 0 });
    }
    const unknown = createProduct(bigcommerce.state, store, { name: 'Not in Zoho', sku: `${hash}-U`.toUpperCase(), type: 'physical', weight: 1, price: 10, inventory_tracking: 'product' });
    bigcommerce.state.setStock(store, { product_id: unknown.id }, 100);
    await ensureWebhooks(ctx, hash);
    const { runId } = await requestRun(ctx, { storeHash: hash, flow: 'stock', trigger: 'manual' });
    await executeRun(ctx, runId);
    const first = await SyncRun.findById(runId).lean();
    if (first?.status !== 'succeeded') throw new Error(`seed ${seed}: the first stock run ended ${first?.status}: ${first?.message}`);
    const setup = (await request(app).get('/api/zoho/webhook').set('authorization', `Bearer ${session}`)).body as {
      url: string;
      headers: Record<string, string>;
      bodies: Record<string, Record<string, string>>;
    };
    const rules = (['item', 'inventory_adjustment', 'salesorder', 'invoice'] as const).map((module) =>
      zoho.state.addWorkflowWebhook(org.id, { module, url: `${config.appUrl}${new URL(setup.url).pathname}`, headers: setup.headers, body: setup.bodies[module]! }),
    );

    const level = (item: Item) => store.stock.get(`${store.defaultLocationId}|product:${item.productId}`) ?? 0;
    const buyer = { first_name: 'Prop', last_name: hash, email: `buyer@${hash}.example.com`, street_1: '1 Test St', city: 'London', zip: 'N1 1AA', country: 'United Kingdom', country_iso2: 'GB' };
    const placed: Placed[] = [];
    const steps: string[] = [];
    if (process.env.STOCK_DEBUG) steps.push = (...entries: string[]) => Array.prototype.push.apply(steps, entries.map((e) => `${e}@${new Date().toISOString().slice(11, 23)}`));
    const place = (kind: Placed['kind']): Placed | undefined => {
      const lines = [];
      for (const item of items) {
        if (rnd() < 0.5 || level(item) < 1) continue;
        lines.push({ product_id: item.productId, quantity: Math.min(level(item), between(1, 2)) });
      }
      if (lines.length === 0) {
        const item = items.find((i) => level(i) > 0);
        if (!item) return undefined;
        lines.push({ product_id: item.productId, quantity: 1 });
      }
      if (kind === 'held') lines.push({ product_id: unknown.id, quantity: 1 });
      const order = bigcommerce.state.placeOrder(store, { status_id: kind === 'awaiting' ? 7 : 11, billing_address: buyer, products: lines, payment_method: 'Credit Card' });
      const entry = { id: order.id, kind, cancelled: false, returnDue: false };
      placed.push(entry);
      steps.push(`${kind}#${order.id}(${lines.map((l) => `${l.product_id}x${l.quantity}`).join('+')})`);
      return entry;
    };
    const byRef = <T extends { reference_number: string }>(records: Iterable<T>, id: number) => [...records].filter((r) => r.reference_number === String(id));
    /** Returns wait for the order's payment (a refund needs one); cancellations are made at once. */
    const followUps = () => {
      for (const o of placed) {
        if (!o.returnDue || !byRef(org.payments.values(), o.id).length) continue;
        const order = store.orders.get(o.id)!;
        const line = order.products.find((p) => p.quantity_refunded < p.quantity)!;
        bigcommerce.state.refundOrder(store, o.id, { items: [{ order_product_id: line.id, quantity: 1 }] });
        o.returnDue = false;
      }
    };

    // The sequence: its steps, then (sometimes) Zoho's daily limit with orders stuck behind it.
    const count = between(5, 8);
    const stuck = rnd() < 0.3;
    const timer = setInterval(followUps, 50);
    try {
      for (let s = 0; s < count; s++) {
        const kind = pick(['zoho', 'zoho', 'merchant', 'merchant', 'paid', 'paid', 'awaiting', 'cancel', 'held', 'return', 'run'] as const);
        switch (kind) {
          case 'zoho': {
            const item = pick(items);
            const quantity = rnd() < 0.7 ? between(1, 6) : -between(1, 3);
            const adjustment = createAdjustment(org, {
              date: org.today(),
              reason: quantity > 0 ? 'Received' : 'Stocktake',
              adjustment_type: 'quantity',
              line_items: [{ item_id: item.itemId, quantity_adjusted: quantity }],
            });
            org.emit('inventory_adjustment', 'create', serializeAdjustment(org, adjustment));
            item.zohoEvents += quantity;
            steps.push(`zoho:${item.sku.slice(-1)}${quantity > 0 ? '+' : ''}${quantity}`);
            break;
          }
          case 'merchant': {
            const item = pick(items);
            const before = level(item);
            const after = Math.max(0, before + pick([-3, -2, -1, 1, 2, 3, 4]));
            if (after === before) break;
            bigcommerce.state.setStock(store, { product_id: item.productId }, after);
            item.merchant += after - before;
            steps.push(`merchant:${item.sku.slice(-1)}=${after}(${after - before > 0 ? '+' : ''}${after - before})`);
            break;
          }
          case 'paid':
          case 'awaiting':
          case 'held':
            place(kind);
            break;
          case 'cancel': {
            const open = placed.filter((o) => o.kind === 'awaiting' && !o.cancelled);
            if (!open.length) break;
            const o = pick(open);
            updateOrder(bigcommerce.state, store, store.orders.get(o.id)!, { status_id: 5 });
            o.cancelled = true;
            steps.push(`cancel#${o.id}`);
            break;
          }
          case 'return': {
            const paid = placed.filter((o) => o.kind === 'paid' && !o.returnDue && store.orders.get(o.id)!.products.some((p) => p.quantity_refunded < p.quantity));
            if (!paid.length) break;
            const o = pick(paid);
            o.returnDue = true;
            steps.push(`return#${o.id}`);
            break;
          }
          case 'run':
            await requestRun(ctx, { storeHash: hash, flow: 'stock', trigger: 'schedule' });
            steps.push('run');
            break;
        }
        await sleep(between(0, 300));
      }
      await settle(hash, () => placed.some((o) => o.returnDue));

      if (stuck) {
        // Zoho's daily limit is met right after the next order's sales order (a draft) is made:
        // its invoice, and everything after it, waits for the next day.
        const listener = (e: { method: string; path: string; status: number }) => {
          if (e.method === 'POST' && /\/salesorders$/.test(e.path) && e.status === 201) limits(0);
        };
        zoho.exchangeListeners.add(listener);
        try {
          const o = place('stuck');
          await until(() => Boolean(o && byRef(org.salesOrders.values(), o.id).length), 15_000);
          if (rnd() < 0.5) place('stuck');
          steps.push('daily-limit');
          await settle(hash, () => false);
        } finally {
          zoho.exchangeListeners.delete(listener);
        }
      }
    } finally {
      clearInterval(timer);
    }

    // The checks.
    const found = { doubleCounts: 0, oversold: 0, problems: [] as string[], steps };
    const liveInvoices = [...org.invoices.values()].filter((inv) => inv.status !== 'void');
    const appAdjustments = [...org.adjustments.values()].filter((a) => a.reason === ZOHO_ADJUSTMENT_REASON);
    for (const item of items) {
      const holding = placed.reduce((sum, o) => {
        const order = store.orders.get(o.id)!;
        if (!takesStock(order.status_id)) return sum;
        return sum + order.products.filter((p) => p.product_id === item.productId).reduce((s, p) => s + p.quantity, 0);
      }, 0);
      const invoiced = liveInvoices.reduce((sum, inv) => sum + inv.line_items.filter((l) => l.item_id === item.itemId).reduce((s, l) => s + l.quantity, 0), 0);
      const unmoved = holding - invoiced;
      const zohoQuantity = chosenQuantity(org, item.itemId);
      const expected = Math.max(0, Math.floor(zohoQuantity - unmoved));
      const bc = level(item);
      if (bc > expected) found.oversold += bc - expected;
      if (bc !== expected) found.problems.push(`${item.sku}: BigCommerce ${bc}, expected ${expected} (Zoho ${zohoQuantity} − ${unmoved} not moved yet: ${holding} held by orders, ${invoiced} invoiced)`);
      const adjusted = appAdjustments.reduce((sum, a) => sum + a.line_items.filter((l) => l.item_id === item.itemId).reduce((s, l) => s + l.quantity_adjusted, 0), 0);
      const accounting = [...org.locations.values()].reduce((sum, l) => sum + org.stock.cell(item.itemId, l.location_id).accounting, 0);
      const zohoChange = accounting - item.initial - item.zohoEvents;
      const wanted = item.merchant - invoiced;
      if (zohoChange !== wanted || adjusted !== item.merchant) {
        if (Math.abs(adjusted) > Math.abs(item.merchant) || Math.sign(adjusted) !== Math.sign(item.merchant)) found.doubleCounts += Math.abs(adjusted - item.merchant);
        found.problems.push(`${item.sku}: Zoho changed by ${zohoChange}, expected ${wanted} (merchant's corrections ${item.merchant}, the app adjusted ${adjusted}; ${invoiced} invoiced)`);
      }
    }
    if (found.problems.length && process.env.STOCK_DEBUG) {
      // What the app did, for the failure's report: its stock records, the ledger and the order movements it saw.
      const t = (d?: Date | null) => d?.toISOString().slice(11, 23);
      const records = await RunRecord.find({ storeHash: hash, entity: { $in: ['stock', 'stock-to-zoho'] }, operation: { $ne: 'unchanged' } }).sort({ at: 1 }).lean();
      for (const r of records) found.problems.push(`  debug ${t(r.at)} ${r.entity} ${r.operation} ${r.sku ?? r.zohoId ?? ''} ${r.reason ?? ''}`);
      for (const l of await StockLevel.find({ storeHash: hash }).lean()) found.problems.push(`  debug level ${l.sku} q=${l.quantity} moves=${l.orderMoves ?? 0} z=${l.zohoQuantity} at ${t(l.updatedAt)}`);
      for (const m of await StockOrderMove.find({ storeHash: hash }).lean()) found.problems.push(`  debug move order ${m.orderId} holds=${m.holds} status=${m.statusId} modified ${t(m.modifiedAt)} seen ${t(m.seenAt)}`);
      for (const o of store.orders.values()) found.problems.push(`  debug bc order ${o.id} status=${o.status_id} created ${new Date(o.dateCreated).toISOString().slice(11, 23)}`);
    }
    // The store is done with: its flows stop, so that it does not load the next sequences.
    await saveSettings(hash, { ...settings, products: { ...settings.products, enabled: false }, stock: { ...settings.stock, enabled: false }, orders: { ...settings.orders, enabled: false } });
    for (const hook of store.hooks.values()) hook.is_active = false;
    for (const rule of rules) zoho.state.removeWorkflowWebhook(rule.id);
    await forgetStore(hash);
    return found;
  }

  /**
   * Waits until every webhook was delivered and no job, flush or order is running or due within
   * HORIZON_MS (Zoho's daily limit defers work to the next day: that is not waited for), twice
   * in a row; `busy` adds the caller's own pending work.
   */
  async function settle(hash: string, busy: () => boolean): Promise<void> {
    const deadline = Date.now() + 90_000;
    const jobs = mongoose.connection.db!.collection('jobs');
    let quiet = 0;
    while (quiet < 2) {
      await Promise.all([bigcommerce.deliveries.settle(), zoho.deliveries.settle()]);
      const soon = new Date(Date.now() + HORIZON_MS);
      const left =
        (busy() ? 1 : 0) +
        (await jobs.countDocuments({ $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $ne: null, $lte: soon }, repeatInterval: null }] })) +
        (await StockFlush.countDocuments({ _id: hash, dueAt: { $lte: soon } })) +
        (await OrderSync.countDocuments({ storeHash: hash, $or: [{ leaseUntil: { $gt: new Date() } }, { status: 'waiting', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: soon } }] }] }));
      quiet = left === 0 ? quiet + 1 : 0;
      if (Date.now() > deadline) {
        const open = await jobs.find({ $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $ne: null, $lte: soon }, repeatInterval: null }] }).toArray();
        throw new Error(`store ${hash} not settled after 90 s: ${open.map((j) => `${String(j.name)} ${JSON.stringify(j.data)}`).join('; ')}`);
      }
      await sleep(quiet ? 300 : 100);
    }
  }
}

/**
 * Removes a finished sequence's store from the database (its rows, its jobs): on the embedded
 * database every query reads its whole collection, so rows left behind made each sequence slower
 * than the one before (10 s for the first, 30 s by the 70th).
 */
async function forgetStore(hash: string): Promise<void> {
  const db = mongoose.connection.db!;
  for (const collection of await db.collections()) {
    const filter = collection.collectionName === 'jobs' ? { 'data.storeHash': hash, lockedAt: null } : { $or: [{ storeHash: hash }, { _id: hash as never }, { _id: { $regex: `^${hash}:` } as never }] };
    await collection.deleteMany(filter);
  }
}

/** Zoho's available for sale (the default `stock.quantity`): the lower of accounting and physical stock, each less what is committed. */
function chosenQuantity(org: ZohoOrg, itemId: string): number {
  let available = 0;
  for (const location of org.locations.values()) {
    const c = org.stock.cell(itemId, location.location_id);
    available += Math.min(c.accounting - c.committedAccounting, c.physical - c.committedPhysical);
  }
  return available;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
}

/**
 * `npm run bench -- stock-property`: STOCK_SEQUENCES (default 100), STOCK_SEED (default: drawn),
 * STOCK_PARALLEL (default 1): that many bench processes, each with its own database, simulators
 * and two workers, share the sequences (seeds stay `STOCK_SEED + i`); one line sums them.
 */
export async function benchStockProperty(): Promise<void> {
  const sequences = Number(process.env.STOCK_SEQUENCES ?? 100);
  const seed = process.env.STOCK_SEED ? Number(process.env.STOCK_SEED) : Math.floor(Math.random() * 2 ** 30);
  const parallel = Math.max(1, Math.min(sequences, Number(process.env.STOCK_PARALLEL ?? 1)));
  console.log(`seed ${seed} (STOCK_SEED=${seed} replays it; sequence i uses seed ${seed}+i)`);
  if (parallel > 1) return benchInParallel(sequences, seed, parallel);
  await withBenchDatabase('stockprop', async (uri) => {
    const result = await runStockProperty({ sequences, seed, dbUri: uri, log: (line) => console.log(line) });
    for (const problem of result.problems) console.log(`  FAILED (${problem})`);
    if (result.problems.length) process.exitCode = 1;
    console.log(result.summary);
  });
}

async function benchInParallel(sequences: number, seed: number, parallel: number): Promise<void> {
  const started = Date.now();
  const share = Math.ceil(sequences / parallel);
  const parts = Array.from({ length: parallel }, (_, k) => ({ seed: seed + k * share, sequences: Math.min(share, sequences - k * share) })).filter((p) => p.sequences > 0);
  const results = await Promise.all(
    parts.map(
      (part, k) =>
        new Promise<{ code: number | null; summary?: string }>((resolve) => {
          const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./run.ts', import.meta.url)), 'stock-property'], {
            env: { ...process.env, STOCK_SEED: String(part.seed), STOCK_SEQUENCES: String(part.sequences), STOCK_PARALLEL: '1' },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let summary: string | undefined;
          createInterface({ input: child.stdout! }).on('line', (line) => {
            if (line.startsWith('stock-property:')) summary = line;
            else if (line.startsWith('  ')) console.log(`[${k + 1}] ${line.trimStart()}`);
          });
          child.on('exit', (code) => resolve({ code, summary }));
        }),
    ),
  );
  const sum = (key: string) => results.reduce((total, r) => total + Number(r.summary?.match(new RegExp(`${key}=(\\d+)`))?.[1] ?? 0), 0);
  if (results.some((r) => r.code !== 0 || !r.summary)) process.exitCode = 1;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`stock-property: sequences=${sum('sequences')} double_counts=${sum('double_counts')} oversold=${sum('oversold')} time=${seconds}s seed=${seed}`);
}
