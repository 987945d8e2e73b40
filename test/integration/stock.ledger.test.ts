import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { createAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import { ensureWebhooks } from '../../server/bigcommerce/webhooks.js';
import { OrderSync } from '../../server/db/models/index.js';
import { configureStockRealtime } from '../../server/sync/stock/options.js';
import { ZOHO_ADJUSTMENT_REASON } from '../../server/sync/stock/twoWay.js';
import { addZohoWorkflowRules, adjustInZoho, bcLevel, settle, startStockWorld, syncNow, updateStockSettings, zohoAvailable, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * Two-way stock's ledger (issue 17): orders are never corrections. Whatever BigCommerce sends for
 * an order (the order twin of the inventory event and the plain one, in either order, around the
 * order's own events), Zoho loses exactly the units sold, through the invoice; units stay pending
 * until Zoho has moved them (a draft sales order moves nothing); a Zoho receipt not yet written to
 * BigCommerce is not taken for the merchant's correction; a cancellation that puts stock back is
 * an order movement too.
 */
const STORE = 'stockledger';
let w: StockWorld;
const productOf = (sku: string) => [...w.store.products.values()].find((p) => p.sku === sku)!;
const appAdjustments = () => [...w.org.adjustments.values()].filter((a) => a.reason === ZOHO_ADJUSTMENT_REASON);
const orderHooks = () => [...w.store.hooks.values()].filter((h) => h.scope.startsWith('store/order/'));
const buyer = { first_name: 'Jo', last_name: 'Buyer', email: 'jo@example.com' };

beforeAll(async () => {
  w = await startStockWorld(STORE);
  expect((await syncNow(w, 'products')).status).toBe('succeeded');
  expect((await syncNow(w, 'stock')).status).toBe('succeeded');
  configureStockRealtime({ baseWindowMs: 300 });
  await updateStockSettings(w, { method: 'twoway' });
  await ensureWebhooks(w.ctx, STORE);
  for (const hook of w.store.hooks.values()) hook.destination = `${w.url}/webhooks/bigcommerce`;
  await addZohoWorkflowRules(w, ['item', 'inventory_adjustment', 'salesorder', 'invoice']);
  await w.worker.start();
});
afterAll(async () => {
  configureStockRealtime();
  w?.h.bigcommerce.state.configureOrderInventoryEvents();
  await w?.close();
});

describe('two-way stock: orders are never corrections', () => {
  for (const order of ['order-first', 'plain-first'] as const) {
    it(`a shopper buys 2 (order twin and plain inventory event, ${order}, with the order's events): Zoho loses exactly 2, through the invoice, and no correction is posted`, async () => {
      w.h.bigcommerce.state.configureOrderInventoryEvents({ order, seed: order === 'order-first' ? 7 : 11 });
      const adjustments = appAdjustments().length;
      const zohoBefore = zohoAvailable(w.org, 'ZI-MUG-01');
      const bcBefore = bcLevel(w.store, { sku: 'ZI-MUG-01' });
      // The window before the orders flow claims the order: its events are late (hooks off), the stock ones are not.
      for (const hook of orderHooks()) hook.is_active = false;
      const placed = w.h.bigcommerce.state.placeOrder(w.store, { status_id: 11, billing_address: buyer, products: [{ product_id: productOf('ZI-MUG-01').id, quantity: 2 }] });
      await settle(w);
      for (const hook of orderHooks()) hook.is_active = true;
      w.h.bigcommerce.state.emit(w.store, 'store/order/created', { type: 'order', id: placed.id });
      // The orders flow invoices it (Zoho moves the 2 units); the stock flushes run meanwhile.
      await expect.poll(async () => (await OrderSync.findOne({ storeHash: STORE, orderId: placed.id }).lean())?.zoho?.invoiceId, { timeout: 30_000 }).toBeTruthy();
      await settle(w);
      expect(appAdjustments()).toHaveLength(adjustments);
      expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(zohoBefore - 2);
      expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(bcBefore - 2);
    });
  }

  it('with only a draft sales order and no invoice (Zoho’s daily limit), the level written to BigCommerce still subtracts the sold units', async () => {
    for (const hook of orderHooks()) hook.is_active = false; // the orders flow stays out: the test plays its stuck state
    try {
      const cap = zohoItem(w.org, 'ZI-CAP-01');
      const placed = w.h.bigcommerce.state.placeOrder(w.store, { status_id: 11, billing_address: buyer, products: [{ product_id: productOf('ZI-CAP-01').id, quantity: 2 }] });
      await OrderSync.create({
        _id: `${STORE}:${placed.id}`,
        storeHash: STORE,
        orderId: placed.id,
        status: 'failed',
        step: 'salesorder',
        claimedAt: new Date(),
        zoho: { salesorderId: '999000000000001' },
      });
      await settle(w);
      const zoho = zohoAvailable(w.org, 'ZI-CAP-01'); // the draft commits nothing: Zoho still counts the 2 units
      adjustInZoho(w, cap.item_id, 3); // a receipt in Zoho makes the app write the level
      await settle(w);
      expect(zohoAvailable(w.org, 'ZI-CAP-01')).toBe(zoho + 3);
      expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(zoho + 3 - 2);
    } finally {
      for (const hook of orderHooks()) hook.is_active = true;
    }
  });

  it('a Zoho receipt not yet written to BigCommerce is not taken for the merchant’s correction', async () => {
    const hat = 'ZI-MUG-01';
    const item = zohoItem(w.org, hat);
    const zohoBefore = zohoAvailable(w.org, hat);
    const bcBefore = bcLevel(w.store, { sku: hat });
    // Goods received in Zoho: its webhook has not arrived yet.
    createAdjustment(w.org, { date: w.org.today(), reason: 'Received', adjustment_type: 'quantity', line_items: [{ item_id: item.item_id, quantity_adjusted: 10 }] });
    // Meanwhile the merchant counts 3 fewer on the shelf in BigCommerce.
    w.h.bigcommerce.state.setStock(w.store, { product_id: productOf(hat).id }, bcBefore - 3);
    await settle(w);
    expect(appAdjustments().at(-1)!.line_items).toMatchObject([{ item_id: item.item_id, quantity_adjusted: -3 }]);
    expect(zohoAvailable(w.org, hat)).toBe(zohoBefore + 10 - 3);
  });

  it('a cancelled order that puts its stock back is an order movement, not a correction', async () => {
    for (const hook of orderHooks()) hook.is_active = false;
    try {
      const adjustments = appAdjustments().length;
      const placed = w.h.bigcommerce.state.placeOrder(w.store, { status_id: 11, billing_address: buyer, products: [{ product_id: productOf('ZI-CAP-01').id, quantity: 1 }] });
      await settle(w);
      const taken = bcLevel(w.store, { sku: 'ZI-CAP-01' });
      updateOrder(w.h.bigcommerce.state, w.store, placed, { status_id: 5 });
      await settle(w);
      expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(taken + 1);
      expect(appAdjustments()).toHaveLength(adjustments);
    } finally {
      for (const hook of orderHooks()) hook.is_active = true;
    }
  });

  // Found by the property test (stock.property.test.ts, seeds 1003 and 1004).
  it('a merchant’s edit whose event has not been flushed yet is not overwritten by a write from Zoho: it reaches Zoho first', async () => {
    const mug = 'ZI-MUG-01';
    const item = zohoItem(w.org, mug);
    const zohoBefore = zohoAvailable(w.org, mug);
    const bcBefore = bcLevel(w.store, { sku: mug });
    const stockHooks = [...w.store.hooks.values()].filter((h) => h.scope.includes('/inventory/'));
    for (const hook of stockHooks) hook.is_active = false; // the merchant's event is still on its way
    try {
      w.h.bigcommerce.state.setStock(w.store, { product_id: productOf(mug).id }, bcBefore + 2);
      adjustInZoho(w, item.item_id, -1); // a stocktake in Zoho makes the app write the level
      await settle(w);
    } finally {
      for (const hook of stockHooks) hook.is_active = true;
    }
    expect(zohoAvailable(w.org, mug)).toBe(zohoBefore - 1 + 2);
    expect(bcLevel(w.store, { sku: mug })).toBe(zohoAvailable(w.org, mug)); // nothing pending for it
  });

  it('a merchant’s edit landing after the app’s last read of the level and before its write is not overwritten: it reaches Zoho', async () => {
    const mug = 'ZI-MUG-01';
    const item = zohoItem(w.org, mug);
    const zohoBefore = zohoAvailable(w.org, mug);
    const product = productOf(mug);
    let edited: number | undefined;
    // The merchant saves a level the moment BigCommerce has answered the app's read of it.
    const editAfterRead = (e: { method: string; path: string }) => {
      if (edited !== undefined || e.method !== 'GET' || !e.path.endsWith('/v3/inventory/items')) return;
      edited = bcLevel(w.store, { sku: mug }) + 3;
      w.h.bigcommerce.state.setStock(w.store, { product_id: product.id }, edited);
    };
    w.h.bigcommerce.exchangeListeners.add(editAfterRead);
    try {
      adjustInZoho(w, item.item_id, -1); // a stocktake in Zoho makes the app write the level
      await expect.poll(() => edited, { timeout: 15_000 }).toBeDefined();
      await settle(w);
    } finally {
      w.h.bigcommerce.exchangeListeners.delete(editAfterRead);
    }
    expect(zohoAvailable(w.org, mug)).toBe(zohoBefore - 1 + 3);
    expect(bcLevel(w.store, { sku: mug })).toBe(zohoAvailable(w.org, mug)); // nothing pending for it
  });

  for (const mode of ['reset', 'error'] as const) {
    it(`a level change whose answer is lost (${mode}) is made once: BigCommerce is neither left behind nor moved twice`, async () => {
      const mug = 'ZI-MUG-01';
      const item = zohoItem(w.org, mug);
      const lost = w.h.bigcommerce.faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: '/inventory/adjustments/relative' } });
      try {
        adjustInZoho(w, item.item_id, 4);
        await expect.poll(() => lost.lost(), { timeout: 15_000 }).toBe(1);
        await settle(w);
      } finally {
        lost.cancel();
      }
      expect(bcLevel(w.store, { sku: mug })).toBe(zohoAvailable(w.org, mug));
    });
  }

  it('a Zoho receipt flushed together with the merchant’s correction reaches BigCommerce too', async () => {
    const cap = 'ZI-CAP-01';
    const item = zohoItem(w.org, cap);
    const zohoBefore = zohoAvailable(w.org, cap);
    const bcBefore = bcLevel(w.store, { sku: cap });
    configureStockRealtime({ baseWindowMs: 1_500 }); // both events in one flush
    try {
      adjustInZoho(w, item.item_id, 5);
      w.h.bigcommerce.state.setStock(w.store, { product_id: productOf(cap).id }, bcBefore - 1);
      await settle(w);
    } finally {
      configureStockRealtime({ baseWindowMs: 300 });
    }
    expect(zohoAvailable(w.org, cap)).toBe(zohoBefore + 5 - 1);
    // Its stuck order (the draft-only test) keeps 2 units pending.
    expect(bcLevel(w.store, { sku: cap })).toBe(zohoAvailable(w.org, cap) - 2);
  });
});
