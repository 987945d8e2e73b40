import type { Server } from 'node:http';
import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSync, ShipmentSync, SyncRun, WebhookReceipt, ZohoConnection, orderSyncId, shipmentSyncId } from '../../server/db/models/index.js';
import { handleZohoEvent, type ZohoEventData } from '../../server/jobs/zohoEvents.js';
import { saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import { configureFulfilment } from '../../server/sync/fulfilment/options.js';
import { syncFulfilmentFromEvent } from '../../server/sync/fulfilment/realtime.js';
import '../../server/sync/index.js';
import { processOrder } from '../../server/sync/orders/process.js';
import { orderServicesFor } from '../../server/sync/orders/services.js';
import { requestRun } from '../../server/sync/runs.js';
import { webhookRunId } from '../../server/sync/webhookRun.js';
import { zohoClientFor, type ZohoClient } from '../../server/zoho/client.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import type { SimOrder } from '../../sandbox/bigcommerce/model.js';
import { ManualClock } from '../../sandbox/common/clock.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createContact } from '../../sandbox/zoho/api/contacts.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { createPackage } from '../../sandbox/zoho/api/packages.js';
import { confirmSalesOrder, createSalesOrder } from '../../sandbox/zoho/api/salesorders.js';
import { createShipmentOrder } from '../../sandbox/zoho/api/shipmentorders.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * Fulfilment against both simulators over HTTP: orders go to Zoho through the orders flow,
 * the merchant packs and ships in Zoho (through Zoho's API, whose workflow rules call the
 * app's webhook), and BigCommerce gets one shipment per Zoho shipment, with its tracking.
 */
const STORE = 'fulstore';
const SKU = { mug: 'FUL-MUG', tee: 'FUL-TEE' } as const;

let h: TestHarness;
let store: SimStore;
let org: ZohoOrg;
let zoho: ZohoClient;
let server: Server;
/**
 * Zoho's clock, moved a second before each change: intake tells deliveries apart by the record's
 * last_modified_time, which Zoho gives to the second, as two edits a second apart would be.
 */
const clock = new ManualClock();
const tick = () => clock.advance(1_000);

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'fulsim', zoho: { clock, limits: { requestsPerMinute: 100_000, minuteWindowMs: 1_000 } } });
  configureZohoRuntime(h.ctx, { perInterval: 100_000, intervalMs: 1_000, rateLimitPauseMs: 20, concurrencyPauseMs: 10, transientPauseMs: 5, transientRetries: 1, tokens: { pollMs: 10 }, budget: { flushMs: 20 } });
  configureFulfilment({ leaseMs: 5_000 });
  h.bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  const connected = await connectZohoStore(h, STORE);
  org = connected.org;
  await ZohoConnection.updateOne({ _id: STORE }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
  createItem(org, { name: 'Fulfilment Mug', sku: SKU.mug, rate: 10, initial_stock: 100 });
  createItem(org, { name: 'Fulfilment Tee', sku: SKU.tee, rate: 30, initial_stock: 100 });
  zoho = await zohoClientFor(h.ctx, STORE);

  // Zoho's workflow rules, set up as the panel says, calling the app (listening locally).
  server = await new Promise<Server>((resolve) => {
    const s = h.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const setup = (await request(h.app).get('/api/zoho/webhook').set('authorization', `Bearer ${connected.session}`)).body as {
    url: string;
    headers: Record<string, string>;
    bodies: Record<string, Record<string, string>>;
  };
  for (const module of ['package', 'shipmentorder', 'salesorder'] as const) {
    // The rules exactly as the panel tells the merchant to set them up.
    h.zoho!.state.addWorkflowWebhook(org.id, { module, url: `${base}${new URL(setup.url).pathname}`, headers: setup.headers, body: setup.bodies[module] });
  }
});
afterAll(async () => {
  configureFulfilment();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

const today = () => new Date().toISOString().slice(0, 10);
const jobs = () => mongoose.connection.db!.collection('jobs');

/** Zoho's deliveries so far, taken through intake; then the queued `zoho.event` jobs run, as a worker would. */
async function runZohoEvents(): Promise<ZohoEventData[]> {
  await h.zoho!.deliveries.settle();
  const queued = await jobs().find({ name: 'zoho.event', 'data.storeHash': STORE }).toArray();
  await jobs().deleteMany({ _id: { $in: queued.map((j) => j._id) } });
  const events = queued.map((j) => j.data as ZohoEventData);
  for (const data of events) await handleZohoEvent(h.ctx, data);
  return events;
}

/** A shopper's order in BigCommerce, sent to Zoho by the orders flow; the merchant confirms the sales order in Zoho. */
async function orderInZoho(lines: { sku: string; quantity: number }[]): Promise<{ order: SimOrder; salesorderId: string }> {
  const billing = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', street_1: '1 Compiler Lane', city: 'Arlington', zip: '22201', country: 'United States', country_iso2: 'US' };
  const order = h.bigcommerce.state.placeOrder(store, {
    status_id: 11,
    billing_address: billing,
    shipping_addresses: [{ ...billing, shipping_method: 'Flat Rate', cost_ex_tax: 5, cost_inc_tax: 5 }],
    products: lines.map((l) => ({ name: `Item ${l.sku}`, sku: l.sku, quantity: l.quantity, price_ex_tax: 10, price_inc_tax: 10 })),
    payment_method: 'Credit Card',
  });
  const result = await processOrder(h.ctx, { storeHash: STORE, orderId: order.id, trigger: 'webhook' }, await orderServicesFor(h.ctx, STORE));
  expect(result.status, result.outcome.reason).toBe('done');
  const synced = await OrderSync.findById(orderSyncId(STORE, order.id)).lean();
  const salesorderId = synced!.zoho!.salesorderId!;
  expect(synced!.lineMap).toHaveLength(lines.length);
  tick();
  await zoho.post(`/salesorders/${salesorderId}/status/confirmed`, undefined, { priority: 'realtime' });
  await runZohoEvents();
  return { order, salesorderId };
}

/** The merchant packs lines of a sales order and ships the package, through Zoho's API. */
async function shipInZoho(salesorderId: string, lines: { sku: string; quantity: number }[], carrier: string, tracking: string) {
  const so = org.salesOrders.get(salesorderId)!;
  const line_items = lines.map((l) => ({ so_line_item_id: so.line_items.find((x) => x.sku === l.sku)!.line_item_id, quantity: l.quantity }));
  tick();
  const pkg = await zoho.post<{ package: { package_id: string } }>('/packages', { date: today(), line_items }, { priority: 'realtime', query: { salesorder_id: salesorderId } });
  tick();
  const shipment = await zoho.post<{ shipment_order: { shipment_id: string } }>(
    '/shipmentorders',
    { date: today(), delivery_method: carrier, tracking_number: tracking },
    { priority: 'realtime', query: { salesorder_id: salesorderId, package_ids: pkg.package.package_id } },
  );
  return { packageId: pkg.package.package_id, shipmentId: shipment.shipment_order.shipment_id };
}

const shippedItems = (order: SimOrder) => order.shipments.map((s) => s.items.map((i) => ({ order_product_id: i.order_product_id, quantity: i.quantity })));
const productId = (order: SimOrder, sku: string) => order.products.find((p) => p.sku === sku)!.id;
const writes = () => [...store.calls.entries()].filter(([key]) => !key.startsWith('GET')).reduce((n, [, c]) => n + c, 0);

async function poll() {
  const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow: 'fulfilment', trigger: 'manual' });
  await executeRun(h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

describe('fulfilment: Zoho shipments → BigCommerce shipments', () => {
  it('a full shipment becomes one BigCommerce shipment with the carrier and tracking, and the order is Shipped', async () => {
    const { order, salesorderId } = await orderInZoho([
      { sku: SKU.mug, quantity: 2 },
      { sku: SKU.tee, quantity: 1 },
    ]);
    const { shipmentId } = await shipInZoho(
      salesorderId,
      [
        { sku: SKU.mug, quantity: 2 },
        { sku: SKU.tee, quantity: 1 },
      ],
      'FedEx',
      '794600000001',
    );
    const events = await runZohoEvents();
    // Zoho announced the shipment and its package: both events came to the same shipment.
    expect(events.map((e) => e.module).sort()).toEqual(expect.arrayContaining(['package', 'shipmentorder']));

    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({
      order_address_id: order.shipping_addresses[0]!.id,
      tracking_number: '794600000001',
      shipping_provider: 'fedex',
      tracking_carrier: 'fedex',
    });
    expect(shippedItems(order)).toEqual([
      [
        { order_product_id: productId(order, SKU.mug), quantity: 2 },
        { order_product_id: productId(order, SKU.tee), quantity: 1 },
      ],
    ]);
    expect(order.status_id).toBe(2);
    expect(await ShipmentSync.findById(shipmentSyncId(STORE, shipmentId)).lean()).toMatchObject({
      status: 'synced',
      orderId: order.id,
      bigcommerce: { trackingNumber: '794600000001', shipments: [{ shipmentId: order.shipments[0]!.id }] },
    });
    const run = await SyncRun.findById(webhookRunId(STORE, 'fulfilment')).lean();
    expect(run).toMatchObject({ flow: 'fulfilment', trigger: 'webhook', status: 'succeeded' });
    expect(run!.counts.created).toBeGreaterThanOrEqual(1);
  });

  it('a partial shipment makes the order Partially Shipped; the final one makes it Shipped', async () => {
    const { order, salesorderId } = await orderInZoho([
      { sku: SKU.mug, quantity: 3 },
      { sku: SKU.tee, quantity: 1 },
    ]);
    await shipInZoho(salesorderId, [{ sku: SKU.mug, quantity: 1 }], 'UPS', '1Z0000000001');
    await runZohoEvents();
    expect(shippedItems(order)).toEqual([[{ order_product_id: productId(order, SKU.mug), quantity: 1 }]]);
    expect(order.shipments[0]).toMatchObject({ tracking_number: '1Z0000000001', shipping_provider: 'ups' });
    expect(order.status_id).toBe(3);

    await shipInZoho(
      salesorderId,
      [
        { sku: SKU.mug, quantity: 2 },
        { sku: SKU.tee, quantity: 1 },
      ],
      'DHL',
      'JD0000000002',
    );
    await runZohoEvents();
    expect(order.shipments).toHaveLength(2);
    expect(shippedItems(order)[1]).toEqual([
      { order_product_id: productId(order, SKU.mug), quantity: 2 },
      { order_product_id: productId(order, SKU.tee), quantity: 1 },
    ]);
    // BigCommerce has no DHL provider; the tracking carrier still links the number.
    expect(order.shipments[1]).toMatchObject({ tracking_number: 'JD0000000002', shipping_provider: '', tracking_carrier: 'dhl' });
    expect(order.status_id).toBe(2);
  });

  it('a replayed webhook, the same shipment’s other events, concurrent workers and the poll never make a second shipment', async () => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.mug, quantity: 1 }]);
    // Shipped in Zoho without its events reaching the app yet.
    const so = org.salesOrders.get(salesorderId)!;
    const pkg = createPackage(org, salesorderId, { date: today(), line_items: [{ so_line_item_id: so.line_items[0]!.line_item_id, quantity: 1 }] });
    const shipment = createShipmentOrder(org, salesorderId, pkg.package_id, { date: today(), delivery_method: 'USPS', tracking_number: '9400000000000000000003' });

    // Every kind of event about it, twice over, handled at once by concurrent workers.
    const events: ZohoEventData[] = [
      { storeHash: STORE, receiptId: 'r1', module: 'shipmentorder', recordId: shipment.shipment_id },
      { storeHash: STORE, receiptId: 'r2', module: 'package', recordId: pkg.package_id },
      { storeHash: STORE, receiptId: 'r3', module: 'salesorder', recordId: salesorderId },
    ];
    await Promise.all([...events, ...events].map((e) => handleZohoEvent(h.ctx, e)));
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({ tracking_number: '9400000000000000000003', shipping_provider: 'usps' });

    // Replays later on: the same events again, a redelivery through intake, and the poll.
    const before = writes();
    for (const e of events) await handleZohoEvent(h.ctx, e);
    await runZohoEvents();
    const run = await poll();
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(order.shipments).toHaveLength(1);
    expect(writes()).toBe(before);
  });

  it('a tracking number edited in Zoho updates the BigCommerce shipment, by event or by the poll', async () => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.tee, quantity: 1 }]);
    const { shipmentId } = await shipInZoho(salesorderId, [{ sku: SKU.tee, quantity: 1 }], 'FedEx', 'OLD-0001');
    await runZohoEvents();
    expect(order.shipments[0]).toMatchObject({ tracking_number: 'OLD-0001', shipping_provider: 'fedex' });

    tick();
    await zoho.put(`/shipmentorders/${shipmentId}`, { tracking_number: 'NEW-0002', delivery_method: 'UPS' }, { priority: 'realtime' });
    await runZohoEvents();
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({ tracking_number: 'NEW-0002', shipping_provider: 'ups', tracking_carrier: 'ups' });

    // An edit whose event was lost: the poll finds it.
    org.shipments.get(shipmentId)!.tracking_number = 'NEWER-0003';
    const run = await poll();
    expect(run.counts).toMatchObject({ updated: 1, created: 0, failed: 0 });
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]!.tracking_number).toBe('NEWER-0003');
  });

  it('leaves a sales order the app did not create alone, with a note', async () => {
    const customer = createContact(org, { contact_name: 'Walk-in Customer' });
    const mug = [...org.items.values()].find((i) => i.sku === SKU.mug)!;
    const so = createSalesOrder(org, { customer_id: customer.contact_id, line_items: [{ item_id: mug.item_id, quantity: 1, rate: 10 }] });
    confirmSalesOrder(org, so);
    const before = writes();
    const { shipmentId } = await shipInZoho(so.salesorder_id, [{ sku: SKU.mug, quantity: 1 }], 'FedEx', 'MANUAL-0001');
    await runZohoEvents();

    expect(writes()).toBe(before);
    const claim = await ShipmentSync.findById(shipmentSyncId(STORE, shipmentId)).lean();
    expect(claim).toMatchObject({ status: 'not_ours' });
    expect(claim!.note).toContain(`Sales order ${so.salesorder_number} was not created by the app`);
    const receipt = await WebhookReceipt.findOne({ storeHash: STORE, topic: 'shipmentorder', resourceId: shipmentId }).lean();
    expect(receipt).toMatchObject({ status: 'ignored' });
    expect(receipt!.note).toContain('not created by the app');

    // The poll sees it again and changes nothing.
    const run = await poll();
    expect(run.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(writes()).toBe(before);
  });

  it('the poll ships what no event announced, once', async () => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.mug, quantity: 2 }]);
    const so = org.salesOrders.get(salesorderId)!;
    const pkg = createPackage(org, salesorderId, { date: today(), line_items: [{ so_line_item_id: so.line_items[0]!.line_item_id, quantity: 2 }] });
    createShipmentOrder(org, salesorderId, pkg.package_id, { date: today(), delivery_method: 'Royal Mail', tracking_number: 'RM000000004GB' });

    const first = await poll();
    expect(first.status, String(first.message)).toBe('succeeded');
    expect(first.counts).toMatchObject({ created: 1, failed: 0 });
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({ tracking_number: 'RM000000004GB', shipping_provider: 'royalmail', tracking_carrier: 'royal-mail' });
    expect(order.status_id).toBe(2);

    const before = writes();
    const second = await poll();
    expect(second.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(writes()).toBe(before);
  });

  it.each([
    ['reset', 'LOST-RESET-01'],
    ['error', 'LOST-500-01'],
  ] as const)('a shipment post whose answer is lost (%s) is adopted in the same poll: one shipment, the run succeeds', async (mode, tracking) => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.mug, quantity: 1 }]);
    const so = org.salesOrders.get(salesorderId)!;
    const pkg = createPackage(org, salesorderId, { date: today(), line_items: [{ so_line_item_id: so.line_items[0]!.line_item_id, quantity: 1 }] });
    createShipmentOrder(org, salesorderId, pkg.package_id, { date: today(), delivery_method: 'FedEx', tracking_number: tracking });
    const lost = h.bigcommerce.faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: `/orders/${order.id}/shipments$` } });

    const run = await poll();

    expect(lost.lost()).toBe(1);
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 1, failed: 0 });
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]).toMatchObject({ tracking_number: tracking });
  });

  it('adds nothing for items the merchant already shipped by hand in BigCommerce, and says so', async () => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.mug, quantity: 1 }]);
    const mugLine = order.products.find((p) => p.sku === SKU.mug)!;
    await request(h.bigcommerce.url)
      .post(`/stores/${STORE}/v2/orders/${order.id}/shipments`)
      .set('x-auth-token', 'bc-token')
      .send({ order_address_id: order.shipping_addresses[0]!.id, items: [{ order_product_id: mugLine.id, quantity: 1 }], tracking_number: 'BY-HAND' })
      .expect(201);
    const { shipmentId } = await shipInZoho(salesorderId, [{ sku: SKU.mug, quantity: 1 }], 'FedEx', 'ZOHO-0007');
    await runZohoEvents();
    expect(order.shipments).toHaveLength(1);
    const claim = await ShipmentSync.findById(shipmentSyncId(STORE, shipmentId)).lean();
    expect(claim).toMatchObject({ status: 'synced' });
    expect(claim!.note).toContain('BigCommerce already shows these items as shipped');
  });

  it('resumes a shipment whose worker died after posting: it adopts BigCommerce’s shipment instead of posting again', async () => {
    const { order, salesorderId } = await orderInZoho([{ sku: SKU.tee, quantity: 2 }]);
    const so = org.salesOrders.get(salesorderId)!;
    const pkg = createPackage(org, salesorderId, { date: today(), line_items: [{ so_line_item_id: so.line_items[0]!.line_item_id, quantity: 2 }] });
    const shipment = createShipmentOrder(org, salesorderId, pkg.package_id, { date: today(), delivery_method: 'FedEx', tracking_number: 'CRASH-0005' });
    // What the dead worker left: its claim with the intent, and the shipment it posted.
    const teeLine = order.products.find((p) => p.sku === SKU.tee)!;
    await request(h.bigcommerce.url)
      .post(`/stores/${STORE}/v2/orders/${order.id}/shipments`)
      .set('x-auth-token', 'bc-token')
      .send({ order_address_id: order.shipping_addresses[0]!.id, items: [{ order_product_id: teeLine.id, quantity: 2 }], tracking_number: 'CRASH-0005' })
      .expect(201);
    await ShipmentSync.create({
      _id: shipmentSyncId(STORE, shipment.shipment_id),
      storeHash: STORE,
      zohoShipmentId: shipment.shipment_id,
      salesorderId,
      orderId: order.id,
      status: 'pending',
      intent: { at: new Date(), trackingNumber: 'CRASH-0005' },
      claimedAt: new Date(),
      leaseOwner: 'dead-worker',
      leaseUntil: new Date(Date.now() - 1_000),
    });

    await syncFulfilmentFromEvent(h.ctx, STORE, 'shipmentorder', shipment.shipment_id);
    expect(order.shipments).toHaveLength(1);
    expect(await ShipmentSync.findById(shipmentSyncId(STORE, shipment.shipment_id)).lean()).toMatchObject({
      status: 'synced',
      bigcommerce: { shipments: [{ shipmentId: order.shipments[0]!.id }] },
    });
  });

  it('maps a delivered sales order to Completed when the merchant asks, and never moves an order backwards', async () => {
    await saveSettings(STORE, {
      fulfilment: {
        statuses: [
          { zoho: 'delivered', bigcommerceStatusId: 10 },
          { zoho: 'confirmed', bigcommerceStatusId: 9 },
        ],
      },
    });
    try {
      const { order, salesorderId } = await orderInZoho([{ sku: SKU.mug, quantity: 1 }]);
      // Confirmed in Zoho → Awaiting Shipment: forward from Awaiting Fulfillment.
      expect(order.status_id).toBe(9);
      const { shipmentId } = await shipInZoho(salesorderId, [{ sku: SKU.mug, quantity: 1 }], 'UPS', '1Z0000000006');
      await runZohoEvents();
      // Shipped by the shipment; still `confirmed` in Zoho, but Awaiting Shipment would be backwards.
      expect(order.status_id).toBe(2);

      tick();
      await zoho.post(`/shipmentorders/${shipmentId}/status/delivered`, undefined, { priority: 'realtime' });
      await runZohoEvents();
      expect(order.status_id).toBe(10);
      expect(order.shipments).toHaveLength(1);
    } finally {
      await saveSettings(STORE, {});
    }
  });
});
