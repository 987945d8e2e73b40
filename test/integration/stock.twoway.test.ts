import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebhooks, INVENTORY_WEBHOOK_SCOPES } from '../../server/bigcommerce/webhooks.js';
import { OrderSync, WebhookReceipt } from '../../server/db/models/index.js';
import { configureStockRealtime } from '../../server/sync/stock/options.js';
import { ZOHO_ADJUSTMENT_REASON } from '../../server/sync/stock/twoWay.js';
import { chooseOrganizationInZone, zoneOffUtcDay } from '../support/timeZones.js';
import { addZohoWorkflowRules, adjustInZoho, bcLevel, bcStockWrites, settle, startStockWorld, syncNow, updateStockSettings, zohoAvailable, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * Two-way real time, end to end over HTTP on both sides: a level the merchant sets in
 * BigCommerce becomes one Zoho adjustment and nothing comes back; the app's own writes are not
 * sent back to Zoho; an order BigCommerce took is not counted again.
 */
const STORE = 'stocktwo';
let w: StockWorld;
const zohoCalls = (route: string) => w.org.usage.byRoute.get(route) ?? 0;
const productOf = (sku: string) => [...w.store.products.values()].find((p) => p.sku === sku)!;
const appAdjustments = () => [...w.org.adjustments.values()].filter((a) => a.reason === ZOHO_ADJUSTMENT_REASON);

beforeAll(async () => {
  w = await startStockWorld(STORE);
  expect((await syncNow(w, 'products')).status).toBe('succeeded');
  expect((await syncNow(w, 'stock')).status).toBe('succeeded');
  configureStockRealtime({ baseWindowMs: 300 });
  await updateStockSettings(w, { method: 'twoway' });
  // Two-way asks for the inventory hooks; they point at the listening app.
  const report = await ensureWebhooks(w.ctx, STORE);
  expect(report.created).toEqual(expect.arrayContaining([...INVENTORY_WEBHOOK_SCOPES]));
  for (const hook of w.store.hooks.values()) hook.destination = `${w.url}/webhooks/bigcommerce`;
  await addZohoWorkflowRules(w, ['item', 'inventory_adjustment']);
  await w.worker.start();
});
afterAll(async () => {
  configureStockRealtime();
  await w?.close();
});

describe('two-way real-time stock', () => {
  it('a level set in BigCommerce becomes one Zoho adjustment with a reason and reference, and settles after one round trip', async () => {
    const writes = bcStockWrites(w.store);
    const adjustmentReads = zohoCalls('GET /inventory/v1/inventoryadjustments/:adjustment_id');
    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(50);

    w.h.bigcommerce.state.setStock(w.store, { product_id: productOf('ZI-MUG-01').id }, 70);
    await settle(w);

    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(70);
    const made = appAdjustments();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ adjustment_type: 'quantity', reference_number: expect.stringMatching(/^BC-STOCK-\d{8}T\d{6}$/) });
    expect(made[0]!.line_items).toMatchObject([{ item_id: zohoItem(w.org, 'ZI-MUG-01').item_id, quantity_adjusted: 20 }]);
    // Nothing came back: BigCommerce was not written, and Zoho's webhook for the app's own adjustment was not read back.
    expect(bcStockWrites(w.store)).toBe(writes);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(70);
    expect(zohoCalls('GET /inventory/v1/inventoryadjustments/:adjustment_id')).toBe(adjustmentReads);
    expect(await WebhookReceipt.countDocuments({ storeHash: STORE, topic: 'inventory_adjustment', resourceId: made[0]!.inventory_adjustment_id, status: 'processed' })).toBe(1);
    expect(await WebhookReceipt.countDocuments({ storeHash: STORE, topic: 'store/product/inventory/updated', status: 'processed' })).toBe(1);
  });

  it('the app’s own write coming back from BigCommerce is not sent to Zoho', async () => {
    const adjustmentsBefore = w.org.adjustments.size;
    const writes = bcStockWrites(w.store);
    const receipts = await WebhookReceipt.countDocuments({ storeHash: STORE, topic: 'store/product/inventory/updated' });

    adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, 5); // the merchant, in Zoho
    await settle(w);

    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(35);
    expect(bcStockWrites(w.store) - writes).toBe(1);
    // BigCommerce announced the app's write (the echo) and the app heard it…
    expect(await WebhookReceipt.countDocuments({ storeHash: STORE, topic: 'store/product/inventory/updated' })).toBe(receipts + 1);
    // …and sent nothing to Zoho: the only new adjustment is the merchant's.
    expect(w.org.adjustments.size).toBe(adjustmentsBefore + 1);
    expect(appAdjustments()).toHaveLength(1);
  });

  it('a variant’s level set in BigCommerce reaches its Zoho item', async () => {
    const variant = [...w.store.variants.values()].find((v) => v.sku === 'ZI-TSHIRT-S')!;
    w.h.bigcommerce.state.setStock(w.store, { variant_id: variant.id }, 3);
    await settle(w);
    expect(zohoAvailable(w.org, 'ZI-TSHIRT-S')).toBe(3);
    expect(appAdjustments()).toHaveLength(2);
  });

  it('stock an order took in BigCommerce is not counted again when the merchant corrects the level', async () => {
    const mug = productOf('ZI-MUG-01');
    const order = w.h.bigcommerce.state.placeOrder(w.store, {
      status_id: 11,
      billing_address: { first_name: 'Jo', last_name: 'Buyer', email: 'jo@example.com' },
      products: [{ product_id: mug.id, quantity: 2 }],
    });
    // The orders flow claimed it (a worker holds its lease); Zoho has no sales order for it yet.
    await OrderSync.create({ _id: `${STORE}:${order.id}`, storeHash: STORE, orderId: order.id, status: 'waiting', step: 'new', claimedAt: new Date(), leaseOwner: 'orders-worker', leaseUntil: new Date(Date.now() + 600_000) });
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(68);

    // The merchant counts 60 on the shelf, the two sold units already gone.
    w.h.bigcommerce.state.setStock(w.store, { product_id: mug.id }, 60);
    await settle(w);
    // Zoho still holds the two sold units (its sales order will take them): 62, and BigCommerce stays at 60.
    expect(zohoAvailable(w.org, 'ZI-MUG-01')).toBe(62);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(60);
    expect(appAdjustments().at(-1)!.line_items[0]!.quantity_adjusted).toBe(-8);
  });

  it('dates the adjustment by the Zoho organization’s day, not UTC’s', async () => {
    const { zone, day } = zoneOffUtcDay();
    expect((await chooseOrganizationInZone(w.h.app, w.session, w.org, zone)).timeZone).toBe(zone);
    const made = appAdjustments().length;
    w.h.bigcommerce.state.setStock(w.store, { product_id: productOf('ZI-CAP-01').id }, 21);
    await settle(w);
    expect(appAdjustments()).toHaveLength(made + 1);
    expect(appAdjustments().at(-1)).toMatchObject({ date: day, line_items: [expect.objectContaining({ item_id: zohoItem(w.org, 'ZI-CAP-01').item_id })] });
  });
});
