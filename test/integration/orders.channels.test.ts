import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS_TTL_MS, forgetChannels } from '../../server/bigcommerce/channels.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { placeOrder, startOrdersWorld, stopOrdersWorld, type OrdersWorld } from './orders.support.js';

/**
 * Issue 19 in the panel: the order list names the storefront (channel) each order came from,
 * read from BigCommerce's GET /v3/channels through the app's client, and GET /api/channels lists
 * the store's channels for the order settings.
 */
let world: OrdersWorld;
const auth = () => ({ authorization: `Bearer ${world.session}` });
const process = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');
/** An order from a channel the store just added, processed: how the panel's order page names its channel. */
async function orderFromNewChannel(channelId: number, name: string, email: string) {
  world.store.channels.set(channelId, { name, type: 'pos', platform: 'square' });
  const order = placeOrder(world, { email, channelId });
  expect((await process(order.id))?.status).toBe('done');
  return async () => (await request(world.h.app).get(`/api/orders/${order.id}`).set(auth())).body.order.channel;
}

beforeAll(async () => {
  world = await startOrdersWorld('channelstore');
  world.store.channels.set(2, { name: 'Outlet storefront', type: 'storefront', platform: 'bigcommerce' });
  world.store.channels.set(3, { name: 'Marketplace', type: 'marketplace', platform: 'amazon' });
});
beforeEach(() => forgetChannels());
afterAll(async () => {
  forgetChannels();
  await stopOrdersWorld(world);
});

describe('channels in the panel', () => {
  it('GET /api/channels lists the store’s channels, its own storefront first', async () => {
    const res = await request(world.h.app).get('/api/channels').set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      channels: [
        { id: 1, name: world.store.name },
        { id: 2, name: 'Outlet storefront' },
        { id: 3, name: 'Marketplace' },
      ],
    });
  });

  it('GET /api/channels needs a session', async () => {
    expect((await request(world.h.app).get('/api/channels')).status).toBe(401);
  });

  it('an order from a second storefront is listed with that channel’s name', async () => {
    const main = placeOrder(world, { email: 'main@example.com' });
    const outlet = placeOrder(world, { email: 'outlet@example.com', channelId: 2 });
    expect((await process(main.id))?.status).toBe('done');
    expect((await process(outlet.id))?.status).toBe('done');

    const res = await request(world.h.app).get('/api/orders').set(auth());
    expect(res.status).toBe(200);
    const byId = new Map(res.body.orders.map((o: { orderId: number }) => [o.orderId, o]));
    expect(byId.get(outlet.id)).toMatchObject({ channel: { id: 2, name: 'Outlet storefront' } });
    expect(byId.get(main.id)).toMatchObject({ channel: { id: 1, name: world.store.name } });

    const one = await request(world.h.app).get(`/api/orders/${outlet.id}`).set(auth());
    expect(one.body.order.channel).toEqual({ id: 2, name: 'Outlet storefront' });
  });

  it('names are cached a few minutes per store; a channel the store no longer has shows its id with no name', async () => {
    const channelOf = await orderFromNewChannel(4, 'Pop-up shop', 'popup@example.com');
    expect(await channelOf()).toEqual({ id: 4, name: 'Pop-up shop' });

    world.store.channels.delete(4);
    // Still the cached list: BigCommerce is not asked on every poll of the order list.
    expect(await channelOf()).toEqual({ id: 4, name: 'Pop-up shop' });
    forgetChannels(world.storeHash);
    expect(await channelOf()).toEqual({ id: 4, name: null });
  });

  it('past its few minutes, the order list answers with the names it has and reads them again in the background', async () => {
    const channelOf = await orderFromNewChannel(5, 'Kiosk', 'kiosk@example.com');
    expect(await channelOf()).toEqual({ id: 5, name: 'Kiosk' });

    world.store.channels.delete(5);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + CHANNELS_TTL_MS + 1_000);
      // The poll after the list went stale does not wait for BigCommerce: it shows what was known…
      expect(await channelOf()).toEqual({ id: 5, name: 'Kiosk' });
      // …and the list read meanwhile names the channel no more.
      await vi.waitFor(async () => expect(await channelOf()).toEqual({ id: 5, name: null }), { timeout: 5_000, interval: 50 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('GET /api/zoho/locations lists the Zoho organization’s locations for the per-channel location', async () => {
    const outlet = world.h.zoho!.state.addLocation(world.org, 'Outlet Warehouse');
    const res = await request(world.h.app).get('/api/zoho/locations').set(auth());
    expect(res.status).toBe(200);
    expect(res.body.locations).toEqual(
      expect.arrayContaining([
        { id: world.org.primaryLocation().location_id, name: world.org.primaryLocation().location_name },
        { id: outlet.location_id, name: 'Outlet Warehouse' },
      ]),
    );
  });
});
