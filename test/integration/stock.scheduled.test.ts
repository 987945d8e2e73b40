import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSync, RunRecord, StockState } from '../../server/db/models/index.js';
import { takeStockWriter } from '../../server/sync/stock/writer.js';
import { until } from '../support/workerProcesses.js';
import { adjustInZoho, bcLevel, bcStockWrites, startStockWorld, syncNow, updateStockSettings, zohoAvailable, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * The scheduled stock flow on the demo data, both simulators over HTTP: Zoho's available stock
 * reaches BigCommerce, only changed levels are written, claimed orders Zoho lacks are held
 * back, locations are mapped as the settings say, and a real-time method whose Zoho webhooks
 * never arrive is called out.
 */
const STORE = 'stocksched';
let w: StockWorld;

beforeAll(async () => {
  w = await startStockWorld(STORE);
  const products = await syncNow(w, 'products');
  expect(products.status, String(products.message)).toBe('succeeded');
});
afterAll(async () => w?.close());

const SKUS = ['ZI-MUG-01', 'ZI-CAP-01', 'ZI-BOTTLE-01', 'ZI-TSHIRT-S', 'ZI-TSHIRT-M', 'ZI-TSHIRT-L'];

describe('scheduled stock', () => {
  it('a dry run plans the levels and writes nothing', async () => {
    const before = bcStockWrites(w.store);
    const run = await syncNow(w, 'stock', { dryRun: true });
    expect(run.status).toBe('succeeded');
    expect(run.counts.updated).toBe(SKUS.length);
    expect(bcStockWrites(w.store)).toBe(before);
  });

  it('the first run sets every linked item to Zoho’s available stock in one batch', async () => {
    const before = bcStockWrites(w.store);
    const run = await syncNow(w, 'stock');
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ updated: SKUS.length, failed: 0 });
    expect(bcStockWrites(w.store) - before).toBe(1);
    for (const sku of SKUS) expect(bcLevel(w.store, { sku }), sku).toBe(zohoAvailable(w.org, sku));
    // Mug: 40 at the main warehouse + 10 downtown.
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(50);
    const record = await RunRecord.findOne({ runId: run._id, sku: 'ZI-MUG-01' }).lean();
    expect(record).toMatchObject({ entity: 'stock', operation: 'update', reason: 'unknown → 50' });
  });

  it('an unchanged re-run writes nothing; a change in Zoho writes that one level only', async () => {
    const before = bcStockWrites(w.store);
    const quiet = await syncNow(w, 'stock');
    expect(quiet.counts).toMatchObject({ updated: 0, unchanged: SKUS.length });
    expect(bcStockWrites(w.store)).toBe(before);

    adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, -4);
    const changed = await syncNow(w, 'stock');
    expect(changed.counts).toMatchObject({ updated: 1, unchanged: SKUS.length - 1 });
    expect(bcStockWrites(w.store) - before).toBe(1);
    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(26);
  });

  it('holds back the units of an order the app claimed but Zoho does not have yet', async () => {
    const mug = [...w.store.products.values()].find((p) => p.sku === 'ZI-MUG-01')!;
    const order = w.h.bigcommerce.state.placeOrder(w.store, {
      status_id: 11,
      billing_address: { first_name: 'Jo', last_name: 'Buyer', email: 'jo@example.com' },
      products: [{ product_id: mug.id, quantity: 3 }],
    });
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(47); // BigCommerce took them
    // Claimed by the orders flow; Zoho was down, so no sales order yet.
    await OrderSync.create({ _id: `${STORE}:${order.id}`, storeHash: STORE, orderId: order.id, status: 'waiting', step: 'new', claimedAt: new Date() });

    const run = await syncNow(w, 'stock');
    expect(run.status).toBe('succeeded');
    // Zoho still says 50: telling BigCommerce 50 would sell the three units twice.
    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(50);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(47);

    // The order reaches Zoho (a confirmed sales order commits the units): the level stays, nothing is written.
    await OrderSync.updateOne({ _id: `${STORE}:${order.id}` }, { $set: { status: 'done', 'zoho.salesorderId': 'so-1' } });
    adjustInZoho(w, zohoItem(w.org, 'ZI-MUG-01').item_id, -3); // stands in for the committed sales order
    const before = bcStockWrites(w.store);
    const after = await syncNow(w, 'stock');
    expect(after.counts.updated).toBe(0);
    expect(bcStockWrites(w.store)).toBe(before);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(47);
  });

  it('still holds back an order Zoho invoiced after the run read its quantities', async () => {
    const mug = [...w.store.products.values()].find((p) => p.sku === 'ZI-MUG-01')!;
    const mugId = zohoItem(w.org, 'ZI-MUG-01').item_id;
    const level = bcLevel(w.store, { sku: 'ZI-MUG-01' });
    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(level);
    const order = w.h.bigcommerce.state.placeOrder(w.store, {
      status_id: 11,
      billing_address: { first_name: 'Jo', last_name: 'Buyer', email: 'jo@example.com' },
      products: [{ product_id: mug.id, quantity: 2 }],
    });
    await OrderSync.create({ _id: `${STORE}:${order.id}`, storeHash: STORE, orderId: order.id, status: 'waiting', step: 'new', claimedAt: new Date() });
    adjustInZoho(w, mugId, 5); // a restock: the run has a level to write

    // The orders flow invoices the order just after Zoho has answered the run's read of its items:
    // the quantities the run holds still count the two units, its order record no longer does.
    // A flush holds the store's writer meanwhile, so the run plans only once the record says so.
    const flush = (await takeStockWriter(STORE, 'flush'))!;
    let invoiced: Promise<unknown> | undefined;
    const hook = w.h.zoho!.faults.loseAnswers({
      times: 1,
      mode: 'error',
      match: (req) => {
        if (req.method !== 'GET' || !req.path.endsWith('/items') || invoiced) return false;
        adjustInZoho(w, mugId, -2); // stands in for the invoice
        invoiced = OrderSync.updateOne({ _id: `${STORE}:${order.id}` }, { $set: { status: 'done', step: 'done', 'zoho.salesorderId': 'so-2', 'zoho.invoiceId': 'inv-2' } });
        return false; // the answer itself is kept
      },
    });
    const running = syncNow(w, 'stock');
    await until(async () => invoiced !== undefined, 20_000, 'the run to read the items list');
    await invoiced;
    await flush.release();
    const run = await running;
    hook.cancel();
    expect(run.status, String(run.message)).toBe('succeeded');
    // The quantity read before the invoice less the order's units; the stale quantity alone would oversell two.
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(level + 5 - 2);

    // The next run reads the invoiced quantity and, the order being in Zoho, subtracts nothing.
    const next = await syncNow(w, 'stock');
    expect(next.counts.updated).toBe(0);
    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(level + 5 - 2);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(level + 5 - 2);

    // Back to where the tests below start.
    adjustInZoho(w, mugId, -3);
    await syncNow(w, 'stock');
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(level);
  });

  it('honours the location mapping: each Zoho warehouse feeds the BigCommerce location it is mapped to', async () => {
    const [main, downtown] = [...w.org.locations.values()];
    const res = await request(w.h.bigcommerce.url)
      .post(`/stores/${STORE}/v3/inventory/locations`)
      .set('x-auth-token', 'bc-token')
      .send([{ code: 'DOWNTOWN', label: 'Downtown shop' }]);
    expect(res.status).toBe(200);
    const shop = [...w.store.locations.values()].find((l) => l.code === 'DOWNTOWN')!;
    await updateStockSettings(w, {
      locations: [
        { zohoLocationId: main!.location_id, bigcommerceLocationId: 1 },
        { zohoLocationId: downtown!.location_id, bigcommerceLocationId: shop.id },
      ],
    });
    const run = await syncNow(w, 'stock');
    expect(run.status, String(run.message)).toBe('succeeded');
    // Mug: 40 in the main warehouse (37 after the sales order stand-in), 10 downtown.
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' }, 1)).toBe(37);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' }, shop.id)).toBe(10);
    // T-shirt L: none in the main warehouse, 2 downtown.
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-L' }, 1)).toBe(0);
    expect(bcLevel(w.store, { sku: 'ZI-TSHIRT-L' }, shop.id)).toBe(2);
    await updateStockSettings(w, { locations: [] });
    // Back to Zoho's total at the default location: a settings change, not a change in Zoho.
    const back = await syncNow(w, 'stock');
    expect(back.message ?? '').not.toMatch(/webhook/);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' }, 1)).toBe(47);
  });
});

describe('a level BigCommerce refuses', () => {
  it('fails that item alone: the batch is halved until the refused one is found, the others are written', async () => {
    const cap = [...w.store.products.values()].find((p) => p.sku === 'ZI-CAP-01')!;
    cap.inventory_tracking = 'none'; // the merchant stopped tracking its stock in BigCommerce
    try {
      adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, -1);
      adjustInZoho(w, zohoItem(w.org, 'ZI-MUG-01').item_id, 2);
      adjustInZoho(w, zohoItem(w.org, 'ZI-BOTTLE-01').item_id, 3);
      const before = bcStockWrites(w.store);
      const run = await syncNow(w, 'stock');
      expect(run.status).toBe('partial');
      expect(run.counts).toMatchObject({ updated: 2, failed: 1 });
      expect(run.message).toMatch(/1 level\(s\) were refused/);
      expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(zohoAvailable(w.org, 'ZI-MUG-01'));
      expect(bcLevel(w.store, { sku: 'ZI-BOTTLE-01' })).toBe(zohoAvailable(w.org, 'ZI-BOTTLE-01'));
      const failure = await RunRecord.findOne({ runId: run._id, operation: 'fail' }).lean();
      expect(failure).toMatchObject({ sku: 'ZI-CAP-01', reason: expect.stringMatching(/does not track inventory/) });
      // The batch of three, its halves (one and two), and the half of two that held the refused item: halved, not sent one by one.
      expect(bcStockWrites(w.store) - before).toBeLessThanOrEqual(5);
    } finally {
      cap.inventory_tracking = 'product';
    }
    // Tracked again: the next run writes the level it missed.
    const again = await syncNow(w, 'stock');
    expect(again.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(zohoAvailable(w.org, 'ZI-CAP-01'));
  });
});

describe('a silent Zoho webhook', () => {
  it('is called out when a real-time method has heard nothing from Zoho for a day while Zoho changed', async () => {
    await updateStockSettings(w, { method: 'oneway' });
    // The store switched to real time a day and a bit ago, and no Zoho webhook came since.
    await StockState.updateOne({ _id: STORE }, { $set: { realtimeSince: new Date(Date.now() - 25 * 3_600_000) }, $unset: { lastZohoEventAt: 1 } }, { upsert: true });
    const quiet = await syncNow(w, 'stock');
    expect(quiet.message ?? '').not.toMatch(/webhook/); // nothing changed in Zoho: nothing to say

    adjustInZoho(w, zohoItem(w.org, 'ZI-BOTTLE-01').item_id, 5);
    const run = await syncNow(w, 'stock');
    expect(run.status).toBe('succeeded');
    expect(run.message).toMatch(/No Zoho webhook has arrived for 25 h, yet 1 item\(s\) changed in Zoho/);
    expect(bcLevel(w.store, { sku: 'ZI-BOTTLE-01' })).toBe(zohoAvailable(w.org, 'ZI-BOTTLE-01')); // the scheduled sync kept stock right

    const status = await request(w.h.app).get('/api/stock/status').set('authorization', `Bearer ${w.session}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ method: 'oneway', realtime: { active: true } });
    expect(status.body.requirements).toMatch(/workflow/);
    expect(status.body.alerts).toEqual([expect.objectContaining({ kind: 'silent_webhook', message: run.message })]);
  });

  it('is not raised under the scheduled method', async () => {
    await updateStockSettings(w, { method: 'scheduled' });
    adjustInZoho(w, zohoItem(w.org, 'ZI-BOTTLE-01').item_id, 1);
    const run = await syncNow(w, 'stock');
    expect(run.message ?? '').not.toMatch(/webhook/);
    const status = await request(w.h.app).get('/api/stock/status').set('authorization', `Bearer ${w.session}`);
    expect(status.body.alerts).toEqual([]);
    expect(status.body.requirements).toMatch(/schedule/);
  });
});
