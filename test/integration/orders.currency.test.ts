import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSettings } from '../../server/settings/service.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { orderState, placeOrder, SKUS, startOrdersWorld, stopOrdersWorld, zohoRecords, type OrdersWorld } from './orders.support.js';
import { currencyView } from '../../sandbox/zoho/api/lines.js';

/**
 * Issue 19: orders in the shopper's currency and from every storefront. The store sells in USD
 * (its default) and EUR at 1 USD = 0.8 EUR; the Zoho organization keeps its books in USD.
 * The order: 2 mugs at 10, a tee at 30, shipping 5 (55.00 in the order's currency), paid.
 */
let world: OrdersWorld;
const EUR_RATE = 0.8;

beforeAll(async () => {
  world = await startOrdersWorld('currencystore');
  world.store.currencyRates.set('EUR', EUR_RATE);
  world.store.channels.set(2, { name: 'Outlet storefront', type: 'storefront', platform: 'bigcommerce' });
  world.store.channels.set(3, { name: 'Marketplace', type: 'marketplace', platform: 'amazon' });
});
afterAll(async () => {
  await stopOrdersWorld(world);
});

const process = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');
const settings = (orders: Record<string, unknown>) => saveSettings(world.storeHash, { orders: { creditNotes: true, ...orders } });
const currencyOf = (customerId: string, rate: number | undefined) => currencyView(world.org, customerId, rate);
const sum = (lines: { rate: number; quantity: number }[]) => Math.round(lines.reduce((s, l) => s + l.rate * l.quantity, 0) * 100) / 100;

describe('currencies', () => {
  it('an order in Zoho’s own currency is booked as it always was', async () => {
    await settings({});
    const order = placeOrder(world, { email: 'usd@example.com' });
    expect((await process(order.id))?.status).toBe('done');
    const z = zohoRecords(world.org, order.id, 'usd@example.com');
    expect(z.invoices).toHaveLength(1);
    const invoice = z.invoices[0]!;
    expect(currencyOf(invoice.customer_id, invoice.exchange_rate)).toMatchObject({ currency_code: 'USD', exchange_rate: 1 });
    expect(invoice.line_items.map((l) => l.rate)).toEqual([10, 30]);
    expect(invoice.notes).not.toContain('converted');
    expect(z.payments[0]).toMatchObject({ amount: 55, exchange_rate: 1 });
    expect(await orderState(world, order.id)).toMatchObject({ booking: { kind: 'base', code: 'USD', base: 'USD' }, bc: { currency: 'USD', channelId: 1 } });
  });

  it('convert (the default): an EUR order is booked in USD at BigCommerce’s rate, the amount paid on the notes', async () => {
    await settings({ foreignCurrency: 'convert' });
    const order = placeOrder(world, { email: 'eur-convert@example.com', currency: 'EUR' });
    expect((await process(order.id))?.status).toBe('done');
    const z = zohoRecords(world.org, order.id, 'eur-convert@example.com');
    expect(z.contacts[0]!.currency_code).toBe('USD');
    const [so] = z.salesOrders;
    const [invoice] = z.invoices;
    for (const doc of [so!, invoice!]) {
      expect(doc.line_items.map((l) => l.rate)).toEqual([12.5, 37.5]);
      expect(doc.shipping_charge).toBe(6.25);
      expect(doc.notes).toContain('Paid 55.00 EUR in BigCommerce; converted to USD at BigCommerce\'s rate 1 USD = 0.8000 EUR');
    }
    expect(currencyOf(invoice!.customer_id, invoice!.exchange_rate)).toMatchObject({ currency_code: 'USD', exchange_rate: 1 });
    expect(z.payments).toEqual([expect.objectContaining({ amount: 68.75, invoices: [expect.objectContaining({ amount_applied: 68.75 })] })]);
    expect(await orderState(world, order.id)).toMatchObject({ status: 'done', booking: { kind: 'convert', code: 'EUR', base: 'USD', rate: EUR_RATE } });
  });

  it('a refund of a converted order is credited in USD at the invoice’s rate', async () => {
    const order = placeOrder(world, { email: 'eur-convert@example.com', currency: 'EUR' });
    expect((await process(order.id))?.status).toBe('done');
    const mug = world.store.orders.get(order.id)!.products.find((p) => p.sku === SKUS.mug)!.id;
    world.h.bigcommerce.state.refundOrder(world.store, order.id, { items: [{ order_product_id: mug, quantity: 1 }] });
    expect((await process(order.id))?.status).toBe('done');
    const notes = [...world.org.creditNotes.values()].filter((c) => c.reference_number === String(order.id));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.line_items).toEqual([expect.objectContaining({ rate: 12.5, quantity: 1 })]);
    expect(notes[0]!.notes).toContain('Paid 10.00 EUR');
    expect(notes[0]!.refunds).toEqual([expect.objectContaining({ amount: 12.5 })]);
    // What BigCommerce refunded (in EUR) is what counts as credited: no second credit note.
    expect(await orderState(world, order.id)).toMatchObject({ refunds: { credited: 10 } });
    expect((await process(order.id))?.status).not.toBe('failed');
    expect([...world.org.creditNotes.values()].filter((c) => c.reference_number === String(order.id))).toHaveLength(1);
  });

  it('transactional: an EUR order is invoiced and paid in EUR with Zoho’s exchange rate, a new customer made in EUR', async () => {
    const eurId = world.org.currencyId('EUR');
    await settings({ foreignCurrency: 'transactional', zohoCurrencyIds: [{ code: 'EUR', zohoCurrencyId: eurId }] });
    const order = placeOrder(world, { email: 'eur-native@example.com', currency: 'EUR' });
    expect((await process(order.id))?.status).toBe('done');
    const z = zohoRecords(world.org, order.id, 'eur-native@example.com');
    expect(z.contacts[0]).toMatchObject({ currency_id: eurId, currency_code: 'EUR' });
    const invoice = z.invoices[0]!;
    expect(invoice.line_items.map((l) => l.rate)).toEqual([10, 30]);
    expect(currencyOf(invoice.customer_id, invoice.exchange_rate)).toMatchObject({ currency_code: 'EUR', exchange_rate: 1.25 });
    expect(z.salesOrders[0]!.exchange_rate).toBe(1.25);
    expect(z.payments).toEqual([expect.objectContaining({ amount: 55, exchange_rate: 1.25 })]);

    // Its refund credits EUR, at the same rate.
    const mug = world.store.orders.get(order.id)!.products.find((p) => p.sku === SKUS.mug)!.id;
    world.h.bigcommerce.state.refundOrder(world.store, order.id, { items: [{ order_product_id: mug, quantity: 1 }] });
    expect((await process(order.id))?.status).toBe('done');
    const [note] = [...world.org.creditNotes.values()].filter((c) => c.reference_number === String(order.id));
    expect(note).toMatchObject({ exchange_rate: 1.25 });
    expect(sum(note!.line_items)).toBe(10);
    expect(note!.refunds).toEqual([expect.objectContaining({ amount: 10 })]);
  });

  it('an order the app cannot book correctly is held with the reason, never booked in the wrong currency', async () => {
    // Transactional, and the customer's contact is in USD already (from the first order).
    await settings({ foreignCurrency: 'transactional', zohoCurrencyIds: [] });
    const order = placeOrder(world, { email: 'usd@example.com', currency: 'EUR' });
    expect((await process(order.id))?.status).toBe('held');
    const state = await orderState(world, order.id);
    expect(state?.held?.reason).toContain('the customer\'s Zoho contact is in USD');
    expect(zohoRecords(world.org, order.id, 'usd@example.com').invoices).toHaveLength(0);

    // Converted, and the customer's contact is in EUR: a USD invoice would be wrong for it too.
    await settings({ foreignCurrency: 'convert' });
    const other = placeOrder(world, { email: 'eur-native@example.com', currency: 'EUR' });
    expect((await process(other.id))?.status).toBe('held');
    expect((await orderState(world, other.id))?.held?.reason).toContain('contact is in EUR');
    const usd = placeOrder(world, { email: 'eur-native@example.com' });
    expect((await process(usd.id))?.status).toBe('held');
    expect(zohoRecords(world.org, other.id, 'eur-native@example.com').invoices).toHaveLength(0);
    expect(zohoRecords(world.org, usd.id, 'eur-native@example.com').invoices).toHaveLength(0);
  });
});

describe('storefronts (channels)', () => {
  it('orders of a channel left out are ignored; a mapped channel books at its Zoho location', async () => {
    const outlet = world.h.zoho!.state.addLocation(world.org, 'Outlet Warehouse');
    await settings({ foreignCurrency: 'convert', channelIds: [1, 2], channelLocations: [{ channelId: 2, zohoLocationId: outlet.location_id }] });
    const marketplace = placeOrder(world, { email: 'channels@example.com', channelId: 3 });
    expect((await process(marketplace.id))?.status).toBe('ignored');
    expect((await orderState(world, marketplace.id))?.note).toContain('channel 3');
    expect(zohoRecords(world.org, marketplace.id, 'channels@example.com').invoices).toHaveLength(0);

    const outletOrder = placeOrder(world, { email: 'channels@example.com', channelId: 2 });
    expect((await process(outletOrder.id))?.status).toBe('done');
    const z = zohoRecords(world.org, outletOrder.id, 'channels@example.com');
    expect(z.salesOrders[0]!.location_id).toBe(outlet.location_id);
    expect(z.invoices[0]!.location_id).toBe(outlet.location_id);
    expect(await orderState(world, outletOrder.id)).toMatchObject({ bc: { channelId: 2 } });

    // The store's own storefront: Zoho's primary location.
    const main = placeOrder(world, { email: 'channels@example.com' });
    expect((await process(main.id))?.status).toBe('done');
    expect(zohoRecords(world.org, main.id, 'channels@example.com').invoices[0]!.location_id).toBe(world.org.primaryLocation().location_id);
  });
});
