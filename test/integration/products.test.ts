import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Link, SyncRun } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createItem, deleteItem } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { connectZohoStore } from './zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * The products flow on the demo data, both simulators over HTTP: adopt what BigCommerce
 * already has, create what it lacks, never bring the inactive or the service item, hide what
 * goes inactive or disappears, show what comes back, and write nothing when nothing changed.
 */
const STORE = 'prodstore';
let h: TestHarness;
let store: SimStore;
let org: ZohoOrg;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  seedBigCommerce(h.bigcommerce.state, store);
  seedZoho(h.zoho!.state);
  org = h.zoho!.state.organizations.get(ZOHO_DEMO.organizationId)!;
  await connectZohoStore(h, STORE, { organization: { id: org.id, email: ZOHO_DEMO.userEmail } });
});
afterAll(async () => h?.close());

async function syncProducts() {
  const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow: 'products', trigger: 'manual' });
  await executeRun(h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

const productBySku = (sku: string) => [...store.products.values()].find((p) => p.sku === sku);
const productsNamed = (name: string) => [...store.products.values()].filter((p) => p.name === name);
const writes = () => [...store.calls.entries()].filter(([key]) => !key.startsWith('GET')).reduce((n, [, c]) => n + c, 0);

describe('products: Zoho → BigCommerce', () => {
  it('first sync adopts the matching products, creates nothing twice, and leaves the inactive and service items out', async () => {
    const before = store.products.size;
    const run = await syncProducts();
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(productBySku('ZI-TEST-2')).toBeUndefined();
    expect(productBySku('SHIPPING')).toBeUndefined();
    // Every demo SKU already existed in BigCommerce: adopted, not duplicated.
    expect(store.products.size).toBe(before);
    expect(productsNamed('Zylker Mug')).toHaveLength(1);
    expect(run.counts).toMatchObject({ created: 0, failed: 0 });
    expect(run.counts.updated).toBe(4); // mug, cap, bottle and the T-shirt group
    const links = await Link.find({ storeHash: STORE }).lean();
    expect(links.filter((l) => l.entity === 'product')).toHaveLength(4);
    expect(links.filter((l) => l.entity === 'variant')).toHaveLength(3);
  });

  it('an unchanged re-sync makes zero BigCommerce writes', async () => {
    const before = writes();
    const run = await syncProducts();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 0, updated: 0, hidden: 0, unchanged: 4 });
    expect(writes()).toBe(before);
  });

  it('creates a new Zoho item and follows a changed price', async () => {
    createItem(org, { name: 'Zylker Tote', sku: 'ZI-TOTE-01', rate: 14, description: 'Canvas tote' });
    const mug = [...org.items.values()].find((i) => i.sku === 'ZI-MUG-01')!;
    mug.rate = 13.5;
    const run = await syncProducts();
    expect(run.counts).toMatchObject({ created: 1, updated: 1, failed: 0 });
    expect(productBySku('ZI-TOTE-01')).toMatchObject({ name: 'Zylker Tote', price: 14, is_visible: true });
    expect(productBySku('ZI-MUG-01')?.price).toBe(13.5);
  });

  it('hides an item made inactive and one removed from Zoho, and shows the first again when it returns', async () => {
    const cap = [...org.items.values()].find((i) => i.sku === 'ZI-CAP-01')!;
    cap.status = 'inactive';
    const tote = [...org.items.values()].find((i) => i.sku === 'ZI-TOTE-01')!;
    deleteItem(org, tote);
    const run = await syncProducts();
    expect(run.counts.hidden).toBe(2);
    expect(productBySku('ZI-CAP-01')?.is_visible).toBe(false);
    expect(productBySku('ZI-TOTE-01')?.is_visible).toBe(false);
    expect(productBySku('ZI-TOTE-01')).toBeDefined(); // hidden, never deleted

    cap.status = 'active';
    const back = await syncProducts();
    expect(back.counts.updated).toBe(1);
    expect(productBySku('ZI-CAP-01')?.is_visible).toBe(true);
  });

  it('records a conflict for an item without SKU without stopping the run', async () => {
    createItem(org, { name: 'Nameless gadget', rate: 1 });
    createItem(org, { name: 'Zylker Scarf', sku: 'ZI-SCARF-01', rate: 30 });
    const run = await syncProducts();
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ failed: 1, created: 1 });
    expect(productBySku('ZI-SCARF-01')).toBeDefined();
    expect(productsNamed('Nameless gadget')).toHaveLength(0);
  });
});

describe('products in real time', () => {
  it('a Zoho item webhook updates that product at once, in the hour’s webhook run', async () => {
    const { syncProductFromWebhook } = await import('../../server/sync/products/realtime.js');
    const bottle = [...org.items.values()].find((i) => i.sku === 'ZI-BOTTLE-01')!;
    bottle.rate = 26;
    bottle.name = 'Zylker Bottle XL';
    await syncProductFromWebhook(h.ctx, STORE, 'item', bottle.item_id);
    expect(productBySku('ZI-BOTTLE-01')).toMatchObject({ price: 26, name: 'Zylker Bottle XL' });

    bottle.status = 'inactive';
    await syncProductFromWebhook(h.ctx, STORE, 'item', bottle.item_id);
    expect(productBySku('ZI-BOTTLE-01')?.is_visible).toBe(false);

    // One run per store, flow and hour (two only if the test straddles an hour).
    const runs = await SyncRun.find({ storeHash: STORE, trigger: 'webhook' }).lean();
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((r) => r.flow === 'products' && r.status === 'succeeded')).toBe(true);
    expect(runs.reduce((n, r) => n + r.counts.updated, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.counts.hidden, 0)).toBe(1);
  });

  it('a webhook for an item deleted in Zoho hides its product', async () => {
    const { syncProductFromWebhook } = await import('../../server/sync/products/realtime.js');
    const scarf = [...org.items.values()].find((i) => i.sku === 'ZI-SCARF-01')!;
    deleteItem(org, scarf);
    await syncProductFromWebhook(h.ctx, STORE, 'item', scarf.item_id);
    expect(productBySku('ZI-SCARF-01')?.is_visible).toBe(false);
  });
});
