import { afterAll, beforeAll, expect, it } from 'vitest';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { saveSettings } from '../../server/settings/service.js';
import { crashPoints } from '../../server/sync/orders/crashPoints.js';
import { createContact } from '../../sandbox/zoho/api/contacts.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { attachContract, describeContract, loadContract, type AttachedContract } from '../contract/openapi.js';
import { placeOrder, startOrdersWorld, stopOrdersWorld, type OrdersWorld } from './orders.support.js';

/**
 * The orders flow's traffic with both platforms, every exchange checked against their official
 * OpenAPI files (with the known errors patched): what the flow sends and what it reads back.
 */
describeContract('orders flow against the simulators, checked against the OpenAPI files', () => {
  let world: OrdersWorld;
  let zoho: AttachedContract;
  let bigcommerce: AttachedContract;

  beforeAll(async () => {
    world = await startOrdersWorld('contractstore');
    zoho = attachContract(world.h.zoho!.exchangeListeners, await loadContract('zoho'));
    bigcommerce = attachContract(world.h.bigcommerce.exchanges, await loadContract('bigcommerce'));
  });
  afterAll(async () => {
    zoho?.detach();
    bigcommerce?.detach();
    await stopOrdersWorld(world);
  });

  it('a paid order of a new customer, then its cancellation', async () => {
    const order = placeOrder(world, { email: 'contract@example.com', statusId: 7 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(order.id)!, { status_id: 11 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    const cancelled = placeOrder(world, { email: 'contract@example.com', statusId: 7 });
    await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: cancelled.id }, 'manual');
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(cancelled.id)!, { status_id: 5 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: cancelled.id }, 'manual'))?.status).toBe('cancelled');
  });

  it('an order of a customer Zoho already has (the contact found by e-mail and updated)', async () => {
    createContact(world.org, { contact_name: 'Existing Customer Ltd', contact_persons: [{ first_name: 'Eve', last_name: 'Existing', email: 'existing@example.com' }] });
    const order = placeOrder(world, { email: 'existing@example.com', firstName: 'Eve', lastName: 'Existing' });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
  });

  it('orders in another currency (converted, then in the shopper’s with Zoho’s exchange rate) and from a storefront mapped to a location', async () => {
    world.store.currencyRates.set('EUR', 0.8);
    world.store.channels.set(2, { name: 'Outlet', type: 'storefront', platform: 'bigcommerce' });
    const outlet = world.h.zoho!.state.addLocation(world.org, 'Contract Outlet');
    await saveSettings(world.storeHash, { orders: { creditNotes: true, channelLocations: [{ channelId: 2, zohoLocationId: outlet.location_id }] } });
    const converted = placeOrder(world, { email: 'contract-eur@example.com', currency: 'EUR', channelId: 2 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: converted.id }, 'manual'))?.status).toBe('done');
    await saveSettings(world.storeHash, { orders: { creditNotes: true, foreignCurrency: 'transactional', zohoCurrencyIds: [{ code: 'EUR', zohoCurrencyId: world.org.currencyId('EUR') }] } });
    const foreign = placeOrder(world, { email: 'contract-native@example.com', currency: 'EUR' });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: foreign.id }, 'manual'))?.status).toBe('done');
    const mug = world.store.orders.get(foreign.id)!.products[0]!.id;
    world.h.bigcommerce.state.refundOrder(world.store, foreign.id, { items: [{ order_product_id: mug, quantity: 1 }] });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: foreign.id }, 'manual'))?.status).toBe('done');
    await saveSettings(world.storeHash, { orders: {} });
  });

  it('a worker killed between Zoho’s sales order and our record: the retry finds it by documented calls only', async () => {
    const order = placeOrder(world, { email: 'contract@example.com' });
    crashPoints.afterZohoCreate = (point) => {
      if (point === 'salesorder') throw new Error('worker killed');
    };
    try {
      expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('waiting');
    } finally {
      delete crashPoints.afterZohoCreate;
    }
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    expect([...world.org.salesOrders.values()].filter((s) => s.reference_number === String(order.id))).toHaveLength(1);
  });

  it('a refund credited in Zoho (credit note, then its refund)', async () => {
    await saveSettings(world.storeHash, { orders: { creditNotes: true } });
    const order = placeOrder(world, { email: 'contract@example.com' });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    world.h.bigcommerce.state.refundOrder(world.store, order.id, { items: [{ order_product_id: order.products[0]!.id, quantity: 1 }], amount: 5 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
    const notes = [...world.org.creditNotes.values()].filter((c) => c.reference_number === String(order.id));
    expect(notes.map((c) => c.refunds.length)).toEqual([1]);
  });

  it('kept to both contracts', () => {
    expect(zoho.checked).toBeGreaterThanOrEqual(8);
    expect(bigcommerce.checked).toBeGreaterThanOrEqual(3);
    expect(zoho.violations).toEqual([]);
    expect(bigcommerce.violations).toEqual([]);
  });
});
