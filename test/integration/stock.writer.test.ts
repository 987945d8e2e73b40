import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StockDirty, StockFlush, SyncRun, stockDirtyId } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import { requestRun } from '../../server/sync/runs.js';
import { ensureFlush } from '../../server/sync/stock/coalesce.js';
import { flushStock } from '../../server/sync/stock/flush.js';
import { stockWriterOptions, takeStockWriter } from '../../server/sync/stock/writer.js';
import { adjustInZoho, bcLevel, startStockWorld, syncNow, updateStockSettings, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * One writer per store: real-time flushes and the scheduled run's writing phase hold the store's
 * stock-writer lease, so levels read at different times never overwrite a newer one.
 */
const STORE = 'stockwriter';
let w: StockWorld;
const listReads = () => w.org.usage.byRoute.get('GET /inventory/v1/items') ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  w = await startStockWorld(STORE);
  expect((await syncNow(w, 'products')).status).toBe('succeeded');
  expect((await syncNow(w, 'stock')).status).toBe('succeeded');
  await updateStockSettings(w, { method: 'oneway' });
});
afterAll(() => w?.close());
afterEach(() => {
  stockWriterOptions.pollMs = 1_000;
});

/** A Zoho item event the intake would have marked. */
async function markItem(itemId: string) {
  await StockDirty.updateOne(
    { _id: stockDirtyId(STORE, 'zoho', 'item', itemId) },
    { $setOnInsert: { storeHash: STORE, source: 'zoho', kind: 'item', recordId: itemId, firstMarkedAt: new Date() } },
    { upsert: true },
  );
}

describe('one writer per store', () => {
  it('a flush while another writer holds the store writes nothing and leaves its records marked; the panel says who writes', async () => {
    const mug = zohoItem(w.org, 'ZI-MUG-01');
    const before = bcLevel(w.store, { sku: 'ZI-MUG-01' });
    adjustInZoho(w, mug.item_id, -3);
    await markItem(mug.item_id);
    const held = (await takeStockWriter(STORE, 'run', 'run-123'))!;
    const status = await request(w.h.app).get('/api/stock/status').set({ authorization: `Bearer ${w.session}` });
    expect(status.body.writer).toMatchObject({ kind: 'run', runId: 'run-123' });

    expect(await flushStock(w.ctx, STORE)).toBeUndefined();
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(before);
    expect(await StockDirty.countDocuments({ storeHash: STORE })).toBe(1);

    await held.release();
    expect((await flushStock(w.ctx, STORE))?.written).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(before - 3);
    expect((await request(w.h.app).get('/api/stock/status').set({ authorization: `Bearer ${w.session}` })).body.writer).toBeNull();
  });

  it('a flush whose window closes while another flush writes waits for it, its claim kept for the events meanwhile, instead of coming back after the failure delay', async () => {
    const lid = zohoItem(w.org, 'ZI-MUG-01');
    const before = bcLevel(w.store, { sku: 'ZI-MUG-01' });
    const quiet = { ...w.ctx, jobs: { ...w.ctx.jobs, enqueue: async () => {} } };
    await StockFlush.deleteMany({ _id: STORE }); // the later flush the first test's left for its records
    adjustInZoho(w, lid.item_id, -2);
    await markItem(lid.item_id);
    expect(await ensureFlush(quiet, STORE, { delayMs: 0 })).toBe(true);
    const claim = (await StockFlush.findById(STORE).lean())!;
    const other = (await takeStockWriter(STORE, 'flush'))!;
    const flushing = flushStock(quiet, STORE, claim);
    await sleep(600);
    // Still the same claim: an event now joins this flush rather than claiming one 30 s away.
    expect((await StockFlush.findById(STORE).lean())?.claimedAt).toEqual(claim.claimedAt);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(before);
    await other.release();
    expect((await flushing)?.written).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(before - 2);
    expect(await StockFlush.countDocuments({ _id: STORE })).toBe(0);
  });

  it('the scheduled run does not overwrite a level a flush wrote after the run had read Zoho', async () => {
    stockWriterOptions.pollMs = 1_500;
    const cap = zohoItem(w.org, 'ZI-CAP-01');
    const start = bcLevel(w.store, { sku: 'ZI-CAP-01' });
    // A flush is writing: the run reads, then waits for the writer.
    const flushHolding = (await takeStockWriter(STORE, 'flush'))!;
    const reads = listReads();
    const { runId } = await requestRun(w.ctx, { storeHash: STORE, flow: 'stock', trigger: 'manual' });
    const running = executeRun(w.ctx, runId);
    while (listReads() === reads) await sleep(20);
    // The run has read the old level. Zoho changes, and the flush writes the new one.
    await sleep(300);
    adjustInZoho(w, cap.item_id, -4);
    await markItem(cap.item_id);
    await flushHolding.release();
    expect((await flushStock(w.ctx, STORE))?.written).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(start - 4);

    await running;
    expect((await SyncRun.findById(runId).lean())?.status).toBe('succeeded');
    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(start - 4);
  });
});
