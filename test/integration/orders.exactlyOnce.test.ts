import type { Agenda } from 'agenda';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContactClaim, OrderSync, SyncRun, orderSyncId } from '../../server/db/models/index.js';
import { leaseOptions } from '../../server/sync/lease.js';
import { crashPoints } from '../../server/sync/orders/crashPoints.js';
import { configureOrderProcessing } from '../../server/sync/orders/options.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { webhookRunId } from '../../server/sync/webhookRun.js';
import { FAST_ORDERS, deliver, eventsOf, orderState, placeOrder, startOrdersWorld, startWorker, stopOrdersWorld, until, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * Exactly once: however often and however concurrently an order's events arrive, and wherever
 * a worker dies, Zoho ends up with one contact, one sales order, one invoice and one payment
 * per order, each recorded on the order.
 */
let world: OrdersWorld;
let worker: Agenda;

beforeAll(async () => {
  world = await startOrdersWorld('oncestore');
  worker = await startWorker(world);
});
afterAll(async () => {
  await worker?.stop();
  await stopOrdersWorld(world);
});
afterEach(() => {
  delete crashPoints.afterZohoCreate;
});

const expectOneOfEach = (orderId: number, email?: string) => {
  const zoho = zohoRecords(world.org, orderId, email);
  expect(zoho.contacts, 'contacts').toHaveLength(1);
  expect(zoho.salesOrders, 'sales orders').toHaveLength(1);
  expect(zoho.invoices, 'invoices').toHaveLength(1);
  expect(zoho.payments, 'payments').toHaveLength(1);
  return zoho;
};

const settled = (orderId: number) => until(async () => (await orderState(world, orderId))?.status === 'done', `order ${orderId} done`);
const jobsLeft = async () => mongoose.connection.db!.collection('jobs').countDocuments({ name: 'bigcommerce.order', lockedAt: { $ne: null } });

describe('one order, many deliveries', () => {
  it('the same delivery five times in a row: one receipt, one contact, one sales order, one invoice, one payment', async () => {
    const order = placeOrder(world, { email: 'seq@example.com' });
    const [created] = eventsOf(world, order.id);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await deliver(world, created)).outcome);
    expect(outcomes).toEqual(['queued', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    await settled(order.id);
    const zoho = expectOneOfEach(order.id, 'seq@example.com');

    const state = (await orderState(world, order.id))!;
    expect(state).toMatchObject({ status: 'done', step: 'done', zoho: { contactId: zoho.contacts[0]!.contact_id, salesorderId: zoho.salesOrders[0]!.salesorder_id, invoiceId: zoho.invoices[0]!.invoice_id, paymentId: zoho.payments[0]!.payment_id, invoiceSent: true } });
    expect(zoho.salesOrders[0]).toMatchObject({ salesorder_number: `BC-${order.id}`, status: 'confirmed' });
    expect(zoho.invoices[0]!.salesorder_id).toBe(zoho.salesOrders[0]!.salesorder_id);
    // Fulfilment's map: every Zoho sales-order line ↔ its BigCommerce order product and address.
    expect(state.lineMap?.map((l) => [l.zohoLineItemId, l.orderProductId, l.orderAddressId])).toEqual(
      zoho.salesOrders[0]!.line_items.map((l, i) => [l.line_item_id, order.products[i]!.id, order.shipping_addresses[0]!.id]),
    );
    expect(state.orderAddressId).toBe(order.shipping_addresses[0]!.id);
  });

  it('five different events of one order at once (created, updated, status changes): still one of each', async () => {
    const order = placeOrder(world, { email: 'burst@example.com' });
    // Five distinct events BigCommerce raises for the order (each a receipt and a job of its own).
    const base = eventsOf(world, order.id)[0]!;
    const events = [0, 1, 2, 3, 4].map((i) => ({ ...base, scope: i % 2 ? 'store/order/updated' : 'store/order/created', created_at: base.created_at + i }));
    const outcomes = await Promise.all(events.map((e) => deliver(world, e)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(5).fill('queued'));
    await settled(order.id);
    await until(async () => (await jobsLeft()) === 0, 'order jobs finished');
    expectOneOfEach(order.id, 'burst@example.com');
  });

  it('the same order processed by five workers at the very same moment: one of each', async () => {
    const order = placeOrder(world, { email: 'race@example.com' });
    const results = await Promise.all(Array.from({ length: 5 }, () => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual')));
    expect(results.filter((r) => r?.status === 'done')).not.toHaveLength(0);
    await settled(order.id);
    expectOneOfEach(order.id, 'race@example.com');
  });

  it('two first orders of one new customer at once make one contact', async () => {
    const first = placeOrder(world, { email: 'twins@example.com' });
    const second = placeOrder(world, { email: 'twins@example.com' });
    await Promise.all([first, second].map((o) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: o.id }, 'manual')));
    await settled(first.id);
    await settled(second.id);
    const contacts = zohoRecords(world.org, first.id, 'twins@example.com').contacts;
    expect(contacts).toHaveLength(1);
    expect((await orderState(world, second.id))?.zoho?.contactId).toBe(contacts[0]!.contact_id);
    expect(await ContactClaim.countDocuments({ storeHash: world.storeHash, email: 'twins@example.com' })).toBe(1);
  });

  it('groups webhook work into one run per store and hour, counting each order once as created', async () => {
    const run = await SyncRun.findById(webhookRunId(world.storeHash, 'orders', new Date())).lean();
    expect(run).toMatchObject({ flow: 'orders', trigger: 'webhook', status: 'running' });
    expect(run!.counts.created).toBeGreaterThanOrEqual(5);
  });
});

describe('Zoho unavailable for a moment', () => {
  it('the order waits, and its scheduled retry (an Agenda job) invoices it once Zoho answers again', async () => {
    world.h.zoho!.faults.set({ errorRate: 1, errorStatus: 503 });
    const order = placeOrder(world, { email: 'blip@example.com' });
    try {
      expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('waiting');
      expect(await mongoose.connection.db!.collection('jobs').countDocuments({ name: 'orders.retry', 'data.orderId': order.id })).toBeGreaterThanOrEqual(1);
    } finally {
      world.h.zoho!.faults.clear();
    }
    await settled(order.id);
    expectOneOfEach(order.id, 'blip@example.com');
  });
});

describe('a worker that dies mid-order', () => {
  // The test drives the retries itself: the worker's scheduled ones would come too late to interfere.
  beforeAll(() => configureOrderProcessing({ ...FAST_ORDERS, retryBaseMs: 60_000, retryMaxMs: 60_000 }));
  afterAll(() => configureOrderProcessing(FAST_ORDERS));

  it('killed between Zoho’s sales order and our record of it, then again after the invoice: the retry finds both, one of each', async () => {
    const order = placeOrder(world, { email: 'crash@example.com' });
    crashPoints.afterZohoCreate = (point) => {
      if (point === 'salesorder') throw new Error('worker killed');
    };
    const crashed = await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual');
    expect(crashed?.status).toBe('waiting');
    // Zoho has the sales order; our record does not.
    expect(zohoRecords(world.org, order.id, 'crash@example.com').salesOrders).toHaveLength(1);
    expect((await orderState(world, order.id))?.zoho?.salesorderId).toBeUndefined();

    crashPoints.afterZohoCreate = (point) => {
      if (point === 'invoice') throw new Error('worker killed again');
    };
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('waiting');
    expect(zohoRecords(world.org, order.id, 'crash@example.com').invoices).toHaveLength(1);
    const between = await orderState(world, order.id);
    expect(between?.zoho?.salesorderId).toBeDefined();
    expect(between?.zoho?.invoiceId).toBeUndefined();

    delete crashPoints.afterZohoCreate;
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    const zoho = expectOneOfEach(order.id, 'crash@example.com');
    expect((await orderState(world, order.id))?.zoho).toMatchObject({ salesorderId: zoho.salesOrders[0]!.salesorder_id, invoiceId: zoho.invoices[0]!.invoice_id });
  });

  it('a worker that vanished holding the order (lease left behind) is taken over once its lease lapses', async () => {
    const order = placeOrder(world, { email: 'ghost@example.com' });
    crashPoints.afterZohoCreate = (point) => {
      if (point === 'payment') throw new Error('worker killed');
    };
    await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual');
    delete crashPoints.afterZohoCreate;
    // As if the process had died mid-step: its lease still stands.
    const _id = orderSyncId(world.storeHash, order.id);
    await OrderSync.updateOne({ _id }, { $set: { leaseOwner: 'dead-worker', leaseUntil: new Date(Date.now() + 60_000) } });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('busy');
    // Lapsed, but by less than the margin allowed for clocks that differ between hosts: still the holder's.
    await OrderSync.updateOne({ _id }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('busy');
    await OrderSync.updateOne({ _id }, { $set: { leaseUntil: new Date(Date.now() - leaseOptions.clockSkewMs - 1) } });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    expectOneOfEach(order.id, 'ghost@example.com');
  });
});
