import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebhooks, INVENTORY_WEBHOOK_SCOPES } from '../../server/bigcommerce/webhooks.js';
import { OrderSync, ShipmentSync, SyncRun, ZohoConnection, orderSyncId } from '../../server/db/models/index.js';
import type { Settings } from '../../server/settings/schema.js';
import { getSettings, saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import type { Flow } from '../../server/sync/flows.js';
import '../../server/sync/index.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { syncProductFromWebhook } from '../../server/sync/products/realtime.js';
import { requestRun } from '../../server/sync/runs.js';
import { configureStockRealtime } from '../../server/sync/stock/options.js';
import { ZOHO_ADJUSTMENT_REASON } from '../../server/sync/stock/twoWay.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import { createPackage } from '../../sandbox/zoho/api/packages.js';
import { createShipmentOrder } from '../../sandbox/zoho/api/shipmentorders.js';
import { attachContract, describeContract, loadContract, type AttachedContract } from '../contract/openapi.js';
import { startTestHarness } from '../support/testApp.js';
import { addZohoWorkflowRules, adjustInZoho, bcLevel, settle, startStockWorld, zohoAvailable, zohoItem, type StockWorld } from './stock.helpers.js';

/**
 * Every flow but orders (orders.contract.test.ts has those) on the demo data, in one world, with
 * both platforms' official OpenAPI files (known errors repaired) checking ALL the traffic the
 * simulators serve: products (first sync, a change, an item made inactive), price lists (the
 * store on Enterprise, with a customer-group assignment), stock scheduled and two-way real time,
 * fulfilment (an order the orders flow invoiced, packed and shipped in Zoho, then the poll) and
 * the optional contacts flow. A strict stand-in of either platform would refuse what these
 * files refuse.
 */
const STORE = 'flowscontract';

describeContract('every flow on the demo data, checked against the OpenAPI files', () => {
  let w: StockWorld;
  let zoho: AttachedContract;
  let bigcommerce: AttachedContract;

  beforeAll(async () => {
    // Zoho's minute scaled down to a second: the flows' calls are not spaced out over minutes.
    const h = await startTestHarness({ zoho: { limits: { requestsPerMinute: 100_000, minuteWindowMs: 1_000 } } });
    configureZohoRuntime(h.ctx, { perInterval: 100_000, intervalMs: 1_000, rateLimitPauseMs: 20, concurrencyPauseMs: 10, transientPauseMs: 5, transientRetries: 1, tokens: { pollMs: 10 }, budget: { flushMs: 20 } });
    h.bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
    // From the first call on: connecting Zoho is traffic too.
    zoho = attachContract(h.zoho!.exchangeListeners, await loadContract('zoho'));
    bigcommerce = attachContract(h.bigcommerce.exchangeListeners, await loadContract('bigcommerce'));

    // The app listening, with a worker of its own (webhooks of both platforms travel over HTTP);
    // price lists need BigCommerce's Enterprise plan.
    w = await startStockWorld(STORE, { harness: h, plan: 'enterprise' });
    // Orders placed from now on count; the connection is a minute old.
    await ZohoConnection.updateOne({ _id: STORE }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
  });
  afterAll(async () => {
    zoho?.detach();
    bigcommerce?.detach();
    configureStockRealtime();
    await w?.close();
  });

  async function sync(flow: Flow) {
    const { runId } = await requestRun(w.ctx, { storeHash: STORE, flow, trigger: 'manual' });
    await executeRun(w.ctx, runId);
    return (await SyncRun.findById(runId).lean())!;
  }
  /** Changes some settings, keeping the others (saveSettings replaces the whole document). */
  async function updateSettings(change: (settings: Settings) => void) {
    const settings = await getSettings(STORE);
    change(settings);
    await saveSettings(STORE, settings);
  }
  const productBySku = (sku: string) => [...w.store.products.values()].find((p) => p.sku === sku);

  it('products: the first sync, a changed price, an item made inactive (hidden) and back', async () => {
    const first = await sync('products');
    expect(first.status, String(first.message)).toBe('succeeded');
    expect(first.counts).toMatchObject({ failed: 0 });

    zohoItem(w.org, 'ZI-MUG-01').rate = 13.5;
    zohoItem(w.org, 'ZI-CAP-01').status = 'inactive';
    const changed = await sync('products');
    expect(changed.status, String(changed.message)).toBe('succeeded');
    expect(changed.counts).toMatchObject({ updated: 1, hidden: 1, failed: 0 });
    expect(productBySku('ZI-MUG-01')?.price).toBe(13.5);
    expect(productBySku('ZI-CAP-01')?.is_visible).toBe(false);

    zohoItem(w.org, 'ZI-CAP-01').status = 'active';
    const back = await sync('products');
    expect(back.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(productBySku('ZI-CAP-01')?.is_visible).toBe(true);
  });

  it('products, real time: an item and an item group changed in Zoho reach BigCommerce from their webhooks', async () => {
    const mug = zohoItem(w.org, 'ZI-MUG-01');
    mug.rate = 14;
    await syncProductFromWebhook(w.ctx, STORE, 'item', mug.item_id);
    expect(productBySku('ZI-MUG-01')?.price).toBe(14);
    const group = [...w.org.itemGroups.values()][0]!;
    group.group_name = `${group.group_name} (new)`;
    await syncProductFromWebhook(w.ctx, STORE, 'itemgroup', String(group.group_id));
    expect([...w.store.products.values()].some((p) => p.name === group.group_name)).toBe(true);
  });

  it('price lists: Zoho’s price books become price lists, a changed rate follows, a list is assigned to a customer group', async () => {
    const first = await sync('pricelists');
    expect(first.status, String(first.message)).toBe('succeeded');
    expect([...w.store.priceLists.values()].map((l) => l.name).sort()).toEqual(['Old prices', 'VIP 10% off', 'Wholesale']);

    const wholesale = [...w.org.pricebooks.values()].find((b) => b.name === 'Wholesale')!;
    wholesale.pricebook_items.find((p) => p.item_id === zohoItem(w.org, 'ZI-MUG-01').item_id)!.pricebook_rate = 9.5;
    const groupId = [...w.store.customerGroups.values()].find((g) => g.name === 'Wholesale')!.id;
    await updateSettings((s) => {
      s.pricelists.assignments = [{ pricelistName: 'Wholesale', customerGroupId: groupId }];
    });
    const changed = await sync('pricelists');
    expect(changed.status, String(changed.message)).toBe('succeeded');
    const list = [...w.store.priceLists.values()].find((l) => l.name === 'Wholesale')!;
    expect([...w.store.priceRecords.values()].find((r) => r.price_list_id === list.id && r.sku === 'ZI-MUG-01')?.price).toBe(9.5);
    expect([...w.store.priceListAssignments.values()]).toMatchObject([{ price_list_id: list.id, customer_group_id: groupId }]);
  });

  it('stock, scheduled: Zoho’s levels reach BigCommerce, then one changed level', async () => {
    const first = await sync('stock');
    expect(first.status, String(first.message)).toBe('succeeded');
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(zohoAvailable(w.org, 'ZI-MUG-01'));

    adjustInZoho(w, zohoItem(w.org, 'ZI-CAP-01').item_id, -4);
    const changed = await sync('stock');
    expect(changed.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(bcLevel(w.store, { sku: 'ZI-CAP-01' })).toBe(zohoAvailable(w.org, 'ZI-CAP-01'));
  });

  it('fulfilment: an order invoiced by the orders flow, packed and shipped in Zoho, becomes a BigCommerce shipment', async () => {
    const mug = productBySku('ZI-MUG-01')!;
    const billing = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', street_1: '1 Compiler Lane', city: 'Arlington', zip: '22201', country: 'United States', country_iso2: 'US' };
    const order = w.h.bigcommerce.state.placeOrder(w.store, {
      status_id: 11,
      billing_address: billing,
      shipping_addresses: [{ ...billing, shipping_method: 'Flat Rate', cost_ex_tax: 5, cost_inc_tax: 5 }],
      products: [{ product_id: mug.id, quantity: 2 }],
      payment_method: 'Credit Card',
    });
    expect((await handleOrderJob(w.ctx, { storeHash: STORE, orderId: order.id }, 'manual'))?.status).toBe('done');
    const synced = (await OrderSync.findById(orderSyncId(STORE, order.id)).lean())!;
    expect(synced.zoho?.invoiceId).toBeTruthy();
    const salesorderId = synced.zoho!.salesorderId!;

    // The merchant packs and ships it in Zoho.
    const so = w.org.salesOrders.get(salesorderId)!;
    const today = w.org.today();
    const pkg = createPackage(w.org, salesorderId, { date: today, line_items: [{ so_line_item_id: so.line_items[0]!.line_item_id, quantity: 2 }] });
    const shipment = createShipmentOrder(w.org, salesorderId, pkg.package_id, { date: today, delivery_method: 'FedEx', tracking_number: '794600000042' });

    const run = await sync('fulfilment');
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 1, failed: 0 });
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({ tracking_number: '794600000042', shipping_provider: 'fedex' });
    expect(await ShipmentSync.countDocuments({ storeHash: STORE, zohoShipmentId: shipment.shipment_id, status: 'synced' })).toBe(1);
  });

  it('contacts: turned on, BigCommerce’s customers become Zoho contacts by e-mail', async () => {
    await updateSettings((s) => {
      s.contacts.enabled = true;
    });
    const run = await sync('contacts');
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ failed: 0 });
    for (const customer of w.store.customers.values()) {
      const email = customer.email.toLowerCase();
      expect([...w.org.contacts.values()].filter((c) => c.contact_persons.some((p) => p.email.toLowerCase() === email)), email).toHaveLength(1);
    }
  });

  it('stock, two-way: a level set in BigCommerce becomes a Zoho adjustment; one made in Zoho reaches BigCommerce', async () => {
    configureStockRealtime({ baseWindowMs: 300 });
    await updateSettings((s) => {
      s.stock.method = 'twoway';
    });
    const report = await ensureWebhooks(w.ctx, STORE);
    expect(report.created).toEqual(expect.arrayContaining([...INVENTORY_WEBHOOK_SCOPES]));
    for (const hook of w.store.hooks.values()) hook.destination = `${w.url}/webhooks/bigcommerce`;
    await addZohoWorkflowRules(w, ['item', 'inventory_adjustment']);
    await w.worker.start();

    const bottle = productBySku('ZI-BOTTLE-01')!;
    const expected = zohoAvailable(w.org, 'ZI-BOTTLE-01') + 7;
    w.h.bigcommerce.state.setStock(w.store, { product_id: bottle.id }, expected);
    await settle(w);
    expect(zohoAvailable(w.org, 'ZI-BOTTLE-01')).toBe(expected);
    const made = [...w.org.adjustments.values()].filter((a) => a.reason === ZOHO_ADJUSTMENT_REASON);
    expect(made.map((a) => a.line_items.map((l) => [l.item_id, l.quantity_adjusted]))).toEqual([[[zohoItem(w.org, 'ZI-BOTTLE-01').item_id, 7]]]);

    const tshirt = [...w.store.variants.values()].find((v) => v.sku === 'ZI-TSHIRT-S')!;
    w.h.bigcommerce.state.setStock(w.store, { variant_id: tshirt.id }, 3);
    await settle(w);
    expect(zohoAvailable(w.org, 'ZI-TSHIRT-S')).toBe(3);

    adjustInZoho(w, zohoItem(w.org, 'ZI-MUG-01').item_id, -5);
    await settle(w);
    expect(bcLevel(w.store, { sku: 'ZI-MUG-01' })).toBe(zohoAvailable(w.org, 'ZI-MUG-01'));
  });

  it('kept to both contracts', () => {
    expect(zoho.checked).toBeGreaterThanOrEqual(30);
    expect(bigcommerce.checked).toBeGreaterThanOrEqual(30);
    expect({ zoho: unexcused(zoho.violations), bigcommerce: unexcused(bigcommerce.violations) }).toEqual({ zoho: [], bigcommerce: [] });
  });
});

/**
 * The only errors let through, each one exchange and one error exactly (any other error on the
 * same exchange still fails the test).
 *
 * Faults of the files that no request or answer can avoid, not in the reference README's known
 * errors (so not repaired in test/contract/knownErrors.ts):
 * - products_catalog.v3.yml: a created or updated product image's `data` is a `oneOf` of two
 *   objects without required fields, which every image matches twice.
 * - webhooks.v3.yml: the hook list's `data` has `minItems: 1`, yet a store without hooks has
 *   none; the app must list them to find its own (the file documents no other way), and the
 *   simulator answers an empty list as BigCommerce does.
 * - items.yml: `GET /items/{id}/image` is "a binary stream" documented without a content, yet
 *   the image's bytes are the answer.
 * - orders.v2.oas2.yml: an empty order list is documented only as 200, yet v2 answers 204 with
 *   no body (the simulator does as the platform does; the sandbox contract test says the same);
 *   two-way stock reads the orders changed since its last look, most often none.
 */
const EXCUSED: [RegExp, string][] = [
  [/^(POST \S+\/v3\/catalog\/products\/\d+\/images|PUT \S+\/v3\/catalog\/products\/\d+\/images\/\d+) → 200$/, 'response 200 /data: must match exactly one schema in oneOf'],
  [/^GET \/stores\/[^/]+\/v3\/hooks → 200$/, 'response 200 /data: must NOT have fewer than 1 items'],
  [/^GET \/inventory\/v1\/items\/\d+\/image → 200$/, 'response 200: a body was sent where none is documented'],
  [/^GET \/stores\/[^/]+\/v2\/orders → 204$/, 'response 204: status not documented for getOrders (documented: 200)'],
];

function unexcused(violations: AttachedContract['violations']) {
  return violations
    .map((v) => ({ ...v, errors: v.errors.filter((e) => !EXCUSED.some(([exchange, error]) => exchange.test(v.exchange) && e === error)) }))
    .filter((v) => v.errors.length);
}
