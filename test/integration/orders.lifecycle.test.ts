import type { Agenda } from 'agenda';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { createContact } from '../../sandbox/zoho/api/contacts.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { installedStoreSession, markZohoConnected } from '../support/sessions.js';
import { SKUS, deliver, eventsOf, orderState, placeOrder, startOrdersWorld, startWorker, stopOrdersWorld, until, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * An order's life seen from the merchant's side: the customer's existing Zoho contact and its
 * payment terms, a line Zoho has no item for (held, then retried from the panel), status
 * changes (ignored until real, paid later, cancelled), and the panel's order API.
 */
let world: OrdersWorld;
let worker: Agenda;
const auth = () => ({ authorization: `Bearer ${world.session}` });

beforeAll(async () => {
  world = await startOrdersWorld('lifestore');
  worker = await startWorker(world);
});
afterAll(async () => {
  await worker?.stop();
  await stopOrdersWorld(world);
});

const process = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');

/** Moves the order in BigCommerce and delivers the events that raises. */
async function changeStatus(orderId: number, statusId: number) {
  const before = world.store.events.length;
  updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(orderId)!, { status_id: statusId });
  for (const event of world.store.events.slice(before)) await deliver(world, event);
}

describe('customers', () => {
  it('matches an existing Zoho contact by e-mail (not duplicated), applies its payment terms, and updates its addresses', async () => {
    const existing = createContact(world.org, {
      contact_name: 'Grace Hopper (wholesale)',
      payment_terms: 30,
      payment_terms_label: 'Net 30',
      contact_persons: [{ first_name: 'Grace', last_name: 'Hopper', email: 'Grace@Navy.example' }],
    });
    const order = placeOrder(world, { email: 'grace@navy.example', firstName: 'Grace', lastName: 'Hopper' });
    expect((await process(order.id))?.status).toBe('done');

    const zoho = zohoRecords(world.org, order.id, 'grace@navy.example');
    expect(zoho.contacts.map((c) => c.contact_id)).toEqual([existing.contact_id]);
    expect(zoho.salesOrders[0]!.customer_id).toBe(existing.contact_id);
    const invoice = zoho.invoices[0]!;
    expect(invoice).toMatchObject({ customer_id: existing.contact_id, payment_terms: 30, payment_terms_label: 'Net 30' });
    expect(Date.parse(invoice.due_date) - Date.parse(invoice.date)).toBe(30 * 86_400_000);
    // The contact's addresses follow the order; its name stays the merchant's.
    expect(existing.contact_name).toBe('Grace Hopper (wholesale)');
    expect(existing.shipping_address).toMatchObject({ address: '2 Difference Road', city: 'London' });
  });

  it('a returning customer costs no contact call', async () => {
    const order = placeOrder(world, { email: 'grace@navy.example', firstName: 'Grace', lastName: 'Hopper' });
    const contactCalls = () => world.h.zoho!.state.callCount('GET /inventory/v1/contacts') + world.h.zoho!.state.callCount('PUT /inventory/v1/contacts');
    const before = contactCalls();
    const result = await process(order.id);
    expect(result?.status).toBe('done');
    expect(contactCalls()).toBe(before);
    // Sales order, invoice, mark sent, payment: nothing else (the SKUs' items are remembered from the last order).
    expect(result?.calls.zoho).toBe(4);
  });
});

describe('lines Zoho cannot map', () => {
  it('holds the order naming the unknown SKU, and the panel’s retry goes through once the item exists', async () => {
    const order = placeOrder(world, { email: 'held@example.com', lines: [{ sku: SKUS.mug, quantity: 1, price: 10 }, { sku: 'ORD-LAMP', quantity: 1, price: 45 }] });
    expect((await process(order.id))?.status).toBe('held');
    const held = await request(world.h.app).get(`/api/orders/${order.id}`).set(auth());
    expect(held.status).toBe(200);
    expect(held.body.order).toMatchObject({ status: 'held', held: { skus: ['ORD-LAMP'], reason: expect.stringContaining('ORD-LAMP') } });
    expect(zohoRecords(world.org, order.id, 'held@example.com').salesOrders).toHaveLength(0);

    createItem(world.org, { name: 'Order Lamp', sku: 'ORD-LAMP', rate: 45 });
    const retry = await request(world.h.app).post(`/api/orders/${order.id}/retry`).set(auth());
    expect(retry.status).toBe(202);
    await until(async () => (await orderState(world, order.id))?.status === 'done', 'the retried order done');
    const done = (await request(world.h.app).get(`/api/orders/${order.id}`).set(auth())).body.order;
    expect(done.held).toBeUndefined();
    expect(done.lines).toHaveLength(2);
    expect(zohoRecords(world.org, order.id, 'held@example.com').invoices).toHaveLength(1);
  });
});

describe('status changes', () => {
  it('records an Incomplete order as ignored, and processes it once a status change makes it real', async () => {
    const order = placeOrder(world, { email: 'later@example.com', statusId: 0 });
    await deliver(world, eventsOf(world, order.id)[0]);
    await until(async () => (await orderState(world, order.id))?.status === 'ignored', 'the order ignored');
    expect((await orderState(world, order.id))?.note).toMatch(/Incomplete/);
    expect(zohoRecords(world.org, order.id, 'later@example.com').salesOrders).toHaveLength(0);

    await changeStatus(order.id, 11);
    await until(async () => (await orderState(world, order.id))?.status === 'done', 'the order done');
    expect(zohoRecords(world.org, order.id, 'later@example.com').invoices).toHaveLength(1);
  });

  it('invoices an order awaiting payment without a payment, and records the payment when it is paid', async () => {
    const order = placeOrder(world, { email: 'payslow@example.com', statusId: 7 });
    expect((await process(order.id))?.status).toBe('done');
    expect(zohoRecords(world.org, order.id, 'payslow@example.com')).toMatchObject({ invoices: [{ status: 'draft' }], payments: [] });

    await changeStatus(order.id, 11);
    await until(async () => Boolean((await orderState(world, order.id))?.zoho?.paymentId), 'the payment recorded');
    const zoho = zohoRecords(world.org, order.id, 'payslow@example.com');
    expect(zoho.payments).toHaveLength(1);
    expect(zoho.invoices).toHaveLength(1);
  });

  it('voids the unpaid invoice and the sales order of a cancelled order (nothing deleted)', async () => {
    const order = placeOrder(world, { email: 'cancel@example.com', statusId: 7 });
    expect((await process(order.id))?.status).toBe('done');
    await changeStatus(order.id, 5);
    await until(async () => (await orderState(world, order.id))?.status === 'cancelled', 'the order cancelled');
    const zoho = zohoRecords(world.org, order.id, 'cancel@example.com');
    expect(zoho.invoices.map((i) => i.status)).toEqual(['void']);
    expect(zoho.salesOrders.map((s) => s.status)).toEqual(['void']);
    expect((await orderState(world, order.id))?.zoho).toMatchObject({ invoiceVoided: true, salesorderVoided: true });
  });
});

describe('the panel’s order API', () => {
  it('lists newest first, filters by status, searches by order id or e-mail', async () => {
    const all = (await request(world.h.app).get('/api/orders').set(auth())).body.orders as { orderId: number }[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((o) => o.orderId)).toEqual([...all.map((o) => o.orderId)].sort((a, b) => b - a));

    const cancelled = (await request(world.h.app).get('/api/orders').query({ status: 'cancelled' }).set(auth())).body.orders as { status: string }[];
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect(cancelled.every((o) => o.status === 'cancelled')).toBe(true);

    const byEmail = (await request(world.h.app).get('/api/orders').query({ q: 'NAVY.example' }).set(auth())).body.orders as { email: string }[];
    expect(byEmail).toHaveLength(2);
    expect(byEmail.every((o) => o.email === 'grace@navy.example')).toBe(true);

    const id = all[0]!.orderId;
    expect((await request(world.h.app).get('/api/orders').query({ q: String(id) }).set(auth())).body.orders.map((o: { orderId: number }) => o.orderId)).toEqual([id]);
    expect((await request(world.h.app).get('/api/orders').query({ status: 'nonsense' }).set(auth())).status).toBe(400);
  });

  it('answers 404 for another store’s order, for reading and for retrying', async () => {
    const order = placeOrder(world, { email: 'private@example.com' });
    expect((await process(order.id))?.status).toBe('done');
    const other = await installedStoreSession(world.h.ctx, 'otherstore');
    const as = { authorization: `Bearer ${other}` };
    expect((await request(world.h.app).get(`/api/orders/${order.id}`).set(as)).status).toBe(404);
    expect((await request(world.h.app).get('/api/orders').query({ q: String(order.id) }).set(as)).body.orders).toEqual([]);
    // The other store has no Zoho connection: refused before anything else; with one, still 404.
    expect((await request(world.h.app).post(`/api/orders/${order.id}/retry`).set(as)).status).toBe(409);
    await markZohoConnected(world.h.ctx, 'otherstore');
    expect((await request(world.h.app).post(`/api/orders/${order.id}/retry`).set(as)).status).toBe(404);
    expect((await request(world.h.app).post(`/api/orders/999999/retry`).set(auth())).status).toBe(404);
    expect((await request(world.h.app).get('/api/orders/not-a-number').set(auth())).status).toBe(404);
  });
});

describe('an order edited after it was invoiced', () => {
  it('is flagged with what differs, shown in the panel, and Zoho is left alone', async () => {
    const order = placeOrder(world, { email: 'edit@example.com', firstName: 'Eddie', lastName: 'Edits' });
    expect((await process(order.id))?.status).toBe('done');
    const zohoWrites = () => ['POST /inventory/v1/salesorders', 'POST /inventory/v1/invoices', 'PUT /inventory/v1/invoices'].reduce((n, k) => n + world.h.zoho!.state.callCount(k), 0);
    const writesBefore = zohoWrites();

    const sim = world.store.orders.get(order.id)!;
    sim.discount_amount = 5;
    updateOrder(world.h.bigcommerce.state, world.store, sim, { staff_notes: 'discount given by phone' });
    await process(order.id);

    const state = await orderState(world, order.id);
    expect(state?.status).toBe('done');
    expect(state?.edited?.differences).toEqual(expect.arrayContaining([expect.stringMatching(/^discount 0\.00 → 5\.00$/), expect.stringMatching(/^total /)]));
    expect(zohoWrites()).toBe(writesBefore);

    const shown = await request(world.h.app).get(`/api/orders/${order.id}`).set(auth());
    expect(shown.body.order?.edited?.differences ?? shown.body.edited?.differences).toEqual(state?.edited?.differences);
    const alerts = await request(world.h.app).get('/api/alerts').set(auth());
    expect(alerts.body.alerts.find((a: { kind: string }) => a.kind === 'orders_edited')?.message).toContain(`#${order.id}`);
  });
});
