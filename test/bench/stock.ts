import { startBenchSimulators } from './simulators.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import type { AppContext } from '../../server/context.js';
import { connectMongoose } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { Link, StockDirty, StockFlush, SyncRun, WebhookReceipt, linkId } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { DatabaseWakeups } from '../../server/jobs/wakeups.js';
import { defineJobs } from '../../server/jobs/definitions.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { markZohoStockEvent } from '../../server/sync/stock/events.js';
import { createProduct } from '../../sandbox/bigcommerce/catalog.js';
import type { RunningSimulator } from '../../sandbox/bigcommerce/simulator.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createAdjustment, serializeAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import type { RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { installedStoreSession } from '../support/sessions.js';
import { connectThroughPanel } from '../support/zohoConnect.js';

/**
 * Stock at scale, both simulators over HTTP with the platforms' real limits (BigCommerce
 * Standard: 150 calls per 30 s; Zoho Professional: 100 a minute, 10 at once) and 100 ms added
 * to every call:
 * - real time: 1,000 Zoho adjustment webhooks over 200 items, 10 a second, through the intake,
 *   the worker's jobs and the coalesced flushes; latency from webhook received to BigCommerce
 *   adjustment sent (p50 / p95 / p99), calls per event, calls refused for rate;
 * - scheduled: a run over 10,000 items after 1 % of them changed, and the calls it used.
 * A web process and a worker share the database, as with ROLE=web and ROLE=worker (the web
 * process's jobs wake the worker through the database); `BENCH_NOTIFY=1` runs both roles in one
 * process (ROLE=all).
 *
 * Two paths for the real-time part: `intake` is the app as it is (Zoho's workflow webhook POSTed
 * over HTTP to the app's route → the intake records it and marks the record for the store's next
 * flush → the flush job → the BigCommerce write); `direct` marks the record without the HTTP
 * request and the receipt, which is what the stock flow itself costs. `BENCH_PATHS=direct,intake`
 * picks. `whereTheTimeGoes` splits each event's latency (p50 / p95 ms per stage, from the flush
 * claims seen on the wire): what was left of the window when it was marked, from the window's end
 * until a flush took the claim (the worker's wake-up or poll, the writer another flush holds), and the flush
 * itself (Zoho read, BigCommerce write). `BENCH_PROFILE=1` adds the database time by command and
 * collection.
 */
const LATENCY_MS = 100;
/** The stock flush claims seen on the wire: made (claimedAt), due, and taken by a flush (deleted). */
const claims: { claimedAt: number; dueAt: number; takenAt?: number }[] = [];
/** BENCH_PROFILE: database time by command and collection since the last print. */
const databaseTime = new Map<string, { count: number; ms: number }>();
function watchCommands() {
  const client = mongoose.connection.getClient();
  const started = new Map<number, { key: string; takes?: number }>();
  client.on('commandStarted', (e) => {
    const collection = String((e.command as Record<string, unknown>)[e.commandName]);
    const command = e.command as { documents?: { claimedAt?: Date; dueAt?: Date }[]; deletes?: { q?: { claimedAt?: Date } }[] };
    if (collection === 'stockFlushes' && e.commandName === 'insert' && command.documents?.[0]?.dueAt) {
      claims.push({ claimedAt: command.documents[0].claimedAt!.getTime(), dueAt: command.documents[0].dueAt.getTime() });
    }
    const takes = collection === 'stockFlushes' && e.commandName === 'delete' ? command.deletes?.[0]?.q?.claimedAt?.getTime() : undefined;
    started.set(e.requestId, { key: `${e.commandName} ${collection}`, takes });
  });
  client.on('commandSucceeded', (e) => {
    const command = started.get(e.requestId);
    started.delete(e.requestId);
    if (command?.takes !== undefined && (e.reply as { n?: number }).n === 1) {
      const claim = claims.find((c) => c.claimedAt === command.takes && c.takenAt === undefined);
      if (claim) claim.takenAt = Date.now();
    }
    if (!process.env.BENCH_PROFILE) return;
    const key = command?.key ?? e.commandName;
    const total = databaseTime.get(key) ?? { count: 0, ms: 0 };
    databaseTime.set(key, { count: total.count + 1, ms: total.ms + e.duration });
  });
  client.on('commandFailed', (e) => started.delete(e.requestId));
}

function printDatabaseTime(label: string) {
  if (!process.env.BENCH_PROFILE) return;
  const rows = [...databaseTime].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  console.log(`database time (${label}):`);
  for (const [key, { count, ms }] of rows) console.log(`  ${key.padEnd(50)} ${String(count).padStart(6)} × ${(ms / count).toFixed(1).padStart(7)} ms = ${Math.round(ms)} ms`);
  databaseTime.clear();
}

interface World {
  ctx: AppContext;
  bigcommerce: RunningSimulator;
  zoho: RunningZohoSimulator;
  store: SimStore;
  org: ZohoOrg;
  session: string;
  close(): Promise<void>;
}

async function world(storeHash: string, items: number): Promise<World> {
  const { bigcommerce, zoho, config } = await startBenchSimulators();
  const store = bigcommerce.state.addStore(storeHash, { accessToken: 'bc-token' });
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: { enqueue: async () => {}, cancelStoreJobs: async () => 0 } };
  const org = zoho.state.addOrganization({ name: `Bench ${storeHash}`, dataCenter: 'us', plan: 'professional' });
  zoho.state.addUser({ email: `${storeHash}@example.com`, dataCenter: 'us', organizationIds: [org.id] });
  const session = await installedStoreSession(ctx, storeHash);
  await connectThroughPanel(createApp(ctx), zoho, session, org.id, `${storeHash}@example.com`);

  // The catalogue on both sides, linked as the products flow would have linked it (setup, not measured).
  const links = [];
  for (let i = 0; i < items; i++) {
    const sku = `S-${i}`;
    const item = createItem(org, { name: `Item ${i}`, sku, rate: 10, initial_stock: 1_000 });
    const product = createProduct(bigcommerce.state, store, { name: `Item ${i}`, sku, type: 'physical', weight: 1, price: 10, inventory_tracking: 'product' });
    links.push({ _id: linkId(storeHash, 'product', item.item_id), storeHash, entity: 'product', zohoId: item.item_id, bigcommerceId: String(product.id), sku, hash: 'bench', hidden: false });
  }
  for (let i = 0; i < links.length; i += 500) await Link.insertMany(links.slice(i, i + 500));
  bigcommerce.faults.set({ latencyMs: LATENCY_MS });
  zoho.faults.set({ latencyMs: LATENCY_MS });
  return {
    ctx,
    bigcommerce,
    zoho,
    store,
    org,
    session,
    async close() {
      await bigcommerce.close();
      await zoho.close();
    },
  };
}

async function syncStock(ctx: AppContext, storeHash: string) {
  const { runId } = await requestRun(ctx, { storeHash, flow: 'stock', trigger: 'manual' });
  await executeRun(ctx, runId);
  const run = (await SyncRun.findById(runId).lean())!;
  if (run.status !== 'succeeded') throw new Error(`stock run ended ${run.status}: ${run.message}`);
  return run;
}

const zohoApiCalls = (org: ZohoOrg) => org.usage.calls;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function benchRealtime(path: 'intake' | 'direct', events: number, items: number, perSecond: number) {
  const hash = `benchrt${path}`;
  const w = await world(hash, items);
  await syncStock(w.ctx, hash);
  const settings = defaultSettings();
  // BENCH_STOCK_METHOD=twoway: each flush also reads BigCommerce's orders onto the ledger (orderMoves.ts).
  const method = process.env.BENCH_STOCK_METHOD === 'twoway' ? 'twoway' : 'oneway';
  await saveSettings(hash, { ...settings, stock: { ...settings.stock, method } });

  // A web process and a worker, as with ROLE=web and ROLE=worker, wired as server/start.ts wires
  // them: the web process's jobs wake the worker through the database (server/jobs/wakeups.ts).
  // BENCH_NOTIFY=1: one process with both roles.
  const worker = createAgenda(mongoose.connection.db!, { name: 'bench-worker' });
  worker.notifyVia(new DatabaseWakeups(mongoose.connection.db!));
  await worker.ready;
  const webWakeups = process.env.BENCH_NOTIFY ? undefined : new DatabaseWakeups(mongoose.connection.db!);
  const web = webWakeups ? createAgenda(mongoose.connection.db!, { name: 'bench-web' }) : worker;
  if (webWakeups) {
    web.notifyVia(webWakeups);
    await webWakeups.connect();
  }
  await web.ready;
  defineJobs(worker, { ...w.ctx, jobs: agendaJobQueue(worker) });
  const ctx: AppContext = { ...w.ctx, jobs: agendaJobQueue(web) };
  const server: Server = await new Promise((resolve) => {
    const s = createApp(ctx).listen(0, '127.0.0.1', () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const setup = (await request(createApp(ctx)).get('/api/zoho/webhook').set('authorization', `Bearer ${w.session}`)).body as {
    url: string;
    headers: Record<string, string>;
    bodies: Record<string, Record<string, string>>;
  };
  if (path === 'intake') {
    w.zoho.state.addWorkflowWebhook(w.org.id, { module: 'inventory_adjustment', url: `${appUrl}${new URL(setup.url).pathname}`, headers: setup.headers, body: setup.bodies.inventory_adjustment! });
  }
  await worker.start();

  // When each BigCommerce adjustment was sent (answered, minus the latency the simulator adds first), and for which products.
  const sent: { at: number; products: Set<number> }[] = [];
  w.bigcommerce.exchanges.add((e) => {
    // Absolute levels, and (two-way, levels the app wrote before) relative adjustments.
    if ((e.method === 'PUT' && e.path.endsWith('/inventory/adjustments/absolute')) || (e.method === 'POST' && e.path.endsWith('/inventory/adjustments/relative'))) {
      const items = (e.requestBody as { items?: { product_id?: number }[] }).items ?? [];
      sent.push({ at: Date.now() - LATENCY_MS, products: new Set(items.map((i) => i.product_id!)) });
    }
  });
  claims.length = 0;
  const itemIds = [...w.org.items.keys()];
  const productOf = new Map((await Link.find({ storeHash: hash }).lean()).map((l) => [l.zohoId, Number(l.bigcommerceId)]));
  const received: { at: number; adjustmentId: string; markedAt?: number }[] = [];
  const marking: Promise<unknown>[] = [];
  const zohoBefore = zohoApiCalls(w.org);
  const throttledBefore = w.org.usage.throttled;
  const bcBefore = w.store.totalCalls();
  const bcThrottledBefore = w.bigcommerce.rateLimit.rejected.get(hash) ?? 0;
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const started = Date.now();
  for (let i = 0; i < events; i++) {
    const wait = started + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const itemId = itemIds[Math.floor(random() * itemIds.length)]!;
    const adjustment = createAdjustment(w.org, { date: w.org.today(), reason: 'Sold in shop', adjustment_type: 'quantity', line_items: [{ item_id: itemId, quantity_adjusted: -1 }] });
    if (path === 'intake') w.org.emit('inventory_adjustment', 'create', serializeAdjustment(w.org, adjustment));
    else {
      const event: (typeof received)[number] = { at: Date.now(), adjustmentId: adjustment.inventory_adjustment_id };
      received.push(event);
      marking.push(markZohoStockEvent(ctx, hash, 'inventory_adjustment', adjustment.inventory_adjustment_id).then(() => (event.markedAt = Date.now())));
    }
  }
  await Promise.all(marking);
  const pendingJobs = () =>
    mongoose.connection.db!.collection('jobs').countDocuments({ name: { $in: ['zoho.event', 'stock.flush'] }, $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }] });
  const backlogAtBurstEnd = await pendingJobs();
  // Settled: every delivery made, every job run, no flush waiting.
  for (;;) {
    await w.zoho.deliveries.settle();
    const jobs = await pendingJobs();
    if (jobs + (await StockFlush.countDocuments({})) + (await StockDirty.countDocuments({})) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  await worker.stop();
  await webWakeups?.disconnect();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));

  if (path === 'intake') {
    // Received, and marked before the intake answered.
    for (const receipt of await WebhookReceipt.find({ storeHash: hash, topic: 'inventory_adjustment' }).lean()) {
      received.push({ at: receipt.receivedAt.getTime(), adjustmentId: receipt.resourceId! });
    }
  }
  const latencies: number[] = [];
  const stages: Record<string, number[]> = { windowLeft: [], windowEndToFlush: [], flush: [] };
  let missed = 0;
  for (const { at, adjustmentId, markedAt = at } of received) {
    const adjustment = w.org.adjustments.get(adjustmentId);
    const product = productOf.get(adjustment!.line_items[0]!.item_id)!;
    const write = sent.find((s) => s.at >= at && s.products.has(product));
    if (!write) {
      missed++;
      continue;
    }
    latencies.push(write.at - at);
    // The flush that wrote it took the last claim taken before the write (one writer per store).
    const claim = claims.filter((c) => c.takenAt !== undefined && c.takenAt <= write.at).at(-1);
    if (!claim) continue;
    const windowEnd = Math.max(claim.dueAt, markedAt);
    stages.windowLeft!.push(windowEnd - markedAt);
    stages.windowEndToFlush!.push(claim.takenAt! - windowEnd);
    stages.flush!.push(write.at - claim.takenAt!);
  }
  latencies.sort((a, b) => a - b);
  // Per stage, p50 / p95 in ms (each over the events it applies to; stages of one event add up to its latency).
  const whereTheTimeGoes = Object.fromEntries(
    Object.entries(stages)
      .filter(([, values]) => values.length > 0)
      .map(([stage, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [stage, `${percentile(sorted, 50)} / ${percentile(sorted, 95)}`];
      }),
  );
  const zohoCalls = zohoApiCalls(w.org) - zohoBefore;
  const bigcommerceCalls = w.store.totalCalls() - bcBefore;
  await w.close();
  return {
    path,
    method,
    events,
    items,
    perSecond,
    notifications: Boolean(process.env.BENCH_NOTIFY),
    seconds,
    jobsQueuedWhenTheBurstEnded: backlogAtBurstEnd,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    whereTheTimeGoes,
    missed,
    zohoCalls,
    zohoCallsPerEvent: zohoCalls / events,
    zohoRefusedForRate: w.org.usage.throttled - throttledBefore,
    bigcommerceCalls,
    bigcommerceWrites: sent.length,
    bigcommerceCallsPerEvent: bigcommerceCalls / events,
    bigcommerceRefusedForRate: (w.bigcommerce.rateLimit.rejected.get(hash) ?? 0) - bcThrottledBefore,
  };
}

async function benchScheduled(items: number, changedShare: number) {
  const w = await world('benchsched', items);
  const first = await syncStock(w.ctx, 'benchsched');
  const itemIds = [...w.org.items.keys()];
  const changed = Math.round(items * changedShare);
  for (let i = 0; i < changed; i++) {
    createAdjustment(w.org, { date: w.org.today(), reason: 'Recount', adjustment_type: 'quantity', line_items: [{ item_id: itemIds[(i * 97) % items]!, quantity_adjusted: -2 }] });
  }
  const zohoBefore = zohoApiCalls(w.org);
  const bcBefore = w.store.totalCalls();
  const started = Date.now();
  const second = await syncStock(w.ctx, 'benchsched');
  const result = {
    items,
    changed,
    firstRun: { updated: first.counts.updated, zohoCalls: first.apiCalls?.zoho, bigcommerceCalls: first.apiCalls?.bigcommerce },
    changedRun: {
      updated: second.counts.updated,
      seconds: (Date.now() - started) / 1000,
      zohoCalls: zohoApiCalls(w.org) - zohoBefore,
      zohoLowerBound: Math.ceil(items / 200),
      bigcommerceCalls: w.store.totalCalls() - bcBefore,
      bigcommerceLowerBound: Math.ceil(changed / 2000),
    },
  };
  await w.close();
  return result;
}

export async function benchStock(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-bench-stock-'));
  const db = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: 'benchstock' });
  const plainUri = process.env.MONGODB_URI ?? db!.uri;
  // Commands are monitored: the stock flush claims (when each was made, due and taken) and, with
  // BENCH_PROFILE=1, every command's time by collection, printed after each real-time path.
  const uri = `${plainUri}${plainUri.includes('?') ? '&' : '?'}monitorCommands=true`;
  await connectMongoose(uri);
  try {
    await mongoose.connection.dropDatabase();
    await connectMongoose(uri);
    watchCommands();
    const realtime = [];
    for (const path of (process.env.BENCH_PATHS ?? 'direct,intake').split(',').filter(Boolean) as ('direct' | 'intake')[]) {
      const events = Number(process.env.BENCH_EVENTS ?? 1000);
      realtime.push(await benchRealtime(path, events, 200, 10));
      console.log('real time:', JSON.stringify(realtime.at(-1), null, 2));
      printDatabaseTime(path);
    }
    const scheduled = await benchScheduled(Number(process.env.BENCH_ITEMS ?? 10_000), 0.01);
    console.log('scheduled:', JSON.stringify(scheduled, null, 2));
    writeFileSync('bench-stock.json', JSON.stringify({ realtime, scheduled }, null, 2));
    console.log('written to bench-stock.json');
  } finally {
    await mongoose.disconnect();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

