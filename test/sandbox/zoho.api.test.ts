import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../sandbox/common/clock.js';
import { zohoTime } from '../../sandbox/zoho/org.js';
import { seedZoho, ZOHO_DEMO, type ZohoSeed } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { CLIENT, connect, zohoApi, type ZohoApi } from './zohoHelpers.js';

const clock = new ManualClock();
let sim: RunningZohoSimulator;
let seed: ZohoSeed;
let api: ZohoApi;
let token: string;

beforeAll(async () => {
  sim = await startZohoSimulator({ clients: [CLIENT], clock, oauth: { accessTokenTtlMs: 86_400_000 } });
  seed = seedZoho(sim.state);
  token = (await connect(sim, ZOHO_DEMO.userEmail)).accessToken;
  api = zohoApi(sim, token, ZOHO_DEMO.organizationId);
});
afterAll(async () => sim?.close());

describe('demo data', () => {
  it('has the demo catalog: active goods, an inactive item, a service and a variant group', async () => {
    const { body } = await api('GET', '/items');
    const bySku = Object.fromEntries(body.items.map((i: { sku: string }) => [i.sku, i]));
    for (const sku of ['ZI-MUG-01', 'ZI-CAP-01', 'ZI-BOTTLE-01']) expect(bySku[sku]).toMatchObject({ status: 'active', product_type: 'goods' });
    expect(bySku['ZI-TEST-2']).toMatchObject({ name: 'test product 2', status: 'inactive' });
    expect(bySku.SHIPPING).toMatchObject({ name: 'SHIPPING', product_type: 'service' });
    // A service keeps no stock: no per-location stock (items.yml documents stock only per location).
    expect(bySku.SHIPPING.locations).toBeUndefined();
    expect(bySku['ZI-TSHIRT-M']).toMatchObject({ group_id: seed.itemGroup.group_id, group_name: 'T-Shirt', attribute_name1: 'Size', attribute_option_name1: 'M' });
    // 50 mugs, 40 + 10, all available: nothing is committed yet.
    expect(bySku['ZI-MUG-01'].locations).toEqual([
      expect.objectContaining({ location_name: 'Main Warehouse', is_primary: true, location_stock_on_hand: 40, location_available_stock: 40, location_actual_available_stock: 40 }),
      expect.objectContaining({ location_name: 'Downtown Store', is_primary: false, location_stock_on_hand: 10, location_available_stock: 10, location_actual_available_stock: 10 }),
    ]);
  });

  it('has three price lists and customers with payment terms', async () => {
    const books = (await api('GET', '/pricebooks')).body.pricebooks;
    expect(books.map((b: { name: string; pricebook_type: string; status: string }) => [b.name, b.pricebook_type, b.status])).toEqual([
      ['Wholesale', 'per_item', 'active'],
      ['VIP 10% off', 'fixed_percentage', 'active'],
      ['Old prices', 'per_item', 'inactive'],
    ]);
    expect(books[1]).toMatchObject({ percentage: 10, is_increase: false, rounding_type: 'round_to_dollar_minus_01' });
    expect(books[0].pricebook_items).toContainEqual(expect.objectContaining({ item_id: seed.items.mug.item_id, pricebook_rate: 10 }));
    const contacts = (await api('GET', '/contacts')).body.contacts;
    expect(contacts.map((c: { payment_terms_label: string }) => c.payment_terms_label)).toEqual(['Net 30', 'Net 15', 'Due on Receipt']);
  });

  it('lists the two locations', async () => {
    const { body } = await api('GET', '/locations');
    expect(body.locations.map((l: { location_name: string }) => l.location_name)).toEqual(['Main Warehouse', 'Downtown Store']);
  });
});

describe('lists', () => {
  it('pages with page / per_page and reports has_more_page', async () => {
    const total = (await api('GET', '/items')).body.items.length;
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const { body } = await api('GET', '/items', { query: { page: String(page), per_page: '3', sort_column: 'name' } });
      expect(body.page_context).toMatchObject({ page, per_page: 3, sort_column: 'name' });
      seen.push(...body.items.map((i: { item_id: string }) => i.item_id));
      if (!body.page_context.has_more_page) break;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('caps per_page at 200 and rejects a bad page', async () => {
    expect((await api('GET', '/items', { query: { per_page: '500' } })).body.page_context.per_page).toBe(200);
    expect((await api('GET', '/items', { query: { page: '0' } }))).toMatchObject({ status: 400, body: { code: 2 } });
  });

  it('filters items by status, sku and last_modified_time', async () => {
    const active = (await api('GET', '/items', { query: { filter_by: 'Status.Active' } })).body.items;
    expect(active.every((i: { status: string }) => i.status === 'active')).toBe(true);
    const inactive = (await api('GET', '/items', { query: { status: 'inactive' } })).body.items;
    expect(inactive.map((i: { sku: string }) => i.sku)).toEqual(['ZI-TEST-2']);
    expect((await api('GET', '/items', { query: { sku: 'zi-cap-01' } })).body.items.map((i: { sku: string }) => i.sku)).toEqual(['ZI-CAP-01']);

    clock.advance(1_000);
    const since = zohoTime(clock.now());
    await api('PUT', `/items/${seed.items.cap.item_id}`, { body: { rate: 19 } });
    const changed = (await api('GET', '/items', { query: { last_modified_time: since } })).body.items;
    expect(changed.map((i: { sku: string; rate: number }) => [i.sku, i.rate])).toEqual([['ZI-CAP-01', 19]]);
  });

  it('finds contacts by a contact person\'s email, case-insensitively', async () => {
    const { body } = await api('GET', '/contacts', { query: { email: 'Jane.Walker@example.com' } });
    expect(body.contacts).toHaveLength(1);
    expect(body.contacts[0]).toMatchObject({ contact_name: 'Jane Walker', email: 'jane.walker@example.com', payment_terms: 0 });
    expect((await api('GET', '/contacts', { query: { email: 'nobody@example.com' } })).body.contacts).toEqual([]);
  });

  it('reads several items in one call with itemdetails', async () => {
    const ids = [seed.items.mug.item_id, seed.items.small.item_id, 'unknown'].join(',');
    const { body } = await api('GET', '/itemdetails', { query: { item_ids: ids } });
    expect(body.items.map((i: { sku: string }) => i.sku)).toEqual(['ZI-MUG-01', 'ZI-TSHIRT-S']);
    expect((await api('GET', '/itemdetails')).status).toBe(400);
  });
});

describe('validation', () => {
  it('answers Zoho\'s error body for missing required fields', async () => {
    const noName = await api('POST', '/items', { body: { rate: 5 } });
    expect(noName.status).toBe(400);
    expect(noName.body.code).not.toBe(0);
    expect(noName.body.message).toMatch(/name/);
    const noCustomer = await api('POST', '/salesorders', { body: { line_items: [{ item_id: seed.items.mug.item_id, quantity: 1 }] } });
    expect(noCustomer).toMatchObject({ status: 400, body: { message: expect.stringMatching(/customer_id/) } });
    const noLines = await api('POST', '/salesorders', { body: { customer_id: seed.contacts.acme.contact_id } });
    expect(noLines).toMatchObject({ status: 400, body: { message: expect.stringMatching(/line_items/) } });
    const noType = await api('POST', '/inventoryadjustments', { body: { date: '2024-01-01', reason: 'x', line_items: [{ item_id: seed.items.mug.item_id, quantity_adjusted: 1 }] } });
    expect(noType).toMatchObject({ status: 400, body: { message: expect.stringMatching(/adjustment_type/) } });
  });

  it('rejects duplicates, unknown references and inactive items', async () => {
    expect((await api('POST', '/items', { body: { name: 'Another mug', sku: 'ZI-MUG-01' } })).body.code).toBe(1001);
    expect((await api('POST', '/contacts', { body: { contact_name: 'Acme Retail' } })).body.code).toBe(3062);
    const unknown = await api('POST', '/salesorders', { body: { customer_id: '1', line_items: [{ item_id: seed.items.mug.item_id }] } });
    expect(unknown).toMatchObject({ status: 400, body: { code: 2 } });
    const inactive = await api('POST', '/salesorders', { body: { customer_id: seed.contacts.acme.contact_id, line_items: [{ item_id: seed.items.inactive.item_id }] } });
    expect(inactive.status).toBe(400);
    expect(await api('GET', '/items/999')).toEqual({ status: 404, body: { code: 1002, message: 'Item does not exist.' } });
    expect((await api('GET', '/nothing-here')).body.code).toBe(5);
  });

  it('rejects malformed JSON with code 1038 and accepts the JSONString form field', async () => {
    const bad = await fetch(`${sim.apiUrl}/contacts?organization_id=${ZOHO_DEMO.organizationId}`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: '{"contact_name": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: number }).code).toBe(1038);

    const form = await fetch(`${sim.apiUrl}/contacts?organization_id=${ZOHO_DEMO.organizationId}`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JSONString: JSON.stringify({ contact_name: 'Form Customer', contact_persons: [{ email: 'form@example.com' }] }) }).toString(),
    });
    expect(form.status).toBe(201);
    // contacts.yml documents the email on the contact person, not on the contact.
    expect(((await form.json()) as { contact: { contact_persons: { email: string }[] } }).contact.contact_persons[0]!.email).toBe('form@example.com');
  });

  it('does not accept the misspelled rounding type of pricelists.yml', async () => {
    const res = await api('POST', '/pricebooks', {
      body: { name: 'Rounded', pricebook_type: 'fixed_percentage', sales_or_purchase_type: 'sales', percentage: 5, rounding_type: 'round_to_dollor' },
    });
    expect(res).toMatchObject({ status: 400, body: { code: 2 } });
  });
});

describe('items, images and groups', () => {
  it('serves the item image bytes with the token', async () => {
    const res = await fetch(`${sim.apiUrl}/items/${seed.items.mug.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, {
      headers: { authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    const anonymous = await fetch(`${sim.apiUrl}/items/${seed.items.mug.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`);
    expect(anonymous.status).toBe(401);
    expect((await api('GET', `/items/${seed.items.inactive.item_id}/image`)).body.code).toBe(1002);
  });

  it('uploads an image as multipart/form-data', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.from('GIF89a-bytes')], { type: 'image/gif' }), 'cap.gif');
    const res = await fetch(`${sim.apiUrl}/items/${seed.items.cap.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const item = (await api('GET', `/items/${seed.items.cap.item_id}`)).body.item;
    expect(item).toMatchObject({ image_name: 'cap.gif', image_type: 'gif' });
    const image = await fetch(`${sim.apiUrl}/items/${seed.items.cap.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, {
      headers: { authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(Buffer.from(await image.arrayBuffer()).toString()).toBe('GIF89a-bytes');
  });

  it('returns an item group keyed item_group with its variants as a list', async () => {
    const { body } = await api('GET', `/itemgroups/${seed.itemGroup.group_id}`);
    expect(body.item_group).toMatchObject({ group_name: 'T-Shirt', attribute_name1: 'Size' });
    expect(body.item_group.attributes[0].options.map((o: { name: string }) => o.name)).toEqual(['S', 'M', 'L']);
    expect(body.item_group.items.map((i: { sku: string; attribute_option_name1: string }) => [i.sku, i.attribute_option_name1])).toEqual([
      ['ZI-TSHIRT-S', 'S'],
      ['ZI-TSHIRT-M', 'M'],
      ['ZI-TSHIRT-L', 'L'],
    ]);
  });

  it('gives a group’s items the group’s image (as itemgroups.yml’s example shows), served by GET /items/{id}/image', async () => {
    const group = seed.itemGroup.image!;
    const { body } = await api('GET', `/items/${seed.items.small.item_id}`);
    expect(body.item).toMatchObject({ image_id: group.image_id, image_name: group.image_name, image_type: group.image_type });
    const listed = (await api('GET', `/itemgroups/${seed.itemGroup.group_id}`)).body.item_group.items as { image_id: string }[];
    expect(listed.map((i) => i.image_id)).toEqual([group.image_id, group.image_id, group.image_id]);
    const res = await fetch(`${sim.apiUrl}/items/${seed.items.small.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, {
      headers: { authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(group.bytes)).toBe(true);
  });

  it('creates a group whose variants are items, all or nothing', async () => {
    const bad = await api('POST', '/itemgroups', {
      body: { group_name: 'Hoodie', unit: 'pcs', attribute_name1: 'Color', items: [{ name: 'Hoodie Red', rate: 40, purchase_rate: 20, attribute_option_name1: 'Red', sku: 'HD-R' }, { name: 'Hoodie Blue', rate: 40, purchase_rate: 20, attribute_option_name1: 'Blue', sku: 'ZI-MUG-01' }] },
    });
    expect(bad.body.code).toBe(1001);
    expect((await api('GET', '/items', { query: { sku: 'HD-R' } })).body.items).toEqual([]);

    const good = await api('POST', '/itemgroups', {
      body: { group_name: 'Hoodie', unit: 'pcs', attribute_name1: 'Color', items: [{ name: 'Hoodie Red', rate: 40, purchase_rate: 20, attribute_option_name1: 'Red', sku: 'HD-R' }] },
    });
    expect(good.status).toBe(201);
    const groupId = good.body.item_group.group_id;
    expect((await api('GET', '/items', { query: { group_id: groupId } })).body.items.map((i: { sku: string }) => i.sku)).toEqual(['HD-R']);
    await api('POST', `/itemgroups/${groupId}/inactive`);
    expect((await api('GET', '/items', { query: { sku: 'HD-R' } })).body.items[0].status).toBe('inactive');
  });

  it('marks items inactive and active', async () => {
    await api('POST', `/items/${seed.items.bottle.item_id}/inactive`);
    expect((await api('GET', `/items/${seed.items.bottle.item_id}`)).body.item.status).toBe('inactive');
    await api('POST', `/items/${seed.items.bottle.item_id}/active`);
    expect((await api('GET', `/items/${seed.items.bottle.item_id}`)).body.item.status).toBe('active');
  });
});
