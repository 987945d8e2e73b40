import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLock, RunRecord, Schedule, StockOrderMove, SyncRun, ZohoConnection, runLockId, stockOrderMoveId } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import { pruneHistory } from '../../server/sync/prune.js';
import { registerFlow } from '../../server/sync/registry.js';
import { requestRun } from '../../server/sync/runs.js';
import { runDueSchedules } from '../../server/sync/scheduler.js';
import { installedStoreSession, markZohoConnected } from '../support/sessions.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

let h: TestHarness;
let tokenA: string;
let tokenB: string;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const jobs = () => mongoose.connection.db!.collection('jobs');

beforeAll(async () => {
  h = await startTestHarness();
  tokenA = await installedStoreSession(h.ctx, 'enginea');
  tokenB = await installedStoreSession(h.ctx, 'engineb');
});
afterAll(async () => h?.close());

describe('settings', () => {
  it('answers the defaults for a store that never saved', async () => {
    const res = await request(h.app).get('/api/settings').set(auth(tokenA));
    expect(res.status).toBe(200);
    expect(res.body.products).toMatchObject({ enabled: true, schedule: { every: '1h' } });
    expect(res.body.pricelists.schedule).toEqual({ every: '6h' });
    expect(res.body.reconciliation.schedule).toEqual({ times: ['03:00'], timeZone: 'UTC' });
    expect(res.body.stock.method).toBe('scheduled');
    expect(res.body.history.keepRunsDays).toBe(90);
  });

  it('refuses invalid settings naming the field, and changes nothing', async () => {
    const current = (await request(h.app).get('/api/settings').set(auth(tokenA))).body;
    const bad = { ...current, products: { ...current.products, schedule: { times: ['25:00'], timeZone: 'UTC' } } };
    const res = await request(h.app).put('/api/settings').set(auth(tokenA)).send(bad);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toMatch(/^products\.schedule/);
    expect((await request(h.app).get('/api/settings').set(auth(tokenA))).body).toEqual(current);
    const badZone = await request(h.app).put('/api/settings').set(auth(tokenA)).send({ ...current, reconciliation: { enabled: true, schedule: { times: ['03:00'], timeZone: 'Mars/Olympus' } } });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.field).toMatch(/^reconciliation\.schedule/);
  });

  it('saves the whole object, keeps it per store, and schedules what it enables', async () => {
    // Schedules are a connected store's (schedules.lifecycle.test.ts).
    await markZohoConnected(h.ctx, 'enginea');
    const current = (await request(h.app).get('/api/settings').set(auth(tokenA))).body;
    const next = { ...current, products: { ...current.products, schedule: { times: ['06:30', '18:30'], timeZone: 'Europe/Berlin' } }, fulfilment: { ...current.fulfilment, enabled: false } };
    const res = await request(h.app).put('/api/settings').set(auth(tokenA)).send(next);
    expect(res.status).toBe(200);
    expect((await request(h.app).get('/api/settings').set(auth(tokenA))).body.products.schedule).toEqual({ times: ['06:30', '18:30'], timeZone: 'Europe/Berlin' });
    expect((await request(h.app).get('/api/settings').set(auth(tokenB))).body.products.schedule).toEqual({ every: '1h' });
    const tasks = (await Schedule.find({ storeHash: 'enginea' }).lean()).map((s) => s.task).sort();
    expect(tasks).toEqual(['orders', 'pricelists', 'products', 'reconcile', 'stock']);
  });
});

describe('POST /api/sync/:flow', () => {
  it('404 for an unknown flow, 409 while Zoho is not connected', async () => {
    expect((await request(h.app).post('/api/sync/nonsense').set(auth(tokenA))).status).toBe(404);
    const res = await request(h.app).post('/api/sync/products').set(auth(tokenB));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('zoho_not_connected');
  });

  it('refuses a preview of a flow that cannot preview (it would be a real sync), before anything runs', async () => {
    for (const flow of ['orders', 'contacts']) {
      const res = await request(h.app).post(`/api/sync/${flow}`).set(auth(tokenA)).send({ dryRun: true });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('preview_unsupported');
    }
    expect(await SyncRun.countDocuments({ storeHash: 'enginea', flow: { $in: ['orders', 'contacts'] } })).toBe(0);
  });

  it('starts one run per store and flow: concurrent requests join it', async () => {
    await markZohoConnected(h.ctx, 'enginea');
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(h.app).post('/api/sync/pricelists').set(auth(tokenA)).send({})));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await SyncRun.countDocuments({ storeHash: 'enginea', flow: 'pricelists' })).toBe(1);
    expect(await jobs().countDocuments({ name: 'sync.run', 'data.flow': 'pricelists', 'data.storeHash': 'enginea' })).toBe(1);
    const run = await request(h.app).get(`/api/runs/${[...ids][0]}`).set(auth(tokenA));
    expect(run.body.run).toMatchObject({ flow: 'pricelists', trigger: 'manual', status: 'queued' });
  });
});

describe('running a flow', () => {
  it('records counts and per-record outcomes, ends partial when some records failed, and frees the flow', async () => {
    registerFlow('contacts', async ({ reporter }) => {
      await reporter.record({ entity: 'contact', operation: 'create', zohoId: 'z1', sku: undefined, name: 'Ann' });
      await reporter.record({ entity: 'contact', operation: 'unchanged', zohoId: 'z2' });
      await reporter.record({ entity: 'contact', operation: 'conflict', zohoId: 'z3', reason: 'duplicate e-mail in Zoho' });
      reporter.addApiCalls('zoho', 3);
    });
    const { runId } = await requestRun(h.ctx, { storeHash: 'enginea', flow: 'contacts', trigger: 'manual' });
    await executeRun(h.ctx, runId);
    const run = (await request(h.app).get(`/api/runs/${runId}`).set(auth(tokenA))).body.run;
    expect(run).toMatchObject({ status: 'partial', counts: { created: 1, unchanged: 1, failed: 1 }, apiCalls: { zoho: 3 } });
    const records = (await request(h.app).get(`/api/runs/${runId}/records`).set(auth(tokenA))).body.records;
    expect(records.map((r: { operation: string; result: string }) => `${r.operation}:${r.result}`)).toEqual(['create:ok', 'conflict:conflict']);
    expect(await RunLock.findById(runLockId('enginea', 'contacts'))).toBeNull();
    // The flow is free again: the next request starts a new run.
    expect((await requestRun(h.ctx, { storeHash: 'enginea', flow: 'contacts', trigger: 'manual' })).joined).toBe(false);
  });

  it('records a flow that throws as failed, with the message', async () => {
    registerFlow('fulfilment', async () => {
      throw new Error('Zoho answered 500');
    });
    const { runId } = await requestRun(h.ctx, { storeHash: 'enginea', flow: 'fulfilment', trigger: 'manual' });
    await executeRun(h.ctx, runId);
    expect(await SyncRun.findById(runId).lean()).toMatchObject({ status: 'failed', message: 'Zoho answered 500' });
  });

  it('lets a new run take over the lock of a dead worker, once', async () => {
    const { runId: dead } = await requestRun(h.ctx, { storeHash: 'engineb', flow: 'stock', trigger: 'manual' });
    await RunLock.updateOne({ _id: runLockId('engineb', 'stock') }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    const results = await Promise.all(Array.from({ length: 5 }, () => requestRun(h.ctx, { storeHash: 'engineb', flow: 'stock', trigger: 'manual' })));
    expect(results.filter((r) => !r.joined)).toHaveLength(1);
    expect(new Set(results.map((r) => r.runId)).size).toBe(1);
    expect((await SyncRun.findById(dead).lean())?.status).toBe('failed');
  });

  it('never shows one store’s runs to another', async () => {
    const runs = (await request(h.app).get('/api/runs').set(auth(tokenB))).body.runs as { id: string; storeHash: string }[];
    expect(runs.every((r) => r.storeHash === 'engineb')).toBe(true);
    const aRun = await SyncRun.findOne({ storeHash: 'enginea' }).lean();
    expect((await request(h.app).get(`/api/runs/${aRun!._id}`).set(auth(tokenB))).status).toBe(404);
    expect((await request(h.app).get(`/api/runs/${aRun!._id}/records`).set(auth(tokenB))).status).toBe(404);
    const filtered = (await request(h.app).get('/api/runs?flow=contacts&status=partial').set(auth(tokenA))).body.runs;
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((r: { flow: string; status: string }) => r.flow === 'contacts' && r.status === 'partial')).toBe(true);
    expect((await request(h.app).get('/api/runs?flow=bogus').set(auth(tokenA))).status).toBe(400);
  });
});

describe('scheduler', () => {
  it('starts each due slot exactly once however many workers tick at the same moment', async () => {
    await SyncRun.deleteMany({});
    await RunLock.deleteMany({});
    const past = new Date(Date.now() - 60_000);
    await Schedule.updateMany({ storeHash: 'enginea' }, { $set: { nextRunAt: past } });
    const started = await Promise.all(Array.from({ length: 4 }, () => runDueSchedules(h.ctx)));
    // products, pricelists, stock, orders + the reconciliation of the same enabled flows
    // (fulfilment and contacts are disabled; each joins the run already queued for its flow)
    expect(started.reduce((a, b) => a + b, 0)).toBe(8);
    const runs = await SyncRun.find({ storeHash: 'enginea' }).lean();
    expect(runs.map((r) => r.flow).sort()).toEqual(['orders', 'pricelists', 'products', 'stock']);
    const rows = await Schedule.find({ storeHash: 'enginea' }).lean();
    expect(rows.every((r) => r.nextRunAt.getTime() > Date.now())).toBe(true);
  });

  it('passes over stores whose Zoho is not connected', async () => {
    await markZohoConnected(h.ctx, 'engineb');
    await request(h.app).put('/api/settings').set(auth(tokenB)).send({});
    // Its schedules stay while Zoho needs reconnecting; nothing runs until it is.
    await ZohoConnection.updateOne({ _id: 'engineb' }, { $set: { status: 'needs_reconnect' } });
    await Schedule.updateMany({ storeHash: 'engineb' }, { $set: { nextRunAt: new Date(Date.now() - 1_000) } });
    expect(await Schedule.countDocuments({ storeHash: 'engineb' })).toBeGreaterThan(0);
    const before = await SyncRun.countDocuments({ storeHash: 'engineb' });
    await runDueSchedules(h.ctx);
    expect(await SyncRun.countDocuments({ storeHash: 'engineb' })).toBe(before);
  });
});

describe('pruning', () => {
  it('deletes runs older than the store’s history setting, with their records', async () => {
    const old = new Date(Date.now() - 100 * 86_400_000);
    await SyncRun.create({ _id: 'old-run', storeHash: 'enginea', flow: 'products', trigger: 'manual', status: 'succeeded', queuedAt: old });
    await RunRecord.create({ _id: 'old-rec', runId: 'old-run', storeHash: 'enginea', entity: 'product', operation: 'create', result: 'ok', at: old });
    await SyncRun.create({ _id: 'young-run', storeHash: 'enginea', flow: 'products', trigger: 'manual', status: 'succeeded', queuedAt: new Date() });
    const pruned = await pruneHistory(h.ctx);
    expect(pruned.runs).toBe(1);
    expect(await SyncRun.findById('old-run')).toBeNull();
    expect(await RunRecord.findById('old-rec')).toBeNull();
    expect(await SyncRun.findById('young-run')).not.toBeNull();
  });

  it('keeps each store to its own history length, shorter or longer than the default', async () => {
    const { defaultSettings } = await import('../../server/settings/schema.js');
    const { StoreSettings } = await import('../../server/db/models/index.js');
    const keeping = (days: number) => {
      const values = defaultSettings();
      return { values: { ...values, history: { ...values.history, keepRunsDays: days } } };
    };
    await StoreSettings.updateOne({ _id: 'pruneshort' }, { $set: keeping(10) }, { upsert: true });
    await StoreSettings.updateOne({ _id: 'prunelong' }, { $set: keeping(365) }, { upsert: true });
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    const run = (_id: string, storeHash: string, queuedAt: Date, status: 'succeeded' | 'running' = 'succeeded') => SyncRun.create({ _id, storeHash, flow: 'products', trigger: 'manual', status, queuedAt });
    await run('short-old', 'pruneshort', daysAgo(20));
    await run('short-ancient', 'pruneshort', daysAgo(200));
    await run('short-young', 'pruneshort', daysAgo(5));
    await run('long-old', 'prunelong', daysAgo(200));
    await run('long-ancient', 'prunelong', daysAgo(400));
    await run('short-running', 'pruneshort', daysAgo(20), 'running');
    const pruned = await pruneHistory(h.ctx);
    expect(pruned.runs).toBe(3);
    const left = (await SyncRun.find({ storeHash: { $in: ['pruneshort', 'prunelong'] } }, { _id: 1 }).lean()).map((r) => r._id).sort();
    expect(left).toEqual(['long-old', 'short-running', 'short-young']);
  });
});

describe('pruning the stock ledger', () => {
  it('drops ledger rows of orders settled 90 days ago, and keeps any that still count pending units, however old', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    const move = (orderId: number, holds: boolean, modifiedAt: Date, inZoho?: boolean) =>
      StockOrderMove.create({ _id: stockOrderMoveId('pruneledger', orderId), storeHash: 'pruneledger', orderId, lines: [{ productId: 1, quantity: 2 }], holds, statusId: holds ? 11 : 5, modifiedAt, seenAt: modifiedAt, ...(inZoho ? { inZoho } : {}) });
    await move(1, true, daysAgo(120), true); // invoiced long ago
    await move(2, false, daysAgo(120)); // cancelled long ago
    await move(3, true, daysAgo(120)); // still not in Zoho: its units are pending
    await move(4, true, daysAgo(10), true); // invoiced recently: may still be cancelled
    await move(5, false, daysAgo(10)); // cancelled recently: may still be reinstated
    const pruned = await pruneHistory(h.ctx);
    expect(pruned.orderMoves).toBe(2);
    expect((await StockOrderMove.find({ storeHash: 'pruneledger' }, { orderId: 1 }).lean()).map((m) => m.orderId).sort()).toEqual([3, 4, 5]);
  });
});

describe('schedules within the Zoho budget', () => {
  it('stretches interval schedules that would not fit the plan’s daily calls, keeping room for orders', async () => {
    const { scheduleStretch } = await import('../../server/sync/budgetStretch.js');
    const { defaultSettings } = await import('../../server/settings/schema.js');
    const { ZohoConnection } = await import('../../server/db/models/index.js');
    await ZohoConnection.updateOne({ _id: 'enginea' }, { $set: { dailyBudget: 1000 } });
    const settings = defaultSettings();
    // Default schedules with nothing measured yet fit easily.
    expect(await scheduleStretch('enginea', settings)).toBe(1);
    // Products every 15 minutes at 20 Zoho calls a run: 1,920 calls a day against 700 usable.
    settings.products.schedule = { every: '15m' };
    settings.pricelists.enabled = settings.stock.enabled = settings.contacts.enabled = settings.fulfilment.enabled = false;
    await SyncRun.create({ _id: 'costly', storeHash: 'enginea', flow: 'products', trigger: 'schedule', status: 'succeeded', queuedAt: new Date(), apiCalls: { zoho: 20, bigcommerce: 0 } });
    expect(await scheduleStretch('enginea', settings)).toBeCloseTo(2.8, 1);
  });
});

describe('personal data after an uninstall', () => {
  it('erases customers’ names and e-mails once the store has been gone for the set days, keeping ids and amounts', async () => {
    const { erasePersonalData } = await import('../../server/sync/prune.js');
    const { Store, OrderSync, ContactClaim } = await import('../../server/db/models/index.js');
    const gone = new Date(Date.now() - 40 * 86_400_000);
    await Store.create({ _id: 'goneshop', status: 'uninstalled', installedAt: gone, uninstalledAt: gone });
    await Store.create({ _id: 'recentgone', status: 'uninstalled', installedAt: gone, uninstalledAt: new Date() });
    for (const storeHash of ['goneshop', 'recentgone']) {
      await OrderSync.collection.insertOne({ _id: `${storeHash}:1` as never, storeHash, orderId: 1, email: 'ann@example.com', customerName: 'Ann', amounts: { total: 12 } });
      await ContactClaim.collection.insertOne({ _id: `${storeHash}:ann@example.com` as never, storeHash, email: 'ann@example.com' });
      await RunRecord.create({ _id: `${storeHash}-rec`, runId: 'r', storeHash, entity: 'order', operation: 'create', result: 'ok', name: 'ann@example.com', at: new Date() });
    }
    expect(await erasePersonalData(h.ctx)).toEqual(['goneshop']);
    const order = await OrderSync.collection.findOne({ _id: 'goneshop:1' as never });
    expect(order).toMatchObject({ orderId: 1, amounts: { total: 12 } });
    expect(order).not.toHaveProperty('email');
    expect(order).not.toHaveProperty('customerName');
    expect(await ContactClaim.countDocuments({ storeHash: 'goneshop' })).toBe(0);
    expect((await RunRecord.findById('goneshop-rec').lean())?.name).toBeUndefined();
    // The store uninstalled today keeps its data for now, and a second pass changes nothing.
    expect((await OrderSync.collection.findOne({ _id: 'recentgone:1' as never }))?.email).toBe('ann@example.com');
    expect(await erasePersonalData(h.ctx)).toEqual([]);
  });
});
