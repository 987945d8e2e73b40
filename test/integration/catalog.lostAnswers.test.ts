import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureBigCommerceClients } from '../../server/bigcommerce/clientFactory.js';
import { Link, SyncRun } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import type { Flow } from '../../server/sync/flows.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { deleteProduct } from '../../sandbox/bigcommerce/catalog.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import type { AnsweredRequest } from '../../sandbox/common/faults.js';
import { createItem, setItemImage } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { ZOHO_DEMO, seedZoho, solidPng } from '../../sandbox/zoho/seed.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * BigCommerce does the work and its answer is lost (the connection reset, no answer before the
 * client gives up, or a 500): the run reads back what BigCommerce made with documented filters,
 * adopts it or creates again, and ends succeeded with every record once, linked.
 */
const STORE = 'lostcatalog';
let h: TestHarness;
let store: SimStore;
let org: ZohoOrg;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  // An empty store: the first sync creates every product.
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  h.bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 }, STORE);
  seedZoho(h.zoho!.state);
  org = h.zoho!.state.organizations.get(ZOHO_DEMO.organizationId)!;
  await connectZohoStore(h, STORE, { organization: { id: org.id, email: ZOHO_DEMO.userEmail } });
  // A held answer is given up on after a second.
  configureBigCommerceClients({ timeoutMs: 1_000 });
});
afterAll(async () => {
  configureBigCommerceClients();
  await h?.close();
});
afterEach(() => h.bigcommerce.faults.clear());

async function sync(flow: Flow) {
  const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow, trigger: 'manual' });
  await executeRun(h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

const body = (req: AnsweredRequest) => (req.body ?? {}) as Record<string, unknown>;
const posting = (path: RegExp, test: (b: Record<string, unknown>) => boolean) => (req: AnsweredRequest) =>
  req.method === 'POST' && path.test(req.path) && test(body(req));
const PRODUCTS = /\/v3\/catalog\/products$/;
const VARIANTS = /\/v3\/catalog\/products\/\d+\/variants$/;

const productsWithSku = (sku: string) => [...store.products.values()].filter((p) => p.sku === sku);
const productsNamed = (name: string) => [...store.products.values()].filter((p) => p.name === name);
const variantsWithSku = (sku: string) => [...store.variants.values()].filter((v) => v.sku === sku);
const link = (entity: string, zohoId: string) => Link.findOne({ storeHash: STORE, entity, zohoId }).lean();
const zohoItem = (sku: string) => [...org.items.values()].find((i) => i.sku === sku)!;

describe('a product create whose answer is lost', () => {
  it('first sync: a reset, a timeout and a 500 after the work; the run succeeds with every item once, linked', async () => {
    const faults = h.bigcommerce.faults;
    const reset = faults.loseAnswers({ times: 1, mode: 'reset', match: posting(PRODUCTS, (b) => b.sku === 'ZI-MUG-01') });
    const timeout = faults.loseAnswers({ times: 1, mode: 'timeout', match: posting(PRODUCTS, (b) => b.sku === 'ZI-CAP-01') });
    // The item group's product has no SKU of its own: read back by name.
    const error = faults.loseAnswers({ times: 1, mode: 'error', status: 500, match: posting(PRODUCTS, (b) => b.name === 'T-Shirt') });

    const run = await sync('products');

    expect([reset.lost(), timeout.lost(), error.lost()]).toEqual([1, 1, 1]);
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 4, failed: 0 });
    for (const sku of ['ZI-MUG-01', 'ZI-CAP-01', 'ZI-BOTTLE-01']) {
      expect(productsWithSku(sku), sku).toHaveLength(1);
      expect((await link('product', zohoItem(sku).item_id))?.bigcommerceId).toBe(String(productsWithSku(sku)[0]!.id));
    }
    expect(productsNamed('T-Shirt')).toHaveLength(1);
    const tshirt = productsNamed('T-Shirt')[0]!;
    expect((await link('product', `group:${zohoItem('ZI-TSHIRT-S').group_id}`))?.bigcommerceId).toBe(String(tshirt.id));
    for (const sku of ['ZI-TSHIRT-S', 'ZI-TSHIRT-M', 'ZI-TSHIRT-L']) {
      expect(variantsWithSku(sku), sku).toHaveLength(1);
      expect((await link('variant', zohoItem(sku).item_id))?.bigcommerceId).toBe(String(variantsWithSku(sku)[0]!.id));
    }
  });

  it('a 500 with nothing made: the read-back finds nothing and the product is created again in the same run', async () => {
    createItem(org, { name: 'Zylker Tote', sku: 'ZI-TOTE-01', rate: 14 });
    // The predicate undoes the create before the 500 goes out: BigCommerce made nothing.
    const refused = h.bigcommerce.faults.loseAnswers({
      times: 1,
      mode: 'error',
      status: 500,
      match: (req) => {
        if (!posting(PRODUCTS, (b) => b.sku === 'ZI-TOTE-01')(req)) return false;
        for (const p of productsWithSku('ZI-TOTE-01')) deleteProduct(h.bigcommerce.state, store, p);
        return true;
      },
    });

    const run = await sync('products');

    expect(refused.lost()).toBe(1);
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 1, failed: 0 });
    expect(productsWithSku('ZI-TOTE-01')).toHaveLength(1);
    expect((await link('product', zohoItem('ZI-TOTE-01').item_id))?.bigcommerceId).toBe(String(productsWithSku('ZI-TOTE-01')[0]!.id));
  });
});

describe('a variant create whose answer is lost', () => {
  it.each([
    ['reset', 'XL'],
    ['timeout', 'XXL'],
    ['error', '3XL'],
  ] as const)('(%s): the new variant of an item group is made once, linked, and the run succeeds', async (mode, size) => {
    const group = org.itemGroups.get(zohoItem('ZI-TSHIRT-S').group_id!)!;
    const sku = `ZI-TSHIRT-${size}`;
    const item = createItem(org, { name: `T-Shirt - ${size}`, sku, rate: 24, unit: 'pcs', attribute_option_name1: size }, group);
    const lost = h.bigcommerce.faults.loseAnswers({ times: 1, mode, match: posting(VARIANTS, (b) => b.sku === sku) });

    const run = await sync('products');

    expect(lost.lost()).toBe(1);
    expect(run.status, String(run.message)).toBe('succeeded');
    expect(run.counts.failed).toBe(0);
    expect(variantsWithSku(sku)).toHaveLength(1);
    expect((await link('variant', item.item_id))?.bigcommerceId).toBe(String(variantsWithSku(sku)[0]!.id));
  });
});

describe('an image upload whose answer is lost', () => {
  it.each([
    ['reset', 'ZI-MUG-01'],
    ['timeout', 'ZI-BOTTLE-01'],
    ['error', 'ZI-CAP-01'],
  ] as const)('(%s): the image is on the product once, remembered, and the run succeeds', async (mode, sku) => {
    const item = zohoItem(sku);
    const filename = `${sku.toLowerCase()}-${mode}.png`;
    setItemImage(org, item, { image_name: filename, image_type: 'png', contentType: 'image/png', bytes: solidPng([10, 20, mode.length * 30]) });
    const product = productsWithSku(sku)[0]!;
    const lost = h.bigcommerce.faults.loseAnswers({ times: 1, mode, match: { method: 'POST', path: `/catalog/products/${product.id}/images$` } });

    const run = await sync('products');

    expect(lost.lost()).toBe(1);
    expect(run.status, String(run.message)).toBe('succeeded');
    const images = product.imageIds.map((id) => store.images.get(id)!);
    const uploaded = images.filter((i) => i.file?.name === filename);
    expect(uploaded).toHaveLength(1);
    // The app's image replaces the one it put there before: one image on the product.
    expect(images).toHaveLength(1);
    expect(uploaded[0]!.is_thumbnail).toBe(true);
    expect((await link('product', item.item_id))?.bigcommerceImageId).toBe(String(uploaded[0]!.id));
  });
});

describe('a price list create whose answer is lost', () => {
  it('reset on one list and timeout on another: one price list of each name, with its records', async () => {
    const names = [...org.pricebooks.values()].map((b) => b.name);
    const reset = h.bigcommerce.faults.loseAnswers({ times: 1, mode: 'reset', match: posting(/\/v3\/pricelists$/, (b) => b.name === 'Wholesale') });
    const timeout = h.bigcommerce.faults.loseAnswers({ times: 1, mode: 'timeout', match: posting(/\/v3\/pricelists$/, (b) => b.name === 'VIP 10% off') });

    const run = await sync('pricelists');

    expect([reset.lost(), timeout.lost()]).toEqual([1, 1]);
    expect(run.status, String(run.message)).toBe('succeeded');
    for (const name of names) expect([...store.priceLists.values()].filter((l) => l.name === name), name).toHaveLength(1);
    const wholesale = [...store.priceLists.values()].find((l) => l.name === 'Wholesale')!;
    expect([...store.priceRecords.values()].filter((r) => r.price_list_id === wholesale.id).length).toBeGreaterThan(0);
    const links = await Link.find({ storeHash: STORE, entity: 'pricelist' }).lean();
    expect(links.map((l) => l.bigcommerceId).sort()).toEqual([...store.priceLists.values()].map((l) => String(l.id)).sort());
  });
});
