/** The Zoho and BigCommerce shapes the products flow reads (only the fields it uses). */
export interface ZohoItem {
  item_id: string;
  name: string;
  sku?: string;
  status: 'active' | 'inactive' | string;
  product_type?: string;
  rate?: number;
  description?: string;
  group_id?: string;
  group_name?: string;
  attribute_option_name1?: string;
  attribute_option_name2?: string;
  attribute_option_name3?: string;
  image_name?: string;
  category_id?: string;
  category_name?: string;
  weight?: number | string;
  length?: number | string;
  width?: number | string;
  height?: number | string;
  last_modified_time?: string;
}

export interface ZohoItemGroup {
  group_id: string;
  group_name: string;
  description?: string;
  status?: string;
  attributes?: { id?: string; name: string }[];
  /** Present on GET /itemgroups: names of attributes 1..3. */
  attribute_name1?: string;
  attribute_name2?: string;
  attribute_name3?: string;
  image_name?: string;
  category_id?: string;
  category_name?: string;
}

/** A BigCommerce product or variant found by SKU (for adoption on the first run). */
export interface BigCommerceSkuOwner {
  productId: number;
  variantId?: number;
  /** True when the SKU is the product's own (not one of its variants'). */
  productLevel: boolean;
}

export interface LinkRow {
  _id: string;
  entity: 'product' | 'variant';
  zohoId: string;
  bigcommerceId: string;
  bigcommerceParentId?: string;
  sku?: string;
  hash: string;
  hidden: boolean;
  /** Products: the Zoho image last put on the product, its bytes' hash and the BigCommerce image made from it. */
  imageKey?: string;
  imageHash?: string;
  bigcommerceImageId?: string;
}
