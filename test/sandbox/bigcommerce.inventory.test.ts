import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TYPE } from '../../sandbox/bigcommerce/errors.js';
import { productBody, startSim, type SimHarness } from './bigcommerce.support.js';

let h: SimHarness;
let shirt: { id: number; variants: { id: number; sku: string; sku_id: number }[] };
let mug: { id: number; base_variant_id: number };
let untracked: { id: number };

beforeAll(async () => {
  h = await startSim();
  const size = (label: string) => [{ option_display_name: 'Size', label }];
  const created = await h.api('POST', '/v3/catalog/products', {
    ...productBody('Shirt', { inventory_tracking: 'variant' }),
    variants: [
      { sku: 'SH-S', option_values: size('S'), inventory_level: 4 },
      { sku: 'SH-M', option_values: size('M'), inventory_level: 6 },
    ],
  });
  // The answer to a create documents no variants: they are read back as a client would.
  shirt = (await h.api('GET', `/v3/catalog/products/${created.body.data.id}?include=variants`)).body.data;
  mug = (await h.api('POST', '/v3/catalog/products', productBody('Mug', { sku: 'MUG-1', inventory_tracking: 'product', inventory_level: 10 }))).body.data;
  untracked = (await h.api('POST', '/v3/catalog/products', productBody('Sticker', { sku: 'STK-1' }))).body.data;
});
afterAll(async () => h?.close());

const lastEvents = (n: number) => h.store.events.slice(-n);

describe('absolute adjustments', () => {
  it('sets levels by sku, variant_id and product_id and raises one event per item', async () => {
    const before = h.store.events.length;
    const res = await h.api('PUT', '/v3/inventory/adjustments/absolute', {
      reason: 'count',
      items: [
        { location_id: 1, sku: 'SH-S', quantity: 7 },
        { location_id: 1, variant_id: shirt.variants[1]!.id, quantity: 2 },
        { location_id: 1, product_id: mug.id, quantity: 15 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ transaction_id: expect.any(String) });
    const events = h.store.events.slice(before);
    expect(events.map((e) => e.scope)).toEqual(['store/sku/inventory/updated', 'store/sku/inventory/updated', 'store/product/inventory/updated']);
    expect(events[0]!.data).toEqual({ type: 'sku', id: shirt.variants[0]!.sku_id, inventory: { product_id: shirt.id, method: 'absolute', value: 7, variant_id: shirt.variants[0]!.id } });
    expect(events[2]!.data).toEqual({ type: 'product', id: mug.id, inventory: { product_id: mug.id, method: 'absolute', value: 15 } });
    const product = await h.api('GET', `/v3/catalog/products/${shirt.id}?include=variants`);
    expect(product.body.data.inventory_level).toBe(9);
    expect(product.body.data.variants.map((v: { inventory_level: number }) => v.inventory_level)).toEqual([7, 2]);
  });

  it('refuses the whole request when one item names stock the wrong way (422)', async () => {
    const cases = [
      { location_id: 1, variant_id: mug.base_variant_id, quantity: 1 },
      { location_id: 1, product_id: shirt.id, quantity: 1 },
      { location_id: 1, product_id: untracked.id, quantity: 1 },
      { location_id: 1, sku: 'NOPE', quantity: 1 },
      { location_id: 99, sku: 'SH-S', quantity: 1 },
    ];
    for (const bad of cases) {
      const res = await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, sku: 'MUG-1', quantity: 99 }, bad] });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.body).toMatchObject({ status: 422, title: expect.any(String), type: ERROR_TYPE });
    }
    expect((await h.api('GET', `/v3/catalog/products/${mug.id}`)).body.data.inventory_level).toBe(15);
  });

  it('checks the body: items required, one identifier each, no negative levels', async () => {
    expect((await h.api('PUT', '/v3/inventory/adjustments/absolute', { reason: 'x' })).body.errors).toEqual({ items: 'error.path.missing' });
    expect((await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, quantity: 1 }] })).status).toBe(422);
    expect((await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, sku: 'SH-S', variant_id: 1, quantity: 1 }] })).status).toBe(422);
    expect((await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, sku: 'SH-S', quantity: -1 }] })).status).toBe(422);
  });
});

describe('relative adjustments', () => {
  it('adds and subtracts, and will not go below zero', async () => {
    const res = await h.api('POST', '/v3/inventory/adjustments/relative', { items: [{ location_id: 1, sku: 'SH-S', quantity: -3 }, { location_id: 1, sku: 'MUG-1', quantity: 5 }] });
    expect(res.status).toBe(200);
    expect(lastEvents(2).map((e) => e.data.inventory)).toEqual([
      { product_id: shirt.id, method: 'absolute', value: 4, variant_id: shirt.variants[0]!.id },
      { product_id: mug.id, method: 'absolute', value: 20 },
    ]);
    expect((await h.api('POST', '/v3/inventory/adjustments/relative', { items: [{ location_id: 1, sku: 'SH-S', quantity: -5 }] })).status).toBe(422);
  });
});

describe('items and locations', () => {
  it('lists tracked items with their stock per location', async () => {
    const res = await h.api('GET', '/v3/inventory/items?sku:in=SH-S,MUG-1');
    expect(res.body.data).toEqual([
      {
        identity: { sku: 'SH-S', variant_id: shirt.variants[0]!.id, product_id: shirt.id, sku_id: shirt.variants[0]!.sku_id },
        locations: [expect.objectContaining({ location_id: 1, available_to_sell: 4, total_inventory_onhand: 4, location_enabled: true })],
      },
      {
        identity: { sku: 'MUG-1', variant_id: mug.base_variant_id, product_id: mug.id, sku_id: null },
        locations: [expect.objectContaining({ location_id: 1, available_to_sell: 20 })],
      },
    ]);
    const all = await h.api('GET', '/v3/inventory/items');
    // Untracked products are not inventory items.
    expect(all.body.data.map((i: { identity: { sku: string } }) => i.identity.sku)).toEqual(['SH-S', 'SH-M', 'MUG-1']);
  });

  it('adds locations and keeps stock per location', async () => {
    expect((await h.api('POST', '/v3/inventory/locations', [{ code: 'WH-2', label: 'Warehouse 2' }])).status).toBe(200);
    const locations = await h.api('GET', '/v3/inventory/locations');
    const warehouse = locations.body.data.find((l: { code: string }) => l.code === 'WH-2');
    expect(warehouse).toMatchObject({ label: 'Warehouse 2', enabled: true, type_id: 'PHYSICAL' });
    expect((await h.api('GET', '/v3/inventory/locations?is_default=true')).body.data.map((l: { id: number }) => l.id)).toEqual([1]);
    expect((await h.api('POST', '/v3/inventory/locations', [{ code: 'WH-2', label: 'Again' }])).status).toBe(422);

    await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: warehouse.id, sku: 'MUG-1', quantity: 3 }] });
    const at = await h.api('GET', `/v3/inventory/locations/${warehouse.id}/items?sku:in=MUG-1`);
    expect(at.body.data).toEqual([expect.objectContaining({ identity: { sku: 'MUG-1', variant_id: mug.base_variant_id, product_id: mug.id }, available_to_sell: 3 })]);
    expect((await h.api('GET', `/v3/catalog/products/${mug.id}`)).body.data.inventory_level).toBe(23);
    expect((await h.api('GET', '/v3/inventory/locations/999/items')).status).toBe(404);
  });
});

describe('catalog stock writes and the control-panel helper', () => {
  it('raises inventory events for catalog writes and for state.setStock', async () => {
    await h.api('PUT', `/v3/catalog/products/${mug.id}`, { inventory_level: 40 });
    expect(lastEvents(2).map((e) => e.scope)).toEqual(['store/product/inventory/updated', 'store/product/updated']);
    h.sim.state.setStock('sim1', { sku: 'SH-M' }, 11);
    expect(lastEvents(1)[0]).toMatchObject({ scope: 'store/sku/inventory/updated', data: { inventory: { value: 11, variant_id: shirt.variants[1]!.id } } });
    expect(() => h.sim.state.setStock('sim1', { product_id: shirt.id }, 1)).toThrow(/tracked by variant/);
  });

  it('refuses a product-level inventory_level on a variant-tracked product with 207', async () => {
    const res = await h.api('PUT', `/v3/catalog/products/${shirt.id}`, { inventory_level: 3, name: 'Shirt 2' });
    expect(res.status).toBe(207);
    expect(res.body.data.name).toBe('Shirt 2');
    expect(res.body.errors.errors).toEqual({ inventory_level: expect.any(String) });
  });
});
