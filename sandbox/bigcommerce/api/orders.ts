import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseDateFilter, rfc2822, toSecond } from '../dates.js';
import { SimApiError } from '../errors.js';
import type { SimOrder, SimOrderAddress, SimOrderProduct, SimShipment } from '../model.js';
import { ORDER_STATUSES, createOrder, createShipment, orderTotals, updateOrder, updateShipment } from '../orders.js';
import { pageRequest, slicePage } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { parseV2, v2Money } from '../validation.js';
import { intParam, numberParam, pathId, queryString, storeOf, type Query } from './params.js';

/** v2 money: a string with four decimals. */
const money = (n: number) => n.toFixed(4);

const addressSchema = z.looseObject({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  company: z.string().optional(),
  street_1: z.string().optional(),
  street_2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  zip: z.string(),
  country: z.string().optional(),
  country_iso2: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});

const shippingAddressSchema = addressSchema.partial().extend({ shipping_method: z.string().optional() });

const orderLineSchema = z.looseObject({
  product_id: z.int().min(1).optional(),
  variant_id: z.int().min(1).optional(),
  name: z.string().min(1).max(250).optional(),
  sku: z.string().optional(),
  quantity: z.int().min(1),
  price_ex_tax: v2Money.optional(),
  price_inc_tax: v2Money.optional(),
});

const orderCreateSchema = z.looseObject({
  billing_address: addressSchema,
  products: z.array(orderLineSchema).min(1),
  shipping_addresses: z.array(shippingAddressSchema).optional(),
  customer_id: z.int().min(0).optional(),
  status_id: z.int().min(0).max(14).optional(),
  channel_id: z.int().min(1).optional(),
  default_currency_code: z.string().regex(/^[A-Za-z]{3}$/).optional(),
  discount_amount: v2Money.optional(),
  base_shipping_cost: v2Money.optional(),
  shipping_cost_ex_tax: v2Money.optional(),
  shipping_cost_inc_tax: v2Money.optional(),
  payment_method: z.string().optional(),
  customer_message: z.string().optional(),
  staff_notes: z.string().max(65_535).optional(),
  external_source: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  date_created: z.string().optional(),
});

const orderUpdateSchema = z.looseObject({
  status_id: z.int().min(0).max(14).optional(),
  customer_message: z.string().optional(),
  staff_notes: z.string().max(65_535).optional(),
  payment_method: z.string().optional(),
  billing_address: addressSchema.partial().optional(),
  external_id: z.string().nullable().optional(),
});

const shipmentSchema = z.looseObject({
  order_address_id: z.int(),
  items: z.array(z.looseObject({ order_product_id: z.int(), quantity: z.int() })),
  tracking_number: z.string().max(50).optional(),
  tracking_link: z.string().max(500).optional(),
  tracking_carrier: z.string().optional(),
  shipping_provider: z.string().optional(),
  shipping_method: z.string().optional(),
  merchant_shipping_cost: v2Money.optional(),
  comments: z.string().max(65_535).optional(),
});

const shipmentUpdateSchema = shipmentSchema.omit({ items: true }).partial();

function subresource(state: BigCommerceState, store: SimStore, order: SimOrder, name: string) {
  return { url: `${state.publicUrl}/stores/${store.hash}/v2/orders/${order.id}/${name}`, resource: `/orders/${order.id}/${name}` };
}

/** BigCommerce's payment_status: taken at checkout (every order but Incomplete), then refunded in part or whole. */
function paymentStatus(order: SimOrder, total: number): string {
  if (order.status_id === 0) return '';
  if (order.refunded_amount <= 0) return 'captured';
  return order.refunded_amount + 0.005 >= total ? 'refunded' : 'partially refunded';
}

export function orderView(state: BigCommerceState, store: SimStore, order: SimOrder) {
  const t = orderTotals(order);
  const b = order.billing_address;
  return {
    id: order.id,
    customer_id: order.customer_id,
    date_created: rfc2822(order.dateCreated),
    date_modified: rfc2822(order.dateModified),
    date_shipped: order.dateShipped === null ? '' : rfc2822(order.dateShipped),
    status_id: order.status_id,
    status: ORDER_STATUSES[order.status_id]!,
    custom_status: ORDER_STATUSES[order.status_id]!,
    cart_id: '',
    subtotal_ex_tax: money(t.subtotalEx),
    subtotal_inc_tax: money(t.subtotalInc),
    subtotal_tax: money(t.subtotalInc - t.subtotalEx),
    base_shipping_cost: money(t.shippingEx),
    shipping_cost_ex_tax: money(t.shippingEx),
    shipping_cost_inc_tax: money(t.shippingInc),
    shipping_cost_tax: money(t.shippingInc - t.shippingEx),
    shipping_cost_tax_class_id: 2,
    base_handling_cost: money(0),
    handling_cost_ex_tax: money(0),
    handling_cost_inc_tax: money(0),
    handling_cost_tax: money(0),
    handling_cost_tax_class_id: 2,
    base_wrapping_cost: money(0),
    wrapping_cost_ex_tax: money(0),
    wrapping_cost_inc_tax: money(0),
    wrapping_cost_tax: money(0),
    wrapping_cost_tax_class_id: 3,
    total_ex_tax: money(t.totalEx),
    total_inc_tax: money(t.totalInc),
    total_tax: money(t.totalInc - t.totalEx),
    items_total: t.itemsTotal,
    items_shipped: t.itemsShipped,
    payment_method: order.payment_method,
    payment_provider_id: '',
    payment_status: paymentStatus(order, t.totalInc),
    refunded_amount: money(order.refunded_amount),
    order_is_digital: order.products.every((p) => p.type === 'digital'),
    store_credit_amount: money(0),
    gift_certificate_amount: money(0),
    ip_address: '',
    ip_address_v6: '',
    geoip_country: b.country,
    geoip_country_iso2: b.country_iso2,
    // v2 sets the display currency to the transactional one.
    currency_id: currencyIdOf(store, order.currency_code),
    currency_code: order.currency_code,
    currency_exchange_rate: '1.0000000000',
    default_currency_id: currencyIdOf(store, order.currency_code),
    default_currency_code: order.currency_code,
    store_default_currency_code: store.currency,
    store_default_to_transactional_exchange_rate: order.exchange_rate.toFixed(10),
    staff_notes: order.staff_notes,
    customer_message: order.customer_message,
    discount_amount: money(order.discount_amount),
    coupon_discount: money(t.couponDiscount),
    shipping_address_count: order.shipping_addresses.length,
    is_deleted: false,
    ebay_order_id: '0',
    is_email_opt_in: false,
    order_source: 'external',
    channel_id: order.channel_id,
    external_source: order.external_source,
    external_id: order.external_id,
    external_merchant_id: null,
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    external_order_id: '',
    is_tax_inclusive_pricing: false,
    billing_address: { ...b, form_fields: [] },
    products: subresource(state, store, order, 'products'),
    shipping_addresses: subresource(state, store, order, 'shipping_addresses'),
    coupons: subresource(state, store, order, 'coupons'),
  };
}

/** Currency ids number the store's currencies in the order they were added (the default is 1). */
const currencyIdOf = (store: SimStore, code: string) => Math.max(1, [...store.currencyRates.keys()].indexOf(code) + 1);

export function orderProductView(order: SimOrder, p: SimOrderProduct) {
  const tax = p.price_inc_tax - p.price_ex_tax;
  return {
    id: p.id,
    order_id: order.id,
    product_id: p.product_id,
    variant_id: p.variant_id,
    order_address_id: p.order_address_id,
    name: p.name,
    name_customer: p.name,
    name_merchant: p.name,
    sku: p.sku,
    upc: '',
    type: p.type,
    base_price: money(p.price_ex_tax),
    price_ex_tax: money(p.price_ex_tax),
    price_inc_tax: money(p.price_inc_tax),
    price_tax: money(tax),
    base_total: money(p.price_ex_tax * p.quantity),
    total_ex_tax: money(p.price_ex_tax * p.quantity),
    total_inc_tax: money(p.price_inc_tax * p.quantity),
    total_tax: money(tax * p.quantity),
    discounted_total_inc_tax: money(p.price_inc_tax * p.quantity),
    quantity: p.quantity,
    base_cost_price: money(0),
    cost_price_inc_tax: money(0),
    cost_price_ex_tax: money(0),
    cost_price_tax: money(0),
    weight: 0,
    width: money(0),
    height: money(0),
    depth: money(0),
    is_refunded: p.quantity_refunded > 0,
    quantity_refunded: p.quantity_refunded,
    refund_amount: money(p.refund_amount),
    return_id: 0,
    wrapping_id: 0,
    wrapping_name: null,
    base_wrapping_cost: money(0),
    wrapping_cost_ex_tax: money(0),
    wrapping_cost_inc_tax: money(0),
    wrapping_cost_tax: money(0),
    wrapping_message: '',
    quantity_shipped: p.quantity_shipped,
    event_name: null,
    event_date: null,
    fixed_shipping_cost: money(0),
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    brand: '',
    applied_discounts: [],
    product_options: p.product_options.map((o) => ({
      id: o.id,
      option_id: o.option_id,
      order_product_id: p.id,
      product_option_id: o.option_id,
      display_name: o.display_name,
      display_name_customer: o.display_name,
      display_name_merchant: o.display_name,
      display_value: o.display_value,
      display_value_customer: o.display_value,
      display_value_merchant: o.display_value,
      value: o.value,
      type: 'Multiple choice',
      name: o.display_name,
      display_style: 'Rectangle',
    })),
    configurable_fields: [],
    gift_certificate_id: null,
  };
}

export function shippingAddressView(state: BigCommerceState, store: SimStore, order: SimOrder, a: SimOrderAddress) {
  const lines = order.products.filter((p) => p.order_address_id === a.id);
  const { cost_ex_tax, cost_inc_tax, ...address } = a;
  return {
    ...address,
    order_id: order.id,
    items_total: lines.reduce((s, p) => s + p.quantity, 0),
    items_shipped: lines.reduce((s, p) => s + p.quantity_shipped, 0),
    base_cost: money(cost_ex_tax),
    cost_ex_tax: money(cost_ex_tax),
    cost_inc_tax: money(cost_inc_tax),
    cost_tax: money(cost_inc_tax - cost_ex_tax),
    cost_tax_class_id: 2,
    base_handling_cost: money(0),
    handling_cost_ex_tax: money(0),
    handling_cost_inc_tax: money(0),
    handling_cost_tax: money(0),
    handling_cost_tax_class_id: 2,
    shipping_zone_id: 1,
    shipping_zone_name: 'United States',
    form_fields: [],
    shipping_quotes: { url: `${state.publicUrl}/stores/${store.hash}/v2/orders/${order.id}/shipping_addresses/${a.id}/shipping_quotes`, resource: `/orders/${order.id}/shipping_addresses/${a.id}/shipping_quotes` },
  };
}

export function shipmentView(order: SimOrder, s: SimShipment) {
  const address = order.shipping_addresses.find((a) => a.id === s.order_address_id)!;
  const { id: _id, shipping_method: _method, cost_ex_tax: _ex, cost_inc_tax: _inc, ...shippingAddress } = address;
  return {
    id: s.id,
    order_id: order.id,
    customer_id: order.customer_id,
    order_address_id: s.order_address_id,
    date_created: rfc2822(s.dateCreated),
    tracking_number: s.tracking_number,
    merchant_shipping_cost: money(s.merchant_shipping_cost),
    shipping_method: s.shipping_method,
    shipping_provider: s.shipping_provider,
    shipping_provider_display_name: s.shipping_provider,
    tracking_carrier: s.tracking_carrier,
    tracking_link: s.tracking_link,
    generated_tracking_link: s.tracking_number && !s.tracking_link ? `https://track.aftership.com/${encodeURIComponent(s.tracking_number)}` : '',
    comments: s.comments,
    billing_address: { ...order.billing_address },
    shipping_address: shippingAddress,
    items: s.items.map((i) => ({ ...i })),
  };
}

/** v2 collections answer 204 with no body when the page is empty. */
function sendV2Page<T>(res: Response, items: readonly T[], query: Query, maxPageSize: number, view: (item: T) => unknown): void {
  const page = slicePage(items, pageRequest(query, maxPageSize));
  if (page.length === 0) return void res.status(204).end();
  res.json(page.map(view));
}

/** v2 `/orders` with products, shipping addresses, coupons and shipments; `/order_statuses`. */
export function orderRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;
  const orderOf = (req: Request, store: SimStore) => {
    const order = store.orders.get(pathId(req, 'orderId', 'order'));
    if (!order) throw new SimApiError(404, 'The requested order was not found.');
    return order;
  };

  router.get('/orders', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const orders = filterOrders(store, q);
    sendV2Page(res, orders, q, limits().maxPageSize, (o) => orderView(state, store, o));
  });

  router.get('/orders/count', (req, res) => {
    const store = storeOf(res);
    const orders = filterOrders(store, req.query as Query);
    const statuses = Object.entries(ORDER_STATUSES).map(([id, name]) => ({
      id: Number(id),
      name,
      system_label: name,
      custom_label: name,
      system_description: name,
      count: orders.filter((o) => o.status_id === Number(id)).length,
      sort_order: Number(id),
    }));
    res.json({ statuses, count: orders.length });
  });

  router.post('/orders', (req, res) => {
    const store = storeOf(res);
    const input = parseV2(orderCreateSchema, req.body);
    const order = createOrder(state, store, {
      ...input,
      shipping_cost_ex_tax: input.shipping_cost_ex_tax ?? input.base_shipping_cost,
      date_created: input.date_created ? parseDateFilter(input.date_created) : undefined,
    });
    res.json(orderView(state, store, order));
  });

  router.get('/orders/:orderId', (req, res) => {
    const store = storeOf(res);
    res.json(orderView(state, store, orderOf(req, store)));
  });

  router.put('/orders/:orderId', (req, res) => {
    const store = storeOf(res);
    const order = orderOf(req, store);
    updateOrder(state, store, order, parseV2(orderUpdateSchema, req.body));
    res.json(orderView(state, store, order));
  });

  router.get('/orders/:orderId/products', (req, res) => {
    const order = orderOf(req, storeOf(res));
    sendV2Page(res, order.products, req.query as Query, limits().maxPageSize, (p) => orderProductView(order, p));
  });

  router.get('/orders/:orderId/products/:lineId', (req, res) => {
    const order = orderOf(req, storeOf(res));
    const line = order.products.find((p) => p.id === pathId(req, 'lineId', 'order product'));
    if (!line) throw new SimApiError(404, 'The requested order product was not found.');
    res.json(orderProductView(order, line));
  });

  router.get('/orders/:orderId/shipping_addresses', (req, res) => {
    const store = storeOf(res);
    const order = orderOf(req, store);
    sendV2Page(res, order.shipping_addresses, req.query as Query, limits().maxPageSize, (a) => shippingAddressView(state, store, order, a));
  });

  router.get('/orders/:orderId/coupons', (req, res) => {
    const order = orderOf(req, storeOf(res));
    sendV2Page(res, order.coupons, req.query as Query, limits().maxPageSize, (c) => ({ ...c, order_id: order.id }));
  });

  router.get('/orders/:orderId/shipments', (req, res) => {
    const order = orderOf(req, storeOf(res));
    sendV2Page(res, order.shipments, req.query as Query, limits().maxPageSize, (s) => shipmentView(order, s));
  });

  router.post('/orders/:orderId/shipments', (req, res) => {
    const store = storeOf(res);
    const order = orderOf(req, store);
    const shipment = createShipment(state, store, order, parseV2(shipmentSchema, req.body));
    res.status(201).json(shipmentView(order, shipment));
  });

  router.get('/orders/:orderId/shipments/:shipmentId', (req, res) => {
    const order = orderOf(req, storeOf(res));
    const shipment = order.shipments.find((s) => s.id === pathId(req, 'shipmentId', 'shipment'));
    if (!shipment) throw new SimApiError(404, 'The requested shipment was not found.');
    res.json(shipmentView(order, shipment));
  });

  router.put('/orders/:orderId/shipments/:shipmentId', (req, res) => {
    const store = storeOf(res);
    const order = orderOf(req, store);
    const shipment = updateShipment(state, store, order, pathId(req, 'shipmentId', 'shipment'), parseV2(shipmentUpdateSchema, req.body));
    res.json(shipmentView(order, shipment));
  });

  router.get('/order_statuses', (_req, res) => {
    res.json(Object.entries(ORDER_STATUSES).map(([id, name]) => ({ id: Number(id), name, system_label: name, custom_label: name, system_description: name, order: Number(id) })));
  });

  return router;
}

/** The documented v2 order filters, oldest id first unless `sort` says otherwise. */
function filterOrders(store: SimStore, q: Query): SimOrder[] {
  const minId = intParam(q, 'min_id');
  const maxId = intParam(q, 'max_id');
  const statusId = intParam(q, 'status_id');
  const customerId = intParam(q, 'customer_id');
  const email = queryString(q, 'email')?.toLowerCase();
  const minTotal = numberParam(q, 'min_total');
  const maxTotal = numberParam(q, 'max_total');
  const createdMin = parseDateFilter(queryString(q, 'min_date_created'));
  const createdMax = parseDateFilter(queryString(q, 'max_date_created'));
  const modifiedMin = parseDateFilter(queryString(q, 'min_date_modified'));
  const modifiedMax = parseDateFilter(queryString(q, 'max_date_modified'));
  const channelId = intParam(q, 'channel_id');
  const orders = [...store.orders.values()].filter((o) => {
    const total = minTotal === undefined && maxTotal === undefined ? 0 : orderTotals(o).totalInc;
    return (
      (minId === undefined || o.id >= minId) &&
      (maxId === undefined || o.id <= maxId) &&
      (statusId === undefined || o.status_id === statusId) &&
      (customerId === undefined || o.customer_id === customerId) &&
      (email === undefined || o.billing_address.email.toLowerCase() === email) &&
      (minTotal === undefined || total >= minTotal) &&
      (maxTotal === undefined || total <= maxTotal) &&
      (createdMin === undefined || toSecond(o.dateCreated) >= createdMin) &&
      (createdMax === undefined || toSecond(o.dateCreated) <= createdMax) &&
      (modifiedMin === undefined || toSecond(o.dateModified) >= modifiedMin) &&
      (modifiedMax === undefined || toSecond(o.dateModified) <= modifiedMax) &&
      (channelId === undefined || o.channel_id === channelId)
    );
  });
  const [field = 'id', direction = 'asc'] = (queryString(q, 'sort') ?? 'id:asc').split(':');
  const keyOf: Record<string, (o: SimOrder) => number> = {
    id: (o) => o.id,
    customer_id: (o) => o.customer_id,
    date_created: (o) => o.dateCreated,
    date_modified: (o) => o.dateModified,
    status_id: (o) => o.status_id,
    channel_id: (o) => o.channel_id,
  };
  const key = keyOf[field] ?? keyOf.id!;
  const sign = direction === 'desc' ? -1 : 1;
  return orders.sort((a, b) => (key(a) - key(b) || a.id - b.id) * sign);
}
