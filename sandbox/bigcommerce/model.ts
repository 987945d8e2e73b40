/**
 * The records a simulated store keeps. Times are clock milliseconds; the API layer formats
 * them (v3: ISO 8601, v2: RFC 2822, hooks: epoch seconds) on the way out.
 */

export type Plan = 'standard' | 'plus' | 'pro' | 'enterprise';
export type InventoryTracking = 'none' | 'product' | 'variant';

export interface SimOptionValue {
  id: number;
  label: string;
  sort_order: number;
  is_default: boolean;
  value_data: Record<string, unknown> | null;
}

export interface SimOption {
  id: number;
  product_id: number;
  display_name: string;
  type: string;
  sort_order: number;
  option_values: SimOptionValue[];
}

export interface SimProduct {
  id: number;
  name: string;
  type: 'physical' | 'digital';
  sku: string;
  price: number;
  sale_price: number;
  inventory_tracking: InventoryTracking;
  is_visible: boolean;
  categories: number[];
  /** Every other writable field the client set, echoed back as given (defaults filled at create). */
  fields: Record<string, unknown>;
  options: SimOption[];
  /** Variant ids in creation order; a product without options has exactly one, its base variant. */
  variantIds: number[];
  baseVariantId: number | null;
  imageIds: number[];
  dateCreated: number;
  dateModified: number;
}

export interface SimVariant {
  id: number;
  product_id: number;
  sku: string;
  /** The v2 SKU id: null for a base variant. */
  sku_id: number | null;
  option_values: { id: number; option_id: number; label: string; option_display_name: string }[];
  /** Nullable money and size fields: null means "inherit from the product". */
  fields: Record<string, unknown>;
  dateModified: number;
}

export interface SimImage {
  id: number;
  product_id: number;
  is_thumbnail: boolean;
  sort_order: number;
  description: string;
  /** Set when the image was given by URL. */
  image_url?: string;
  /** Set when the image was uploaded as a file: kept in memory and served by the simulator. */
  file?: { name: string; contentType: string; data: Buffer };
  dateModified: number;
}

export interface SimCategory {
  id: number;
  parent_id: number;
  name: string;
  fields: Record<string, unknown>;
}

export interface SimLocation {
  id: number;
  code: string;
  label: string;
  enabled: boolean;
  fields: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface SimPriceList {
  id: number;
  name: string;
  active: boolean;
  dateCreated: number;
  dateModified: number;
}

export interface SimPriceRecord {
  price_list_id: number;
  variant_id: number;
  product_id: number;
  sku: string;
  currency: string;
  price: number;
  sale_price?: number;
  retail_price?: number;
  map_price?: number;
  bulk_pricing_tiers: { quantity_min: number; quantity_max: number | null; type: string; amount: number }[];
  dateCreated: number;
  dateModified: number;
}

export interface SimPriceListAssignment {
  id: number;
  price_list_id: number;
  customer_group_id?: number;
  channel_id?: number;
}

export interface SimCustomerGroup {
  id: number;
  name: string;
  is_default: boolean;
  is_group_for_guests: boolean;
  category_access: { type: string; categories?: number[] };
  discount_rules: Record<string, unknown>[];
  dateCreated: number;
  dateModified: number;
}

export interface SimCustomerAddress {
  id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  company: string;
  address1: string;
  address2: string;
  city: string;
  state_or_province: string;
  postal_code: string;
  country_code: string;
  country: string;
  phone: string;
  address_type: string;
}

export interface SimCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  phone: string;
  notes: string;
  customer_group_id: number;
  addresses: SimCustomerAddress[];
  fields: Record<string, unknown>;
  dateCreated: number;
  dateModified: number;
}

/** v2 address as orders carry it (billing, shipping, shipment copies). */
export interface SimAddress {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
}

export interface SimOrderAddress extends SimAddress {
  id: number;
  shipping_method: string;
  /** Shipping cost of this consignment, ex and inc tax. */
  cost_ex_tax: number;
  cost_inc_tax: number;
}

export interface SimOrderProduct {
  id: number;
  product_id: number;
  variant_id: number;
  order_address_id: number;
  name: string;
  sku: string;
  type: 'physical' | 'digital';
  price_ex_tax: number;
  price_inc_tax: number;
  quantity: number;
  quantity_shipped: number;
  /** Refunded so far (the merchant's Refund action): units and money. */
  quantity_refunded: number;
  refund_amount: number;
  product_options: { id: number; option_id: number; display_name: string; display_value: string; value: string }[];
  /** Which stock the line drew from, so a status change can tell what was taken. */
  stock: { kind: 'product' | 'variant'; id: number } | null;
}

export interface SimCoupon {
  id: number;
  coupon_id: number;
  code: string;
  amount: number;
  /** BigCommerce coupon type 0..5 (0 = per item dollar, 1 = percent, 2 = per total dollar, …). */
  type: number;
  discount: number;
}

export interface SimShipment {
  id: number;
  order_id: number;
  order_address_id: number;
  tracking_number: string;
  tracking_link: string;
  tracking_carrier: string;
  shipping_provider: string;
  shipping_method: string;
  merchant_shipping_cost: number;
  comments: string;
  items: { order_product_id: number; product_id: number; quantity: number }[];
  dateCreated: number;
}

export interface SimOrder {
  id: number;
  customer_id: number;
  status_id: number;
  channel_id: number;
  /** The transactional currency (what the shopper pays in; the order's amounts are in it). */
  currency_code: string;
  /** The store's default currency → the transactional one, when the order was placed. */
  exchange_rate: number;
  billing_address: SimAddress;
  shipping_addresses: SimOrderAddress[];
  products: SimOrderProduct[];
  coupons: SimCoupon[];
  shipments: SimShipment[];
  discount_amount: number;
  /** Money given back so far, lines and order-level amounts (shipping, tax…) together. */
  refunded_amount: number;
  /** Refunds made, numbered per store (the refund webhook names the last one). */
  refundIds: number[];
  payment_method: string;
  customer_message: string;
  staff_notes: string;
  external_source: string | null;
  external_id: string | null;
  /** Whether placing this order has taken its lines out of stock yet (Incomplete orders have not). */
  stockTaken: boolean;
  dateCreated: number;
  dateModified: number;
  dateShipped: number | null;
}

export interface SimHook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
}

/** A webhook event as BigCommerce builds it (one per event, whatever the number of hooks). */
export interface SimEventPayload {
  scope: string;
  store_id: string;
  data: Record<string, unknown> & { type: string; id: number };
  hash: string;
  created_at: number;
  producer: string;
}
