import PQueue from 'p-queue';
import { updateProducts, updateVariants, type RecordResult } from '../../bigcommerce/batches.js';
import { paginateVariants } from '../../bigcommerce/catalog.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { ADOPTED_AFTER_LOST_ANSWER, createAgain, createOnce, isAmbiguous } from '../../bigcommerce/lostAnswers.js';
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
    const chunk = creates.slice(i, i + CREATE_CHUNK).map((op) => ({ ...op, fields: { ...op.fields, ...categoryFields(op) }, hash: savedHash(op) }));
    const attempts = await Promise.all(chunk.map((op) => queue.add(() => createProduct(op, a))));
    const created = await recoverLostCreates(chunk, attempts, a);
    const made = created.flatMap((c, n) => (c === undefined ? [] : [{ op: chunk[n]!, productId: c.productId, adopted: c.adopted }]));
    await insertLinks(
      a.storeHash,
      made.map(({ op, productId }) => ({ zohoId: op.zohoId, entity: 'product', bigcommerceId: productId, sku: op.sku || undefined, hash: savedHash(op), hidden: false })),
    );
    await insertLinks(a.storeHash, await createdVariantLinks(made, a));
    for (const { op, productId, adopted } of made) {
      const note = adopted ? { reason: ADOPTED_AFTER_LOST_ANSWER } : {};
      await a.reporter.record({ entity: 'product', operation: 'create', zohoId: op.zohoId, sku: op.sku || undefined, name: op.name, bigcommerceId: String(productId), ...note });
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
/** A create's first attempt: the product's id, BigCommerce's refusal (recorded: undefined), or an answer lost. */
type Attempt = { productId: number } | { lost: unknown } | undefined;
type Created = { productId: number; adopted: boolean } | undefined;

const productBody = (op: CreateOp) =>
  op.variants.length ? { ...op.fields, variants: op.variants.map((v) => ({ ...v.fields, option_values: v.optionValues })) } : op.fields;

const postProduct = async (op: CreateOp, a: ApplyContext) => (await a.bc.v3<{ id: number }>('POST', '/catalog/products', { body: productBody(op), priority: a.priority })).data.id;

const refused = (op: CreateOp, error: unknown, a: ApplyContext) =>
  a.reporter.record({ entity: 'product', operation: 'fail', zohoId: op.zohoId, sku: op.sku || undefined, name: op.name, reason: `BigCommerce refused the new product: ${errorText(error)}` });

/** Creates one product (an item group's with its variants nested): its id, its refusal (recorded) or a lost answer. */
async function createProduct(op: CreateOp, a: ApplyContext): Promise<Attempt> {
  try {
    return { productId: await postProduct(op, a) };
  } catch (error) {
    if (isAmbiguous(error)) return { lost: error };
    await refused(op, error, a);
    return undefined;
  }
}

/** SKUs per read-back (`sku:in`), well inside URL limits. */
const READ_BACK_SKUS = 50;
const lower = (s: string) => s.toLowerCase();

/**
 * Products whose create answer was lost (a reset, a timeout, a 5xx) may exist: they are read
 * back in the same run, a chunk's standalone products by SKU in one call (`sku:in`), item
 * groups' products (which have no SKU of their own) by their name (unique per store), and what
 * BigCommerce made is adopted; the others are created once more (`createAgain`).
 */
async function recoverLostCreates(ops: CreateOp[], attempts: Attempt[], a: ApplyContext): Promise<Created[]> {
  const lost = ops.filter((_, n) => attempts[n] && 'lost' in attempts[n]);
  const found = lost.length ? await readBack(lost, a) : new Map<CreateOp, number>();
  return Promise.all(
    attempts.map(async (attempt, n): Promise<Created> => {
      if (!attempt) return undefined;
      if ('productId' in attempt) return { ...attempt, adopted: false };
      const op = ops[n]!;
      const known = found.get(op);
      if (known !== undefined) return { productId: known, adopted: true };
      try {
        const made = await createAgain(
          () => postProduct(op, a),
          async () => (await readBack([op], a)).get(op),
        );
        return { productId: made.value, adopted: made.adopted };
      } catch (error) {
        await refused(op, error, a);
        return undefined;
      }
    }),
  );
}

/** Which of these products BigCommerce has: by SKU (`sku:in`, one call per 50), item groups by name (one call each). */
async function readBack(ops: CreateOp[], a: ApplyContext): Promise<Map<CreateOp, number>> {
  const found = new Map<CreateOp, number>();
  type Row = { id: number; sku: string; name: string };
  const read = (query: Record<string, string>) => a.bc.v3<Row[]>('GET', '/catalog/products', { query: { ...query, include_fields: 'sku,name' }, priority: a.priority });
  // A comma would split `sku:in`: such a SKU is read on its own.
  const bySku = ops.filter((op) => op.sku && !op.sku.includes(','));
  for (let i = 0; i < bySku.length; i += READ_BACK_SKUS) {
    const slice = bySku.slice(i, i + READ_BACK_SKUS);
    const rows = (await read({ 'sku:in': slice.map((op) => op.sku).join(','), limit: String(READ_BACK_SKUS) })).data ?? [];
    for (const op of slice) {
      const row = rows.find((r) => lower(r.sku ?? '') === lower(op.sku));
      if (row) found.set(op, row.id);
    }
  }
  for (const op of ops.filter((o) => !bySku.includes(o))) {
    const name = String(op.fields.name ?? op.name);
    const rows = (await read(op.sku ? { sku: op.sku } : { name })).data ?? [];
    const row = rows.find((r) => (op.sku ? lower(r.sku ?? '') === lower(op.sku) : lower(r.name ?? '') === lower(name)));
    if (row) found.set(op, row.id);
  }
  return found;
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
        // After a lost answer, read back by SKU (`GET /catalog/variants?sku=`; SKUs are unique per store).
        const created = await createOnce(
          async () =>
            (
              await a.bc.v3<{ id: number }>('POST', `/catalog/products/${op.productId}/variants`, {
                body: { ...v.fields, product_id: op.productId, option_values: v.optionValues },
                priority: a.priority,
              })
            ).data.id,
          async () => {
            const rows = (await a.bc.v3<{ id: number; product_id: number; sku: string }[]>('GET', '/catalog/variants', { query: { sku: v.sku }, priority: a.priority })).data ?? [];
            return rows.find((r) => r.product_id === op.productId && lower(r.sku ?? '') === lower(v.sku))?.id;
          },
        );
        links.push({ zohoId: v.zohoId, entity: 'variant', bigcommerceId: created.value, parentId: op.productId, sku: v.sku, hash: v.hash, hidden: !v.active });
        const note = created.adopted ? { reason: ADOPTED_AFTER_LOST_ANSWER } : {};
        await a.reporter.record({ entity: 'variant', operation: 'create', zohoId: v.zohoId, sku: v.sku, bigcommerceId: String(created.value), ...note });
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
