import { SimApiError } from './errors.js';
import { levelAt, putBackForOrder, stockItemForLine, takeForOrder, itemId, type StockItem } from './inventory.js';
import type { SimAddress, SimCoupon, SimOrder, SimOrderAddress, SimOrderProduct } from './model.js';
import type { BigCommerceState, SimStore } from './state.js';

/**
 * Orders: placing one (lines from the catalog or custom, stock taken unless Incomplete),
 * status changes and shipments, with the events BigCommerce raises for each.
 */

export const ORDER_STATUSES: Readonly<Record<number, string>> = Object.freeze({
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
});

export const INCOMPLETE = 0;
export const SHIPPED = 2;
export const CANCELLED = 5;
export const PARTIALLY_SHIPPED = 3;
export const REFUNDED = 4;
export const PARTIALLY_REFUNDED = 14;

/** v2 rejects with 400 and a message. */
const refuse = (message: string) => new SimApiError(400, message);

export interface OrderLineInput {
  product_id?: number;
  variant_id?: number;
  /** Custom (non-catalog) lines name themselves. */
  name?: string;
  sku?: string;
  quantity: number;
  price_ex_tax?: number;
  price_inc_tax?: number;
}

export interface OrderAddressInput extends Partial<SimAddress> {
  shipping_method?: string;
  cost_ex_tax?: number;
  cost_inc_tax?: number;
}

export interface OrderInput {
  customer_id?: number;
  status_id?: number;
  channel_id?: number;
  /** The transactional currency (multi-currency stores): one of the store's currencies. */
  default_currency_code?: string;
  billing_address: Partial<SimAddress>;
  shipping_addresses?: OrderAddressInput[];
  products: OrderLineInput[];
  /** Coupons come from the storefront checkout; only the test helper and seed pass them. */
  coupons?: { code: string; discount: number; amount?: number; type?: number }[];
  discount_amount?: number;
  /** Shipping charged, put on the first shipping address unless it says its own. */
  shipping_cost_ex_tax?: number;
  shipping_cost_inc_tax?: number;
  payment_method?: string;
  customer_message?: string;
  staff_notes?: string;
  external_source?: string | null;
  external_id?: string | null;
  /** When the order was placed (clock ms); now by default. */
  date_created?: number;
}

const EMPTY_ADDRESS: SimAddress = {
  first_name: '',
  last_name: '',
  company: '',
  street_1: '',
  street_2: '',
  city: '',
  state: '',
  zip: '',
  country: '',
  country_iso2: '',
  phone: '',
  email: '',
};

/** Statuses whose orders hold stock: an Incomplete order has taken none yet, a Cancelled one gave it back. */
export const takesStock = (statusId: number) => statusId !== INCOMPLETE && statusId !== CANCELLED;

function resolveLine(store: SimStore, line: OrderLineInput, index: number, orderAddressId: number, lineId: number): SimOrderProduct {
  if (!(line.quantity >= 1)) throw refuse(`The field 'products.${index}.quantity' is invalid.`);
  if (line.product_id === undefined) {
    if (!line.name) throw refuse(`The required field 'products.${index}.name' was not supplied.`);
    if (line.price_ex_tax === undefined || line.price_inc_tax === undefined) throw refuse(`The required field 'products.${index}.price_ex_tax' was not supplied.`);
    return {
      id: lineId,
      product_id: 0,
      variant_id: 0,
      order_address_id: orderAddressId,
      name: line.name,
      sku: line.sku ?? '',
      type: 'physical',
      price_ex_tax: line.price_ex_tax,
      price_inc_tax: line.price_inc_tax,
      quantity: line.quantity,
      quantity_shipped: 0,
      quantity_refunded: 0,
      refund_amount: 0,
      product_options: [],
      stock: null,
    };
  }
  const product = store.products.get(line.product_id);
  if (!product) throw refuse(`The product with ID ${line.product_id} does not exist.`);
  let variantId = line.variant_id ?? product.baseVariantId;
  if (variantId === null || variantId === undefined) throw refuse(`The product with ID ${product.id} has options: choose a variant_id for products.${index}.`);
  const variant = store.variants.get(variantId);
  if (!variant || variant.product_id !== product.id) throw refuse(`The variant with ID ${variantId} does not belong to product ${product.id}.`);
  variantId = variant.id;
  const catalogPrice = (variant.fields.price as number | null) ?? (product.sale_price > 0 ? product.sale_price : product.price);
  const priceEx = line.price_ex_tax ?? catalogPrice;
  const item = stockItemForLine(store, product, variant);
  return {
    id: lineId,
    product_id: product.id,
    variant_id: variant.id,
    order_address_id: orderAddressId,
    name: product.name,
    sku: variant.sku || product.sku,
    type: product.type,
    price_ex_tax: priceEx,
    price_inc_tax: line.price_inc_tax ?? priceEx,
    quantity: line.quantity,
    quantity_shipped: 0,
    quantity_refunded: 0,
    refund_amount: 0,
    product_options: variant.option_values.map((v) => ({ id: v.id, option_id: v.option_id, display_name: v.option_display_name, display_value: v.label, value: String(v.id) })),
    stock: item ? { kind: item.kind, id: itemId(item) } : null,
  };
}

function stockItemOf(store: SimStore, line: SimOrderProduct): StockItem | null {
  if (!line.stock) return null;
  const product = store.products.get(line.product_id);
  const variant = store.variants.get(line.variant_id);
  return product && variant ? { kind: line.stock.kind, product, variant } : null;
}

function assertInStock(store: SimStore, lines: SimOrderProduct[]): void {
  const wanted = new Map<string, { line: SimOrderProduct; quantity: number }>();
  for (const line of lines) {
    if (!line.stock) continue;
    const k = `${line.stock.kind}:${line.stock.id}`;
    wanted.set(k, { line, quantity: (wanted.get(k)?.quantity ?? 0) + line.quantity });
  }
  for (const { line, quantity } of wanted.values()) {
    const available = levelAt(store, store.defaultLocationId, line.stock!.kind, line.stock!.id);
    if (available < quantity) throw refuse(`The product '${line.name}' (SKU ${line.sku}) does not have enough stock: ${available} left, ${quantity} ordered.`);
  }
}

function takeStock(state: BigCommerceState, store: SimStore, order: SimOrder): void {
  for (const line of order.products) {
    const item = stockItemOf(store, line);
    if (item) takeForOrder(state, store, item, line.quantity);
  }
  order.stockTaken = true;
}

/** A cancelled order gives back the units it took (each line's item raises its order inventory events). */
function putBackStock(state: BigCommerceState, store: SimStore, order: SimOrder): void {
  for (const line of order.products) {
    const item = stockItemOf(store, line);
    if (item) putBackForOrder(state, store, item, line.quantity);
  }
  order.stockTaken = false;
}

export function createOrder(state: BigCommerceState, store: SimStore, input: OrderInput): SimOrder {
  const statusId = input.status_id ?? 1;
  if (!(statusId in ORDER_STATUSES)) throw refuse(`The field 'status_id' is invalid.`);
  if (!input.products.length) throw refuse(`The required field 'products' was not supplied.`);
  if (input.customer_id && !store.customers.has(input.customer_id)) throw refuse(`The customer with ID ${input.customer_id} does not exist.`);

  const channelId = input.channel_id ?? 1;
  if (channelId !== 1 && !store.channels.has(channelId)) throw refuse(`The field 'channel_id' is invalid: channel ${channelId} does not exist.`);
  const currency = (input.default_currency_code ?? store.currency).toUpperCase();
  const rate = store.currencyRates.get(currency);
  if (rate === undefined) throw refuse(`The field 'default_currency_code' is invalid: the store does not sell in ${currency}.`);
  const billing: SimAddress = { ...EMPTY_ADDRESS, ...input.billing_address };
  const addressInputs = input.shipping_addresses?.length ? input.shipping_addresses : [{ ...billing, shipping_method: 'Free Shipping' }];
  const addressIds = addressInputs.map(() => store.nextId('orderAddress'));
  const addresses: SimOrderAddress[] = addressInputs.map((a, i) => {
    const costEx = a.cost_ex_tax ?? (i === 0 ? input.shipping_cost_ex_tax : undefined) ?? 0;
    const costInc = a.cost_inc_tax ?? (i === 0 ? input.shipping_cost_inc_tax : undefined) ?? costEx;
    return { ...EMPTY_ADDRESS, ...a, id: addressIds[i]!, shipping_method: a.shipping_method ?? 'Flat Rate', cost_ex_tax: costEx, cost_inc_tax: costInc };
  });
  const lines = input.products.map((line, i) => resolveLine(store, line, i, addressIds[0]!, store.nextId('orderProduct')));
  if (takesStock(statusId)) assertInStock(store, lines);

  const now = input.date_created ?? state.clock.now();
  const coupons: SimCoupon[] = (input.coupons ?? []).map((c) => ({
    id: store.nextId('coupon'),
    coupon_id: store.nextId('coupon'),
    code: c.code,
    amount: c.amount ?? c.discount,
    type: c.type ?? 2,
    discount: c.discount,
  }));
  const order: SimOrder = {
    id: store.nextId('order'),
    customer_id: input.customer_id ?? 0,
    status_id: statusId,
    channel_id: channelId,
    currency_code: currency,
    exchange_rate: rate,
    billing_address: billing,
    shipping_addresses: addresses,
    products: lines,
    coupons,
    shipments: [],
    discount_amount: input.discount_amount ?? 0,
    refunded_amount: 0,
    refundIds: [],
    payment_method: input.payment_method ?? (statusId === INCOMPLETE ? '' : 'Manual'),
    customer_message: input.customer_message ?? '',
    staff_notes: input.staff_notes ?? '',
    external_source: input.external_source ?? null,
    external_id: input.external_id ?? null,
    stockTaken: false,
    dateCreated: now,
    dateModified: now,
    dateShipped: null,
  };
  store.orders.set(order.id, order);
  state.emit(store, 'store/order/created', { type: 'order', id: order.id });
  if (takesStock(statusId)) takeStock(state, store, order);
  return order;
}

export interface OrderPatch {
  status_id?: number;
  customer_message?: string;
  staff_notes?: string;
  payment_method?: string;
  billing_address?: Partial<SimAddress>;
  external_id?: string | null;
}

export function updateOrder(state: BigCommerceState, store: SimStore, order: SimOrder, patch: OrderPatch): SimOrder {
  if (patch.status_id !== undefined && !(patch.status_id in ORDER_STATUSES)) throw refuse(`The field 'status_id' is invalid.`);
  const previous = order.status_id;
  if (patch.status_id !== undefined && !order.stockTaken && takesStock(patch.status_id)) assertInStock(store, order.products);
  if (patch.customer_message !== undefined) order.customer_message = patch.customer_message;
  if (patch.staff_notes !== undefined) order.staff_notes = patch.staff_notes;
  if (patch.payment_method !== undefined) order.payment_method = patch.payment_method;
  if (patch.external_id !== undefined) order.external_id = patch.external_id;
  if (patch.billing_address) order.billing_address = { ...order.billing_address, ...patch.billing_address };
  if (patch.status_id !== undefined) order.status_id = patch.status_id;
  order.dateModified = state.clock.now();
  if (!order.stockTaken && takesStock(order.status_id)) takeStock(state, store, order);
  else if (order.stockTaken && order.status_id === CANCELLED && previous !== CANCELLED) putBackStock(state, store, order);
  state.emit(store, 'store/order/updated', { type: 'order', id: order.id });
  if (order.status_id !== previous) emitStatusUpdated(state, store, order, previous);
  return order;
}

function emitStatusUpdated(state: BigCommerceState, store: SimStore, order: SimOrder, previous: number): void {
  state.emit(store, 'store/order/statusUpdated', {
    type: 'order',
    id: order.id,
    status: { previous_status_id: previous, new_status_id: order.status_id },
  });
}

export interface ShipmentInput {
  order_address_id?: number;
  items?: { order_product_id?: number; quantity?: number }[];
  tracking_number?: string;
  tracking_link?: string;
  tracking_carrier?: string;
  shipping_provider?: string;
  shipping_method?: string;
  merchant_shipping_cost?: number;
  comments?: string;
}

/**
 * Ships items of one consignment. The order moves to Shipped when every line is fully shipped,
 * otherwise to Partially Shipped.
 */
export function createShipment(state: BigCommerceState, store: SimStore, order: SimOrder, input: ShipmentInput) {
  if (input.order_address_id === undefined) throw refuse(`The required field 'order_address_id' was not supplied.`);
  const address = order.shipping_addresses.find((a) => a.id === input.order_address_id);
  if (!address) throw refuse(`The field 'order_address_id' is invalid: order ${order.id} has no shipping address ${input.order_address_id}.`);
  if (!input.items?.length) throw refuse(`The required field 'items' was not supplied.`);
  const shipping = new Map<number, number>();
  for (const [i, item] of input.items.entries()) {
    const line = order.products.find((p) => p.id === item.order_product_id);
    if (!line || line.order_address_id !== address.id) throw refuse(`The field 'items.${i}.order_product_id' is invalid: no such product on this shipping address.`);
    const quantity = item.quantity ?? 0;
    if (!Number.isInteger(quantity) || quantity < 1) throw refuse(`The field 'items.${i}.quantity' is invalid.`);
    const total = (shipping.get(line.id) ?? 0) + quantity;
    if (total > line.quantity - line.quantity_shipped) throw refuse(`The field 'items.${i}.quantity' is invalid: only ${line.quantity - line.quantity_shipped} of '${line.name}' left to ship.`);
    shipping.set(line.id, total);
  }
  const now = state.clock.now();
  for (const [lineId, quantity] of shipping) order.products.find((p) => p.id === lineId)!.quantity_shipped += quantity;
  const shipment = {
    id: store.nextId('shipment'),
    order_id: order.id,
    order_address_id: address.id,
    tracking_number: input.tracking_number ?? '',
    tracking_link: input.tracking_link ?? '',
    tracking_carrier: input.tracking_carrier ?? '',
    shipping_provider: input.shipping_provider ?? '',
    shipping_method: input.shipping_method ?? address.shipping_method,
    merchant_shipping_cost: input.merchant_shipping_cost ?? 0,
    comments: input.comments ?? '',
    items: [...shipping].map(([lineId, quantity]) => ({ order_product_id: lineId, product_id: order.products.find((p) => p.id === lineId)!.product_id, quantity })),
    dateCreated: now,
  };
  order.shipments.push(shipment);
  const previous = order.status_id;
  const allShipped = order.products.every((p) => p.quantity_shipped >= p.quantity);
  order.status_id = allShipped ? SHIPPED : PARTIALLY_SHIPPED;
  order.dateShipped = now;
  order.dateModified = now;
  state.emit(store, 'store/shipment/created', { type: 'shipment', id: shipment.id, orderId: order.id });
  state.emit(store, 'store/order/updated', { type: 'order', id: order.id });
  if (order.status_id !== previous) emitStatusUpdated(state, store, order, previous);
  return shipment;
}

export function updateShipment(state: BigCommerceState, store: SimStore, order: SimOrder, shipmentId: number, patch: Omit<ShipmentInput, 'items'>) {
  const shipment = order.shipments.find((s) => s.id === shipmentId);
  if (!shipment) throw new SimApiError(404, 'The requested shipment was not found.');
  if (patch.order_address_id !== undefined && patch.order_address_id !== shipment.order_address_id) {
    throw refuse(`The field 'order_address_id' cannot be changed.`);
  }
  for (const field of ['tracking_number', 'tracking_link', 'tracking_carrier', 'shipping_provider', 'shipping_method', 'comments'] as const) {
    if (patch[field] !== undefined) shipment[field] = patch[field];
  }
  if (patch.merchant_shipping_cost !== undefined) shipment.merchant_shipping_cost = patch.merchant_shipping_cost;
  order.dateModified = state.clock.now();
  state.emit(store, 'store/shipment/updated', { type: 'shipment', id: shipment.id, orderId: order.id });
  return shipment;
}

export interface RefundInput {
  /** Lines given back: units, and the money for them (their price with tax, unless said). */
  items?: { order_product_id: number; quantity: number; amount?: number }[];
  /** Money refunded beyond the lines (shipping, tax, a goodwill amount). */
  amount?: number;
}

/**
 * The merchant's Refund action (BigCommerce does it through its payment actions, which are
 * not part of the v2 files): the order's refunded_amount and its lines' quantity_refunded and
 * refund_amount grow, the status becomes Refunded or Partially Refunded, and the refund,
 * updated and status webhooks fire.
 */
export function refundOrder(state: BigCommerceState, store: SimStore, order: SimOrder, input: RefundInput) {
  if (order.status_id === INCOMPLETE) throw refuse('An incomplete order has taken no payment to refund.');
  const lines = new Map<SimOrderProduct, { quantity: number; amount: number }>();
  for (const [i, item] of (input.items ?? []).entries()) {
    const line = order.products.find((p) => p.id === item.order_product_id);
    if (!line) throw refuse(`The field 'items.${i}.order_product_id' is invalid.`);
    const quantity = (lines.get(line)?.quantity ?? 0) + item.quantity;
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || line.quantity_refunded + quantity > line.quantity) {
      throw refuse(`The field 'items.${i}.quantity' is invalid: ${line.quantity - line.quantity_refunded} of '${line.name}' left to refund.`);
    }
    const amount = item.amount ?? Math.round(line.price_inc_tax * item.quantity * 100) / 100;
    if (!(amount >= 0)) throw refuse(`The field 'items.${i}.amount' is invalid.`);
    lines.set(line, { quantity, amount: (lines.get(line)?.amount ?? 0) + amount });
  }
  const extra = input.amount ?? 0;
  if (!(extra >= 0)) throw refuse(`The field 'amount' is invalid.`);
  const total = [...lines.values()].reduce((s, l) => s + l.amount, 0) + extra;
  if (!(total > 0)) throw refuse('A refund needs items or an amount.');
  const orderTotal = orderTotals(order).totalInc;
  if (order.refunded_amount + total > orderTotal + 0.005) throw refuse(`The refund exceeds what is left to refund (${(orderTotal - order.refunded_amount).toFixed(2)}).`);

  for (const [line, change] of lines) {
    line.quantity_refunded += change.quantity;
    line.refund_amount = Math.round((line.refund_amount + change.amount) * 100) / 100;
  }
  order.refunded_amount = Math.round((order.refunded_amount + total) * 100) / 100;
  const refundId = store.nextId('refund');
  order.refundIds.push(refundId);
  const previous = order.status_id;
  order.status_id = order.refunded_amount + 0.005 >= orderTotal ? REFUNDED : PARTIALLY_REFUNDED;
  order.dateModified = state.clock.now();
  state.emit(store, 'store/order/refund/created', { type: 'order', id: order.id, refund: { refund_id: refundId } });
  state.emit(store, 'store/order/updated', { type: 'order', id: order.id });
  if (order.status_id !== previous) emitStatusUpdated(state, store, order, previous);
  return { id: refundId, order_id: order.id, amount: Math.round(total * 100) / 100 };
}

/** The money an order adds up to (v2 writes these as 4-decimal strings). */
export function orderTotals(order: SimOrder) {
  const sum = (f: (p: SimOrderProduct) => number) => order.products.reduce((s, p) => s + f(p), 0);
  const subtotalEx = sum((p) => p.price_ex_tax * p.quantity);
  const subtotalInc = sum((p) => p.price_inc_tax * p.quantity);
  const shippingEx = order.shipping_addresses.reduce((s, a) => s + a.cost_ex_tax, 0);
  const shippingInc = order.shipping_addresses.reduce((s, a) => s + a.cost_inc_tax, 0);
  const couponDiscount = order.coupons.reduce((s, c) => s + c.discount, 0);
  const totalEx = subtotalEx + shippingEx - order.discount_amount - couponDiscount;
  const totalInc = subtotalInc + shippingInc - order.discount_amount - couponDiscount;
  return {
    subtotalEx,
    subtotalInc,
    shippingEx,
    shippingInc,
    couponDiscount,
    totalEx,
    totalInc,
    itemsTotal: sum((p) => p.quantity),
    itemsShipped: sum((p) => p.quantity_shipped),
  };
}
