import { z } from 'zod';

/**
 * Request bodies of the catalog endpoints, with the platform's required fields, types and
 * bounds. Objects are loose: fields the simulator does not model are kept and echoed.
 */

const measure = z.number().min(0).max(9_999_999_999);
const nullableMoney = z.number().min(0).nullable();
const level = z.int().min(0).max(2_147_483_647);

export const customUrlSchema = z.looseObject({ url: z.string().min(1).max(255), is_customized: z.boolean() });

const productFields = {
  name: z.string().min(1).max(250),
  type: z.enum(['physical', 'digital']),
  sku: z.string().max(255),
  description: z.string(),
  weight: measure,
  width: measure,
  depth: measure,
  height: measure,
  price: z.number().min(0),
  cost_price: z.number().min(0),
  retail_price: z.number().min(0),
  sale_price: z.number().min(0),
  map_price: z.number().min(0),
  tax_class_id: z.number().min(0).max(255),
  categories: z.array(z.int().min(0)),
  brand_id: z.int().min(0).max(1_000_000_000),
  inventory_level: level,
  inventory_warning_level: level,
  inventory_tracking: z.enum(['none', 'product', 'variant']),
  fixed_cost_shipping_price: z.number().min(0),
  is_free_shipping: z.boolean(),
  is_visible: z.boolean(),
  is_featured: z.boolean(),
  upc: z.string().max(14),
  gtin: z.string().max(14),
  mpn: z.string(),
  search_keywords: z.string().max(65_535),
  availability: z.enum(['available', 'disabled', 'preorder']),
  condition: z.enum(['New', 'Used', 'Refurbished']),
  page_title: z.string().max(255),
  meta_keywords: z.array(z.string()),
  meta_description: z.string().max(65_535),
  custom_url: customUrlSchema,
  sort_order: z.int(),
  order_quantity_minimum: z.int().min(0),
  order_quantity_maximum: z.int().min(0),
};

export const optionValueRefSchema = z.looseObject({
  option_display_name: z.string().min(1).max(255).optional(),
  label: z.string().min(1).max(255).optional(),
  id: z.int().optional(),
  option_id: z.int().optional(),
});
export type OptionValueRef = z.infer<typeof optionValueRefSchema>;

const variantFields = {
  cost_price: nullableMoney,
  price: nullableMoney,
  sale_price: nullableMoney,
  retail_price: nullableMoney,
  map_price: nullableMoney,
  weight: measure.nullable(),
  width: measure.nullable(),
  height: measure.nullable(),
  depth: measure.nullable(),
  is_free_shipping: z.boolean(),
  fixed_cost_shipping_price: nullableMoney,
  purchasing_disabled: z.boolean(),
  purchasing_disabled_message: z.string().max(255),
  upc: z.string().max(14).nullable(),
  inventory_level: level.nullable(),
  inventory_warning_level: level.nullable(),
  bin_picking_number: z.string().max(255).nullable(),
  mpn: z.string().nullable(),
  gtin: z.string().max(14).nullable(),
  image_url: z.string(),
};

export const variantCreateSchema = z.looseObject({
  ...partial(variantFields),
  sku: z.string().min(1).max(255),
  option_values: z.array(optionValueRefSchema).min(1),
});
export type VariantCreate = z.infer<typeof variantCreateSchema>;

export const variantUpdateSchema = z.looseObject({ ...partial(variantFields), sku: z.string().min(1).max(255).optional() });
export type VariantUpdate = z.infer<typeof variantUpdateSchema>;

export const variantBatchItemSchema = variantUpdateSchema.extend({ id: z.int().min(1) });

export const imageByUrlSchema = z.looseObject({
  image_url: z.string().min(1).max(255),
  is_thumbnail: z.boolean().optional(),
  sort_order: z.int().optional(),
  description: z.string().optional(),
});

/** `PUT /catalog/products/{id}/images/{image_id}` as JSON: the fields of an image (a new file comes by POST). */
export const imageUpdateSchema = z.looseObject({
  image_url: z.string().min(1).max(255).optional(),
  is_thumbnail: z.boolean().optional(),
  sort_order: z.int().optional(),
  description: z.string().optional(),
});

export const productCreateSchema = z.looseObject({
  ...partial(productFields),
  name: productFields.name,
  type: productFields.type,
  weight: productFields.weight,
  price: productFields.price,
  images: z.array(imageByUrlSchema).optional(),
  variants: z.array(variantCreateSchema).optional(),
});
export type ProductCreate = z.infer<typeof productCreateSchema>;

export const productUpdateSchema = z.looseObject(partial(productFields));
export type ProductUpdate = z.infer<typeof productUpdateSchema>;

export const productBatchItemSchema = productUpdateSchema.extend({ id: z.int().min(1) });

export const categoryCreateSchema = z.looseObject({
  parent_id: z.int().min(0),
  name: z.string().min(1).max(50),
  description: z.string().optional(),
  sort_order: z.int().optional(),
  is_visible: z.boolean().optional(),
  page_title: z.string().max(255).optional(),
  custom_url: customUrlSchema.optional(),
});
export type CategoryCreate = z.infer<typeof categoryCreateSchema>;

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };
}
