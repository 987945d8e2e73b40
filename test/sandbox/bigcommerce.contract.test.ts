import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedBigCommerce, type SeededBigCommerce } from '../../sandbox/seed.js';
import { attachContract, describeContract, loadContract, type AttachedContract, type Violation } from '../contract/openapi.js';
import { PNG_1X1, TOKEN, productBody, startReceiver, startSim, type SimHarness } from './bigcommerce.support.js';

/**
 * The simulator's own answers against BigCommerce's OpenAPI files: a tour of every endpoint it
 * serves, successes and refusals, validated request by request.
 */
describeContract('BigCommerce simulator keeps to the OpenAPI contract', () => {
  let h: SimHarness;
  let watch: AttachedContract;
  let seeded: SeededBigCommerce;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    h = await startSim();
    receiver = await startReceiver();
    seeded = seedBigCommerce(h.sim.state, h.store);
    watch = attachContract(h.sim.exchangeListeners, await loadContract('bigcommerce'));
  });
  afterAll(async () => {
    watch?.detach();
    await h?.close();
    await receiver?.close();
  });

  it('catalog: products, variants, images, options, categories', async () => {
    const { api } = h;
    const created = await api('POST', '/v3/catalog/products', {
      ...productBody('Contract shirt', { inventory_tracking: 'variant', categories: [] }),
      variants: [{ sku: 'CT-S', option_values: [{ option_display_name: 'Size', label: 'S' }], inventory_level: 2 }],
    });
    const id = created.body.data.id;
    await api('POST', '/v3/catalog/products', { name: 'Incomplete' });
    await api('POST', '/v3/catalog/products', productBody('Contract shirt'));
    await api('GET', '/v3/catalog/products?include=variants,images,primary_image,options&limit=2&page=1');
    await api('GET', '/v3/catalog/products?sku:in=ZI-MUG-01,ZI-CAP-01&is_visible=true');
    await api('GET', `/v3/catalog/products?id:in=${id}&date_modified:min=2020-01-01`);
    await api('GET', `/v3/catalog/products/${id}?include=variants`);
    await api('GET', '/v3/catalog/products/999999');
    await api('PUT', `/v3/catalog/products/${id}`, { description: 'Updated' });
    await api('PUT', '/v3/catalog/products', [{ id, is_visible: false }, { id: seeded.productIds.mug, price: 13 }]);
    await api('PUT', '/v3/catalog/products', [{ id, sku: 'ZI-MUG-01' }, { id: seeded.productIds.cap, name: 'Cap 2' }]);
    await api('PUT', '/v3/catalog/products', Array.from({ length: 11 }, () => ({ id })));
    await api('PUT', '/v3/catalog/products', [{ price: 1 }]);
    const variants = await api('GET', `/v3/catalog/products/${id}/variants`);
    const variantId = variants.body.data[0].id;
    await api('POST', `/v3/catalog/products/${id}/variants`, { sku: 'CT-M', option_values: [{ option_display_name: 'Size', label: 'M' }] });
    await api('GET', `/v3/catalog/products/${id}/variants/${variantId}`);
    await api('PUT', `/v3/catalog/products/${id}/variants/${variantId}`, { price: 21 });
    await api('GET', '/v3/catalog/variants?sku=ZI-TSHIRT-S');
    await api('GET', `/v3/catalog/variants?product_id:in=${id}`);
    await api('PUT', '/v3/catalog/variants', [{ id: variantId, inventory_level: 5 }]);
    await api('PUT', '/v3/catalog/variants', [{ id: 999999, price: 1 }]);
    await api('GET', `/v3/catalog/products/${id}/options`);
    await api('POST', `/v3/catalog/products/${id}/images`, { image_url: 'https://cdn.example.com/a.jpg', is_thumbnail: true });
    const form = new FormData();
    form.append('image_file', new Blob([PNG_1X1], { type: 'image/png' }), 'shirt.png');
    const upload = await fetch(`${h.sim.url}/stores/sim1/v3/catalog/products/${id}/images`, { method: 'POST', headers: { 'x-auth-token': TOKEN, accept: 'application/json' }, body: form });
    const imageId = ((await upload.json()) as { data: { id: number } }).data.id;
    await api('GET', `/v3/catalog/products/${id}/images`);
    await api('GET', `/v3/catalog/products/${id}/images/${imageId}`);
    await api('PUT', `/v3/catalog/products/${id}/images/${imageId}`, { is_thumbnail: true });
    await api('DELETE', `/v3/catalog/products/${id}/images/${imageId}`);
    await api('GET', '/v3/catalog/categories?name=Apparel');
    const category = await api('POST', '/v3/catalog/categories', { parent_id: 0, name: 'Contract' });
    await api('GET', `/v3/catalog/categories/${category.body.data.id}`);
    await api('POST', '/v3/catalog/categories', { parent_id: 0, name: 'Contract' });
    await api('DELETE', `/v3/catalog/products/${id}/variants/${variantId}`);
    await api('DELETE', `/v3/catalog/products/${id}`);
  });

  it('inventory and locations', async () => {
    const { api } = h;
    await api('PUT', '/v3/inventory/adjustments/absolute', { reason: 'count', items: [{ location_id: 1, sku: 'ZI-MUG-01', quantity: 30 }] });
    await api('POST', '/v3/inventory/adjustments/relative', { items: [{ location_id: 1, product_id: seeded.productIds.mug, quantity: -1 }] });
    await api('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, product_id: seeded.productIds.tshirt, quantity: 1 }] });
    await api('GET', '/v3/inventory/items?sku:in=ZI-MUG-01,ZI-TSHIRT-S');
    await api('GET', '/v3/inventory/locations/1/items');
    await api('GET', '/v3/inventory/locations/77/items');
    await api('POST', '/v3/inventory/locations', [{ code: 'CT-WH', label: 'Contract warehouse' }]);
    await api('GET', '/v3/inventory/locations');
  });

  it('price lists, customer groups, customers, channels, store', async () => {
    const { api } = h;
    const list = await api('POST', '/v3/pricelists', { name: 'Contract list', active: true });
    const listId = list.body.data.id;
    await api('POST', '/v3/pricelists', { name: 'Contract list' });
    await api('GET', '/v3/pricelists?name=Contract list');
    await api('GET', `/v3/pricelists/${listId}`);
    await api('PUT', `/v3/pricelists/${listId}`, { name: 'Contract list', active: false });
    await api('PUT', `/v3/pricelists/${listId}`, { name: '' });
    await api('PUT', `/v3/pricelists/${listId}/records`, [{ sku: 'ZI-TSHIRT-S', currency: 'USD', price: 15 }]);
    await api('PUT', `/v3/pricelists/${listId}/records`, [{ sku: 'NOPE', currency: 'USD', price: 15 }]);
    await api('GET', `/v3/pricelists/${listId}/records?include=sku`);
    const group = await api('POST', '/v2/customer_groups', { name: 'Contract group' });
    await api('GET', '/v2/customer_groups');
    await api('GET', `/v2/customer_groups/${group.body.id}`);
    await api('GET', '/v2/customer_groups?name=Nobody');
    await api('POST', '/v3/pricelists/assignments', [{ price_list_id: listId, customer_group_id: group.body.id, channel_id: 1 }]);
    await api('GET', '/v3/pricelists/assignments');
    await api('DELETE', `/v3/pricelists/assignments?price_list_id=${listId}`);
    await api('POST', '/v3/customers', [{ email: 'contract@example.com', first_name: 'Con', last_name: 'Tract' }]);
    await api('POST', '/v3/customers', [{ email: 'contract@example.com', first_name: 'Con', last_name: 'Tract' }]);
    await api('GET', '/v3/customers?email:in=contract@example.com,jane.walker@example.com&include=addresses');
    await api('GET', '/v3/channels');
    await api('GET', '/v2/store');
    await api('GET', '/v2/time');
  });

  it('orders, shipments, statuses', async () => {
    const { api } = h;
    await api('GET', '/v2/orders?status_id=11&min_date_modified=2020-01-01T00:00:00Z&limit=10&page=1');
    const order = await api('POST', '/v2/orders', {
      status_id: 11,
      customer_id: seeded.customerIds[0],
      billing_address: { first_name: 'Jane', last_name: 'Walker', street_1: '12 Elm Street', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'jane.walker@example.com' },
      products: [{ product_id: seeded.productIds.mug, quantity: 1 }],
    });
    const id = order.body.id;
    await api('POST', '/v2/orders', { products: [] });
    await api('GET', `/v2/orders/${id}`);
    await api('GET', '/v2/orders/999999');
    await api('PUT', `/v2/orders/${id}`, { status_id: 9 });
    const lines = await api('GET', `/v2/orders/${id}/products`);
    const addresses = await api('GET', `/v2/orders/${id}/shipping_addresses`);
    await api('GET', `/v2/orders/${seeded.orderIds.awaitingFulfillment}/coupons`);
    await api('GET', `/v2/orders/${id}/shipments`);
    const shipment = await api('POST', `/v2/orders/${id}/shipments`, {
      order_address_id: addresses.body[0].id,
      tracking_number: 'CT123',
      shipping_provider: 'ups',
      items: [{ order_product_id: lines.body[0].id, quantity: 1 }],
    });
    await api('POST', `/v2/orders/${id}/shipments`, { order_address_id: 0, items: [] });
    await api('GET', `/v2/orders/${id}/shipments`);
    await api('GET', `/v2/orders/${id}/shipments/${shipment.body.id}`);
    await api('PUT', `/v2/orders/${id}/shipments/${shipment.body.id}`, { tracking_number: 'CT124' });
    await api('GET', '/v2/orders?status_id=13');
    await api('GET', '/v2/order_statuses');
    await api('GET', '/v2/orders/count');
  });

  it('hooks', async () => {
    const { api } = h;
    const hook = await api('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url, is_active: true, headers: { 'x-secret': 'c' } });
    await api('POST', '/v3/hooks', { scope: 'store/order/*' });
    await api('GET', '/v3/hooks');
    await api('GET', `/v3/hooks/${hook.body.data.id}`);
    await api('PUT', `/v3/hooks/${hook.body.data.id}`, { is_active: false });
    await api('DELETE', `/v3/hooks/${hook.body.data.id}`);
    await api('GET', '/v3/hooks/1');
  });

  it('limits and refusals', async () => {
    h.sim.rateLimit.configure({ quota: 1, windowMs: 60_000 });
    await h.api('GET', '/v3/catalog/products');
    await h.api('GET', '/v3/catalog/products');
    h.sim.rateLimit.configure({ quota: 150, windowMs: 30_000 });
    await h.apiFor('sim1', 'wrong')('GET', '/v3/catalog/products');
  });

  it('kept to the contract', () => {
    expect(watch.checked).toBeGreaterThan(80);
    // The tour sends some bad requests on purpose: their requests break the contract, but
    // the answers must still keep it.
    const deliberate = (v: Violation) => / → 4\d\d$/.test(v.exchange) && v.errors.every((e) => e.startsWith('request '));
    // The files' own mistake, not yet repaired in knownErrors.ts: the image response is a
    // `oneOf` of two shapes without required fields, which every image matches twice.
    const imageOneOf = (v: Violation) => /^(POST \S+\/images|PUT \S+\/images\/\d+) → 200$/.test(v.exchange) && v.errors.every((e) => e === 'response 200 /data: must match exactly one schema in oneOf');
    // v2 answers an empty collection with 204 and no body (the files document only 200 for
    // these lists); the simulator does as the platform does, so clients must handle it.
    const emptyV2List = (v: Violation) => /^GET \S+\/v2\/(orders|customer_groups) → 204$/.test(v.exchange);
    expect(watch.violations.filter((v) => !deliberate(v) && !imageOneOf(v) && !emptyV2List(v))).toEqual([]);
    expect(watch.violations.filter(emptyV2List)).toHaveLength(2);
    expect(watch.violations.filter(deliberate).length).toBeGreaterThan(0);
  });
});
