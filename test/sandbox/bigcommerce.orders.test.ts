import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../sandbox/common/clock.js';
import { eventHash } from '../../sandbox/bigcommerce/webhooks.js';
import { BIGCOMMERCE_ONLY_SKU, SHARED_DEMO_SKUS, seedBigCommerce, type SeededBigCommerce } from '../../sandbox/seed.js';
import { productBody, startSim, type SimHarness } from './bigcommerce.support.js';

let h: SimHarness;
let seeded: SeededBigCommerce;
const clock = new ManualClock();
const billing = { first_name: 'Kim', last_name: 'Doe', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'kim@example.com' };

beforeAll(async () => {
  h = await startSim({ clock });
  // An order's two inventory events (order twin first, then the plain one) raised at once, so that the lists below are exact.
  h.sim.state.configureOrderInventoryEvents({ order: 'order-first', maxDelayMs: 0 });
  seeded = seedBigCommerce(h.sim.state, h.store);
});
afterAll(async () => h?.close());

const level = async (sku: string) => (await h.api('GET', `/v3/inventory/items?sku:in=${sku}`)).body.data[0].locations[0].available_to_sell as number;
const eventsSince = (n: number) => h.store.events.slice(n);

describe('the demo seed', () => {
  it('has the shared SKUs, a BigCommerce-only product, customers and three orders', async () => {
    const variants = await h.api('GET', '/v3/catalog/variants?limit=250');
    const skus = variants.body.data.map((v: { sku: string }) => v.sku);
    for (const sku of [...SHARED_DEMO_SKUS, BIGCOMMERCE_ONLY_SKU]) expect(skus).toContain(sku);
    expect((await h.api('GET', '/v3/customers')).body.data).toHaveLength(3);
    const orders = await h.api('GET', '/v2/orders');
    expect(orders.body.map((o: { status_id: number }) => o.status_id)).toEqual([11, 2, 0]);
    const coupons = await h.api('GET', `/v2/orders/${seeded.orderIds.awaitingFulfillment}/coupons`);
    expect(coupons.body).toEqual([expect.objectContaining({ code: 'WELCOME5', order_id: seeded.orderIds.awaitingFulfillment })]);
    expect((await h.api('GET', `/v2/orders/${seeded.orderIds.incomplete}/coupons`)).status).toBe(204);
  });
});

describe('placing orders', () => {
  it('creates an order from catalog lines, takes stock and raises the events', async () => {
    const before = await level('ZI-TSHIRT-S');
    const mugBefore = await level('ZI-MUG-01');
    const mark = h.store.events.length;
    const variantId = h.store.findSku('ZI-TSHIRT-S')!.variant!.id;
    const res = await h.api('POST', '/v2/orders', {
      billing_address: billing,
      status_id: 11,
      customer_id: seeded.customerIds[0],
      products: [
        { product_id: seeded.productIds.tshirt, variant_id: variantId, quantity: 2 },
        { product_id: seeded.productIds.mug, quantity: 1, price_ex_tax: 10, price_inc_tax: 11 },
        { name: 'Gift wrap', quantity: 1, price_ex_tax: 2, price_inc_tax: 2 },
      ],
      shipping_cost_ex_tax: 5,
    });
    expect(res.status).toBe(200);
    const order = res.body;
    expect(order).toMatchObject({ status_id: 11, status: 'Awaiting Fulfillment', items_total: 4, subtotal_ex_tax: '52.0000', total_inc_tax: '58.0000', shipping_cost_ex_tax: '5.0000' });
    expect(order.products).toEqual({ url: expect.stringContaining(`/v2/orders/${order.id}/products`), resource: `/orders/${order.id}/products` });
    expect(await level('ZI-TSHIRT-S')).toBe(before - 2);
    expect(await level('ZI-MUG-01')).toBe(mugBefore - 1);
    expect(eventsSince(mark).map((e) => e.scope)).toEqual([
      'store/order/created',
      'store/sku/inventory/order/updated',
      'store/sku/inventory/updated',
      'store/product/inventory/order/updated',
      'store/product/inventory/updated',
    ]);
    expect(eventsSince(mark)[1]!.data).toMatchObject({ type: 'sku', inventory: { method: 'absolute', value: before - 2, variant_id: variantId } });

    const lines = await h.api('GET', `/v2/orders/${order.id}/products`);
    expect(lines.body.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ['ZI-TSHIRT-S', 2],
      ['ZI-MUG-01', 1],
      ['', 1],
    ]);
    expect(lines.body[0]).toMatchObject({ variant_id: variantId, price_ex_tax: '20.0000', product_options: [expect.objectContaining({ display_name: 'Size', display_value: 'S' })] });
    const addresses = await h.api('GET', `/v2/orders/${order.id}/shipping_addresses`);
    expect(addresses.body).toEqual([expect.objectContaining({ zip: '78701', items_total: 4, items_shipped: 0 })]);
  });

  it('does not take stock for an Incomplete order until it moves on', async () => {
    const before = await level('ZI-CAP-01');
    const order = (await h.api('POST', '/v2/orders', { billing_address: billing, status_id: 0, products: [{ product_id: seeded.productIds.cap, quantity: 1 }] })).body;
    expect(await level('ZI-CAP-01')).toBe(before);
    await h.api('PUT', `/v2/orders/${order.id}`, { status_id: 11 });
    expect(await level('ZI-CAP-01')).toBe(before - 1);
  });

  it('refuses unknown products, missing fields and more than is in stock (400)', async () => {
    const refuse = async (body: unknown) => {
      const res = await h.api('POST', '/v2/orders', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual([{ status: 400, message: expect.any(String) }]);
    };
    await refuse({ products: [{ product_id: seeded.productIds.cap, quantity: 1 }] });
    await refuse({ billing_address: billing, products: [] });
    await refuse({ billing_address: billing, products: [{ product_id: 999999, quantity: 1 }] });
    await refuse({ billing_address: billing, products: [{ product_id: seeded.productIds.tshirt, quantity: 1 }] });
    await refuse({ billing_address: billing, products: [{ product_id: seeded.productIds.bcOnly, quantity: 1000 }] });
  });
});

describe('order status', () => {
  it('raises updated and statusUpdated, with the same hash for the same data', async () => {
    const order = (await h.api('POST', '/v2/orders', { billing_address: billing, status_id: 11, products: [{ product_id: seeded.productIds.bottle, quantity: 1 }] })).body;
    const mark = h.store.events.length;
    clock.advance(5_000);
    const res = await h.api('PUT', `/v2/orders/${order.id}`, { status_id: 5 });
    expect(res.body).toMatchObject({ status_id: 5, status: 'Cancelled' });
    // Cancelling gives the order's stock back first (its lines' inventory events), then the order's own events.
    expect(eventsSince(mark).filter((e) => e.scope.includes('/inventory/')).length).toBeGreaterThan(0);
    const [updated, statusUpdated] = eventsSince(mark).filter((e) => e.scope.startsWith('store/order/'));
    expect(updated).toMatchObject({ scope: 'store/order/updated', data: { type: 'order', id: order.id }, producer: 'stores/sim1', store_id: String(h.store.storeId) });
    expect(statusUpdated!.data).toEqual({ type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 5 } });
    expect(statusUpdated!.hash).toBe(eventHash(statusUpdated!.data));
    // created and updated carry the same data, hence the same hash, as the platform's do.
    const created = h.store.events.find((e) => e.scope === 'store/order/created' && e.data.id === order.id)!;
    expect(created.hash).toBe(updated!.hash);
    expect(typeof updated!.created_at).toBe('number');
  });

  it('filters orders by status_id and min_date_modified', async () => {
    const cancelled = await h.api('GET', '/v2/orders?status_id=5');
    expect(cancelled.body.map((o: { status_id: number }) => o.status_id)).toEqual([5]);
    const since = new Date(clock.now() - 1000).toISOString();
    const recent = await h.api('GET', `/v2/orders?min_date_modified=${encodeURIComponent(since)}`);
    expect(recent.body.map((o: { id: number }) => o.id)).toEqual(cancelled.body.map((o: { id: number }) => o.id));
    const paged = await h.api('GET', '/v2/orders?limit=2&page=2');
    expect(paged.body).toHaveLength(2);
    expect((await h.api('GET', '/v2/orders/424242')).status).toBe(404);
  });
});

describe('shipments', () => {
  let orderId: number;
  let addressId: number;
  let lines: { id: number; quantity: number }[];

  beforeAll(async () => {
    const order = (
      await h.api('POST', '/v2/orders', {
        billing_address: billing,
        status_id: 11,
        products: [
          { product_id: seeded.productIds.mug, quantity: 2 },
          { product_id: seeded.productIds.bottle, quantity: 1 },
        ],
      })
    ).body;
    orderId = order.id;
    addressId = (await h.api('GET', `/v2/orders/${orderId}/shipping_addresses`)).body[0].id;
    lines = (await h.api('GET', `/v2/orders/${orderId}/products`)).body;
    expect((await h.api('GET', `/v2/orders/${orderId}/shipments`)).status).toBe(204);
  });

  it('validates the address and the items', async () => {
    const bad = [
      { items: [{ order_product_id: lines[0]!.id, quantity: 1 }] },
      { order_address_id: 999999, items: [{ order_product_id: lines[0]!.id, quantity: 1 }] },
      { order_address_id: addressId, items: [{ order_product_id: 999999, quantity: 1 }] },
      { order_address_id: addressId, items: [{ order_product_id: lines[0]!.id, quantity: 3 }] },
      { order_address_id: addressId },
    ];
    for (const body of bad) {
      const res = await h.api('POST', `/v2/orders/${orderId}/shipments`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await h.api('GET', `/v2/orders/${orderId}`)).body.status_id).toBe(11);
  });

  it('moves the order to Partially Shipped, then Shipped', async () => {
    const first = await h.api('POST', `/v2/orders/${orderId}/shipments`, {
      order_address_id: addressId,
      tracking_number: 'TRACK1',
      shipping_provider: 'ups',
      items: [{ order_product_id: lines[0]!.id, quantity: 1 }],
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ order_id: orderId, order_address_id: addressId, tracking_number: 'TRACK1', items: [{ order_product_id: lines[0]!.id, quantity: 1 }] });
    expect((await h.api('GET', `/v2/orders/${orderId}`)).body).toMatchObject({ status_id: 3, status: 'Partially Shipped', items_shipped: 1 });

    const mark = h.store.events.length;
    await h.api('POST', `/v2/orders/${orderId}/shipments`, {
      order_address_id: addressId,
      items: [
        { order_product_id: lines[0]!.id, quantity: 1 },
        { order_product_id: lines[1]!.id, quantity: 1 },
      ],
    });
    expect((await h.api('GET', `/v2/orders/${orderId}`)).body).toMatchObject({ status_id: 2, status: 'Shipped', items_shipped: 3 });
    expect(eventsSince(mark).map((e) => e.scope)).toEqual(['store/shipment/created', 'store/order/updated', 'store/order/statusUpdated']);
    expect((await h.api('POST', `/v2/orders/${orderId}/shipments`, { order_address_id: addressId, items: [{ order_product_id: lines[1]!.id, quantity: 1 }] })).status).toBe(400);
  });

  it('lists and updates shipments', async () => {
    const list = await h.api('GET', `/v2/orders/${orderId}/shipments`);
    expect(list.body).toHaveLength(2);
    const updated = await h.api('PUT', `/v2/orders/${orderId}/shipments/${list.body[0].id}`, { tracking_number: 'TRACK1B', tracking_carrier: 'fedex' });
    expect(updated.body).toMatchObject({ tracking_number: 'TRACK1B', tracking_carrier: 'fedex' });
    expect((await h.api('GET', `/v2/orders/${orderId}/shipments/${list.body[0].id}`)).body.tracking_number).toBe('TRACK1B');
    expect((await h.api('PUT', `/v2/orders/${orderId}/shipments/999999`, { tracking_number: 'x' })).status).toBe(404);
  });
});

describe('refunds', () => {
  it('refunds lines and order-level money: amounts, quantities, payment status and status move, and the refund event fires', async () => {
    const order = h.sim.state.placeOrder('sim1', {
      billing_address: billing,
      status_id: 11,
      products: [{ name: 'Cup', sku: 'RF-CUP', quantity: 3, price_ex_tax: 10, price_inc_tax: 10 }],
      shipping_cost_ex_tax: 5,
    });
    const lineId = order.products[0]!.id;
    const post = (body: unknown) =>
      fetch(`${h.sim.url}/__sim/stores/sim1/orders/${order.id}/refunds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const mark = h.store.events.length;
    const first = await post({ items: [{ order_product_id: lineId, quantity: 1 }] });
    expect(first.status).toBe(201);
    expect((await h.api('GET', `/v2/orders/${order.id}`)).body).toMatchObject({ status_id: 14, refunded_amount: '10.0000', payment_status: 'partially refunded' });
    expect((await h.api('GET', `/v2/orders/${order.id}/products`)).body[0]).toMatchObject({ quantity_refunded: 1, refund_amount: '10.0000', is_refunded: true });
    expect(eventsSince(mark).map((e) => e.scope)).toEqual(['store/order/refund/created', 'store/order/updated', 'store/order/statusUpdated']);
    expect(eventsSince(mark)[0]!.data).toMatchObject({ type: 'order', id: order.id, refund: { refund_id: expect.any(Number) } });

    // More than is left, or units never bought, are refused; the rest (two cups and shipping) refunds it all.
    expect((await post({ amount: 100 })).status).toBe(400);
    expect((await post({ items: [{ order_product_id: lineId, quantity: 3 }] })).status).toBe(400);
    expect((await post({ items: [{ order_product_id: lineId, quantity: 2 }], amount: 5 })).status).toBe(201);
    expect((await h.api('GET', `/v2/orders/${order.id}`)).body).toMatchObject({ status_id: 4, refunded_amount: '35.0000', payment_status: 'refunded' });
  });
});

describe('the test helper', () => {
  it('places an order as a shopper would', async () => {
    const product = (await h.api('POST', '/v3/catalog/products', productBody('Helper item', { sku: 'HLP-1', inventory_tracking: 'product', inventory_level: 3 }))).body.data;
    const order = h.sim.state.placeOrder('sim1', { billing_address: billing, status_id: 11, products: [{ product_id: product.id, quantity: 2 }], coupons: [{ code: 'TEN', discount: 1 }] });
    expect((await h.api('GET', `/v2/orders/${order.id}`)).body).toMatchObject({ coupon_discount: '1.0000', total_inc_tax: '19.0000' });
    expect(await level('HLP-1')).toBe(1);
  });
});

describe('the /__sim control endpoint', () => {
  it('sets stock, places orders, raises events and summarises a store', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${h.sim.url}/__sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/stores/sim1/stock', { sku: 'ZI-BOTTLE-01', quantity: 77 })).status).toBe(204);
    expect(await level('ZI-BOTTLE-01')).toBe(77);
    const order = (await (await post('/stores/sim1/orders', { billing_address: billing, status_id: 11, products: [{ product_id: seeded.productIds.bottle, quantity: 7 }] })).json()) as { id: number };
    expect((await h.api('GET', `/v2/orders/${order.id}`)).body.status_id).toBe(11);
    expect(await level('ZI-BOTTLE-01')).toBe(70);
    const event = (await (await post('/stores/sim1/events', { scope: 'store/order/archived', data: { type: 'order', id: order.id } })).json()) as { hash: string };
    expect(event.hash).toBe(eventHash({ type: 'order', id: order.id }));
    expect((await post('/stores/sim1/stock', { sku: 'NOPE', quantity: 1 })).status).toBe(422);
    const summary = (await (await fetch(`${h.sim.url}/__sim/stores/sim1`)).json()) as { hash: string; orders: number; totalCalls: number };
    expect(summary).toMatchObject({ hash: 'sim1', orders: h.store.orders.size, totalCalls: h.store.totalCalls() });
  });
});
