import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../sandbox/common/clock.js';
import { ERROR_TYPE } from '../../sandbox/bigcommerce/errors.js';
import { PNG_1X1, TOKEN, productBody, startSim, type SimHarness } from './bigcommerce.support.js';

let h: SimHarness;
const clock = new ManualClock();

beforeAll(async () => {
  h = await startSim({ clock });
});
afterAll(async () => h?.close());

const size = (label: string) => [{ option_display_name: 'Size', label }];

describe('creating products', () => {
  it('refuses a product without its required fields with BigCommerce’s 422 body', async () => {
    const res = await h.api('POST', '/v3/catalog/products', { name: 'No type', price: 'ten' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      status: 422,
      title: 'JSON data is missing or invalid',
      type: ERROR_TYPE,
      errors: { type: 'error.path.missing', weight: 'error.path.missing', price: 'error.expected.jsnumber' },
    });
    expect(h.store.products.size).toBe(0);
  });

  it('creates a product with nested variants and their options', async () => {
    const res = await h.api('POST', '/v3/catalog/products', {
      ...productBody('Hoodie', { inventory_tracking: 'variant' }),
      variants: [
        { sku: 'HD-S', option_values: size('S'), inventory_level: 3 },
        { sku: 'HD-M', option_values: size('M'), price: 12 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Hoodie', inventory_tracking: 'variant', inventory_level: 3, base_variant_id: null, is_visible: true });
    // The answer to a create documents no variants: they are read back as a client would.
    const product = (await h.api('GET', `/v3/catalog/products/${res.body.data.id}?include=variants`)).body.data;
    expect(product.variants.map((v: { sku: string }) => v.sku)).toEqual(['HD-S', 'HD-M']);
    expect(product.variants[1]).toMatchObject({ price: 12, calculated_price: 12, option_values: [{ option_display_name: 'Size', label: 'M' }] });
    const options = await h.api('GET', `/v3/catalog/products/${product.id}/options`);
    expect(options.body.data).toEqual([expect.objectContaining({ display_name: 'Size', option_values: [expect.objectContaining({ label: 'S' }), expect.objectContaining({ label: 'M' })] })]);
  });

  it('gives a simple product one base variant carrying its SKU', async () => {
    const res = await h.api('POST', '/v3/catalog/products', productBody('Pen', { sku: 'PEN-1', inventory_tracking: 'product', inventory_level: 9 }));
    const product = (await h.api('GET', `/v3/catalog/products/${res.body.data.id}?include=variants`)).body.data;
    expect(product.base_variant_id).toBe(product.variants[0].id);
    expect(product.variants).toEqual([expect.objectContaining({ sku: 'PEN-1', sku_id: null, inventory_level: 9 })]);
  });

  it('keeps SKUs unique across products and variants, ignoring case (409)', async () => {
    const asProduct = await h.api('POST', '/v3/catalog/products', productBody('Another hoodie', { sku: 'hd-s' }));
    expect(asProduct.status).toBe(409);
    expect(asProduct.body).toMatchObject({ status: 409, type: ERROR_TYPE, errors: { sku: expect.any(String) } });
    const asVariant = await h.api('POST', '/v3/catalog/products', { ...productBody('Pencil'), variants: [{ sku: 'PEN-1', option_values: size('S') }] });
    expect(asVariant.status).toBe(409);
    const sameName = await h.api('POST', '/v3/catalog/products', productBody('pen'));
    expect(sameName.status).toBe(409);
    expect(h.store.products.size).toBe(2);
  });

  it('refuses unknown categories (409) and accepts created ones', async () => {
    expect((await h.api('POST', '/v3/catalog/products', productBody('Lost', { categories: [999] }))).status).toBe(409);
    const category = await h.api('POST', '/v3/catalog/categories', { parent_id: 0, name: 'Stationery' });
    expect(category.status).toBe(200);
    expect((await h.api('POST', '/v3/catalog/categories', { parent_id: 0, name: 'stationery' })).status).toBe(409);
    expect((await h.api('POST', '/v3/catalog/categories', { name: 'Orphan' })).body.errors).toEqual({ parent_id: 'error.path.missing' });
    const found = await h.api('GET', '/v3/catalog/categories?name=Stationery');
    expect(found.body.data).toEqual([expect.objectContaining({ id: category.body.data.id, name: 'Stationery', parent_id: 0 })]);
    const product = await h.api('POST', '/v3/catalog/products', productBody('Notebook', { sku: 'NB-1', categories: [category.body.data.id] }));
    expect(product.body.data.categories).toEqual([category.body.data.id]);
  });
});

describe('reading products', () => {
  it('filters by sku, sku:in, id:in, is_visible and name', async () => {
    const bySku = await h.api('GET', '/v3/catalog/products?sku=PEN-1');
    expect(bySku.body.data.map((p: { name: string }) => p.name)).toEqual(['Pen']);
    const bySkus = await h.api('GET', '/v3/catalog/products?sku:in=PEN-1,NB-1');
    expect(bySkus.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['Notebook', 'Pen']);
    const ids = bySkus.body.data.map((p: { id: number }) => p.id);
    const byIds = await h.api('GET', `/v3/catalog/products?id:in=${ids.join(',')}`);
    expect(byIds.body.data).toHaveLength(2);
    // A variant's SKU is not the product's own SKU.
    expect((await h.api('GET', '/v3/catalog/products?sku=HD-S')).body.data).toEqual([]);
    expect((await h.api('GET', '/v3/catalog/products?name=Hoodie')).body.data).toHaveLength(1);
    expect((await h.api('GET', '/v3/catalog/products?is_visible=false')).body.data).toEqual([]);
  });

  it('adds variants and images only when included', async () => {
    const plain = await h.api('GET', '/v3/catalog/products?name=Hoodie');
    expect(plain.body.data[0].variants).toBeUndefined();
    const included = await h.api('GET', '/v3/catalog/products?name=Hoodie&include=variants,images');
    expect(included.body.data[0].variants).toHaveLength(2);
    expect(included.body.data[0].images).toEqual([]);
  });

  it('returns what changed since a date_modified:min cursor, at whole seconds', async () => {
    clock.advance(60_000);
    const cursor = new Date(clock.now()).toISOString();
    expect((await h.api('GET', `/v3/catalog/products?date_modified:min=${encodeURIComponent(cursor)}`)).body.data).toEqual([]);
    const pen = (await h.api('GET', '/v3/catalog/products?sku=PEN-1')).body.data[0];
    await h.api('PUT', `/v3/catalog/products/${pen.id}`, { description: 'Blue ink' });
    const changed = await h.api('GET', `/v3/catalog/products?date_modified:min=${encodeURIComponent(cursor)}`);
    expect(changed.body.data.map((p: { id: number }) => p.id)).toEqual([pen.id]);
    expect(changed.body.data[0].description).toBe('Blue ink');
  });

  it('answers 404 for an unknown product', async () => {
    const res = await h.api('GET', '/v3/catalog/products/999999');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, type: ERROR_TYPE });
  });
});

describe('batch updates', () => {
  it('applies what it can and reports the rest with 207', async () => {
    const pen = (await h.api('GET', '/v3/catalog/products?sku=PEN-1')).body.data[0];
    const notebook = (await h.api('GET', '/v3/catalog/products?sku=NB-1')).body.data[0];
    const hoodie = (await h.api('GET', '/v3/catalog/products?name=Hoodie')).body.data[0];
    const res = await h.api('PUT', '/v3/catalog/products', [
      { id: pen.id, is_visible: false, price: 2.5 },
      { id: notebook.id, sku: 'PEN-1' },
      { id: 424242, name: 'Ghost' },
      { id: hoodie.id, name: 'Hoodie 2', inventory_level: 5 },
    ]);
    expect(res.status).toBe(207);
    expect(res.body.data.map((p: { id: number }) => p.id).sort()).toEqual([pen.id, hoodie.id].sort());
    expect(res.body.errors).toMatchObject({ status: expect.any(Number), title: expect.any(String), type: ERROR_TYPE });
    expect(Object.keys(res.body.errors.errors).sort()).toEqual([String(notebook.id), '424242', String(hoodie.id)].sort());
    // The good record changed; the conflicting one did not; the hoodie saved all but its stock.
    expect(h.store.products.get(pen.id)).toMatchObject({ is_visible: false, price: 2.5 });
    expect(h.store.products.get(notebook.id)!.sku).toBe('NB-1');
    expect(h.store.products.get(hoodie.id)!.name).toBe('Hoodie 2');
  });

  it('refuses a batch with an invalid record before changing anything (422)', async () => {
    const pen = (await h.api('GET', '/v3/catalog/products?sku=PEN-1')).body.data[0];
    const res = await h.api('PUT', '/v3/catalog/products', [{ id: pen.id, price: 3 }, { price: 4 }, { id: pen.id, is_visible: 'yes' }]);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual({ '1.id': 'error.path.missing', '2.is_visible': 'error.expected.jsboolean' });
    expect(h.store.products.get(pen.id)!.price).toBe(2.5);
  });

  it('updates variants in batch, all or nothing', async () => {
    const hoodie = (await h.api('GET', '/v3/catalog/products?name=Hoodie 2&include=variants')).body.data[0];
    const [small, medium] = hoodie.variants;
    const refused = await h.api('PUT', '/v3/catalog/variants', [
      { id: small.id, price: 30 },
      { id: medium.id, sku: 'pen-1' },
    ]);
    expect(refused.status).toBe(422);
    expect(refused.body.batch_errors).toHaveLength(1);
    expect(h.store.variants.get(small.id)!.fields.price).toBeNull();

    const ok = await h.api('PUT', '/v3/catalog/variants', [
      { id: small.id, price: 30, inventory_level: 8 },
      { id: medium.id, sku: 'HD-M2', purchasing_disabled: true },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual([expect.objectContaining({ id: small.id, price: 30, inventory_level: 8 }), expect.objectContaining({ id: medium.id, sku: 'HD-M2', purchasing_disabled: true })]);
    expect((await h.api('GET', '/v3/catalog/variants?sku=HD-M2')).body.data).toHaveLength(1);
  });

  it('adds a variant to a product later, and refuses a duplicate option combination', async () => {
    const hoodie = (await h.api('GET', '/v3/catalog/products?name=Hoodie 2')).body.data[0];
    const large = await h.api('POST', `/v3/catalog/products/${hoodie.id}/variants`, { sku: 'HD-L', option_values: size('L') });
    expect(large.status).toBe(200);
    expect(large.body.data).toMatchObject({ product_id: hoodie.id, sku: 'HD-L', sku_id: expect.any(Number) });
    const again = await h.api('POST', `/v3/catalog/products/${hoodie.id}/variants`, { sku: 'HD-L2', option_values: size('l') });
    expect(again.status).toBe(409);
    const missing = await h.api('POST', `/v3/catalog/products/${hoodie.id}/variants`, { option_values: size('XL') });
    expect(missing.body.errors).toEqual({ sku: 'error.path.missing' });
  });
});

describe('SKUs after changes', () => {
  it('frees a renamed or deleted SKU and takes the new one', async () => {
    const product = (await h.api('POST', '/v3/catalog/products', productBody('Ruler', { sku: 'RUL-1' }))).body.data;
    await h.api('PUT', `/v3/catalog/products/${product.id}`, { sku: 'RUL-2' });
    expect((await h.api('POST', '/v3/catalog/products', productBody('Old ruler', { sku: 'rul-2' }))).status).toBe(409);
    const reuse = await h.api('POST', '/v3/catalog/products', productBody('Old ruler', { sku: 'RUL-1' }));
    expect(reuse.status).toBe(200);
    expect((await h.api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, sku: 'RUL-2', quantity: 1 }] })).status).toBe(422);
    expect((await h.api('DELETE', `/v3/catalog/products/${reuse.body.data.id}`)).status).toBe(204);
    expect((await h.api('POST', '/v3/catalog/products', productBody('New ruler', { sku: 'RUL-1' }))).status).toBe(200);
    expect(h.store.findSku('rul-2')?.product.id).toBe(product.id);
  });
});

describe('images', () => {
  it('takes an uploaded file as multipart/form-data and serves it back', async () => {
    const pen = (await h.api('GET', '/v3/catalog/products?sku=PEN-1')).body.data[0];
    const form = new FormData();
    form.append('image_file', new Blob([PNG_1X1], { type: 'image/png' }), 'pen.png');
    form.append('is_thumbnail', 'true');
    form.append('description', 'The pen');
    const res = await fetch(`${h.sim.url}/stores/sim1/v3/catalog/products/${pen.id}/images`, { method: 'POST', headers: { 'x-auth-token': TOKEN, accept: 'application/json' }, body: form });
    expect(res.status).toBe(200);
    const image = ((await res.json()) as { data: { id: number; url_standard: string; is_thumbnail: boolean; description: string } }).data;
    expect(image).toMatchObject({ is_thumbnail: true, description: 'The pen' });
    const served = await fetch(image.url_standard);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    const listed = await h.api('GET', `/v3/catalog/products/${pen.id}?include=images,primary_image`);
    expect(listed.body.data.images).toHaveLength(1);
    expect(listed.body.data.primary_image.id).toBe(image.id);
  });

  it('refuses a file that is not an image, and an upload without a file', async () => {
    const pen = (await h.api('GET', '/v3/catalog/products?sku=PEN-1')).body.data[0];
    const imagesBefore = [...h.store.products.get(pen.id)!.imageIds];
    const upload = async (form: FormData) =>
      fetch(`${h.sim.url}/stores/sim1/v3/catalog/products/${pen.id}/images`, { method: 'POST', headers: { 'x-auth-token': TOKEN }, body: form });
    const text = new FormData();
    text.append('image_file', new Blob(['hello'], { type: 'image/png' }), 'fake.png');
    expect((await upload(text)).status).toBe(422);
    const empty = new FormData();
    empty.append('description', 'nothing');
    const res = await upload(empty);
    expect(res.status).toBe(422);
    // createProductImage documents a 422 of status, title and type only (no `errors`).
    expect(await res.json()).toEqual({ status: 422, title: 'JSON data is missing or invalid', type: ERROR_TYPE });
    expect(h.store.products.get(pen.id)!.imageIds).toEqual(imagesBefore);
  });

  it('takes an image by URL as JSON', async () => {
    const notebook = (await h.api('GET', '/v3/catalog/products?sku=NB-1')).body.data[0];
    const res = await h.api('POST', `/v3/catalog/products/${notebook.id}/images`, { image_url: 'https://cdn.example.com/nb.jpg' });
    expect(res.body.data).toMatchObject({ image_url: 'https://cdn.example.com/nb.jpg', is_thumbnail: true, product_id: notebook.id });
    expect((await h.api('POST', `/v3/catalog/products/${notebook.id}/images`, { description: 'no url' })).status).toBe(422);
  });

  it('makes another image the thumbnail by PUT (one thumbnail per product), and refuses a wrong type', async () => {
    const notebook = (await h.api('GET', '/v3/catalog/products?sku=NB-1')).body.data[0];
    const second = (await h.api('POST', `/v3/catalog/products/${notebook.id}/images`, { image_url: 'https://cdn.example.com/nb-2.jpg' })).body.data;
    expect(second.is_thumbnail).toBe(false);
    const res = await h.api('PUT', `/v3/catalog/products/${notebook.id}/images/${second.id}`, { is_thumbnail: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: second.id, is_thumbnail: true });
    const images = (await h.api('GET', `/v3/catalog/products/${notebook.id}/images`)).body.data as { id: number; is_thumbnail: boolean }[];
    expect(images.filter((i) => i.is_thumbnail).map((i) => i.id)).toEqual([second.id]);
    expect((await h.api('PUT', `/v3/catalog/products/${notebook.id}/images/${second.id}`, { is_thumbnail: 'true' })).status).toBe(422);
    expect((await h.api('PUT', `/v3/catalog/products/${notebook.id}/images/999999`, { is_thumbnail: true })).status).toBe(404);
  });
});
