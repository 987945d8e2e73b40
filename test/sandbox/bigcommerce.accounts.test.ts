import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TYPE } from '../../sandbox/bigcommerce/errors.js';
import { productBody, startSim, type SimHarness } from './bigcommerce.support.js';

/** Price lists, customer groups, customers, channels and store information. */

let h: SimHarness;
let variantIds: number[];

beforeAll(async () => {
  h = await startSim();
  const product = await h.api('POST', '/v3/catalog/products', {
    ...productBody('Shirt', { inventory_tracking: 'variant' }),
    variants: ['S', 'M'].map((label) => ({ sku: `SH-${label}`, option_values: [{ option_display_name: 'Size', label }] })),
  });
  // The answer to a create documents no variants: they are read back as a client would.
  const variants = await h.api('GET', `/v3/catalog/products/${product.body.data.id}/variants`);
  variantIds = variants.body.data.map((v: { id: number }) => v.id);
});
afterAll(async () => h?.close());

describe('price lists (Enterprise)', () => {
  let listId: number;

  it('creates a price list, unique by name, and finds it by name', async () => {
    const created = await h.api('POST', '/v3/pricelists', { name: 'Wholesale', active: true });
    expect(created.body.data).toMatchObject({ id: expect.any(Number), name: 'Wholesale', active: true, date_created: expect.any(String) });
    listId = created.body.data.id;
    expect((await h.api('POST', '/v3/pricelists', { name: 'wholesale' })).status).toBe(409);
    expect((await h.api('POST', '/v3/pricelists', { active: true })).body.errors).toEqual({ name: 'error.path.missing' });
    expect((await h.api('GET', '/v3/pricelists?name=Wholesale')).body.data).toEqual([expect.objectContaining({ id: listId })]);
  });

  it('upserts records by variant_id or sku and currency', async () => {
    const res = await h.api('PUT', `/v3/pricelists/${listId}/records`, [
      { variant_id: variantIds[0], currency: 'USD', price: 8 },
      { sku: 'SH-M', currency: 'usd', price: 9, sale_price: 7.5 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: {}, meta: {} });
    await h.api('PUT', `/v3/pricelists/${listId}/records`, [{ sku: 'SH-S', currency: 'USD', price: 8.5 }]);
    const records = await h.api('GET', `/v3/pricelists/${listId}/records?include=sku`);
    expect(records.body.data).toEqual([
      expect.objectContaining({ variant_id: variantIds[0], sku: 'SH-S', currency: 'usd', price: 8.5, calculated_price: 8.5 }),
      expect.objectContaining({ variant_id: variantIds[1], sku: 'SH-M', price: 9, sale_price: 7.5, calculated_price: 7.5 }),
    ]);
  });

  it('saves the good records of a batch and reports the others in batch_errors (422)', async () => {
    const res = await h.api('PUT', `/v3/pricelists/${listId}/records`, [
      { sku: 'SH-M', currency: 'EUR', price: 10 },
      { sku: 'NO-SUCH-SKU', currency: 'USD', price: 1 },
      { variant_id: variantIds[0], price: 1 },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.batch_errors).toEqual([
      { data: { price_list_id: listId, sku: 'NO-SUCH-SKU', currency: 'USD' }, field_errors: { sku: expect.any(String) } },
      { data: { price_list_id: listId, variant_id: variantIds[0] }, field_errors: { currency: 'error.path.missing' } },
    ]);
    expect((await h.api('GET', `/v3/pricelists/${listId}/records?currency=eur`)).body.data).toHaveLength(1);
  });

  it('refuses more than two concurrent record upserts per store with 429', async () => {
    h.sim.faults.set({ latencyMs: 300 });
    try {
      const body = [{ sku: 'SH-S', currency: 'USD', price: 8 }];
      const statuses = (await Promise.all([1, 2, 3].map(() => h.api('PUT', `/v3/pricelists/${listId}/records`, body)))).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      h.sim.faults.clear();
    }
    expect((await h.api('PUT', `/v3/pricelists/${listId}/records`, [{ sku: 'SH-S', currency: 'USD', price: 8 }])).status).toBe(200);
  });

  it('assigns price lists to customer groups and channels, and deletes by filter', async () => {
    const group = await h.api('POST', '/v2/customer_groups', { name: 'Trade' });
    expect(group.status).toBe(200);
    const ok = await h.api('POST', '/v3/pricelists/assignments', [{ price_list_id: listId, customer_group_id: group.body.id, channel_id: 1 }]);
    expect(ok.status).toBe(200);
    const taken = await h.api('POST', '/v3/pricelists/assignments', [{ price_list_id: listId, customer_group_id: group.body.id, channel_id: 1 }]);
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ status: 422, type: ERROR_TYPE, meta: { saved_records: 0 } });
    expect((await h.api('POST', '/v3/pricelists/assignments', [{ price_list_id: 999, channel_id: 1 }])).status).toBe(422);
    const listed = await h.api('GET', `/v3/pricelists/assignments?price_list_id=${listId}`);
    expect(listed.body.data).toEqual([{ id: expect.any(Number), price_list_id: listId, customer_group_id: group.body.id, channel_id: 1 }]);
    expect((await h.api('DELETE', '/v3/pricelists/assignments')).status).toBe(422);
    expect((await h.api('DELETE', `/v3/pricelists/assignments?customer_group_id=${group.body.id}`)).status).toBe(204);
    expect((await h.api('GET', '/v3/pricelists/assignments')).body.data).toEqual([]);
  });

  it('answers 403 on a store without the feature', async () => {
    h.sim.state.addStore('small', { accessToken: 'small-token', plan: 'standard' });
    const api = h.apiFor('small', 'small-token');
    const res = await api('GET', '/v3/pricelists');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: 403, title: expect.any(String), type: ERROR_TYPE });
    expect((await api('GET', '/v2/customer_groups')).body).toEqual([{ status: 403, message: expect.any(String) }]);
    expect((await api('GET', '/v2/store')).body).toMatchObject({ plan_name: 'Standard' });
  });
});

describe('customers', () => {
  it('creates customers in batch and finds them by email:in', async () => {
    const res = await h.api('POST', '/v3/customers', [
      { email: 'Ann@Example.com', first_name: 'Ann', last_name: 'Lee', addresses: [{ first_name: 'Ann', last_name: 'Lee', address1: '1 Road', city: 'Austin', country_code: 'US' }] },
      { email: 'bo@example.com', first_name: 'Bo', last_name: 'Ng' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([expect.objectContaining({ email: 'ann@example.com', address_count: 1 }), expect.objectContaining({ email: 'bo@example.com' })]);
    const found = await h.api('GET', '/v3/customers?email:in=ann@example.com,nobody@example.com&include=addresses');
    expect(found.body.data).toEqual([expect.objectContaining({ first_name: 'Ann', addresses: [expect.objectContaining({ city: 'Austin', country_code: 'US' })] })]);
    expect(h.store.events.filter((e) => e.scope === 'store/customer/created')).toHaveLength(2);
  });

  it('refuses the whole batch for a taken email or a missing field (422)', async () => {
    const res = await h.api('POST', '/v3/customers', [
      { email: 'new@example.com', first_name: 'New', last_name: 'One' },
      { email: 'bo@example.com', first_name: 'Bo', last_name: 'Again' },
      { email: 'x@example.com', first_name: 'X' },
    ]);
    expect(res.status).toBe(422);
    expect(Object.values(res.body.errors)).toHaveLength(2);
    expect((await h.api('GET', '/v3/customers?email:in=new@example.com')).body.data).toEqual([]);
  });
});

describe('customer groups (v2)', () => {
  it('creates, lists by name and reads one', async () => {
    const created = await h.api('POST', '/v2/customer_groups', { name: 'Retail', category_access: { type: 'all' } });
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'Retail', is_default: false, discount_rules: [] });
    expect((await h.api('POST', '/v2/customer_groups', { name: 'Retail' })).status).toBe(409);
    expect((await h.api('POST', '/v2/customer_groups', {})).body).toEqual([{ status: 400, message: "The required field 'name' was not supplied." }]);
    expect((await h.api('GET', '/v2/customer_groups?name=Retail')).body).toEqual([expect.objectContaining({ id: created.body.id })]);
    expect((await h.api('GET', `/v2/customer_groups/${created.body.id}`)).body.name).toBe('Retail');
    expect((await h.api('GET', '/v2/customer_groups?name=Nobody')).status).toBe(204);
  });
});

describe('store and channels', () => {
  it('describes the store and its storefront channel', async () => {
    const store = await h.api('GET', '/v2/store');
    expect(store.body).toMatchObject({ id: 'sim1', plan_name: 'Enterprise', currency: 'USD', store_id: h.store.storeId, default_channel_id: 1 });
    const channels = await h.api('GET', '/v3/channels');
    expect(channels.body.data).toEqual([expect.objectContaining({ id: 1, type: 'storefront', platform: 'bigcommerce', status: 'active' })]);
    expect(channels.body.meta.pagination.total).toBe(1);
  });
});
