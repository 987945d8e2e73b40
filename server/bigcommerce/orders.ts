import { Priority } from '../sync/priority.js';
import type { BigCommerceClient, Query } from './client.js';
import { BigCommerceApiError } from './errors.js';

/**
 * Orders (v2). Order work serves a webhook or a customer: real-time priority by default.
 * Money fields are strings in v2 ("12.5000"), as BigCommerce sends them.
 */
export interface BcOrder {
  id: number;
  status_id: number;
  status: string;
  customer_id: number;
  date_created: string;
  date_modified: string;
  currency_code: string;
  subtotal_ex_tax: string;
  subtotal_inc_tax: string;
  total_ex_tax: string;
  total_inc_tax: string;
  shipping_cost_ex_tax: string;
  shipping_cost_inc_tax: string;
  discount_amount: string;
  coupon_discount: string;
  /** Money refunded so far (v2 money string). */
  refunded_amount?: string;
  billing_address: Record<string, unknown> & { email?: string; first_name?: string; last_name?: string };
  [field: string]: unknown;
}

export interface BcOrderProduct {
  id: number;
  order_id: number;
  product_id: number;
  variant_id: number;
  order_address_id: number;
  name: string;
  sku: string;
  quantity: number;
  quantity_shipped: number;
  price_ex_tax: string;
  price_inc_tax: string;
  [field: string]: unknown;
}

export interface BcOrderShippingAddress {
  id: number;
  order_id: number;
  shipping_method: string;
  [field: string]: unknown;
}

export interface BcOrderCoupon {
  id: number;
  code: string;
  amount: string | number;
  [field: string]: unknown;
}

export interface BcShipment {
  id: number;
  order_id: number;
  order_address_id: number;
  tracking_number: string;
  items: { order_product_id: number; product_id: number; quantity: number }[];
  [field: string]: unknown;
}

export interface ShipmentInput {
  order_address_id: number;
  items: { order_product_id: number; quantity: number }[];
  tracking_number?: string;
  shipping_provider?: string;
  tracking_carrier?: string;
  comments?: string;
}

type Options = { priority?: Priority };

/** The order, or null when the store has no such order (deleted, or never existed). */
export async function getOrder(client: BigCommerceClient, orderId: number, options: Options = {}): Promise<BcOrder | null> {
  try {
    return await client.v2<BcOrder>('GET', `/orders/${orderId}`, { priority: options.priority ?? Priority.realtime });
  } catch (error) {
    if (error instanceof BigCommerceApiError && error.status === 404) return null;
    throw error;
  }
}

/** Pages of orders, e.g. `{ min_date_modified, sort: 'date_modified' }` for an incremental read. */
export function paginateOrders(client: BigCommerceClient, query: Query = {}, options: Options = {}): AsyncGenerator<BcOrder[]> {
  return client.paginateV2<BcOrder>('/orders', { query, priority: options.priority ?? Priority.reconcile });
}

async function allPages<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** Every line of an order (read in pages: large orders exceed one). */
export function getOrderProducts(client: BigCommerceClient, orderId: number, options: Options = {}): Promise<BcOrderProduct[]> {
  return allPages(client.paginateV2<BcOrderProduct>(`/orders/${orderId}/products`, { priority: options.priority ?? Priority.realtime }));
}

export function getOrderShippingAddresses(client: BigCommerceClient, orderId: number, options: Options = {}): Promise<BcOrderShippingAddress[]> {
  return allPages(client.paginateV2<BcOrderShippingAddress>(`/orders/${orderId}/shipping_addresses`, { priority: options.priority ?? Priority.realtime }));
}

export function getOrderCoupons(client: BigCommerceClient, orderId: number, options: Options = {}): Promise<BcOrderCoupon[]> {
  return allPages(client.paginateV2<BcOrderCoupon>(`/orders/${orderId}/coupons`, { priority: options.priority ?? Priority.realtime }));
}

export function getOrderShipments(client: BigCommerceClient, orderId: number, options: Options = {}): Promise<BcShipment[]> {
  return allPages(client.paginateV2<BcShipment>(`/orders/${orderId}/shipments`, { priority: options.priority ?? Priority.realtime }));
}

/** Ships lines of an order; BigCommerce moves it to Shipped or Partially Shipped. Not retried on ambiguous failures (it would ship twice). */
export function createShipment(client: BigCommerceClient, orderId: number, input: ShipmentInput, options: Options = {}): Promise<BcShipment> {
  return client.v2<BcShipment>('POST', `/orders/${orderId}/shipments`, { body: input, priority: options.priority ?? Priority.realtime });
}

/** Sets an order's status (ids 0–14). */
export function updateOrderStatus(client: BigCommerceClient, orderId: number, statusId: number, options: Options = {}): Promise<BcOrder> {
  return client.v2<BcOrder>('PUT', `/orders/${orderId}`, { body: { status_id: statusId }, priority: options.priority ?? Priority.realtime });
}
