import { Priority } from '../sync/priority.js';
import type { BigCommerceClient, Query } from './client.js';
import { BigCommerceApiError, summarizeError } from './errors.js';

/**
 * Catalog, inventory, price lists and store reads and writes that are not batch updates (those
 * are in batches.ts). Scheduled priority by default: catalog work is what may wait.
 */
export interface BcVariant {
  id: number;
  product_id: number;
  sku: string;
  sku_id?: number | null;
  price?: number | null;
  inventory_level?: number;
  option_values?: { id: number; option_id: number; label: string; option_display_name: string }[];
  [field: string]: unknown;
}

export interface BcProduct {
  id: number;
  name: string;
  type: string;
  sku: string;
  price: number;
  is_visible: boolean;
  inventory_tracking: 'none' | 'product' | 'variant';
  inventory_level?: number;
  base_variant_id?: number | null;
  date_modified?: string;
  variants?: BcVariant[];
  [field: string]: unknown;
}

export interface BcPriceList {
  id: number;
  name: string;
  active: boolean;
  [field: string]: unknown;
}

export interface BcLocation {
  id: number;
  code: string;
  label: string;
  enabled: boolean;
  [field: string]: unknown;
}

type Options = { priority?: Priority };

/** Pages of products, e.g. `{ 'date_modified:min': …, include: 'variants' }`. */
export function paginateProducts(client: BigCommerceClient, query: Query = {}, options: Options & { limit?: number } = {}): AsyncGenerator<BcProduct[]> {
  return client.paginateV3<BcProduct>('/catalog/products', { query, limit: options.limit, priority: options.priority ?? Priority.scheduled });
}

/** Pages of variants across the catalog (e.g. `{ 'product_id:in': [1, 2] }`). */
export function paginateVariants(client: BigCommerceClient, query: Query = {}, options: Options & { limit?: number } = {}): AsyncGenerator<BcVariant[]> {
  return client.paginateV3<BcVariant>('/catalog/variants', { query, limit: options.limit, priority: options.priority ?? Priority.scheduled });
}

/**
 * Creates one product (variants may be nested). A 207 means the product exists but part of it
 * (e.g. its inventory or URL) was not saved: the product is returned with a warning.
 */
export async function createProduct(
  client: BigCommerceClient,
  input: Record<string, unknown>,
  options: Options = {},
): Promise<{ product: BcProduct; warning?: string }> {
  const res = await client.request<{ data: BcProduct; errors?: { title?: string; errors?: Record<string, unknown> } }>('POST', '/v3/catalog/products', {
    body: input,
    priority: options.priority ?? Priority.scheduled,
  });
  const errors = res.body.errors;
  return res.status === 207
    ? { product: res.body.data, warning: summarizeError(errors?.title ?? 'partly saved', errors?.errors) }
    : { product: res.body.data };
}

export interface BcCategory {
  id: number;
  parent_id: number;
  name: string;
  [field: string]: unknown;
}

export interface BcProductImage {
  id: number;
  product_id: number;
  is_thumbnail: boolean;
  [field: string]: unknown;
}

/**
 * Categories through `/v3/catalog/categories` (deprecated for multi-storefront stores but kept
 * working, and the one categories API the reference files describe), e.g. `{ parent_id: 0 }`.
 */
export async function listCategories(client: BigCommerceClient, query: Query = {}, options: Options = {}): Promise<BcCategory[]> {
  const all: BcCategory[] = [];
  for await (const page of client.paginateV3<BcCategory>('/catalog/categories', { query, priority: options.priority ?? Priority.scheduled })) all.push(...page);
  return all;
}

export async function createCategory(client: BigCommerceClient, input: { parent_id: number; name: string; is_visible?: boolean }, options: Options = {}): Promise<BcCategory> {
  return (await client.v3<BcCategory>('POST', '/catalog/categories', { body: input, priority: options.priority ?? Priority.scheduled })).data;
}

/**
 * Uploads an image file to a product (`multipart/form-data`, the file in `image_file`): how an
 * image that needs a token to download (Zoho's) reaches BigCommerce. Only text fields ride along:
 * products_catalog.v3.yml types the form's `is_thumbnail` and `sort_order` as a boolean and an
 * integer, and a strict validator checks the form's text ("true") against those types and refuses
 * it; they are set with `updateProductImage` (JSON) instead. Not retried on an ambiguous failure
 * (a POST): a second try could add the image twice.
 */
export async function uploadProductImage(
  client: BigCommerceClient,
  productId: number,
  file: { bytes: Uint8Array; filename: string; contentType: string },
  fields: { description?: string } = {},
  options: Options = {},
): Promise<BcProductImage> {
  const form = new FormData();
  if (fields.description !== undefined) form.set('description', fields.description);
  form.set('image_file', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.filename);
  return (await client.v3<BcProductImage>('POST', `/catalog/products/${productId}/images`, { body: form, priority: options.priority ?? Priority.scheduled })).data;
}

/** Changes an image's fields (e.g. `{ is_thumbnail: true }`), as JSON. */
export async function updateProductImage(
  client: BigCommerceClient,
  productId: number,
  imageId: number,
  fields: { is_thumbnail?: boolean; sort_order?: number; description?: string },
  options: Options = {},
): Promise<BcProductImage> {
  return (await client.v3<BcProductImage>('PUT', `/catalog/products/${productId}/images/${imageId}`, { body: fields, priority: options.priority ?? Priority.scheduled })).data;
}

/** Deletes a product image; one already gone counts as deleted. */
export async function deleteProductImage(client: BigCommerceClient, productId: number, imageId: number, options: Options = {}): Promise<void> {
  try {
    await client.request('DELETE', `/v3/catalog/products/${productId}/images/${imageId}`, { priority: options.priority ?? Priority.scheduled });
  } catch (error) {
    if (!(error instanceof BigCommerceApiError && error.status === 404)) throw error;
  }
}

/** Inventory locations (location 1 is the default). */
export async function listLocations(client: BigCommerceClient, options: Options = {}): Promise<BcLocation[]> {
  const all: BcLocation[] = [];
  for await (const page of client.paginateV3<BcLocation>('/inventory/locations', { priority: options.priority ?? Priority.scheduled })) all.push(...page);
  return all;
}

/** Price lists (Enterprise plan; other plans answer 403, surfaced as BigCommerceAuthError). */
export async function listPriceLists(client: BigCommerceClient, options: Options = {}): Promise<BcPriceList[]> {
  const all: BcPriceList[] = [];
  for await (const page of client.paginateV3<BcPriceList>('/pricelists', { priority: options.priority ?? Priority.scheduled })) all.push(...page);
  return all;
}

export async function createPriceList(client: BigCommerceClient, input: { name: string; active: boolean }, options: Options = {}): Promise<BcPriceList> {
  return (await client.v3<BcPriceList>('POST', '/pricelists', { body: input, priority: options.priority ?? Priority.scheduled })).data;
}

/** At most 25 assignments per request. */
export const PRICE_LIST_ASSIGNMENTS_MAX = 25;

export async function createPriceListAssignments(
  client: BigCommerceClient,
  assignments: readonly { price_list_id: number; customer_group_id?: number; channel_id?: number }[],
  options: Options = {},
): Promise<void> {
  for (let i = 0; i < assignments.length; i += PRICE_LIST_ASSIGNMENTS_MAX) {
    await client.v3('POST', '/pricelists/assignments', {
      body: assignments.slice(i, i + PRICE_LIST_ASSIGNMENTS_MAX),
      priority: options.priority ?? Priority.scheduled,
    });
  }
}

/** `GET /v2/store`: name, plan features, currency, time zone. */
export function getStoreInformation(client: BigCommerceClient, options: Options = {}): Promise<Record<string, unknown>> {
  return client.v2<Record<string, unknown>>('GET', '/store', { priority: options.priority ?? Priority.realtime });
}
