import type { Agenda } from 'agenda';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { updateOrder, type RefundInput } from '../../sandbox/bigcommerce/orders.js';
import { saveSettings } from '../../server/settings/service.js';
import { crashPoints } from '../../server/sync/orders/crashPoints.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { configureOrderProcessing } from '../../server/sync/orders/options.js';
import { deliver, FAST_ORDERS, fastZohoRuntime, orderState, placeOrder, SKUS, startOrdersWorld, startWorker, stopOrdersWorld, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * Refunds made in BigCommerce: with credit notes on, each refund becomes one Zoho credit note
 * (refunded from Zoho, since the app recorded the payment), once however often the events
 * come and whatever dies half-way; with them off, the refund is only recorded for the panel.
 */
let world: OrdersWorld;
let worker: Agenda;
const auth = () => ({ authorization: `Bearer ${world.session}` });

beforeAll(async () => {
  world = await startOrdersWorld('refundstore');
  // A held answer is given up on quickly (the lost-answer tests).
  fastZohoRuntime(world.h, { requestTimeoutMs: 1_000 });
  // The test drives retries itself: scheduled ones would come too late to matter.
  configureOrderProcessing({ ...FAST_ORDERS, retryBaseMs: 60_000, retryMaxMs: 60_000 });
  await saveSettings(world.storeHash, { orders: { creditNotes: true } });
  worker = await startWorker(world);
});
afterEach(() => {
  delete crashPoints.afterZohoCreate;
});
afterAll(async () => {
  await worker?.stop();
  await stopOrdersWorld(world);
});

const process = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');

/** A paid order (2 mugs at 10, a tee at 30, shipping 5), in Zoho with its invoice and payment. */
async function invoicedOrder(email: string) {
  const order = placeOrder(world, { email });
  expect((await process(order.id))?.status).toBe('done');
  return order;
}

/** The merchant refunds in BigCommerce; answers the events that raised (not yet delivered). */
function refund(orderId: number, input: RefundInput) {
  const before = world.store.events.length;
  world.h.bigcommerce.state.refundOrder(world.store, orderId, input);
  return world.store.events.slice(before);
}

const lineOf = (orderId: number, sku: string) => world.store.orders.get(orderId)!.products.find((p) => p.sku === sku)!.id;
const creditNotesOf = (orderId: number) => [...world.org.creditNotes.values()].filter((c) => c.reference_number === String(orderId));
const total = (note: { line_items: { rate: number; quantity: number }[] }) => Math.round(note.line_items.reduce((s, l) => s + l.rate * l.quantity, 0) * 100) / 100;

describe('credit notes (setting on)', () => {
  it('a partial refund becomes one credit note for the refunded units, refunded from Zoho, however often its events are delivered', async () => {
    const order = await invoicedOrder('refund@example.com');
    const events = refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.mug), quantity: 1 }] });
    expect(events.map((e) => e.scope)).toContain('store/order/refund/created');
    // Every event, five times over, some at once.
    for (let i = 0; i < 5; i++) await Promise.all(events.map((e) => deliver(world, e)));
    await expect.poll(async () => (await orderState(world, order.id))?.refunds?.creditNotes?.length ?? 0).toBe(1);
    await expect.poll(async () => (await orderState(world, order.id))?.leaseOwner ?? null).toBe(null);

    const [note] = creditNotesOf(order.id);
    expect(creditNotesOf(order.id)).toHaveLength(1);
    const zoho = zohoRecords(world.org, order.id, 'refund@example.com');
    expect(note).toMatchObject({ creditnote_number: `CN-BC-${order.id}-1`, customer_id: zoho.invoices[0]!.customer_id, invoice_id: zoho.invoices[0]!.invoice_id });
    const mug = [...world.org.items.values()].find((i) => i.sku === SKUS.mug)!;
    expect(note!.line_items).toEqual([expect.objectContaining({ item_id: mug.item_id, quantity: 1, rate: 10 })]);
    expect(note!.refunds).toEqual([expect.objectContaining({ amount: 10, refund_mode: 'creditcard', reference_number: String(order.id) })]);

    const state = await orderState(world, order.id);
    expect(state).toMatchObject({ status: 'done', refunds: { credited: 10 }, note: expect.stringContaining(`CN-BC-${order.id}-1`) });
    const panel = await request(world.h.app).get(`/api/orders/${order.id}`).set(auth());
    expect(panel.body.order.refunds).toMatchObject({ refunded: 10, credited: 10, creditNotes: [{ number: `CN-BC-${order.id}-1`, amount: 10, refundId: expect.any(String) }] });
    const search = await request(world.h.app).get(`/api/search?q=CN-BC-${order.id}-1`).set(auth());
    expect(search.body.orders).toEqual([expect.objectContaining({ orderId: order.id, creditNoteNumbers: [`CN-BC-${order.id}-1`] })]);
  });

  it('a later refund credits only what is new: the tee and the shipping, on a second credit note', async () => {
    const order = await invoicedOrder('refund2@example.com');
    for (const e of refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.mug), quantity: 2 }] })) await deliver(world, e);
    await expect.poll(() => creditNotesOf(order.id).length).toBe(1);
    await expect.poll(async () => (await orderState(world, order.id))?.leaseOwner ?? null).toBe(null);

    for (const e of refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.tee), quantity: 1 }], amount: 5 })) await deliver(world, e);
    await expect.poll(() => creditNotesOf(order.id).length).toBe(2);
    const second = creditNotesOf(order.id).find((c) => c.creditnote_number === `CN-BC-${order.id}-2`)!;
    expect(second.line_items).toEqual([
      expect.objectContaining({ quantity: 1, rate: 30 }),
      expect.objectContaining({ name: 'Other refunded amount', quantity: 1, rate: 5 }),
    ]);
    expect(creditNotesOf(order.id).map(total).sort()).toEqual([20, 35]);
    // Everything the customer paid went back, and Zoho says so.
    await expect.poll(async () => (await orderState(world, order.id))?.refunds?.credited).toBe(55);
    expect(world.store.orders.get(order.id)!.status_id).toBe(4);
  });

  it('costs two Zoho calls per refund (the credit note and its refund) and two BigCommerce reads', async () => {
    const order = await invoicedOrder('refundcost@example.com');
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.tee), quantity: 1 }] });
    const result = await process(order.id);
    expect(result?.status).toBe('done');
    // The order and its products; the items' Zoho ids are known from the invoice's SKUs.
    expect(result?.calls).toEqual({ zoho: 2, bigcommerce: 2 });
  });

  it('killed after Zoho made the credit note, then after its refund: the retries find both, one of each', async () => {
    const order = await invoicedOrder('refundcrash@example.com');
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.tee), quantity: 1 }] });
    crashPoints.afterZohoCreate = (point) => {
      if (point === 'creditnote') throw new Error('worker killed');
    };
    expect((await process(order.id))?.status).toBe('waiting');
    expect(creditNotesOf(order.id)).toHaveLength(1);
    expect((await orderState(world, order.id))?.refunds?.pending).toMatchObject({ number: `CN-BC-${order.id}-1` });

    crashPoints.afterZohoCreate = (point) => {
      if (point === 'creditnote_refund') throw new Error('worker killed again');
    };
    expect((await process(order.id))?.status).toBe('waiting');
    expect(creditNotesOf(order.id)[0]!.refunds).toHaveLength(1);

    delete crashPoints.afterZohoCreate;
    expect((await process(order.id))?.status).toBe('done');
    expect(creditNotesOf(order.id)).toHaveLength(1);
    expect(creditNotesOf(order.id)[0]!.refunds).toHaveLength(1);
    const state = await orderState(world, order.id);
    expect(state?.refunds).toMatchObject({ credited: 30, creditNotes: [{ number: `CN-BC-${order.id}-1`, refundId: creditNotesOf(order.id)[0]!.refunds[0]!.creditnote_refund_id }] });
    expect(state?.refunds?.pending ?? undefined).toBeUndefined();
    // And a further look changes nothing.
    expect((await process(order.id))?.status).toBe('unchanged');
    expect(creditNotesOf(order.id)).toHaveLength(1);
  });

  it.each(['reset', 'timeout'] as const)('Zoho made the credit note, then its refund, and both answers were lost (%s): the retries find both, one of each', async (mode) => {
    const order = await invoicedOrder(`refundlost-${mode}@example.com`);
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.tee), quantity: 1 }] });
    const faults = world.h.zoho!.faults;
    faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: '/creditnotes$' } });
    expect((await process(order.id))?.status).toBe('waiting');
    expect(creditNotesOf(order.id)).toHaveLength(1);
    faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: '/creditnotes/[^/]+/refunds$' } });
    expect((await process(order.id))?.status).toBe('waiting');
    expect(creditNotesOf(order.id)[0]!.refunds).toHaveLength(1);
    expect((await process(order.id))?.status).toBe('done');
    expect(creditNotesOf(order.id)).toHaveLength(1);
    expect(creditNotesOf(order.id)[0]!.refunds).toHaveLength(1);
    expect(faults.lostAnswers).toBeGreaterThanOrEqual(2);
  });

  it('Zoho refusing the refund of a credit note it made (voided there meanwhile) leaves the money out to the merchant, said in the note', async () => {
    const order = await invoicedOrder('refundvoid@example.com');
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.mug), quantity: 1 }] });
    crashPoints.afterZohoCreate = (point) => {
      if (point === 'creditnote') throw new Error('worker killed');
    };
    expect((await process(order.id))?.status).toBe('waiting');
    delete crashPoints.afterZohoCreate;
    creditNotesOf(order.id)[0]!.status = 'void';

    expect((await process(order.id))?.status).toBe('done');
    expect(creditNotesOf(order.id)).toHaveLength(1);
    const state = await orderState(world, order.id);
    expect(state?.note).toMatch(/Zoho refused to record the refund of CN-BC-\d+-1 .*record it in Zoho/);
    const panel = await request(world.h.app).get(`/api/orders/${order.id}`).set(auth());
    expect(panel.body.order.refunds.creditNotes).toEqual([expect.objectContaining({ refundError: expect.stringContaining('void') })]);
  });

  it('Zoho refusing the credit note fails the order with Zoho’s reason, for the merchant to retry; nothing is lost', async () => {
    const order = await invoicedOrder('refundrefused@example.com');
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.mug), quantity: 1 }] });
    // The invoice's customer is gone from Zoho: Zoho refuses the credit note.
    const customerId = zohoRecords(world.org, order.id, 'refundrefused@example.com').invoices[0]!.customer_id;
    const contact = world.org.contacts.get(customerId)!;
    world.org.contacts.delete(customerId);
    const result = await process(order.id);
    expect(result?.status).toBe('failed');
    expect((await orderState(world, order.id))?.lastError?.message).toBeTruthy();
    expect(creditNotesOf(order.id)).toHaveLength(0);

    world.org.contacts.set(customerId, contact);
    expect((await process(order.id))?.status).toBe('done');
    expect(creditNotesOf(order.id)).toHaveLength(1);
  });
});

describe('a connection made before credit notes needed permission', () => {
  it('fails the order asking the merchant to reconnect Zoho, and goes through once the permission is there', async () => {
    const order = await invoicedOrder('refundscope@example.com');
    refund(order.id, { items: [{ order_product_id: lineOf(order.id, SKUS.mug), quantity: 1 }] });
    const oauth = world.h.zoho!.state.oauth;
    const tokens = [...oauth.refreshTokens.values(), ...oauth.accessTokens.values()];
    const granted = new Map(tokens.map((t) => [t, t.scope]));
    for (const t of tokens) t.scope = t.scope.replace('ZohoInventory.creditnotes.ALL', 'ZohoInventory.settings.READ');

    expect((await process(order.id))?.status).toBe('failed');
    expect((await orderState(world, order.id))?.lastError?.message).toMatch(/Reconnect Zoho Inventory/);
    expect(creditNotesOf(order.id)).toHaveLength(0);

    for (const [t, scope] of granted) t.scope = scope;
    expect((await process(order.id))?.status).toBe('done');
    expect(creditNotesOf(order.id)).toHaveLength(1);
  });
});

describe('credit notes off (the default)', () => {
  beforeAll(() => saveSettings(world.storeHash, { orders: { creditNotes: false } }));

  it('records the refund for the panel and leaves Zoho as it is', async () => {
    const order = await invoicedOrder('refundoff@example.com');
    for (const e of refund(order.id, { amount: 5 })) await deliver(world, e);
    await expect.poll(async () => (await orderState(world, order.id))?.bc?.refundedAmount).toBe(5);
    expect(creditNotesOf(order.id)).toHaveLength(0);
    const panel = await request(world.h.app).get(`/api/orders/${order.id}`).set(auth());
    expect(panel.body.order).toMatchObject({ status: 'done', note: expect.stringContaining('Credit notes are off'), refunds: { refunded: 5, credited: 0, creditNotes: [] } });
  });

  it('a cancelled order whose paid invoice was kept, refunded later: recorded with what the merchant must do in Zoho', async () => {
    const order = await invoicedOrder('refundcancel@example.com');
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(order.id)!, { status_id: 5 });
    expect((await process(order.id))?.status).toBe('cancelled');
    refund(order.id, { amount: 55 });
    await process(order.id);
    const state = await orderState(world, order.id);
    expect(state).toMatchObject({ status: 'cancelled', bc: { refundedAmount: 55 }, note: expect.stringContaining('refund it there') });
    expect(creditNotesOf(order.id)).toHaveLength(0);
  });
});
