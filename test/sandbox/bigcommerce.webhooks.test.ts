import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TYPE } from '../../sandbox/bigcommerce/errors.js';
import { eventHash, scopeMatches } from '../../sandbox/bigcommerce/webhooks.js';
import { startReceiver, startSim, type SimHarness } from './bigcommerce.support.js';

let h: SimHarness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  h = await startSim();
  receiver = await startReceiver();
  // Scaled-down backoff: BigCommerce starts at 60 s.
  h.sim.deliveries.configure({ retryDelaysMs: [10, 10, 10] });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const deleteAllHooks = async () => {
  for (const hook of (await h.api('GET', '/v3/hooks')).body.data) await h.api('DELETE', `/v3/hooks/${hook.id}`);
};

describe('managing hooks', () => {
  afterEach(deleteAllHooks);

  it('creates, reads, lists, updates and deletes a hook', async () => {
    const created = await h.api('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url, is_active: true, headers: { 'x-secret': 's3' } });
    expect(created.status).toBe(200);
    const hook = created.body.data;
    expect(hook).toMatchObject({ id: expect.any(Number), client_id: 'sim-client', store_hash: 'sim1', scope: 'store/order/*', destination: receiver.url, is_active: true, headers: { 'x-secret': 's3' } });
    expect(typeof hook.created_at).toBe('number');
    expect((await h.api('GET', `/v3/hooks/${hook.id}`)).body.data).toEqual(hook);
    expect((await h.api('GET', '/v3/hooks?scope=store/order/*')).body.data).toHaveLength(1);
    expect((await h.api('GET', '/v3/hooks?is_active=false')).body.data).toHaveLength(0);
    const updated = await h.api('PUT', `/v3/hooks/${hook.id}`, { is_active: false });
    expect(updated.body.data.is_active).toBe(false);
    const deleted = await h.api('DELETE', `/v3/hooks/${hook.id}`);
    expect(deleted.body.data.id).toBe(hook.id);
    expect((await h.api('GET', `/v3/hooks/${hook.id}`)).status).toBe(404);
  });

  it('refuses a hook without scope or destination, or with an unknown scope (422)', async () => {
    const missing = await h.api('POST', '/v3/hooks', { scope: 'store/order/created' });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ status: 422, title: 'JSON data is missing or invalid', type: ERROR_TYPE, errors: { destination: 'error.path.missing' } });
    expect((await h.api('POST', '/v3/hooks', { scope: 'store/order/teleported', destination: receiver.url })).status).toBe(422);
    expect((await h.api('POST', '/v3/hooks', { scope: 'store/order/created', destination: 'not a url' })).status).toBe(422);
    expect((await h.api('GET', '/v3/hooks')).body.data).toEqual([]);
  });
});

describe('scopes', () => {
  it('matches exact scopes and wildcards', () => {
    expect(scopeMatches('store/order/*', 'store/order/statusUpdated')).toBe(true);
    expect(scopeMatches('store/product/*', 'store/product/inventory/order/updated')).toBe(true);
    expect(scopeMatches('store/product/*', 'store/sku/inventory/updated')).toBe(false);
    expect(scopeMatches('store/order/created', 'store/order/updated')).toBe(false);
  });
});

describe('deliveries', () => {
  afterEach(async () => {
    await h.sim.deliveries.settle();
    await deleteAllHooks();
    receiver.received.length = 0;
    receiver.respondWith(() => 200);
    h.sim.deliveries.configure({ duplicateRate: 0, reorderWindowMs: 0 });
  });

  it('posts each event to every active matching hook with the registered headers', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url, is_active: true, headers: { 'x-webhook-secret': 'abc' } });
    await h.api('POST', '/v3/hooks', { scope: 'store/order/created', destination: `${receiver.url}?second`, is_active: false });
    await h.api('POST', '/v3/hooks', { scope: 'store/product/*', destination: receiver.url, is_active: true });
    const payload = h.sim.state.emit('sim1', 'store/order/created', { type: 'order', id: 250 });
    await h.sim.deliveries.settle();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.headers['x-webhook-secret']).toBe('abc');
    expect(delivery!.headers['content-type']).toContain('application/json');
    expect(delivery!.body).toEqual(payload);
    expect(delivery!.body).toEqual({
      scope: 'store/order/created',
      store_id: String(h.store.storeId),
      data: { type: 'order', id: 250 },
      hash: eventHash({ type: 'order', id: 250 }),
      created_at: expect.any(Number),
      producer: 'stores/sim1',
    });
  });

  it('retries a delivery answered with anything but 2xx', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/product/updated', destination: receiver.url });
    receiver.respondWith((i) => (i < 2 ? 503 : 200));
    h.sim.state.emit('sim1', 'store/product/updated', { type: 'product', id: 1 });
    await h.sim.deliveries.settle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body.hash)).size).toBe(1);
    const record = h.sim.deliveries.log.at(-1)!;
    expect(record).toMatchObject({ attempts: 3, statuses: [503, 503, 200], delivered: true });
  });

  it('gives up after the last retry', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/product/updated', destination: receiver.url });
    receiver.respondWith(() => 500);
    h.sim.state.emit('sim1', 'store/product/updated', { type: 'product', id: 2 });
    await h.sim.deliveries.settle();
    expect(receiver.received).toHaveLength(4);
    expect(h.sim.deliveries.log.at(-1)).toMatchObject({ delivered: false, attempts: 4 });
  });

  it('duplicates deliveries when asked, with the same hash', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/customer/*', destination: receiver.url });
    h.sim.deliveries.configure({ duplicateRate: 1 });
    h.sim.state.emit('sim1', 'store/customer/created', { type: 'customer', id: 32 });
    await h.sim.deliveries.settle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.body).toEqual(receiver.received[1]!.body);
  });

  it('reorders deliveries held in a window, losing none', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url });
    h.sim.deliveries.configure({ reorderWindowMs: 20 });
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const id of ids) h.sim.state.emit('sim1', 'store/order/updated', { type: 'order', id });
    await h.sim.deliveries.settle();
    const seen = receiver.received.map((r) => r.body.data.id as number);
    expect([...seen].sort((a, b) => a - b)).toEqual(ids);
  });

  it('delivers the events the API raises (an order status change)', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/order/statusUpdated', destination: receiver.url });
    const order = h.sim.state.placeOrder('sim1', { billing_address: { zip: '1' }, status_id: 0, products: [{ name: 'Custom', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] });
    await h.api('PUT', `/v2/orders/${order.id}`, { status_id: 11 });
    await h.sim.deliveries.settle();
    expect(receiver.received.map((r) => r.body.data)).toEqual([{ type: 'order', id: order.id, status: { previous_status_id: 0, new_status_id: 11 } }]);
  });

  it('stops delivering to a store’s hooks once the app is uninstalled from the control panel', async () => {
    await h.api('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url });
    const res = await fetch(`${h.sim.url}/manage/app/uninstall?store=sim1`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    h.sim.state.emit('sim1', 'store/order/created', { type: 'order', id: 1 });
    await h.sim.deliveries.settle();
    expect(receiver.received).toEqual([]);
    expect(h.store.hooks.size).toBe(0);
    // Reinstall for the next tests.
    h.store.installed = true;
    h.store.accessToken = 'sim-test-token';
  });
});
