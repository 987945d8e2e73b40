import type { CategoryCreate, OptionValueRef, ProductCreate, ProductUpdate, VariantCreate, VariantUpdate } from './api/catalogSchemas.js';
import { SimApiError } from './errors.js';
import { emitInventoryEvent, writeLevel, type StockItem } from './inventory.js';
import type { SimCategory, SimImage, SimProduct, SimVariant } from './model.js';
import type { BigCommerceState, SimStore } from './state.js';

/**
 * The catalog's rules: products and variants share one SKU namespace (case-insensitive), names
 * and URLs are unique, categories must exist, and a product either has one base variant (no
 * options) or one variant per option combination. Violations are the platform's 409s.
 */

/** Writable product fields the simulator keeps as given, with the platform's defaults. */
const PRODUCT_DEFAULTS: Record<string, unknown> = {
  description: '',
  weight: 0,
  width: 0,
  depth: 0,
  height: 0,
  cost_price: 0,
  retail_price: 0,
  map_price: 0,
  tax_class_id: 0,
  product_tax_code: '',
  brand_id: 0,
  inventory_warning_level: 0,
  fixed_cost_shipping_price: 0,
  is_free_shipping: false,
  is_featured: false,
  related_products: [],
  warranty: '',
  bin_picking_number: '',
  layout_file: '',
  upc: '',
  search_keywords: '',
  availability: 'available',
  availability_description: '',
  gift_wrapping_options_type: 'any',
  gift_wrapping_options_list: [],
  sort_order: 0,
  condition: 'New',
  is_condition_shown: false,
  order_quantity_minimum: 0,
  order_quantity_maximum: 0,
  page_title: '',
  meta_keywords: [],
  meta_description: '',
  view_count: 0,
  preorder_release_date: null,
  preorder_message: '',
  is_preorder_only: false,
  is_price_hidden: false,
  price_hidden_label: '',
  open_graph_type: 'product',
  open_graph_title: '',
  open_graph_description: '',
  open_graph_use_meta_description: true,
  open_graph_use_product_name: true,
  open_graph_use_image: true,
  gtin: '',
  mpn: '',
  reviews_rating_sum: 0,
  reviews_count: 0,
  total_sold: 0,
  option_set_display: 'right',
};

/** Fields with a dedicated place in SimProduct (or computed): never copied into `fields`. */
const PRODUCT_OWN = new Set(['id', 'name', 'type', 'sku', 'price', 'sale_price', 'inventory_tracking', 'is_visible', 'categories', 'inventory_level', 'variants', 'images', 'custom_url', 'date_created', 'date_modified', 'calculated_price', 'base_variant_id']);
const VARIANT_OWN = new Set(['id', 'product_id', 'sku', 'sku_id', 'option_values', 'inventory_level', 'calculated_price', 'calculated_weight']);
const VARIANT_DEFAULTS: Record<string, unknown> = {
  cost_price: null,
  price: null,
  sale_price: null,
  retail_price: null,
  map_price: null,
  weight: null,
  width: null,
  height: null,
  depth: null,
  is_free_shipping: false,
  fixed_cost_shipping_price: null,
  purchasing_disabled: false,
  purchasing_disabled_message: '',
  upc: '',
  inventory_warning_level: 0,
  bin_picking_number: '',
  mpn: '',
  gtin: '',
  image_url: '',
};

const conflict = (title: string, field: string) => new SimApiError(409, title, { [field]: title });

function copyFields(target: Record<string, unknown>, source: Record<string, unknown>, own: Set<string>): void {
  for (const [k, v] of Object.entries(source)) if (!own.has(k) && v !== undefined) target[k] = v;
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'product';

const urlOf = (p: SimProduct) => (p.fields.custom_url as { url: string }).url;

/**
 * The product holding a unique key (name or URL) through an index whose entries are checked
 * against the record: a renamed or deleted product no longer holds its old key.
 */
function holderOf(store: SimStore, index: Map<string, number>, key: string, current: (p: SimProduct) => string): number | undefined {
  const k = key.toLowerCase();
  const id = index.get(k);
  if (id === undefined) return undefined;
  const product = store.products.get(id);
  if (product && current(product).toLowerCase() === k) return id;
  index.delete(k);
  return undefined;
}

function urlTaken(store: SimStore, url: string, exceptProductId?: number): boolean {
  const holder = holderOf(store, store.productUrlIndex, url, urlOf);
  return holder !== undefined && holder !== exceptProductId;
}

/** Throws the 409 when a SKU is used by another product or variant (case ignored). */
export function assertSkuFree(store: SimStore, sku: string, owner: { productId?: number; variantId?: number } = {}): void {
  if (!sku) return;
  const found = store.findSku(sku);
  if (!found) return;
  const holder = found.variant;
  if (holder && holder.id === owner.variantId) return;
  // A simple product and its base variant share one SKU: either may keep it.
  if (found.product.id === owner.productId && (!holder || holder.id === found.product.baseVariantId)) return;
  throw conflict(`Sku ${sku} is not unique`, 'sku');
}

function assertNameFree(store: SimStore, name: string, exceptProductId?: number): void {
  const holder = holderOf(store, store.productNameIndex, name, (p) => p.name);
  if (holder !== undefined && holder !== exceptProductId) throw conflict('The product name is a duplicate', 'name');
}

function indexNameAndUrl(store: SimStore, product: SimProduct): void {
  store.productNameIndex.set(product.name.toLowerCase(), product.id);
  store.productUrlIndex.set(urlOf(product).toLowerCase(), product.id);
}

function assertCategories(store: SimStore, categories: number[] | undefined): void {
  for (const id of categories ?? []) {
    if (!store.categories.has(id)) throw conflict(`Category ${id} does not exist`, 'categories');
  }
}

/** Finds or makes the option value a variant names (by ids, or by display name and label). */
function optionValueFor(store: SimStore, product: SimProduct, ref: OptionValueRef, path: string): SimVariant['option_values'][number] {
  if (ref.option_id !== undefined && ref.id !== undefined) {
    const option = product.options.find((o) => o.id === ref.option_id);
    const value = option?.option_values.find((v) => v.id === ref.id);
    if (!option || !value) throw new SimApiError(422, 'JSON data is missing or invalid', { [path]: 'Option value does not exist on this product' });
    return { id: value.id, option_id: option.id, label: value.label, option_display_name: option.display_name };
  }
  if (!ref.option_display_name || !ref.label) {
    throw new SimApiError(422, 'JSON data is missing or invalid', { [`${path}.${ref.option_display_name ? 'label' : 'option_display_name'}`]: 'error.path.missing' });
  }
  let option = product.options.find((o) => o.display_name.toLowerCase() === ref.option_display_name!.toLowerCase());
  if (!option) {
    option = { id: store.nextId('option'), product_id: product.id, display_name: ref.option_display_name, type: 'rectangles', sort_order: product.options.length, option_values: [] };
    product.options.push(option);
  }
  let value = option.option_values.find((v) => v.label.toLowerCase() === ref.label!.toLowerCase());
  if (!value) {
    value = { id: store.nextId('optionValue'), label: ref.label, sort_order: option.option_values.length, is_default: false, value_data: null };
    option.option_values.push(value);
  }
  return { id: value.id, option_id: option.id, label: value.label, option_display_name: option.display_name };
}

/** `path` prefixes error keys (e.g. `variants.0.`) so a refusal names the field as sent. */
function buildVariant(state: BigCommerceState, store: SimStore, product: SimProduct, input: VariantCreate, path: string): SimVariant {
  const optionValues = input.option_values.map((ref, i) => optionValueFor(store, product, ref, `${path}option_values.${i}`));
  const combination = optionValues.map((v) => v.id).sort().join(',');
  for (const id of product.variantIds) {
    const other = store.variants.get(id)!;
    if (other.option_values.map((v) => v.id).sort().join(',') === combination) {
      throw conflict('A variant with the same option values already exists', 'option_values');
    }
  }
  const variant: SimVariant = {
    id: store.nextId('variant'),
    product_id: product.id,
    sku: input.sku,
    sku_id: store.nextId('sku'),
    option_values: optionValues,
    fields: { ...VARIANT_DEFAULTS },
    dateModified: state.clock.now(),
  };
  copyFields(variant.fields, input, VARIANT_OWN);
  return variant;
}

export function createProduct(state: BigCommerceState, store: SimStore, input: ProductCreate): SimProduct {
  assertNameFree(store, input.name);
  assertCategories(store, input.categories);
  const skus = [input.sku ?? '', ...(input.variants ?? []).map((v) => v.sku)].filter(Boolean);
  const seen = new Set<string>();
  for (const sku of skus) {
    if (seen.has(sku.toLowerCase())) throw conflict(`Sku ${sku} is not unique`, 'sku');
    seen.add(sku.toLowerCase());
    assertSkuFree(store, sku);
  }
  if (input.custom_url && urlTaken(store, input.custom_url.url)) throw conflict('The URL is already in use', 'custom_url');

  const now = state.clock.now();
  const id = store.nextId('product');
  const product: SimProduct = {
    id,
    name: input.name,
    type: input.type,
    sku: input.sku ?? '',
    price: input.price,
    sale_price: input.sale_price ?? 0,
    inventory_tracking: input.inventory_tracking ?? 'none',
    is_visible: input.is_visible ?? true,
    categories: input.categories ?? [],
    fields: { ...PRODUCT_DEFAULTS },
    options: [],
    variantIds: [],
    baseVariantId: null,
    imageIds: [],
    dateCreated: now,
    dateModified: now,
  };
  copyFields(product.fields, input, PRODUCT_OWN);
  let url = input.custom_url?.url ?? `/${slug(input.name)}/`;
  if (!input.custom_url && urlTaken(store, url)) url = `/${slug(input.name)}-${id}/`;
  product.fields.custom_url = { url, is_customized: input.custom_url?.is_customized ?? false };

  // Variants are built before anything is stored, so a bad one leaves no trace.
  const variants = (input.variants ?? []).map((v, i) => buildVariant(state, store, product, v, `variants.${i}.`));
  if (variants.length === 0) {
    const base: SimVariant = {
      id: store.nextId('variant'),
      product_id: id,
      sku: product.sku,
      sku_id: null,
      option_values: [],
      fields: { ...VARIANT_DEFAULTS },
      dateModified: now,
    };
    variants.push(base);
    product.baseVariantId = base.id;
  }
  for (const v of variants) {
    store.variants.set(v.id, v);
    product.variantIds.push(v.id);
  }
  store.products.set(id, product);
  indexNameAndUrl(store, product);
  store.indexSku(product.sku, id);
  for (const v of variants) store.indexSku(v.sku, id, v.id);

  const location = store.defaultLocationId;
  if (input.inventory_level !== undefined) writeLevel(store, location, 'product', id, input.inventory_level);
  (input.variants ?? []).forEach((v, i) => {
    if (v.inventory_level != null) writeLevel(store, location, 'variant', variants[i]!.id, v.inventory_level);
  });
  for (const image of input.images ?? []) addImage(state, store, product, { image_url: image.image_url, is_thumbnail: image.is_thumbnail, sort_order: image.sort_order, description: image.description });

  state.emit(store, 'store/product/created', { type: 'product', id });
  for (const v of variants) {
    if (v.sku_id !== null) state.emit(store, 'store/sku/created', { type: 'sku', id: v.sku_id, sku: { product_id: id, variant_id: v.id } });
  }
  return product;
}

/**
 * Applies a product update. Returns an inventory problem (the 207 case: the product saved, its
 * stock did not) or null. Conflicts throw before anything changes.
 */
export function updateProduct(state: BigCommerceState, store: SimStore, product: SimProduct, patch: ProductUpdate): string | null {
  if (patch.name !== undefined) assertNameFree(store, patch.name, product.id);
  if (patch.sku !== undefined) assertSkuFree(store, patch.sku, { productId: product.id });
  if (patch.categories !== undefined) assertCategories(store, patch.categories);
  if (patch.custom_url && urlTaken(store, patch.custom_url.url, product.id)) throw conflict('The URL is already in use', 'custom_url');

  if (patch.name !== undefined) product.name = patch.name;
  if (patch.type !== undefined) product.type = patch.type;
  if (patch.sku !== undefined) {
    store.unindexSku(product.sku);
    product.sku = patch.sku;
    const base = product.baseVariantId ? store.variants.get(product.baseVariantId) : undefined;
    if (base) base.sku = patch.sku;
    store.indexSku(patch.sku, product.id, base?.id);
  }
  if (patch.price !== undefined) product.price = patch.price;
  if (patch.sale_price !== undefined) product.sale_price = patch.sale_price;
  if (patch.inventory_tracking !== undefined) product.inventory_tracking = patch.inventory_tracking;
  if (patch.is_visible !== undefined) product.is_visible = patch.is_visible;
  if (patch.categories !== undefined) product.categories = patch.categories;
  if (patch.custom_url) product.fields.custom_url = { url: patch.custom_url.url, is_customized: patch.custom_url.is_customized };
  copyFields(product.fields, patch, PRODUCT_OWN);
  product.dateModified = state.clock.now();
  indexNameAndUrl(store, product);

  let inventoryProblem: string | null = null;
  if (patch.inventory_level !== undefined) {
    if (product.inventory_tracking === 'variant') {
      inventoryProblem = `Product ${product.id} tracks inventory by variant: its inventory_level cannot be set`;
    } else {
      writeLevel(store, store.defaultLocationId, 'product', product.id, patch.inventory_level);
      if (product.inventory_tracking === 'product') emitInventoryEvent(state, store, { kind: 'product', product }, 'manual');
    }
  }
  state.emit(store, 'store/product/updated', { type: 'product', id: product.id });
  return inventoryProblem;
}

export function createVariant(state: BigCommerceState, store: SimStore, product: SimProduct, input: VariantCreate): SimVariant {
  assertSkuFree(store, input.sku);
  // Options made for a refused variant would linger: work on a copy until the variant is valid.
  const options = structuredClone(product.options);
  let variant: SimVariant;
  try {
    variant = buildVariant(state, store, product, input, '');
  } catch (error) {
    product.options = options;
    throw error;
  }
  // A product's first real variant replaces its base variant; the SKU stays the product's.
  if (product.baseVariantId !== null) {
    store.variants.delete(product.baseVariantId);
    product.variantIds = product.variantIds.filter((id) => id !== product.baseVariantId);
    product.baseVariantId = null;
    store.indexSku(product.sku, product.id);
  }
  store.variants.set(variant.id, variant);
  store.indexSku(variant.sku, product.id, variant.id);
  product.variantIds.push(variant.id);
  product.dateModified = state.clock.now();
  if (input.inventory_level != null) writeLevel(store, store.defaultLocationId, 'variant', variant.id, input.inventory_level);
  state.emit(store, 'store/sku/created', { type: 'sku', id: variant.sku_id!, sku: { product_id: product.id, variant_id: variant.id } });
  return variant;
}

/** Checks a variant update without applying it: the reason it would fail, or null. */
export function variantUpdateProblem(store: SimStore, product: SimProduct, variant: SimVariant, patch: VariantUpdate): string | null {
  if (patch.sku !== undefined) {
    try {
      assertSkuFree(store, patch.sku, variant.id === product.baseVariantId ? { productId: product.id, variantId: variant.id } : { variantId: variant.id });
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (patch.inventory_level != null && product.inventory_tracking !== 'variant') {
    return `Variant ${variant.id} belongs to a product that does not track inventory by variant`;
  }
  return null;
}

export function updateVariant(state: BigCommerceState, store: SimStore, product: SimProduct, variant: SimVariant, patch: VariantUpdate): void {
  if (patch.sku !== undefined) {
    store.unindexSku(variant.sku);
    variant.sku = patch.sku;
    if (variant.id === product.baseVariantId) product.sku = patch.sku;
    store.indexSku(patch.sku, product.id, variant.id);
  }
  copyFields(variant.fields, patch, VARIANT_OWN);
  const now = state.clock.now();
  variant.dateModified = now;
  product.dateModified = now;
  if (patch.inventory_level != null) {
    writeLevel(store, store.defaultLocationId, 'variant', variant.id, patch.inventory_level);
    const item: StockItem = { kind: 'variant', product, variant };
    emitInventoryEvent(state, store, item, 'manual');
  }
  if (variant.sku_id !== null) state.emit(store, 'store/sku/updated', { type: 'sku', id: variant.sku_id, sku: { product_id: product.id, variant_id: variant.id } });
  else state.emit(store, 'store/product/updated', { type: 'product', id: product.id });
}

export interface ImageInput {
  image_url?: string;
  file?: SimImage['file'];
  is_thumbnail?: boolean;
  sort_order?: number;
  description?: string;
}

export function addImage(state: BigCommerceState, store: SimStore, product: SimProduct, input: ImageInput): SimImage {
  const isFirst = product.imageIds.length === 0;
  const image: SimImage = {
    id: store.nextId('image'),
    product_id: product.id,
    is_thumbnail: input.is_thumbnail ?? isFirst,
    sort_order: input.sort_order ?? product.imageIds.length,
    description: input.description ?? '',
    image_url: input.image_url,
    file: input.file,
    dateModified: state.clock.now(),
  };
  // One thumbnail per product.
  if (image.is_thumbnail) for (const id of product.imageIds) store.images.get(id)!.is_thumbnail = false;
  store.images.set(image.id, image);
  product.imageIds.push(image.id);
  product.dateModified = state.clock.now();
  return image;
}

/** An image's fields changed (the merchant's edit, or `PUT …/images/{id}`): still one thumbnail per product. */
export function updateImage(state: BigCommerceState, store: SimStore, product: SimProduct, image: SimImage, input: Omit<ImageInput, 'file'>): void {
  if (input.image_url !== undefined) image.image_url = input.image_url;
  if (input.sort_order !== undefined) image.sort_order = input.sort_order;
  if (input.description !== undefined) image.description = input.description;
  if (input.is_thumbnail === true) for (const id of product.imageIds) store.images.get(id)!.is_thumbnail = id === image.id;
  else if (input.is_thumbnail === false) image.is_thumbnail = false;
  image.dateModified = state.clock.now();
  product.dateModified = state.clock.now();
}

export function deleteProduct(state: BigCommerceState, store: SimStore, product: SimProduct): void {
  store.unindexSku(product.sku);
  for (const id of product.variantIds) {
    store.unindexSku(store.variants.get(id)?.sku ?? '');
    store.variants.delete(id);
  }
  for (const id of product.imageIds) store.images.delete(id);
  store.products.delete(product.id);
  state.emit(store, 'store/product/deleted', { type: 'product', id: product.id });
}

/** Deletes an option variant (a product's base variant stays while the product does). */
export function deleteVariant(state: BigCommerceState, store: SimStore, product: SimProduct, variant: SimVariant): void {
  if (variant.product_id !== product.id || variant.id === product.baseVariantId) return;
  store.unindexSku(variant.sku);
  store.variants.delete(variant.id);
  product.variantIds = product.variantIds.filter((id) => id !== variant.id);
  product.dateModified = state.clock.now();
  if (variant.sku_id !== null) state.emit(store, 'store/sku/deleted', { type: 'sku', id: variant.sku_id, sku: { product_id: product.id, variant_id: variant.id } });
}

export function createCategory(state: BigCommerceState, store: SimStore, input: CategoryCreate): SimCategory {
  if (input.parent_id !== 0 && !store.categories.has(input.parent_id)) {
    throw new SimApiError(422, 'JSON data is missing or invalid', { parent_id: `Category ${input.parent_id} does not exist` });
  }
  for (const c of store.categories.values()) {
    if (c.parent_id === input.parent_id && c.name.toLowerCase() === input.name.toLowerCase()) throw conflict('The category name is a duplicate', 'name');
  }
  const { parent_id, name, ...rest } = input;
  const category: SimCategory = {
    id: store.nextId('category'),
    parent_id,
    name,
    fields: {
      description: '',
      views: 0,
      sort_order: 0,
      page_title: '',
      search_keywords: '',
      meta_keywords: [],
      meta_description: '',
      layout_file: 'category.html',
      is_visible: true,
      default_product_sort: 'use_store_settings',
      image_url: '',
      custom_url: { url: `/${slug(name)}/`, is_customized: false },
      ...rest,
    },
  };
  store.categories.set(category.id, category);
  state.emit(store, 'store/category/created', { type: 'category', id: category.id });
  return category;
}
