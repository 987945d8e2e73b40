import type { Job } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { StockDirty, StockFlush, SyncRun, WebhookReceipt, ZohoConnection, stockDirtyId } from '../../server/db/models/index.js';
import { sweepStockFlushes } from '../../server/sync/stock/flush.js';
import { zohoClientFor } from '../../server/zoho/client.js';
import { ZOHO_EVENT_JOB } from '../../server/zoho/webhookIntake.js';
import { configureStockRealtime } from '../../server/sync/stock/options.js';
import { createAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import { serializeItem } from '../../sandbox/zoho/api/items.js';
import { addZohoWorkflowRules, adjustInZoho, bcLevel, bcStockWrites, settle, startStockWorld, syncNow, updateStockSettings, zohoAvailable, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * One-way real time, end to end: a change in Zoho fires its workflow webhook over HTTP, the
 * intake marks the record (an item's event goes through a job, for the products flow too), and
 * one flush per window re-reads what changed and writes BigCommerce. Bursts coalesce: one write however many events.
 */
const STORE = 'stockone';
let w: StockWorld;
const zohoCalls = (route: string) => w.org.usage.byRoute.get(route) ?? 0;

beforeAll(async () => {
  w = await startStockWorld(STORE);
  expect((await syncNow(w, 'products')).status).toBe('succeeded');
  expect((await syncNow(w, 'stock')).status).toBe('succeeded');
  // A short window keeps the test quick; the coalescing is the same.
  configureStockRealtime({ baseWindowMs: 300 });
  await updateStockSettings(w, { method: 'oneway' });
  await addZohoWorkflowRules(w, ['item', 'inventory_adjustment']);
  await w.worker.start();
});
afterAll(async () => {
  configureStockRealtime();
  await w?.close();
});

describe('one-way real-time stock', () => {
  it('a stock adjustment made in Zoho reaches BigCommerce through its webhook, marked at the intake without a job of its own', async () => {
    const mug = zohoItem(w.org, 'ZI-MUG-01');
    const eventJobs: string[] = [];
    const started = (job: Job) => job.attrs.name === ZOHO_EVENT_JOB && eventJobs.push(String((job.attrs.data as { module?: string }).module));
    w.worker.on('start', started);
    adjustInZoho(w, mug.item_id, -6);
    await settle(w);
    w.worker.off('start', started);
    // Only the stock flow follows adjustments: the intake marks the record, so no `zoho.event` job waits for a poll first.
    expect(eventJobs).toEqual([]);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(44);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(zohoAvailable(w.org, 'ZI-MUG-01'));
    const receipts = await WebhookReceipt.find({ storeHash: STORE, topic: 'inventory_adjustment' }).lean();
    expect(receipts.map((r) => r.status)).toEqual(['processed']);
    const run = await SyncRun.findOne({ storeHash: STORE, flow: 'stock', trigger: 'webhook' }).lean();
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run!.counts.updated).toBeGreaterThanOrEqual(1);
  });

  it('fifty events for one item within a second make one BigCommerce write, with the last level', async () => {
    const bottle = zohoItem(w.org, 'ZI-BOTTLE-01');
    const writes = bcStockWrites(w.store);
    const adjustmentReads = zohoCalls('GET /inventory/v1/inventoryadjustments/:adjustment_id');
    for (let i = 0; i < 50; i++) adjustInZoho(w, bottle.item_id, -1);
    await settle(w);
    expect(await WebhookReceipt.countDocuments({ storeHash: STORE, topic: 'inventory_adjustment', status: 'processed' })).toBe(51);
    expect(bcStockWrites(w.store) - writes).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-BOTTLE-01' })).toBe(10); // 60 − 50
    expect(bcLevel(w.store, { sku: 'ZI-BOTTLE-01' })).toBe(zohoAvailable(w.org, 'ZI-BOTTLE-01'));
    // Fifty adjustments on a small catalogue: reading the item list is cheaper than reading each one.
    expect(zohoCalls('GET /inventory/v1/inventoryadjustments/:adjustment_id')).toBe(adjustmentReads);
  }, 60_000);

  it('an edited item is re-read with the others of its window through /itemdetails', async () => {
    const bottle = zohoItem(w.org, 'ZI-BOTTLE-01');
    const tshirt = zohoItem(w.org, 'ZI-TSHIRT-M');
    // Stock moved without an adjustment event (say, a rule that only covers items), then both items were edited.
    createAdjustment(w.org, { date: w.org.today(), reason: 'Found', adjustment_type: 'quantity', line_items: [{ item_id: bottle.item_id, quantity_adjusted: 4 }] });
    createAdjustment(w.org, { date: w.org.today(), reason: 'Found', adjustment_type: 'quantity', line_items: [{ item_id: tshirt.item_id, quantity_adjusted: 2 }] });
    const details = zohoCalls('GET /inventory/v1/itemdetails');
    const writes = bcStockWrites(w.store);
    for (const item of [bottle, tshirt]) {
      item.last_modified_time = w.org.now().replace('+0000', `.${item.item_id.slice(-3)}+0000`);
      w.org.emit('item', 'update', serializeItem(w.org, item));
    }
    await settle(w);
    expect(bcLevel(w.store, { sku: 'ZI-BOTTLE-01' })).toBe(zohoAvailable(w.org, 'ZI-BOTTLE-01'));
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-M' })).toBe(zohoAvailable(w.org, 'ZI-TSHIRT-M'));
    expect(zohoCalls('GET /inventory/v1/itemdetails') - details).toBeGreaterThanOrEqual(1);
    expect(zohoCalls('GET /inventory/v1/itemdetails') - details).toBeLessThanOrEqual(2);
    expect(bcStockWrites(w.store) - writes).toBeLessThanOrEqual(2);
  });

  it('when the day’s Zoho budget runs low, the window widens and the panel and the run say so', async () => {
    const { budget } = await zohoClientFor(w.ctx, STORE);
    await budget.flush();
    // Only a handful of calls left for the rest of the day.
    await ZohoConnection.updateOne({ _id: STORE }, { $set: { dailyBudget: budget.used + 1 } });
    // Noon UTC, half the day to go, with a handful of calls left: far too fast a pace.
    configureStockRealtime({ baseWindowMs: 300, maxWindowMs: 1_500, maxInJobWaitMs: 5_000, now: () => new Date('2026-04-01T12:00:00Z') });
    try {
      adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, -2);
      await settle(w);
      expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(zohoAvailable(w.org, 'ZI-CAP-01'));
      const status = await request(w.h.app).get('/api/stock/status').set('authorization', `Bearer ${w.session}`);
      expect(status.body.realtime.windowMs).toBe(1_500);
      expect(status.body.alerts).toEqual([expect.objectContaining({ kind: 'budget_low', message: expect.stringMatching(/budget is running low.*gathered for 1\.5 s/) })]);
      const run = await SyncRun.findOne({ storeHash: STORE, flow: 'stock', trigger: 'webhook' }).sort({ queuedAt: -1 }).lean();
      expect(run?.message).toMatch(/budget is running low/);
    } finally {
      await ZohoConnection.updateOne({ _id: STORE }, { $unset: { dailyBudget: 1 } });
      configureStockRealtime({ baseWindowMs: 300 });
    }
  });

  it('a flush Zoho fails is tried again, its records kept, until Zoho answers', async () => {
    configureStockRealtime({ baseWindowMs: 300, retryDelayMs: 200 });
    const failedRun = async () => (await SyncRun.countDocuments({ storeHash: STORE, flow: 'stock', trigger: 'webhook', status: 'partial' })) > 0;
    w.h.zoho!.faults.set({ errorRate: 1, errorStatus: 503 });
    try {
      adjustInZoho(w, zohoItem(w.org, 'ZI-TSHIRT-S').item_id, -3);
      const deadline = Date.now() + 30_000;
      while (!(await failedRun())) {
        if (Date.now() > deadline) throw new Error('the flush never failed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      w.h.zoho!.faults.clear();
    }
    await settle(w);
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-S' })).toBe(zohoAvailable(w.org, 'ZI-TSHIRT-S'));
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-S' })).toBe(17);
    configureStockRealtime({ baseWindowMs: 300 });
  }, 60_000);

  it('the sweep flushes a window whose job was lost', async () => {
    const item = zohoItem(w.org, 'ZI-TSHIRT-L');
    createAdjustment(w.org, { date: w.org.today(), reason: 'Found', adjustment_type: 'quantity', line_items: [{ item_id: item.item_id, quantity_adjusted: 6 }] });
    // What an event leaves behind when its flush job never runs: the mark and a claim long past due.
    const past = new Date(Date.now() - 120_000);
    await StockDirty.create({ _id: stockDirtyId(STORE, 'zoho', 'item', item.item_id), storeHash: STORE, source: 'zoho', kind: 'item', recordId: item.item_id, firstMarkedAt: past, markedAt: past });
    await StockFlush.create({ _id: STORE, dueAt: past, claimedAt: past, windowMs: 300 });
    expect(await sweepStockFlushes(w.ctx)).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-L' })).toBe(8);
    expect(await StockFlush.countDocuments({ _id: STORE })).toBe(0);
    // A second sweep finds nothing to take.
    expect(await sweepStockFlushes(w.ctx)).toBe(0);
  });

  it('the panel shows real time as active and when Zoho was last heard from', async () => {
    // A fresh window, with the budget back to the plan's.
    adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, -1);
    await settle(w);
    const status = await request(w.h.app).get('/api/stock/status').set('authorization', `Bearer ${w.session}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ method: 'oneway', realtime: { active: true, windowMs: 300, waitingRecords: 0 }, alerts: [] });
    expect(Date.parse(status.body.realtime.lastZohoEventAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});
