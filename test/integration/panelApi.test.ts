import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAlerts, WEBHOOK_SILENCE_MS } from '../../server/api/alerts.js';
import { lastUtcDays } from '../../server/api/usage.js';
import {
  ApiUsage,
  Link,
  OrderSync,
  RunRecord,
  Schedule,
  Store,
  StoreSettings,
  SyncRun,
  WebhookReceipt,
  ZohoConnection,
  apiUsageId,
  linkId,
  orderSyncId,
  utcDay,
} from '../../server/db/models/index.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { ORDER_PROCESS_JOB } from '../../server/sync/orders/retryScheduler.js';
import { RUN_JOB } from '../../server/sync/runs.js';
import { installedStoreSession, markZohoConnected } from '../support/sessions.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * The panel's read side (usage, alerts, search, schedules) and run retry, through the real app
 * on the embedded database. Every store gets data its neighbour must never see.
 */
let h: TestHarness;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const jobs = () => mongoose.connection.db!.collection('jobs');
const DAY_MS = 86_400_000;

beforeAll(async () => {
  h = await startTestHarness();
});
afterAll(async () => h?.close());

async function addRun(storeHash: string, id: string, fields: Record<string, unknown> = {}) {
  await SyncRun.create({ _id: id, storeHash, flow: 'products', trigger: 'schedule', status: 'succeeded', queuedAt: new Date(), finishedAt: new Date(), ...fields });
}

async function addOrder(storeHash: string, orderId: number, fields: Record<string, unknown> = {}) {
  await OrderSync.create({ _id: orderSyncId(storeHash, orderId), storeHash, orderId, status: 'done', claimedAt: new Date(), ...fields });
}

describe('GET /api/usage', () => {
  it("reports the last seven days per platform against Zoho's daily budget, for the session's store only", async () => {
    const token = await installedStoreSession(h.ctx, 'usagea');
    await installedStoreSession(h.ctx, 'usageb');
    await markZohoConnected(h.ctx, 'usagea');
    await ZohoConnection.updateOne({ _id: 'usagea' }, { $set: { dailyBudget: 1000 } });
    const now = new Date();
    const today = utcDay(now);
    const threeDaysAgo = utcDay(new Date(now.getTime() - 3 * DAY_MS));
    await ApiUsage.insertMany([
      { _id: apiUsageId('usagea', 'zoho', today), storeHash: 'usagea', platform: 'zoho', day: today, calls: 120, throttled: 2 },
      { _id: apiUsageId('usagea', 'bigcommerce', today), storeHash: 'usagea', platform: 'bigcommerce', day: today, calls: 340, throttled: 5 },
      { _id: apiUsageId('usagea', 'zoho', threeDaysAgo), storeHash: 'usagea', platform: 'zoho', day: threeDaysAgo, calls: 77, throttled: 0 },
      // Older than the week: not reported.
      { _id: apiUsageId('usagea', 'zoho', '2001-01-01'), storeHash: 'usagea', platform: 'zoho', day: '2001-01-01', calls: 999, throttled: 0 },
      // The neighbour's calls today: never added in.
      { _id: apiUsageId('usageb', 'zoho', today), storeHash: 'usageb', platform: 'zoho', day: today, calls: 5000, throttled: 0 },
    ]);

    const res = await request(h.app).get('/api/usage').set(auth(token));
    expect(res.status).toBe(200);
    expect(res.body.today).toBe(today);
    const { zoho, bigcommerce } = res.body.platforms;
    expect(zoho.dailyBudget).toBe(1000);
    expect(zoho.today).toEqual({ day: today, calls: 120, throttled: 2 });
    expect(zoho.days.map((d: { day: string }) => d.day)).toEqual(lastUtcDays(now));
    expect(zoho.days.map((d: { calls: number }) => d.calls)).toEqual([0, 0, 0, 77, 0, 0, 120]);
    expect(bigcommerce.dailyBudget).toBeNull();
    expect(bigcommerce.today).toEqual({ day: today, calls: 340, throttled: 5 });
    expect(bigcommerce.days.reduce((sum: number, d: { calls: number }) => sum + d.calls, 0)).toBe(340);
  });

  it('answers zeros and no budget for a store that has made no calls and has no Zoho', async () => {
    const token = await installedStoreSession(h.ctx, 'usagec');
    const res = await request(h.app).get('/api/usage').set(auth(token));
    expect(res.body.platforms.zoho.dailyBudget).toBeNull();
    expect(res.body.platforms.zoho.days).toHaveLength(7);
    expect(res.body.platforms.zoho.days.every((d: { calls: number }) => d.calls === 0)).toBe(true);
  });

  it('needs a session', async () => {
    expect((await request(h.app).get('/api/usage')).status).toBe(401);
  });
});

describe('GET /api/alerts', () => {
  it('has nothing to say about a healthy store', async () => {
    const token = await installedStoreSession(h.ctx, 'calm');
    await markZohoConnected(h.ctx, 'calm');
    const res = await request(h.app).get('/api/alerts').set(auth(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ alerts: [] });
  });

  it('says Zoho needs reconnecting, with what Zoho said and since when', async () => {
    const token = await installedStoreSession(h.ctx, 'revoked');
    await markZohoConnected(h.ctx, 'revoked');
    const at = new Date('2026-03-01T10:00:00Z');
    await ZohoConnection.updateOne({ _id: 'revoked' }, { $set: { status: 'needs_reconnect', lastError: { code: 57, message: 'invalid_code', at } } });
    const { alerts } = (await request(h.app).get('/api/alerts').set(auth(token))).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'zoho_needs_reconnect', severity: 'error', since: at.toISOString() });
    expect(alerts[0].message).toContain('invalid_code');
  });

  it('warns at 80 % of the Zoho daily budget, and says when a spent budget resumes', async () => {
    const token = await installedStoreSession(h.ctx, 'spender');
    await markZohoConnected(h.ctx, 'spender');
    await ZohoConnection.updateOne({ _id: 'spender' }, { $set: { dailyBudget: 1000 } });
    const today = utcDay();
    await ApiUsage.create({ _id: apiUsageId('spender', 'zoho', today), storeHash: 'spender', platform: 'zoho', day: today, calls: 799 });
    expect((await request(h.app).get('/api/alerts').set(auth(token))).body.alerts).toEqual([]);

    await ApiUsage.updateOne({ _id: apiUsageId('spender', 'zoho', today) }, { $set: { calls: 800 } });
    const low = (await request(h.app).get('/api/alerts').set(auth(token))).body.alerts;
    expect(low).toEqual([expect.objectContaining({ kind: 'zoho_budget_low', severity: 'warning' })]);
    expect(low[0].message).toContain('800 of 1000');

    await ZohoConnection.updateOne({ _id: 'spender' }, { $set: { budgetExhaustedUntil: new Date(Date.now() + 3_600_000) } });
    const spent = (await request(h.app).get('/api/alerts').set(auth(token))).body.alerts;
    expect(spent.map((a: { kind: string }) => a.kind)).toEqual(['zoho_budget_exhausted']);

    // A limit met yesterday is over.
    await ZohoConnection.updateOne({ _id: 'spender' }, { $set: { budgetExhaustedUntil: new Date(Date.now() - 1000) } });
    expect((await request(h.app).get('/api/alerts').set(auth(token))).body.alerts.map((a: { kind: string }) => a.kind)).toEqual(['zoho_budget_low']);
  });

  it('notices Zoho webhooks gone silent for a day while stock is real time, and not while it is scheduled', async () => {
    const store = 'quiet';
    await installedStoreSession(h.ctx, store);
    await markZohoConnected(h.ctx, store);
    const connectedAt = new Date(Date.now() - 10 * DAY_MS);
    await ZohoConnection.updateOne({ _id: store }, { $set: { connectedAt } });
    const settings = defaultSettings();
    await StoreSettings.create({ _id: store, values: settings });
    const later = new Date(Date.now() + WEBHOOK_SILENCE_MS + 60_000);
    const kinds = async (now: Date) => (await readAlerts(store, now)).map((a) => a.kind);

    // Scheduled stock needs no webhooks.
    expect(await kinds(later)).toEqual([]);

    settings.stock.method = 'oneway';
    await StoreSettings.updateOne({ _id: store }, { $set: { values: settings } });
    // Just switched to real time: give Zoho's rules a day.
    expect(await kinds(new Date())).toEqual([]);
    expect(await kinds(later)).toEqual(['webhooks_silent']);

    // A Zoho delivery within the day keeps it quiet; the store's BigCommerce receipts do not count.
    await WebhookReceipt.create({ _id: `bigcommerce:${store}:1`, source: 'bigcommerce', storeHash: store, topic: 'store/product/updated', status: 'processed', receivedAt: later });
    expect(await kinds(later)).toEqual(['webhooks_silent']);
    await WebhookReceipt.create({ _id: `zoho:${store}:1`, source: 'zoho', storeHash: store, topic: 'item', status: 'processed', receivedAt: new Date(later.getTime() - 60_000) });
    expect(await kinds(later)).toEqual([]);
    const silent = (await readAlerts(store, new Date(later.getTime() + WEBHOOK_SILENCE_MS))).find((a) => a.kind === 'webhooks_silent');
    expect(silent?.since).toEqual(new Date(later.getTime() - 60_000));
  });

  it("reports BigCommerce webhooks that could not be registered, and the store's held and failing orders", async () => {
    const token = await installedStoreSession(h.ctx, 'troubled');
    const neighbour = await installedStoreSession(h.ctx, 'tidy');
    await markZohoConnected(h.ctx, 'troubled');
    await markZohoConnected(h.ctx, 'tidy');
    await Store.updateOne({ _id: 'troubled' }, { $set: { webhooksError: 'BigCommerce answered 403', webhooksCheckedAt: new Date() } });
    await addOrder('troubled', 101, { status: 'held', held: { reason: 'SKU MUG-9 is not in Zoho', skus: ['MUG-9'] } });
    await addOrder('troubled', 102, { status: 'held' });
    await addOrder('troubled', 103, { status: 'failed' });
    await addOrder('troubled', 104, { status: 'done' });
    await addOrder('tidy', 101, { status: 'held' });

    const { alerts } = (await request(h.app).get('/api/alerts').set(auth(token))).body;
    expect(alerts.map((a: { kind: string }) => a.kind).sort()).toEqual(['orders_held', 'webhooks_silent']);
    const held = alerts.find((a: { kind: string }) => a.kind === 'orders_held');
    expect(held).toMatchObject({ count: 3, severity: 'warning' });
    expect(held.message).toMatch(/2 held and 1 failing orders/);
    expect(alerts.find((a: { kind: string }) => a.kind === 'webhooks_silent')).toMatchObject({ platform: 'bigcommerce' });
    expect(alerts.find((a: { kind: string }) => a.kind === 'webhooks_silent').message).toContain('403');

    const other = (await request(h.app).get('/api/alerts').set(auth(neighbour))).body.alerts;
    expect(other).toEqual([expect.objectContaining({ kind: 'orders_held', count: 1 })]);
  });
});

describe('GET /api/search', () => {
  let token: string;
  beforeAll(async () => {
    token = await installedStoreSession(h.ctx, 'finder');
    await installedStoreSession(h.ctx, 'other');
    await Link.insertMany([
      { _id: linkId('finder', 'product', 'z1'), storeHash: 'finder', entity: 'product', zohoId: 'z1', bigcommerceId: '11', sku: 'TSHIRT-RED-M' },
      { _id: linkId('finder', 'product', 'z2'), storeHash: 'finder', entity: 'product', zohoId: 'z2', bigcommerceId: '12', sku: 'MUG', hidden: true },
      { _id: linkId('finder', 'product', 'z3'), storeHash: 'finder', entity: 'product', zohoId: 'z3', bigcommerceId: '13', sku: 'AXB' },
      { _id: linkId('other', 'product', 'z1'), storeHash: 'other', entity: 'product', zohoId: 'z1', bigcommerceId: '91', sku: 'TSHIRT-RED-M' },
    ]);
    await addRun('finder', 'finder-run', { status: 'partial' });
    await addRun('other', 'other-run');
    await RunRecord.insertMany([
      { _id: 'r1', runId: 'finder-run', storeHash: 'finder', entity: 'product', operation: 'fail', result: 'failed', sku: 'tshirt-red-m', name: 'T-shirt', reason: 'BigCommerce refused it', at: new Date() },
      { _id: 'r2', runId: 'finder-run', storeHash: 'finder', entity: 'product', operation: 'create', result: 'ok', sku: 'LAMP', name: 'Desk lamp', at: new Date() },
      { _id: 'r3', runId: 'other-run', storeHash: 'other', entity: 'product', operation: 'create', result: 'ok', sku: 'TSHIRT-RED-M', at: new Date() },
    ]);
    await addOrder('finder', 250, { status: 'held', email: 'ann@example.com', held: { reason: 'SKU GONE is not in Zoho' } });
    await addOrder('finder', 251, { status: 'done', email: 'bob@example.com', zoho: { salesorderNumber: 'BC-251', invoiceNumber: 'INV-000042' } });
    await addOrder('other', 250, { status: 'done', email: 'ann@example.com' });
  });

  const search = (q: string, as = token) => request(h.app).get('/api/search').query({ q }).set(auth(as));

  it('finds a SKU among linked products and run records, any case, in this store only', async () => {
    const res = await search('tshirt');
    expect(res.status).toBe(200);
    expect(res.body.products).toEqual([expect.objectContaining({ sku: 'TSHIRT-RED-M', bigcommerceId: '11', zohoId: 'z1', hidden: false })]);
    expect(res.body.records).toEqual([expect.objectContaining({ id: 'r1', runId: 'finder-run', flow: 'products', result: 'failed', reason: 'BigCommerce refused it' })]);
    expect(res.body.orders).toEqual([]);
  });

  it('finds records by product name too', async () => {
    expect((await search('desk')).body.records.map((r: { id: string }) => r.id)).toEqual(['r2']);
  });

  it('finds orders by number, Zoho document number or e-mail', async () => {
    const byNumber = (await search('#250')).body.orders;
    expect(byNumber).toEqual([expect.objectContaining({ orderId: 250, status: 'held', email: 'ann@example.com', reason: 'SKU GONE is not in Zoho' })]);
    expect((await search('ANN@')).body.orders.map((o: { orderId: number }) => o.orderId)).toEqual([250]);
    expect((await search('INV-000042')).body.orders).toEqual([expect.objectContaining({ orderId: 251, salesorderNumber: 'BC-251' })]);
  });

  it('takes the text literally, not as a pattern', async () => {
    expect((await search('A.B')).body.products).toEqual([]);
    expect((await search('.*')).body).toEqual({ products: [], orders: [], records: [] });
  });

  it('refuses an empty query', async () => {
    expect((await search('  ')).status).toBe(400);
    expect((await request(h.app).get('/api/search').set(auth(token))).status).toBe(400);
  });
});

describe('GET /api/schedules', () => {
  it("lists when the store's enabled flows run next", async () => {
    const token = await installedStoreSession(h.ctx, 'planner');
    const at = new Date('2030-01-01T03:00:00Z');
    await Schedule.insertMany([
      { _id: 'planner:products', storeHash: 'planner', task: 'products', spec: '{"every":"1h"}', nextRunAt: at },
      { _id: 'elsewhere:orders', storeHash: 'elsewhere', task: 'orders', spec: '{"every":"15m"}', nextRunAt: at },
    ]);
    const res = await request(h.app).get('/api/schedules').set(auth(token));
    expect(res.body).toEqual({ schedules: [{ task: 'products', nextRunAt: at.toISOString() }], waitingForSettings: [] });
  });
});

describe('POST /api/runs/:id/retry', () => {
  let token: string;
  beforeAll(async () => {
    token = await installedStoreSession(h.ctx, 'retrier');
    await installedStoreSession(h.ctx, 'bystander');
    await markZohoConnected(h.ctx, 'retrier');
  });
  const retry = (id: string) => request(h.app).post(`/api/runs/${id}/retry`).set(auth(token));

  it("does not retry another store's run, a run still going, or a run where nothing failed", async () => {
    await addRun('bystander', 'bystander-failed', { status: 'failed' });
    await addRun('retrier', 'retrier-running', { status: 'running', finishedAt: undefined });
    await addRun('retrier', 'retrier-clean', { status: 'succeeded' });
    expect((await retry('bystander-failed')).status).toBe(404);
    expect((await retry('no-such-run')).status).toBe(404);
    expect((await retry('retrier-running')).body.error.code).toBe('run_in_progress');
    expect((await retry('retrier-clean')).body.error.code).toBe('nothing_to_retry');
    expect(await SyncRun.countDocuments({ storeHash: { $in: ['retrier', 'bystander'] }, trigger: 'manual' })).toBe(0);
  });

  it('retries a products run that left failures by starting a new manual run of the flow', async () => {
    await addRun('retrier', 'retrier-partial', { status: 'succeeded', counts: { created: 3, failed: 2 } });
    const res = await retry('retrier-partial');
    expect(res.status).toBe(202);
    expect(res.body.joined).toBe(false);
    const run = await SyncRun.findById(res.body.id).lean();
    expect(run).toMatchObject({ storeHash: 'retrier', flow: 'products', trigger: 'manual', status: 'queued', dryRun: false });
    expect(await jobs().countDocuments({ name: RUN_JOB, 'data.runId': res.body.id })).toBe(1);
    // Retried again while that run is queued: it joins it instead of starting another.
    const again = await retry('retrier-partial');
    expect(again.body).toEqual({ id: res.body.id, joined: true });
  });

  it("retries each of an orders run's orders that is still held or failing, and nothing else", async () => {
    await addRun('retrier', 'orders-run', { flow: 'orders', status: 'partial', counts: { created: 1, failed: 3 } });
    await addOrder('retrier', 301, { status: 'held', lastRunId: 'orders-run' });
    await addOrder('retrier', 302, { status: 'failed', lastRunId: 'another-run' });
    await addOrder('retrier', 303, { status: 'done', lastRunId: 'orders-run' });
    await addOrder('retrier', 304, { status: 'held', lastRunId: 'another-run' });
    await addOrder('bystander', 301, { status: 'held', lastRunId: 'orders-run' });
    // 302 failed in this run (a later run touched it since); 303 failed here but is done by now.
    await RunRecord.insertMany([
      { _id: 'o302', runId: 'orders-run', storeHash: 'retrier', entity: 'order', operation: 'fail', result: 'failed', bigcommerceId: '302', at: new Date() },
      { _id: 'o303', runId: 'orders-run', storeHash: 'retrier', entity: 'order', operation: 'fail', result: 'failed', bigcommerceId: '303', at: new Date() },
    ]);
    const res = await retry('orders-run');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ orders: [301, 302] });
    const queued = await jobs().find({ name: ORDER_PROCESS_JOB, 'data.storeHash': { $in: ['retrier', 'bystander'] } }).toArray();
    expect(queued.map((j) => (j.data as { orderId: number }).orderId).sort()).toEqual([301, 302]);
  });

  it('refuses while Zoho is not connected', async () => {
    const t = await installedStoreSession(h.ctx, 'unlinked');
    await addRun('unlinked', 'unlinked-failed', { status: 'failed' });
    const res = await request(h.app).post('/api/runs/unlinked-failed/retry').set(auth(t));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('zoho_not_connected');
  });
});
