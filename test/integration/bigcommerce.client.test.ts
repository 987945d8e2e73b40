import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_LIMITS,
  setInventoryAbsolute,
  updateProducts,
  updateVariants,
  upsertPriceListRecords,
  type PriceListRecord,
} from '../../server/bigcommerce/batches.js';
import { createPriceList, paginateProducts } from '../../server/bigcommerce/catalog.js';
import { BigCommerceClient, type BigCommerceClientOptions } from '../../server/bigcommerce/client.js';
import { bigcommerceClientFor } from '../../server/bigcommerce/clientFactory.js';
import { BigCommerceApiError, BigCommerceAuthError } from '../../server/bigcommerce/errors.js';
import { getOrder, paginateOrders } from '../../server/bigcommerce/orders.js';
import { StoreRateLimiter } from '../../server/bigcommerce/rateLimiter.js';
import { apiUsage } from '../../server/bigcommerce/usage.js';
import { encryptSecret } from '../../server/crypto.js';
import { ApiUsage, Store, apiUsageId, utcDay } from '../../server/db/models/index.js';
import { Priority } from '../../server/sync/priority.js';
import { createProduct as simCreateProduct } from '../../sandbox/bigcommerce/catalog.js';
import type { SimProduct } from '../../sandbox/bigcommerce/model.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import type { Exchange } from '../../sandbox/common/exchanges.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * The BigCommerce client against the simulator over real HTTP: pacing at a scaled-down quota,
 * 429s, retries, timeouts, batch sizes, 207s and pagination. Each test uses a store of its own
 * so that quotas and windows do not mix.
 */
let h: TestHarness;
const TOKEN = 'client-test-token';
let storeCounter = 0;
const exchanges: Exchange[] = [];
const record = (exchange: Exchange) => exchanges.push(exchange);

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'clientdefault' });
  h.bigcommerce.state.exchanges.add(record);
});
afterAll(async () => {
  h.bigcommerce.state.exchanges.delete(record);
  await h?.close();
});
afterEach(() => {
  h.bigcommerce.state.faults.clear();
});

const sim = () => h.bigcommerce.state;

function newStore(): SimStore {
  return sim().addStore(`c${++storeCounter}${Math.random().toString(36).slice(2, 6)}`, { accessToken: TOKEN });
}

/** A client with its own limiter (a fresh "process") and fast retries. */
function clientFor(store: SimStore, options: Partial<BigCommerceClientOptions> = {}): BigCommerceClient {
  return new BigCommerceClient({
    storeHash: store.hash,
    accessToken: TOKEN,
    apiUrl: h.bigcommerce.url,
    limiter: new StoreRateLimiter(),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

const throttledCount = (store: SimStore) => sim().rateLimit.rejected.get(store.hash) ?? 0;
const served = (store: SimStore, key: string) => store.calls.get(key) ?? 0;

function seedProducts(store: SimStore, count: number, variantsEach = 0): SimProduct[] {
  return Array.from({ length: count }, (_, i) =>
    simCreateProduct(sim(), store, {
      name: `Product ${i}`,
      type: 'physical',
      sku: variantsEach ? '' : `SKU-${i}`,
      price: 10 + i,
      weight: 1,
      inventory_tracking: variantsEach ? 'variant' : 'product',
      ...(variantsEach ? {} : { inventory_level: 100 }),
      ...(variantsEach
        ? { variants: Array.from({ length: variantsEach }, (_, v) => ({ sku: `SKU-${i}-${v}`, option_values: [{ option_display_name: 'Size', label: `S${v}` }] })) }
        : {}),
    } as Parameters<typeof simCreateProduct>[2]),
  );
}

describe('pacing from the rate-limit headers', () => {
  it('makes ten times the quota in calls, all answered, with at most a handful of 429s', async () => {
    const store = newStore();
    sim().rateLimit.configure({ quota: 20, windowMs: 300 }, store.hash);
    const client = clientFor(store);
    const priorities = [Priority.realtime, Priority.reconcile, Priority.scheduled];
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.v2<{ id: string }>('GET', '/store', { priority: priorities[i % 3] })),
    );
    expect(answers).toHaveLength(200);
    expect(answers.every((a) => typeof a === 'object' && a !== null)).toBe(true);
    const throttled = throttledCount(store);
    expect(throttled).toBeLessThanOrEqual(3);
    expect(served(store, 'GET /v2/store')).toBe(200 + throttled);
    expect(client.callCount).toBe(200 + throttled);
  });

  it('shares the quota with another process of the app (two limiters) and still stays under it', async () => {
    const store = newStore();
    sim().rateLimit.configure({ quota: 20, windowMs: 300 }, store.hash);
    const a = clientFor(store);
    const b = clientFor(store);
    await Promise.all([
      ...Array.from({ length: 60 }, () => a.v2('GET', '/store')),
      ...Array.from({ length: 60 }, () => b.v2('GET', '/store')),
    ]);
    expect(throttledCount(store)).toBeLessThanOrEqual(5);
  });
});

describe('429', () => {
  async function spendQuota(store: SimStore, quota: number) {
    sim().rateLimit.configure({ quota, windowMs: 400 }, store.hash);
    // Another app on the store spends the whole window.
    for (let i = 0; i < quota; i++) {
      const res = await fetch(`${h.bigcommerce.url}/stores/${store.hash}/v2/store`, { headers: { 'x-auth-token': TOKEN, accept: 'application/json' } });
      expect(res.status).toBe(200);
    }
  }

  it('waits for the window the 429 names, then succeeds: one 429, one retry', async () => {
    const store = newStore();
    await spendQuota(store, 3);
    const client = clientFor(store);
    await expect(client.v2('GET', '/store')).resolves.toBeTruthy();
    expect(throttledCount(store)).toBe(1);
    expect(client.callCount).toBe(2);
    // The limiter learnt the window from the 429's headers.
    expect(client.limiter.snapshot().quota).toBe(3);
  });

  it('gives up after its bounded 429 retries with a retryable error', async () => {
    const store = newStore();
    await spendQuota(store, 2);
    const client = clientFor(store, { retry: { maxThrottleRetries: 0 } });
    const error = await client.v2('GET', '/store').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigCommerceApiError);
    expect(error).toMatchObject({ status: 429, retryable: true });
  });
});

describe('retries and timeouts', () => {
  it('retries a server error and returns the answer', async () => {
    const store = newStore();
    sim().faults.set({ errorRate: 1, errorStatus: 502 });
    // The fault lasts exactly one call: cleared as soon as the client saw it.
    const client = clientFor(store, { onCall: (e) => e.status === 502 && sim().faults.clear() });
    await expect(client.v2('GET', '/store')).resolves.toBeTruthy();
    expect(client.callCount).toBe(2);
  });

  it('stops after the bounded retries', async () => {
    const store = newStore();
    sim().faults.set({ errorRate: 1, errorStatus: 500 });
    const client = clientFor(store, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const error = await client.v2('GET', '/store').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(client.callCount).toBe(3);
  });

  it('never sends a create twice after an ambiguous 500, but does after a 503', async () => {
    const store = newStore();
    const client = clientFor(store);
    sim().faults.set({ errorRate: 1, errorStatus: 500 });
    await expect(client.v3('POST', '/catalog/products', { body: { name: 'x', type: 'physical', weight: 1, price: 1 } })).rejects.toMatchObject({ status: 500 });
    expect(client.callCount).toBe(1);
    sim().faults.set({ errorRate: 1, errorStatus: 503 });
    const retrying = clientFor(store, { onCall: (e) => e.status === 503 && sim().faults.clear() });
    await expect(retrying.v3('POST', '/catalog/products', { body: { name: 'x', type: 'physical', weight: 1, price: 1 } })).resolves.toMatchObject({ data: { name: 'x' } });
    expect(retrying.callCount).toBe(2);
  });

  it('times out a call that gets no answer, retries it, then reports it', async () => {
    const store = newStore();
    sim().faults.set({ latencyMs: 400 });
    const client = clientFor(store, { timeoutMs: 40, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await client.v2('GET', '/store').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigCommerceApiError);
    expect(error).toMatchObject({ status: 0, retryable: true, title: 'no answer within 40 ms' });
    expect(client.callCount).toBe(2);
  });

  it('surfaces a refused token clearly, without retrying', async () => {
    const store = newStore();
    const client = new BigCommerceClient({ storeHash: store.hash, accessToken: 'revoked', apiUrl: h.bigcommerce.url, limiter: new StoreRateLimiter() });
    const error = await client.v2('GET', '/store').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigCommerceAuthError);
    expect((error as BigCommerceAuthError).tokenRejected).toBe(true);
    expect((error as BigCommerceAuthError).explanation).toMatch(/reinstall/);
    expect(client.callCount).toBe(1);
  });
});

describe('batches', () => {
  const statusesOf = (store: SimStore) => exchanges.filter((e) => e.path.startsWith(`/stores/${store.hash}/`)).map((e) => e.status);

  it('updates products ten at a time, never sending a batch BigCommerce would refuse', async () => {
    const store = newStore();
    const products = seedProducts(store, 23);
    const client = clientFor(store);
    const results = await updateProducts(client, products.map((p) => ({ id: p.id, price: 99 })));
    expect(results.map((r) => r.ok)).toEqual(products.map(() => true));
    expect(results.map((r) => r.index)).toEqual(products.map((_, i) => i));
    expect(served(store, 'PUT /v3/catalog/products')).toBe(Math.ceil(23 / BATCH_LIMITS.products));
    expect(statusesOf(store)).not.toContain(413);
    expect([...store.products.values()].every((p) => p.price === 99)).toBe(true);
  });

  it('reports a 207 per record: the missing product fails, the others are written', async () => {
    const store = newStore();
    const products = seedProducts(store, 3);
    const client = clientFor(store);
    const results = await updateProducts(client, [
      { id: products[0]!.id, price: 5 },
      { id: 987_654, price: 5 },
      { id: products[2]!.id, price: 5 },
    ]);
    expect(statusesOf(store)).toContain(207);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ index: 1, id: 987_654 });
    expect(results[1]!.error).toMatch(/not found/i);
    expect(store.products.get(products[2]!.id)!.price).toBe(5);
  });

  it('when a batch is refused for one record, sends the others again and reports each', async () => {
    const store = newStore();
    const products = seedProducts(store, 3);
    const client = clientFor(store);
    const results = await updateProducts(client, [
      { id: products[0]!.id, price: 7 },
      { id: products[1]!.id, price: -1 },
      { id: products[2]!.id, price: 7 },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.error).toMatch(/price/);
    expect(store.products.get(products[0]!.id)!.price).toBe(7);
    expect(served(store, 'PUT /v3/catalog/products')).toBe(2);
  });

  it('updates variants fifty at a time', async () => {
    const store = newStore();
    const [product] = seedProducts(store, 1, 60);
    const client = clientFor(store);
    const results = await updateVariants(client, product!.variantIds.map((id) => ({ id, price: 3 })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results).toHaveLength(60);
    expect(served(store, 'PUT /v3/catalog/variants')).toBe(Math.ceil(60 / BATCH_LIMITS.variants));
    expect(statusesOf(store)).not.toContain(413);
  });

  it('sets absolute stock levels and fails every item of a refused adjustment', async () => {
    const store = newStore();
    const products = seedProducts(store, 3);
    const client = clientFor(store);
    const ok = await setInventoryAbsolute(client, products.map((p, i) => ({ location_id: 1, product_id: p.id, quantity: 10 + i })), { reason: 'test' });
    expect(ok.every((r) => r.ok)).toBe(true);
    expect(store.stock.get(`1|product:${products[2]!.id}`)).toBe(12);

    const refused = await setInventoryAbsolute(client, [
      { location_id: 1, product_id: products[0]!.id, quantity: 1 },
      { location_id: 1, product_id: 999_999, quantity: 1 },
    ]);
    expect(refused.map((r) => r.ok)).toEqual([false, false]);
    expect(store.stock.get(`1|product:${products[0]!.id}`)).toBe(10);
  });

  it('upserts price records a thousand at a time, serially, with per-record outcomes', async () => {
    const store = newStore();
    const variants = seedProducts(store, 21, 60).flatMap((p) => p.variantIds);
    const client = clientFor(store);
    const list = await createPriceList(client, { name: 'Wholesale', active: true });
    const records: PriceListRecord[] = variants.slice(0, 1_200).map((variant_id) => ({ variant_id, currency: 'usd', price: 4 }));
    records[1_100] = { variant_id: 99_999_999, currency: 'usd', price: 4 };
    const results = await upsertPriceListRecords(client, list.id, records);
    expect(results).toHaveLength(1_200);
    expect(results.filter((r) => !r.ok).map((r) => r.index)).toEqual([1_100]);
    expect(served(store, 'PUT /v3/pricelists/{id}/records')).toBe(2);
    expect(statusesOf(store).filter((s) => s === 429 || s === 413)).toEqual([]);
    expect(store.priceRecords.size).toBe(1_199);
  });
});

describe('pagination', () => {
  it('reads v3 collections page by page', async () => {
    const store = newStore();
    seedProducts(store, 23);
    const client = clientFor(store);
    const sizes: number[] = [];
    for await (const page of paginateProducts(client, {}, { limit: 10 })) sizes.push(page.length);
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('stops reading when the caller stops', async () => {
    const store = newStore();
    seedProducts(store, 23);
    const client = clientFor(store);
    for await (const page of paginateProducts(client, {}, { limit: 10 })) {
      expect(page).toHaveLength(10);
      break;
    }
    expect(served(store, 'GET /v3/catalog/products')).toBe(1);
  });

  it('reads v2 collections until the short or empty page', async () => {
    const store = newStore();
    const [product] = seedProducts(store, 1);
    for (let i = 0; i < 5; i++) sim().placeOrder(store, { billing_address: { email: `b${i}@example.com` }, products: [{ product_id: product!.id, quantity: 1 }] });
    const client = clientFor(store);
    const sizes: number[] = [];
    for await (const page of client.paginateV2('/orders', { limit: 2 })) sizes.push(page.length);
    expect(sizes).toEqual([2, 2, 1]);
    const all: number[] = [];
    for await (const page of paginateOrders(client)) all.push(...page.map((o) => o.id));
    expect(all).toHaveLength(5);
    expect(await getOrder(client, all[0]!)).toMatchObject({ id: all[0] });
    expect(await getOrder(client, 424_242)).toBeNull();
  });
});

describe('client factory and usage', () => {
  it('builds a store’s client from its sealed token and counts its calls per day', async () => {
    const store = newStore();
    await Store.create({ _id: store.hash, status: 'installed', accessTokenSealed: encryptSecret(TOKEN, h.ctx.config.encryptionKey) });
    const client = await bigcommerceClientFor(h.ctx, store.hash);
    for (let i = 0; i < 3; i++) await client.v2('GET', '/store');
    await apiUsage.flush();
    const usage = await ApiUsage.findById(apiUsageId(store.hash, 'bigcommerce', utcDay())).lean();
    expect(usage).toMatchObject({ storeHash: store.hash, platform: 'bigcommerce', calls: 3, throttled: 0 });
    await client.v2('GET', '/store');
    await apiUsage.flush();
    expect((await ApiUsage.findById(apiUsageId(store.hash, 'bigcommerce', utcDay())).lean())?.calls).toBe(4);
  });

  it('refuses a store that is not installed', async () => {
    await Store.create({ _id: 'gone1', status: 'uninstalled' });
    await expect(bigcommerceClientFor(h.ctx, 'gone1')).rejects.toThrow(/not installed/);
  });
});
