import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Link, RunRecord, SyncRun } from '../../server/db/models/index.js';
import { getSettings, saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import type { Flow, Trigger } from '../../server/sync/flows.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import type { ZohoPricebook } from '../../sandbox/zoho/records.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { installedStoreSession } from '../support/sessions.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * The price lists flow on the demo data, both simulators over HTTP: Zoho's three sales price
 * books (per item "Wholesale", percentage "VIP 10% off" rounded to .99, inactive "Old prices")
 * become BigCommerce price lists of the same names, changes follow with the fewest writes, and
 * a store without price lists ends skipped with one message.
 */
const STORE = 'pricestore';
const BASIC = 'pricebasic';
let h: TestHarness;
let store: SimStore;
let org: ZohoOrg;
let wholesaleGroupId: number;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  // BigCommerce's quota of 150 calls, in a one-second window: the client's pacing, scaled down.
  h.bigcommerce.rateLimit.configure({ quota: 150, windowMs: 1_000 }, STORE);
  const seeded = seedBigCommerce(h.bigcommerce.state, store);
  expect(seeded.store.plan).toBe('enterprise');
  wholesaleGroupId = [...store.customerGroups.values()].find((g) => g.name === 'Wholesale')!.id;
  seedZoho(h.zoho!.state);
  org = h.zoho!.state.organizations.get(ZOHO_DEMO.organizationId)!;
  await connectZohoStore(h, STORE, { organization: { id: org.id, email: ZOHO_DEMO.userEmail } });
  // Price lists price the variants the products flow linked: it runs first.
  const products = await sync('products');
  expect(products.status, products.message ?? '').toBe('succeeded');
});
afterAll(async () => h?.close());

async function sync(flow: Flow, storeHash = STORE, trigger: Trigger = 'manual', dryRun = false) {
  const { runId } = await requestRun(h.ctx, { storeHash, flow, trigger, dryRun });
  await executeRun(h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

const book = (name: string): ZohoPricebook => [...org.pricebooks.values()].find((b) => b.name === name)!;
const itemId = (sku: string) => [...org.items.values()].find((i) => i.sku === sku)!.item_id;
const listNamed = (name: string) => [...store.priceLists.values()].filter((l) => l.name === name);
/** A list's records as SKU → price. */
const pricesOf = (name: string) => {
  const [list] = listNamed(name);
  const records = [...store.priceRecords.values()].filter((r) => r.price_list_id === list!.id);
  return Object.fromEntries(records.map((r) => [r.sku, r.price]).sort(([a], [b]) => String(a).localeCompare(String(b))));
};
const writes = () => Object.fromEntries([...store.calls.entries()].filter(([key]) => !key.startsWith('GET')));
const writeCount = () => Object.values(writes()).reduce((n, c) => n + c, 0);
const writesSince = (before: Record<string, number>) =>
  Object.fromEntries(Object.entries(writes()).flatMap(([key, n]) => (n - (before[key] ?? 0) > 0 ? [[key, n - (before[key] ?? 0)]] : [])));

describe('price lists: Zoho → BigCommerce', () => {
  it('first sync makes every sales price book a price list of the same name, with its records', async () => {
    const run = await sync('pricelists');
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect([...store.priceLists.values()].map((l) => [l.name, l.active]).sort()).toEqual([
      ['Old prices', false],
      ['VIP 10% off', true],
      ['Wholesale', true],
    ]);
    // Per item: Zoho's rates, variants by their own SKU.
    expect(pricesOf('Wholesale')).toEqual({ 'ZI-BOTTLE-01': 20, 'ZI-CAP-01': 15, 'ZI-MUG-01': 10, 'ZI-TSHIRT-L': 17.5, 'ZI-TSHIRT-M': 16, 'ZI-TSHIRT-S': 16 });
    // 10 % off, rounded to the nearest .99 (round_to_dollar_minus_01): 12.50 → 11.25 → 10.99, 18 → 16.20 → 15.99, 24 → 21.60 → 21.99, 20 → 18 → 17.99, 22 → 19.80 → 19.99.
    expect(pricesOf('VIP 10% off')).toEqual({ 'ZI-BOTTLE-01': 21.99, 'ZI-CAP-01': 15.99, 'ZI-MUG-01': 10.99, 'ZI-TSHIRT-L': 19.99, 'ZI-TSHIRT-M': 17.99, 'ZI-TSHIRT-S': 17.99 });
    // The inactive book: its list exists, deactivated.
    expect(pricesOf('Old prices')).toEqual({ 'ZI-CAP-01': 16, 'ZI-MUG-01': 11 });
    expect(run.counts).toMatchObject({ created: 3 + 6 + 6 + 2, failed: 0 });
    // The BigCommerce-only product and the inactive and service items are priced nowhere.
    expect([...store.priceRecords.values()].map((r) => r.sku)).not.toContain('BC-ONLY-01');
    const links = await Link.find({ storeHash: STORE, entity: 'pricelist' }).lean();
    expect(links.map((l) => l.zohoId).sort()).toEqual([book('Old prices'), book('VIP 10% off'), book('Wholesale')].map((b) => b.pricebook_id).sort());
  });

  it('an unchanged re-run makes zero BigCommerce writes', async () => {
    const before = writeCount();
    const run = await sync('pricelists');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 0, updated: 0, hidden: 0, failed: 0, unchanged: 3 + 6 + 6 + 2 });
    expect(writeCount()).toBe(before);
    // No records or assignments were even read: only the price lists themselves.
    expect(run.apiCalls?.bigcommerce).toBe(1);
  });

  it('follows changed prices, removed items and item rates with one call per list and kind of change', async () => {
    const wholesale = book('Wholesale');
    wholesale.pricebook_items.find((p) => p.item_id === itemId('ZI-MUG-01'))!.pricebook_rate = 9.5;
    wholesale.pricebook_items = wholesale.pricebook_items.filter((p) => p.item_id !== itemId('ZI-CAP-01'));
    // A service item never reaches BigCommerce: it has no variant to price.
    wholesale.pricebook_items.push({ pricebook_item_id: org.newId(), item_id: itemId('SHIPPING'), pricebook_rate: 8 });
    // The cap's rate moves the percentage list: 20 → 18 → 17.99.
    [...org.items.values()].find((i) => i.sku === 'ZI-CAP-01')!.rate = 20;
    const before = writes();

    const run = await sync('pricelists');
    expect(run.status).toBe('succeeded');
    expect(pricesOf('Wholesale')).toEqual({ 'ZI-BOTTLE-01': 20, 'ZI-MUG-01': 9.5, 'ZI-TSHIRT-L': 17.5, 'ZI-TSHIRT-M': 16, 'ZI-TSHIRT-S': 16 });
    expect(pricesOf('VIP 10% off')['ZI-CAP-01']).toBe(17.99);
    expect(writesSince(before)).toEqual({ 'PUT /v3/pricelists/{id}/records': 2, 'DELETE /v3/pricelists/{id}/records': 1 });
    expect(run.counts).toMatchObject({ updated: 2 + 1 + 1, hidden: 1, skipped: 1, failed: 0 });
    const skipped = await RunRecord.find({ runId: run._id, operation: 'skip' }).lean();
    expect(skipped).toMatchObject([{ entity: 'pricelist_record', zohoId: itemId('SHIPPING'), sku: 'SHIPPING', reason: expect.stringMatching(/not in BigCommerce/) }]);
  });

  it('assigns a list to the customer group the settings name, once', async () => {
    const settings = await getSettings(STORE);
    await saveSettings(STORE, { ...settings, pricelists: { ...settings.pricelists, assignments: [{ pricelistName: 'Wholesale', customerGroupId: wholesaleGroupId }] } });
    const before = writes();
    const run = await sync('pricelists');
    expect(run.status).toBe('succeeded');
    const [wholesale] = listNamed('Wholesale');
    expect([...store.priceListAssignments.values()]).toMatchObject([{ price_list_id: wholesale!.id, customer_group_id: wholesaleGroupId }]);
    expect(writesSince(before)).toEqual({ 'POST /v3/pricelists/assignments': 1 });

    const again = await sync('pricelists');
    expect(again.status).toBe('succeeded');
    expect(store.priceListAssignments.size).toBe(1);
    expect(writesSince(before)).toEqual({ 'POST /v3/pricelists/assignments': 1 });
  });

  it('reconciliation repairs a price edited in BigCommerce; an unlinked list is adopted by name, not duplicated', async () => {
    const [vip] = listNamed('VIP 10% off');
    const mugRecord = [...store.priceRecords.values()].find((r) => r.price_list_id === vip!.id && r.sku === 'ZI-MUG-01')!;
    mugRecord.price = 1;
    // As if a run had been killed between creating the list and saving its link.
    await Link.deleteOne({ storeHash: STORE, entity: 'pricelist', zohoId: book('VIP 10% off').pricebook_id });
    const before = writes();
    const run = await sync('pricelists', STORE, 'reconcile');
    expect(run.status).toBe('succeeded');
    expect(listNamed('VIP 10% off')).toHaveLength(1);
    expect(pricesOf('VIP 10% off')['ZI-MUG-01']).toBe(10.99);
    expect(writesSince(before)).toEqual({ 'PUT /v3/pricelists/{id}/records': 1 });
    const adopted = await RunRecord.find({ runId: run._id, entity: 'pricelist', operation: 'adopt' }).lean();
    expect(adopted.map((r) => r.name)).toEqual(['VIP 10% off']);
    expect(await Link.countDocuments({ storeHash: STORE, entity: 'pricelist' })).toBe(3);
  });

  it('an item hidden in BigCommerce loses its prices, and gets them back when it returns', async () => {
    const bottle = [...org.items.values()].find((i) => i.sku === 'ZI-BOTTLE-01')!;
    bottle.status = 'inactive';
    expect((await sync('products')).counts.hidden).toBe(1);
    const hidden = await sync('pricelists');
    expect(hidden.status).toBe('succeeded');
    expect(pricesOf('Wholesale')['ZI-BOTTLE-01']).toBeUndefined();
    expect(pricesOf('VIP 10% off')['ZI-BOTTLE-01']).toBeUndefined();
    expect(pricesOf('Old prices')).toEqual({ 'ZI-CAP-01': 16, 'ZI-MUG-01': 11 });

    bottle.status = 'active';
    await sync('products');
    const back = await sync('pricelists');
    expect(back.status).toBe('succeeded');
    expect(pricesOf('Wholesale')['ZI-BOTTLE-01']).toBe(20);
    expect(pricesOf('VIP 10% off')['ZI-BOTTLE-01']).toBe(21.99);
  });

  it('deactivates a list whose book became inactive or was removed (never deletes it), and activates one that returns', async () => {
    book('Wholesale').status = 'inactive';
    org.pricebooks.delete(book('VIP 10% off').pricebook_id);
    book('Old prices').status = 'active';
    const run = await sync('pricelists');
    expect(run.status).toBe('succeeded');
    expect([...store.priceLists.values()].map((l) => [l.name, l.active]).sort()).toEqual([
      ['Old prices', true],
      ['VIP 10% off', false],
      ['Wholesale', false],
    ]);
    // The removed book's list keeps its prices.
    expect(Object.keys(pricesOf('VIP 10% off'))).toHaveLength(6);
    expect(run.counts).toMatchObject({ hidden: 2, updated: 1, failed: 0 });
    expect((await sync('pricelists')).counts).toMatchObject({ created: 0, updated: 0, hidden: 0 });
  });

  it('a dry run records what it would change and writes nothing', async () => {
    book('Old prices').pricebook_items.find((p) => p.item_id === itemId('ZI-MUG-01'))!.pricebook_rate = 7;
    const before = writeCount();
    const run = await sync('pricelists', STORE, 'manual', true);
    expect(run.status).toBe('succeeded');
    expect(writeCount()).toBe(before);
    expect(pricesOf('Old prices')['ZI-MUG-01']).toBe(11);
    const planned = await RunRecord.find({ runId: run._id, entity: 'pricelist' }).lean();
    expect(planned.map((r) => [r.name, r.operation])).toEqual([['Old prices', 'update']]);
  });

  it('records a price BigCommerce refuses, writes the others, and tries it again next run', async () => {
    // The cap's product was deleted in BigCommerce behind the app's back.
    const cap = [...store.products.values()].find((p) => p.sku === 'ZI-CAP-01')!;
    for (const id of cap.variantIds) store.variants.delete(id);
    store.products.delete(cap.id);
    book('Old prices').pricebook_items.find((p) => p.item_id === itemId('ZI-CAP-01'))!.pricebook_rate = 14;

    const run = await sync('pricelists');
    expect(run.status).toBe('partial');
    expect(pricesOf('Old prices')['ZI-MUG-01']).toBe(7);
    const failed = await RunRecord.find({ runId: run._id, operation: 'fail' }).lean();
    expect(failed).toMatchObject([{ entity: 'pricelist_record', zohoId: itemId('ZI-CAP-01'), name: 'Old prices', reason: expect.stringMatching(/variant/i) }]);
    // Not marked as written: the next run compares that list again.
    const before = writes();
    expect((await sync('pricelists')).status).toBe('partial');
    expect(writesSince(before)).toEqual({ 'PUT /v3/pricelists/{id}/records': 1 });
  });
});

describe('a store without price lists', () => {
  it('ends the run skipped with one clear message, spending no Zoho call', async () => {
    h.bigcommerce.state.addStore(BASIC, { accessToken: 'bc-token', plan: 'pro' });
    await installedStoreSession(h.ctx, BASIC);
    const run = await sync('pricelists', BASIC);
    expect(run.status).toBe('skipped');
    expect(run.message).toMatch(/no price lists.*Enterprise/);
    expect(run.apiCalls?.zoho ?? 0).toBe(0);
    expect(Object.fromEntries(h.bigcommerce.state.stores.get(BASIC)!.calls)).toEqual({ 'GET /v3/pricelists': 1 });
  });
});
