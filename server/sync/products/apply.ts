import PQueue from 'p-queue';
import { updateProducts, updateVariants, type RecordResult } from '../../bigcommerce/batches.js';
import { paginateVariants } from '../../bigcommerce/catalog.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { Link, linkId } from '../../db/models/index.js';
import type { ZohoClient } from '../../zoho/client.js';
import type { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { resolveCategories } from './categories.js';
import { applyImages, type ImageWork } from './images.js';
import type { ProductOperation, VariantPlan } from './plan.js';

interface ApplyContext {
  storeHash: string;
  bc: BigCommerceClient;
  /** Downloads Zoho's images (each a Zoho call). */
  zoho: ZohoClient;
  reporter: RunReporter;
  priority: Priority;
  /** Between batches: keeps the run's locks alive. */
  heartbeat: () => Promise<void>;
}

type LinkWrite = { zohoId: string; entity: 'product' | 'variant'; bigcommerceId: number; parentId?: number; sku?: string; hash: string; hidden: boolean };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates in flight at once, and how many are linked per database write. */
const CREATE_CONCURRENCY = 8;
const CREATE_CHUNK = 50;

type Written = Extract<ProductOperation, { kind: 'create' | 'adopt' | 'update' }>;

/**
 * Executes a products plan in the largest batches BigCommerce allows: creates several at a time
 * (links saved per chunk; a killed run adopts rather than duplicates what it created), updates and
 * hides ten products per call, variants fifty per call; links written in bulk per batch. Categories
 * are found (or created) before the writes that name them; images follow the product writes.
 * Returns a note for the run when some work had to wait (images, for Zoho's daily budget).
 */
export async function applyProducts(ops: ProductOperation[], a: ApplyContext): Promise<string | undefined> {
  for (const op of ops) {
    if (op.kind === 'unchanged') await a.reporter.record({ entity: 'product', operation: 'unchanged', zohoId: op.zohoId, sku: op.sku, name: op.name });
    else if (op.kind === 'skip' || op.kind === 'conflict') {
      await a.reporter.record({ entity: 'product', operation: op.kind, zohoId: op.zohoId, sku: op.sku, name: op.name, reason: op.reason });
    }
  }

  const categories = await resolveCategories(
    a.bc,
    ops.flatMap((op) => ('category' in op && op.category ? [op.category] : [])),
    a.priority,
  );
  for (const [name, reason] of categories.failures) {
    await a.reporter.record({ entity: 'category', operation: 'fail', name, reason: `BigCommerce category "${name}" could not be found or created: ${reason}` });
  }
  // The product's categories (Zoho owns them), and the hash to save: none when its category is
  // missing, so that the next run writes the product again.
  const categoryFields = (op: Written) => {
    const id = op.category ? categories.ids.get(op.category) : undefined;
    return id === undefined ? {} : { categories: [id] };
  };
  const savedHash = (op: Written) => (op.category && !categories.ids.has(op.category) ? '' : op.hash);

  const images: ImageWork[] = [];
  const imageWork = (op: Written, productId: number) => {
    if (op.image) images.push({ zohoId: op.zohoId, name: op.name, sku: op.sku, productId, change: op.image });
  };

  // Creates: several in flight (the client's limiter paces them to the store's quota), links
  // saved per chunk. A run killed mid-chunk loses at most a chunk of links, and the next run
  // adopts those products by SKU instead of creating them again.
  const creates = ops.filter((op): op is Extract<ProductOperation, { kind: 'create' }> => op.kind === 'create');
  const queue = new PQueue({ concurrency: CREATE_CONCURRENCY });
  for (let i = 0; i < creates.length; i += CREATE_CHUNK) {
    const chunk = creates.slice(i, i + CREATE_CHUNK);
    const created = await Promise.all(chunk.map((op) => queue.add(() => createProduct({ ...op, fields: { ...op.fields, ...categoryFields(op) }, hash: savedHash(op) }, a))));
    const made = created.flatMap((productId, n) => (productId === undefined ? [] : [{ op: chunk[n]!, productId }]));
    await insertLinks(
      a.storeHash,
      made.map(({ op, productId }) => ({ zohoId: op.zohoId, entity: 'product', bigcommerceId: productId, sku: op.sku || undefined, hash: savedHash(op), hidden: false })),
    );
    await insertLinks(a.storeHash, await createdVariantLinks(made, a));
    for (const { op, productId } of made) {
      await a.reporter.record({ entity: 'product', operation: 'create', zohoId: op.zohoId, sku: op.sku || undefined, name: op.name, bigcommerceId: String(productId) });
      imageWork(op, productId);
    }
    await a.heartbeat();
  }

  // Product-level updates (adopt, update, show, hide) in batches of ten.
  type Write = { op: Extract<ProductOperation, { kind: 'adopt' | 'update' | 'hide' }>; body: { id: number } & Record<string, unknown> };
  const writes: Write[] = [];
  for (const op of ops) {
    if (op.kind === 'hide') writes.push({ op, body: { id: op.productId, is_visible: false } });
    else if (op.kind === 'adopt' || op.kind === 'update') writes.push({ op, body: { id: op.productId, ...op.fields, ...categoryFields(op) } });
  }
  const toSend = writes.filter((w) => Object.keys(w.body).length > 1);
  const results = new Map<Write, RecordResult>();
  for (let i = 0; i < toSend.length; i += 50) {
    const slice = toSend.slice(i, i + 50);
    const outcome = await updateProducts(a.bc, slice.map((w) => w.body), { priority: a.priority });
    outcome.forEach((r) => results.set(slice[r.index]!, r));
    await a.heartbeat();
  }

  const links: LinkWrite[] = [];
  const variantWork: { op: Extract<ProductOperation, { kind: 'adopt' | 'update' }>; variants: VariantPlan[] }[] = [];
  for (const w of writes) {
    const result = results.get(w);
    const { op } = w;
    if (result && !result.ok) {
      await a.reporter.record({ entity: 'product', operation: 'fail', zohoId: op.zohoId, sku: op.sku, name: op.name, bigcommerceId: String(op.productId), reason: result.error });
      continue;
    }
    if (op.kind === 'hide') {
      links.push({ zohoId: op.zohoId, entity: 'product', bigcommerceId: op.productId, sku: op.sku, hash: '', hidden: true });
      await a.reporter.record({ entity: 'product', operation: 'hide', zohoId: op.zohoId, sku: op.sku, bigcommerceId: String(op.productId) });
      continue;
    }
    links.push({ zohoId: op.zohoId, entity: 'product', bigcommerceId: op.productId, sku: op.sku || undefined, hash: savedHash(op), hidden: false });
    if (op.variants.length) variantWork.push({ op, variants: op.variants });
    imageWork(op, op.productId);
    const operation = op.kind === 'adopt' ? 'adopt' : op.show ? 'show' : 'update';
    await a.reporter.record({ entity: 'product', operation, zohoId: op.zohoId, sku: op.sku || undefined, name: op.name, bigcommerceId: String(op.productId) });
  }
  await saveLinks(a.storeHash, links);
  await applyVariants(variantWork, a);
  return images.length ? applyImages(images, a) : undefined;
}

type CreateOp = Extract<ProductOperation, { kind: 'create' }>;

/** Creates one product (an item group's with its variants nested); its id, or undefined when BigCommerce refused it (recorded). */
async function createProduct(op: CreateOp, a: ApplyContext): Promise<number | undefined> {
  const body = op.variants.length
    ? { ...op.fields, variants: op.variants.map((v) => ({ ...v.fields, option_values: v.optionValues })) }
    : op.fields;
  try {
    return (await a.bc.v3<{ id: number }>('POST', '/catalog/products', { body, priority: a.priority })).data.id;
  } catch (error) {
    await a.reporter.record({ entity: 'product', operation: 'fail', zohoId: op.zohoId, sku: op.sku || undefined, name: op.name, reason: `BigCommerce refused the new product: ${errorText(error)}` });
    return undefined;
  }
}

/**
 * Links of the variants BigCommerce made for new item groups' products, matched by SKU. The answer
 * to createProduct documents no `variants`, so they are read back: one getVariants call (by
 * `product_id:in`) per chunk of creates, none when the chunk made no item group.
 */
async function createdVariantLinks(made: { op: CreateOp; productId: number }[], a: ApplyContext): Promise<LinkWrite[]> {
  const groups = made.filter(({ op }) => op.variants.length);
  if (groups.length === 0) return [];
  const ids = new Map<string, number>();
  for await (const page of paginateVariants(a.bc, { 'product_id:in': groups.map((g) => g.productId) }, { priority: a.priority })) {
    for (const variant of page) ids.set(`${variant.product_id}:${variant.sku}`, variant.id);
  }
  return groups.flatMap(({ op, productId }) =>
    op.variants.flatMap((v): LinkWrite[] => {
      const id = ids.get(`${productId}:${v.sku}`);
      return id ? [{ zohoId: v.zohoId, entity: 'variant', bigcommerceId: id, parentId: productId, sku: v.sku, hash: v.hash, hidden: false }] : [];
    }),
  );
}

/** Variants of adopted or updated item groups: changed ones in batches of fifty, new ones one by one. */
async function applyVariants(work: { op: Extract<ProductOperation, { kind: 'adopt' | 'update' }>; variants: VariantPlan[] }[], a: ApplyContext): Promise<void> {
  const existing = work.flatMap(({ op, variants }) => variants.filter((v) => v.bigcommerceId).map((v) => ({ op, v })));
  const links: LinkWrite[] = [];
  const outcome = await updateVariants(a.bc, existing.map(({ v }) => ({ id: v.bigcommerceId!, ...v.fields })), { priority: a.priority });
  for (const r of outcome) {
    const { op, v } = existing[r.index]!;
    if (r.ok) links.push({ zohoId: v.zohoId, entity: 'variant', bigcommerceId: v.bigcommerceId!, parentId: op.productId, sku: v.sku, hash: v.hash, hidden: !v.active });
    else await a.reporter.record({ entity: 'variant', operation: 'fail', zohoId: v.zohoId, sku: v.sku, bigcommerceId: String(v.bigcommerceId), reason: r.error });
  }
  for (const { op, variants } of work) {
    for (const v of variants.filter((x) => !x.bigcommerceId)) {
      try {
        const created = await a.bc.v3<{ id: number }>('POST', `/catalog/products/${op.productId}/variants`, {
          body: { ...v.fields, product_id: op.productId, option_values: v.optionValues },
          priority: a.priority,
        });
        links.push({ zohoId: v.zohoId, entity: 'variant', bigcommerceId: created.data.id, parentId: op.productId, sku: v.sku, hash: v.hash, hidden: !v.active });
        await a.reporter.record({ entity: 'variant', operation: 'create', zohoId: v.zohoId, sku: v.sku, bigcommerceId: String(created.data.id) });
      } catch (error) {
        await a.reporter.record({ entity: 'variant', operation: 'fail', zohoId: v.zohoId, sku: v.sku, reason: `BigCommerce refused the new variant: ${errorText(error)}` });
      }
    }
  }
  await saveLinks(a.storeHash, links);
}

/** Upserts links by their natural _id, a few hundred per command (each holds the collection). */
/**
 * Links of products just created: new rows, so one insertMany (an upsert per row would read the
 * whole collection each time on the embedded database). A row that exists already (left by a
 * killed run) is updated instead.
 */
async function insertLinks(storeHash: string, links: LinkWrite[]): Promise<void> {
  if (links.length === 0) return;
  const now = new Date();
  try {
    await Link.insertMany(
      links.map((l) => ({
        _id: linkId(storeHash, l.entity, l.zohoId),
        storeHash,
        entity: l.entity,
        zohoId: l.zohoId,
        bigcommerceId: String(l.bigcommerceId),
        ...(l.parentId ? { bigcommerceParentId: String(l.parentId) } : {}),
        ...(l.sku ? { sku: l.sku } : {}),
        hash: l.hash,
        hidden: l.hidden,
        updatedAt: now,
      })),
      { ordered: false },
    );
  } catch (error) {
    const failed = new Set(((error as { writeErrors?: { index: number; code?: number; err?: { code?: number; index?: number } }[] }).writeErrors ?? []).map((e) => e.err?.index ?? e.index));
    if (failed.size === 0) throw error;
    await saveLinks(storeHash, links.filter((_, i) => failed.has(i)));
  }
}

async function saveLinks(storeHash: string, links: LinkWrite[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < links.length; i += 200) {
    await Link.bulkWrite(
      links.slice(i, i + 200).map((l) => ({
        updateOne: {
          filter: { _id: linkId(storeHash, l.entity, l.zohoId) },
          update: {
            $set: {
              storeHash,
              entity: l.entity,
              zohoId: l.zohoId,
              bigcommerceId: String(l.bigcommerceId),
              ...(l.parentId ? { bigcommerceParentId: String(l.parentId) } : {}),
              ...(l.sku ? { sku: l.sku } : {}),
              ...(l.entity === 'product' && l.hidden ? { hidden: true } : { hash: l.hash, hidden: l.hidden }),
              updatedAt: now,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
}
