import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomers } from '../../sandbox/bigcommerce/api/customers.js';
import { ManualClock } from '../../sandbox/common/clock.js';
import { ERROR_TYPE } from '../../sandbox/bigcommerce/errors.js';
import { TOKEN, productBody, startSim, type SimHarness } from './bigcommerce.support.js';

let h: SimHarness;
const clock = new ManualClock();

beforeAll(async () => {
  h = await startSim({ clock });
});
afterAll(async () => h?.close());

const v3Error = (status: number) => ({ status, title: expect.any(String), type: ERROR_TYPE });

describe('authentication', () => {
  it('answers 401 without the store’s current token, in each version’s error shape', async () => {
    const none = await h.apiFor('sim1', undefined)('GET', '/v3/catalog/products');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject(v3Error(401));
    const wrong = await h.apiFor('sim1', 'not-the-token')('GET', '/v2/orders');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual([{ status: 401, message: expect.any(String) }]);
    const otherStore = await h.apiFor('nostore', TOKEN)('GET', '/v3/catalog/products');
    expect(otherStore.status).toBe(401);
  });

  it('stops honouring a token once the app is uninstalled', async () => {
    const store = h.sim.state.addStore('gone', { accessToken: 'gone-token' });
    const api = h.apiFor('gone', 'gone-token');
    expect((await api('GET', '/v2/store')).status).toBe(200);
    store.installed = false;
    store.accessToken = null;
    expect((await api('GET', '/v2/store')).status).toBe(401);
  });
});

describe('batch limits', () => {
  it('PUT /catalog/products takes 10 products and refuses 11 with 413', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 11; i++) ids.push((await h.api('POST', '/v3/catalog/products', productBody(`Batch ${i}`))).body.data.id);
    const eleven = await h.api('PUT', '/v3/catalog/products', ids.map((id) => ({ id, price: 11 })));
    expect(eleven.status).toBe(413);
    expect(eleven.body).toMatchObject(v3Error(413));
    const ten = await h.api('PUT', '/v3/catalog/products', ids.slice(0, 10).map((id) => ({ id, price: 11 })));
    expect(ten.status).toBe(200);
    expect(ten.body.data).toHaveLength(10);
  });

  it.each([
    ['PUT', '/v3/catalog/variants', 50, (i: number) => ({ id: i + 1, price: 1 })],
    ['PUT', '/v3/inventory/adjustments/absolute', 2000, null],
    ['POST', '/v3/inventory/adjustments/relative', 2000, null],
    ['POST', '/v3/pricelists/assignments', 25, (i: number) => ({ price_list_id: 1, customer_group_id: i + 1 })],
    ['POST', '/v3/customers', 10, (i: number) => ({ email: `c${i}@example.com`, first_name: 'C', last_name: 'D' })],
  ] as const)('%s %s refuses more than %i items with 413', async (method, path, max, item) => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => (item ? item(i) : { location_id: 1, sku: `SKU-${i}`, quantity: 1 }));
    const body = (n: number) => (item ? items(n) : { items: items(n) });
    const over = await h.api(method, path, body(max + 1));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject(v3Error(413));
    // At the limit the request is read (and refused for its content instead).
    expect((await h.api(method, path, body(max))).status).not.toBe(413);
  });

  it('PUT /pricelists/{id}/records refuses more than 1,000 records with 413', async () => {
    const list = await h.api('POST', '/v3/pricelists', { name: 'Limits', active: true });
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ variant_id: 900_000 + i, currency: 'USD', price: 1 }));
    const over = await h.api('PUT', `/v3/pricelists/${list.body.data.id}/records`, records(1001));
    expect(over.status).toBe(413);
    expect((await h.api('PUT', `/v3/pricelists/${list.body.data.id}/records`, records(1000))).status).toBe(422);
  });

  it('limits can be scaled down for tests', async () => {
    h.sim.limits.configure({ productsBatch: 2 });
    try {
      const res = await h.api('PUT', '/v3/catalog/products', [{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(res.status).toBe(413);
    } finally {
      h.sim.limits.reset();
    }
  });
});

describe('rate limit', () => {
  it('reports the quota on every answer and refuses with 429 and X-Retry-After once spent', async () => {
    h.sim.rateLimit.reset();
    h.sim.rateLimit.configure({ quota: 3, windowMs: 30_000 });
    try {
      const lefts: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await h.api('GET', '/v2/store');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-rate-limit-requests-quota')).toBe('3');
        expect(res.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
        expect(Number(res.headers.get('x-rate-limit-time-reset-ms'))).toBeLessThanOrEqual(30_000);
        lefts.push(res.headers.get('x-rate-limit-requests-left')!);
      }
      expect(lefts).toEqual(['2', '1', '0']);

      const refused = await h.api('GET', '/v3/catalog/products');
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject(v3Error(429));
      expect(refused.headers.get('x-rate-limit-requests-left')).toBe('0');
      const resetMs = Number(refused.headers.get('x-rate-limit-time-reset-ms'));
      expect(Number(refused.headers.get('x-retry-after'))).toBe(Math.ceil(resetMs / 1000));
      expect((await h.api('GET', '/v2/orders')).body).toEqual([{ status: 429, message: expect.any(String) }]);
      expect(h.sim.rateLimit.rejected.get('sim1')).toBe(2);

      // Another store has its own quota.
      h.sim.state.addStore('other', { accessToken: 'other-token' });
      expect((await h.apiFor('other', 'other-token')('GET', '/v2/store')).status).toBe(200);

      // The window ends: the quota is back.
      clock.advance(30_000);
      const again = await h.api('GET', '/v2/store');
      expect(again.status).toBe(200);
      expect(again.headers.get('x-rate-limit-requests-left')).toBe('2');
    } finally {
      h.sim.rateLimit.configure({ quota: 150, windowMs: 30_000 });
    }
  });

  it('defaults to the Standard plan’s 150 requests per 30 seconds', async () => {
    const res = await h.api('GET', '/v2/time');
    expect(res.headers.get('x-rate-limit-requests-quota')).toBe('150');
    expect(res.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
  });
});

describe('pagination', () => {
  let api: SimHarness['api'];
  beforeAll(() => {
    const store = h.sim.state.addStore('paged', { accessToken: 'paged-token' });
    api = h.apiFor('paged', 'paged-token');
    createCustomers(
      h.sim.state,
      store,
      Array.from({ length: 260 }, (_, i) => ({ email: `page${i}@example.com`, first_name: 'Page', last_name: String(i) })),
    );
  });

  it('pages v3 collections with meta.pagination and caps limit at 250', async () => {
    const first = await api('GET', '/v3/customers?limit=500');
    expect(first.body.data).toHaveLength(250);
    expect(first.body.meta.pagination).toEqual({
      total: 260,
      count: 250,
      per_page: 250,
      current_page: 1,
      total_pages: 2,
      links: { current: '?page=1&limit=250', next: '?page=2&limit=250' },
    });
    const second = await api('GET', '/v3/customers?limit=250&page=2');
    expect(second.body.data).toHaveLength(10);
    expect(second.body.meta.pagination).toMatchObject({ count: 10, current_page: 2, links: { previous: '?page=1&limit=250', current: '?page=2&limit=250' } });
    expect(second.body.meta.pagination.links.next).toBeUndefined();
    const ids = [...first.body.data, ...second.body.data].map((c: { id: number }) => c.id);
    expect(new Set(ids).size).toBe(260);
  });

  it('defaults to 50 per page', async () => {
    const res = await api('GET', '/v3/customers');
    expect(res.body.meta.pagination).toMatchObject({ per_page: 50, total_pages: 6 });
  });

  it('answers an empty v2 page with 204 and no body', async () => {
    const res = await api('GET', '/v2/orders?page=99');
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
  });
});

describe('request format', () => {
  it('refuses a body that is not JSON (415), unreadable JSON (400) and a non-JSON Accept (406)', async () => {
    const text = await h.api('POST', '/v3/catalog/products', 'name=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await h.api('POST', '/v3/catalog/products', '{"name":', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject(v3Error(400));
    const xml = await h.api('GET', '/v2/store', undefined, { accept: 'application/xml' });
    expect(xml.status).toBe(406);
  });

  it('answers unknown routes with 404 in the version’s shape', async () => {
    expect((await h.api('GET', '/v3/nothing/here')).body).toMatchObject(v3Error(404));
    expect((await h.api('GET', '/v2/nothing')).body).toEqual([{ status: 404, message: expect.any(String) }]);
  });
});

describe('fault injection and counting', () => {
  it('fails calls at the configured error rate, in the platform’s error shape', async () => {
    h.sim.faults.set({ errorRate: 1, errorStatus: 500 });
    try {
      const v3 = await h.api('GET', '/v3/catalog/products');
      expect(v3.status).toBe(500);
      expect(v3.body).toMatchObject(v3Error(500));
      const v2 = await h.api('GET', '/v2/orders');
      expect(v2.body).toEqual([{ status: 500, message: expect.any(String) }]);
    } finally {
      h.sim.faults.clear();
    }
    expect((await h.api('GET', '/v3/catalog/products')).status).toBe(200);
  });

  it('answers 503 during an outage window and recovers after it', async () => {
    h.sim.faults.outageFor(60_000);
    expect((await h.api('GET', '/v2/store')).status).toBe(503);
    clock.advance(60_000);
    expect((await h.api('GET', '/v2/store')).status).toBe(200);
    h.sim.faults.clear();
  });

  it('still serves with added latency', async () => {
    h.sim.faults.set({ latencyMs: 20 });
    try {
      expect((await h.api('GET', '/v2/time')).status).toBe(200);
    } finally {
      h.sim.faults.clear();
    }
  });

  it('counts every call, refused ones included, per route and per store', async () => {
    const store = h.sim.state.addStore('counted', { accessToken: 'counted-token' });
    const api = h.apiFor('counted', 'counted-token');
    const before = h.sim.state.calls.get('GET /v3/catalog/products/{id}') ?? 0;
    await api('GET', '/v3/catalog/products/123');
    await api('GET', '/v3/catalog/products/456');
    await h.apiFor('counted', 'bad')('GET', '/v2/orders');
    expect(store.calls.get('GET /v3/catalog/products/{id}')).toBe(2);
    expect(store.calls.get('GET /v2/orders')).toBe(1);
    expect(store.totalCalls()).toBe(3);
    expect(h.sim.state.calls.get('GET /v3/catalog/products/{id}')).toBe(before + 2);
  });
});
