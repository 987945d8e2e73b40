import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunRecord } from '../../server/db/models/index.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { configureOrderProcessing } from '../../server/sync/orders/options.js';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { createInvoice } from '../../sandbox/zoho/api/invoices.js';
import { FAST_ORDERS, fastZohoRuntime, orderState, placeOrder, startOrdersWorld, stopOrdersWorld, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * Zoho does the work and the answer is lost (the connection reset, or no answer before the
 * client gives up), against a simulator that answers only what the OpenAPI files document:
 * the next attempt finds what Zoho made through documented filters and fields, and the order
 * ends with one of each.
 */
let world: OrdersWorld;

beforeAll(async () => {
  world = await startOrdersWorld('loststore');
  // Short enough that a held answer is given up on quickly.
  fastZohoRuntime(world.h, { requestTimeoutMs: 1_000 });
});
afterAll(() => stopOrdersWorld(world));
afterEach(() => world.h.zoho!.faults.clear());

const job = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');

/** Retries the order until it settles, as the retry scheduler would. */
async function settle(orderId: number) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await job(orderId);
    if (result?.status !== 'waiting') return result;
  }
  throw new Error(`order ${orderId} never settled`);
}

describe.each([
  ['contact', /\/contacts$/],
  ['sales order', /\/salesorders$/],
  ['invoice', /\/invoices$/],
  ['payment', /\/customerpayments$/],
])('the answer to the %s create is lost', (_what, path) => {
  it.each(['reset', 'timeout'] as const)('(%s): the retry adopts what Zoho made, one of each', async (mode) => {
    const email = `lost-${String(path.source).replace(/\W/g, '')}-${mode}@example.com`;
    const order = placeOrder(world, { email });
    const lost = world.h.zoho!.faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: path.source } });
    expect((await job(order.id))?.status).toBe('waiting');
    expect(lost.lost()).toBe(1);
    expect((await settle(order.id))?.status).toBe('done');
    const zoho = zohoRecords(world.org, order.id, email);
    expect(zoho.contacts).toHaveLength(1);
    expect(zoho.salesOrders).toHaveLength(1);
    expect(zoho.invoices).toHaveLength(1);
    expect(zoho.payments).toHaveLength(1);
    expect((await orderState(world, order.id))?.zoho).toMatchObject({
      contactId: zoho.contacts[0]!.contact_id,
      salesorderId: zoho.salesOrders[0]!.salesorder_id,
      invoiceId: zoho.invoices[0]!.invoice_id,
      paymentId: zoho.payments[0]!.payment_id,
    });
  });
});

describe('a cancellation sees creates in flight', () => {
  it.each([
    ['sales order', '/salesorders$'],
    ['invoice', '/invoices$'],
  ])('an order cancelled while the answer to its %s create is unknown: what Zoho made is found and voided', async (_what, path) => {
    const email = `cancel-inflight-${path.replace(/\W/g, '')}@example.com`;
    // Not paid: an unpaid invoice is voided on cancellation.
    const order = placeOrder(world, { email, statusId: 7 });
    world.h.zoho!.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'POST', path } });
    expect((await job(order.id))?.status).toBe('waiting');
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(order.id)!, { status_id: 5 });
    expect((await job(order.id))?.status).toBe('cancelled');
    const zoho = zohoRecords(world.org, order.id, email);
    expect(zoho.salesOrders.map((so) => so.status)).toEqual(['void']);
    expect(zoho.invoices.map((i) => i.status)).toEqual(path === '/invoices$' ? ['void'] : []);
  });
});

describe('the contact claim is renewed while its holder works', () => {
  afterEach(() => configureOrderProcessing(FAST_ORDERS));

  it('two first orders of one new customer while Zoho is slower than the claim’s lease: one contact', async () => {
    configureOrderProcessing({ ...FAST_ORDERS, leaseMs: 300 });
    world.h.zoho!.faults.set({ latencyMs: 700 });
    const email = 'slow-contact@example.com';
    const orders = [placeOrder(world, { email }), placeOrder(world, { email })];
    await Promise.all(orders.map((o) => settle(o.id)));
    world.h.zoho!.faults.clear();
    expect(zohoRecords(world.org, orders[0]!.id, email).contacts).toHaveLength(1);
    for (const o of orders) expect(zohoRecords(world.org, o.id, email).invoices).toHaveLength(1);
  });
});

describe('stores sharing one Zoho organization', () => {
  it('an invoice with the same reference, customer and date but other lines (another store’s order of the same number) is not adopted', async () => {
    const email = 'shared-org@example.com';
    const order = placeOrder(world, { email });
    // The order's contact and sales order exist; the invoice create's answer will be lost.
    world.h.zoho!.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'POST', path: '/invoices$' } });
    expect((await job(order.id))?.status).toBe('waiting');
    const ours = zohoRecords(world.org, order.id, email).invoices;
    expect(ours).toHaveLength(1);
    // Another store of the organization invoiced its own order of the same number to the same shopper that day.
    const contactId = (await orderState(world, order.id))!.zoho!.contactId!;
    const foreign = createInvoice(world.org, {
      customer_id: contactId,
      reference_number: String(order.id),
      date: ours[0]!.date,
      line_items: [{ item_id: ours[0]!.line_items[0]!.item_id, quantity: 7, rate: 1 }],
    });
    expect((await settle(order.id))?.status).toBe('done');
    const state = (await orderState(world, order.id))!;
    expect(state.zoho?.invoiceId).toBe(ours[0]!.invoice_id);
    expect(state.zoho?.invoiceId).not.toBe(foreign.invoice_id);
    expect(zohoRecords(world.org, order.id, email).invoices).toHaveLength(2);
  });

  it('records the adoption in the run’s record of the order', async () => {
    const email = 'adopt-note@example.com';
    const order = placeOrder(world, { email });
    world.h.zoho!.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'POST', path: '/invoices$' } });
    expect((await job(order.id))?.status).toBe('waiting');
    const result = await settle(order.id);
    const invoice = zohoRecords(world.org, order.id, email).invoices[0]!;
    expect(result?.outcome.reason).toContain(`Adopted invoice ${invoice.invoice_number} after a lost answer.`);
    const records = await RunRecord.find({ bigcommerceId: String(order.id) }).lean();
    expect(records.some((r) => String(r.reason ?? '').includes(`Adopted invoice ${invoice.invoice_number}`))).toBe(true);
  });
});
