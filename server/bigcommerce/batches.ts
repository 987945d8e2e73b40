import { Priority } from '../sync/priority.js';
import type { BigCommerceClient } from './client.js';
import { BigCommerceApiError, BigCommerceAuthError, summarizeError } from './errors.js';

/**
 * Batch writes in the largest batches each endpoint accepts (a larger one is refused with 413),
 * serial where BigCommerce asks for it, with one outcome per record: a 207 or a refused batch
 * never hides which records were written.
 */

/** Records per request, as BigCommerce documents them. */
export const BATCH_LIMITS = Object.freeze({
  /** PUT /v3/catalog/products */
  products: 10,
  /** PUT /v3/catalog/variants */
  variants: 50,
  /** PUT /v3/inventory/adjustments/absolute */
  inventoryItems: 2000,
  /** PUT /v3/pricelists/{id}/records */
  priceListRecords: 1000,
});

/** What happened to one record of a batch; `index` is its position in the caller's list. */
export interface RecordResult {
  ok: boolean;
  index: number;
  id?: number;
  error?: string;
}

export interface BatchOptions {
  priority?: Priority;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Per-record outcome of a batch update whose records carry ids (products, variants): on 200
 * every record was written; on 207 a record is written when BigCommerce returns it in `data`
 * and no error names it (by id or by position), and failed otherwise, with its own error
 * where one names it.
 */
export function resultsFromBatchResponse(
  records: readonly { id: number }[],
  indices: readonly number[],
  status: number,
  body: unknown,
): RecordResult[] {
  if (status !== 207) return records.map((r, i) => ({ ok: true, index: indices[i]!, id: r.id }));
  const envelope = (body && typeof body === 'object' ? body : {}) as { data?: unknown; errors?: unknown };
  const written = new Set<number>();
  if (Array.isArray(envelope.data)) {
    for (const item of envelope.data) {
      const id = (item as { id?: unknown })?.id;
      if (typeof id === 'number') written.add(id);
    }
  }
  const multi = (envelope.errors && typeof envelope.errors === 'object' ? envelope.errors : {}) as { title?: unknown; errors?: unknown };
  const title = typeof multi.title === 'string' ? multi.title : 'partly failed';
  const details = (multi.errors && typeof multi.errors === 'object' ? multi.errors : {}) as Record<string, unknown>;
  return records.map((r, i) => {
    const own = errorsNaming(details, [String(r.id), String(i)]);
    if (written.has(r.id) && !own) return { ok: true, index: indices[i]!, id: r.id };
    const error = own ? `${written.has(r.id) ? 'partly written: ' : ''}${own}` : summarizeError(title, details);
    return { ok: false, index: indices[i]!, id: r.id, error };
  });
}

/** Details whose key is `<key>` or starts with `<key>.` (BigCommerce prefixes fields with the record's position). */
function errorsNaming(details: Record<string, unknown>, keys: string[]): string | undefined {
  const parts = Object.entries(details)
    .filter(([field]) => keys.some((k) => field === k || field.startsWith(`${k}.`)))
    .map(([field, reason]) => `${field}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * Which records of a refused batch (422/409) the refusal names, by position: `batch_errors`
 * entries with `instance: "[i]"`, or `errors` keyed `"i.field"`. Empty when it names none.
 */
export function refusedRecords(batchLength: number, body: unknown): Map<number, string> {
  const named = new Map<number, string>();
  const add = (index: number, message: string) => {
    if (!Number.isInteger(index) || index < 0 || index >= batchLength) return;
    named.set(index, named.has(index) ? `${named.get(index)}; ${message}` : message);
  };
  const record = (body && typeof body === 'object' ? body : {}) as { batch_errors?: unknown; errors?: unknown };
  if (Array.isArray(record.batch_errors)) {
    for (const entry of record.batch_errors) {
      const e = (entry ?? {}) as { instance?: unknown; title?: unknown; errors?: unknown };
      const match = typeof e.instance === 'string' ? /^\[(\d+)\]$/.exec(e.instance) : null;
      if (match) add(Number(match[1]), summarizeError(String(e.title ?? 'refused'), e.errors as Record<string, unknown> | undefined));
    }
  }
  if (record.errors && typeof record.errors === 'object' && !Array.isArray(record.errors)) {
    for (const [field, reason] of Object.entries(record.errors as Record<string, unknown>)) {
      const match = /^(\d+)\.(.+)$/.exec(field);
      if (match) add(Number(match[1]), `${match[2]}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`);
    }
  }
  return named;
}

/**
 * A whole batch refused (422, 409, retries exhausted…): each of its records failed with that
 * error. 401/403 are rethrown: no other batch can succeed with a refused token.
 */
function failedBatch(records: readonly { id?: number }[], indices: readonly number[], error: unknown): RecordResult[] {
  if (error instanceof BigCommerceAuthError || !(error instanceof BigCommerceApiError)) throw error;
  const message = summarizeError(error.title, error.errors);
  return records.map((r, i) => ({ ok: false, index: indices[i]!, ...(r.id !== undefined ? { id: r.id } : {}), error: message }));
}

const range = (offset: number, length: number) => Array.from({ length }, (_, i) => offset + i);

/**
 * PUT one batch of records with ids. BigCommerce refuses a whole batch for one bad record; when
 * the refusal names the bad ones, the others are sent again once without them, so that each
 * record's outcome is its own.
 */
async function putBatch(
  client: BigCommerceClient,
  path: string,
  batch: readonly { id: number }[],
  indices: readonly number[],
  priority: Priority | undefined,
  retryRest = true,
): Promise<RecordResult[]> {
  try {
    const res = await client.request('PUT', path, { body: batch, priority, idempotent: true });
    return resultsFromBatchResponse(batch, indices, res.status, res.body);
  } catch (error) {
    if (!(error instanceof BigCommerceApiError) || (error.status !== 422 && error.status !== 409)) return failedBatch(batch, indices, error);
    const named = refusedRecords(batch.length, error.body);
    if (named.size === 0) return failedBatch(batch, indices, error);
    const refused: RecordResult[] = [...named].map(([i, message]) => ({ ok: false, index: indices[i]!, id: batch[i]!.id, error: message }));
    const restAt = batch.map((_, i) => i).filter((i) => !named.has(i));
    if (restAt.length === 0) return refused;
    const rest = retryRest
      ? await putBatch(client, path, restAt.map((i) => batch[i]!), restAt.map((i) => indices[i]!), priority, false)
      : failedBatch(restAt.map((i) => batch[i]!), restAt.map((i) => indices[i]!), error);
    return [...refused, ...rest].sort((a, b) => a.index - b.index);
  }
}

/** Runs `fn` on each chunk, in parallel through the limiter or one after the other. */
async function runChunks<T>(
  items: readonly T[],
  size: number,
  serial: boolean,
  fn: (batch: T[], offset: number) => Promise<RecordResult[]>,
): Promise<RecordResult[]> {
  const batches = chunk(items, size);
  if (serial) {
    const results: RecordResult[] = [];
    for (let b = 0; b < batches.length; b++) results.push(...(await fn(batches[b]!, b * size)));
    return results;
  }
  return (await Promise.all(batches.map((batch, b) => fn(batch, b * size)))).flat();
}

/**
 * Some endpoints must not run concurrently for one store (inventory adjustments; price list
 * records, which answer 429 past 2 concurrent upserts), whoever in this process calls them.
 */
const lanes = new Map<string, Promise<unknown>>();

export function inSerialLane<T>(client: BigCommerceClient, lane: string, work: () => Promise<T>): Promise<T> {
  const key = `${client.apiUrl}|${client.storeHash}|${lane}`;
  const previous = lanes.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  lanes.set(key, settled);
  void settled.then(() => {
    if (lanes.get(key) === settled) lanes.delete(key);
  });
  return next;
}

/** Product fields for a batch update; `id` picks the product. */
export type ProductUpdate = { id: number } & Record<string, unknown>;

/** `PUT /v3/catalog/products` in batches of 10. */
export function updateProducts(client: BigCommerceClient, products: readonly ProductUpdate[], options: BatchOptions = {}): Promise<RecordResult[]> {
  return runChunks(products, BATCH_LIMITS.products, false, (batch, offset) =>
    putBatch(client, '/v3/catalog/products', batch, range(offset, batch.length), options.priority),
  );
}

/** Variant fields for a batch update; `id` picks the variant. */
export type VariantUpdate = { id: number } & Record<string, unknown>;

/** `PUT /v3/catalog/variants` in batches of 50. */
export function updateVariants(client: BigCommerceClient, variants: readonly VariantUpdate[], options: BatchOptions = {}): Promise<RecordResult[]> {
  return runChunks(variants, BATCH_LIMITS.variants, false, (batch, offset) =>
    putBatch(client, '/v3/catalog/variants', batch, range(offset, batch.length), options.priority),
  );
}

/** One stock level to set: at a location, for a product, a variant or a SKU. */
export type InventoryLevel = { location_id: number; quantity: number } & (
  | { product_id: number; variant_id?: never; sku?: never }
  | { variant_id: number; product_id?: never; sku?: never }
  | { sku: string; product_id?: never; variant_id?: never }
);

/** BigCommerce's default location. */
export const DEFAULT_LOCATION_ID = 1;

/**
 * `PUT /v3/inventory/adjustments/absolute` in batches of 2,000, one batch at a time per store
 * (BigCommerce asks for sequential adjustments). A refused batch fails all of its items.
 */
export function setInventoryAbsolute(
  client: BigCommerceClient,
  items: readonly InventoryLevel[],
  options: BatchOptions & { reason?: string } = {},
): Promise<RecordResult[]> {
  return runChunks(items, BATCH_LIMITS.inventoryItems, true, (batch, offset) =>
    inSerialLane(client, 'inventory-adjustments', async () => {
      const body = { ...(options.reason ? { reason: options.reason } : {}), items: batch };
      try {
        await client.request('PUT', '/v3/inventory/adjustments/absolute', { body, priority: options.priority ?? Priority.realtime, idempotent: true });
        return batch.map((item, i) => ({ ok: true, index: offset + i, ...idOfLevel(item) }));
      } catch (error) {
        return failedBatch(batch.map(idOfLevel), range(offset, batch.length), error);
      }
    }),
  );
}

const idOfLevel = (item: InventoryLevel): { id?: number } => {
  const id = item.variant_id ?? item.product_id;
  return id !== undefined ? { id } : {};
};

/** One price of one variant in a price list. */
export type PriceListRecord = { currency: string; price?: number; sale_price?: number; retail_price?: number; map_price?: number } & (
  | { variant_id: number; sku?: never }
  | { sku: string; variant_id?: never }
) &
  Record<string, unknown>;

/**
 * `PUT /v3/pricelists/{id}/records` in batches of 1,000, serially per store. A 422 names the
 * refused records in `batch_errors` (by variant id or SKU, and currency); the others were written.
 */
export function upsertPriceListRecords(
  client: BigCommerceClient,
  priceListId: number,
  records: readonly PriceListRecord[],
  options: BatchOptions = {},
): Promise<RecordResult[]> {
  return runChunks(records, BATCH_LIMITS.priceListRecords, true, (batch, offset) =>
    inSerialLane(client, 'pricelist-records', async () => {
      try {
        await client.request('PUT', `/v3/pricelists/${priceListId}/records`, { body: batch, priority: options.priority, idempotent: true });
        return batch.map((record, i) => ({ ok: true, index: offset + i, ...(record.variant_id !== undefined ? { id: record.variant_id } : {}) }));
      } catch (error) {
        if (error instanceof BigCommerceApiError && error.status === 422) {
          const partial = resultsFromPriceRecordErrors(batch, offset, error.body);
          if (partial) return partial;
        }
        return failedBatch(batch.map((r) => (r.variant_id !== undefined ? { id: r.variant_id } : {})), range(offset, batch.length), error);
      }
    }),
  );
}

/** Maps a price-record 422's `batch_errors` onto the batch; undefined when it names none. */
export function resultsFromPriceRecordErrors(batch: readonly PriceListRecord[], offset: number, body: unknown): RecordResult[] | undefined {
  const batchErrors = (body as { batch_errors?: unknown } | undefined)?.batch_errors;
  if (!Array.isArray(batchErrors) || batchErrors.length === 0) return undefined;
  const refused = batchErrors.map((entry) => {
    const data = (entry as { data?: Record<string, unknown> })?.data ?? {};
    const fieldErrors = (entry as { field_errors?: Record<string, unknown> })?.field_errors;
    return { data, error: summarizeError('refused', fieldErrors) };
  });
  return batch.map((record, i) => {
    const match = refused.find(({ data }) => sameRecord(record, data));
    const id = record.variant_id !== undefined ? { id: record.variant_id } : {};
    return match ? { ok: false, index: offset + i, ...id, error: match.error } : { ok: true, index: offset + i, ...id };
  });
}

/** An error names a record by variant id or SKU (whichever both sides carry), and currency. */
function sameRecord(record: PriceListRecord, data: Record<string, unknown>): boolean {
  if (data.currency !== undefined && String(data.currency).toLowerCase() !== record.currency.toLowerCase()) return false;
  if (record.variant_id !== undefined && data.variant_id !== undefined) return Number(data.variant_id) === record.variant_id;
  if (record.sku !== undefined && data.sku !== undefined) return data.sku === record.sku;
  return false;
}
