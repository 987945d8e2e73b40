import { isoDate } from '../dates.js';
import { productInventoryLevel, variantInventoryLevel } from '../inventory.js';
import type { SimCategory, SimImage, SimOption, SimProduct, SimVariant } from '../model.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { listParam, type Query } from './params.js';

/** How the v3 catalog writes its records. */

export const calculatedPrice = (product: SimProduct) => (product.sale_price > 0 ? product.sale_price : product.price);

export function variantView(store: SimStore, product: SimProduct, variant: SimVariant) {
  const f = variant.fields;
  const price = f.price as number | null;
  const salePrice = f.sale_price as number | null;
  const weight = f.weight as number | null;
  return {
    id: variant.id,
    product_id: variant.product_id,
    sku: variant.sku,
    sku_id: variant.sku_id,
    ...f,
    calculated_price: salePrice && salePrice > 0 ? salePrice : (price ?? calculatedPrice(product)),
    calculated_weight: weight ?? (product.fields.weight as number),
    inventory_level: variantInventoryLevel(store, product, variant),
    option_values: variant.option_values.map((v) => ({ ...v })),
  };
}

export function imageView(state: BigCommerceState, store: SimStore, image: SimImage) {
  const hosted = image.file ? `${state.publicUrl}/product_images/${store.hash}/${image.id}/${encodeURIComponent(image.file.name)}` : (image.image_url ?? '');
  return {
    id: image.id,
    product_id: image.product_id,
    is_thumbnail: image.is_thumbnail,
    sort_order: image.sort_order,
    description: image.description,
    image_file: image.file ? `${image.product_id}/${image.id}/${image.file.name}` : '',
    ...(image.image_url ? { image_url: image.image_url } : {}),
    url_zoom: hosted,
    url_standard: hosted,
    url_thumbnail: hosted,
    url_tiny: hosted,
    date_modified: isoDate(image.dateModified),
  };
}

export function optionView(option: SimOption) {
  return {
    id: option.id,
    product_id: option.product_id,
    display_name: option.display_name,
    type: option.type,
    config: {},
    sort_order: option.sort_order,
    option_values: option.option_values.map((v) => ({ ...v })),
  };
}

/** `include=variants,images,…` and `include_fields` / `exclude_fields`, as the query asks. */
export interface ProductShape {
  include: Set<string>;
  includeFields?: Set<string>;
  excludeFields: Set<string>;
}

export function productShape(query: Query): ProductShape {
  const includeFields = listParam(query, 'include_fields');
  return {
    include: new Set(listParam(query, 'include') ?? []),
    includeFields: includeFields ? new Set(includeFields) : undefined,
    excludeFields: new Set(listParam(query, 'exclude_fields') ?? []),
  };
}

export function productView(state: BigCommerceState, store: SimStore, product: SimProduct, shape: ProductShape = productShape({})) {
  const full: Record<string, unknown> = {
    id: product.id,
    name: product.name,
    type: product.type,
    sku: product.sku,
    ...product.fields,
    price: product.price,
    sale_price: product.sale_price,
    calculated_price: calculatedPrice(product),
    categories: [...product.categories],
    inventory_level: productInventoryLevel(store, product),
    inventory_tracking: product.inventory_tracking,
    is_visible: product.is_visible,
    date_created: isoDate(product.dateCreated),
    date_modified: isoDate(product.dateModified),
    base_variant_id: product.baseVariantId,
  };
  let view: Record<string, unknown> = full;
  if (shape.includeFields) {
    view = { id: product.id };
    for (const field of shape.includeFields) if (field in full) view[field] = full[field];
  }
  for (const field of shape.excludeFields) if (field !== 'id') delete view[field];
  const images = () => product.imageIds.map((id) => imageView(state, store, store.images.get(id)!));
  if (shape.include.has('variants')) view.variants = product.variantIds.map((id) => variantView(store, product, store.variants.get(id)!));
  if (shape.include.has('images')) view.images = images();
  if (shape.include.has('primary_image')) {
    const thumbnail = images().find((i) => i.is_thumbnail);
    if (thumbnail) view.primary_image = thumbnail;
  }
  if (shape.include.has('options')) view.options = product.options.map(optionView);
  if (shape.include.has('custom_fields')) view.custom_fields = [];
  if (shape.include.has('bulk_pricing_rules')) view.bulk_pricing_rules = [];
  if (shape.include.has('videos')) view.videos = [];
  if (shape.include.has('modifiers')) view.modifiers = [];
  if (shape.include.has('channels')) view.channels = [1];
  return view;
}

export function categoryView(category: SimCategory) {
  return { id: category.id, parent_id: category.parent_id, name: category.name, ...category.fields };
}
