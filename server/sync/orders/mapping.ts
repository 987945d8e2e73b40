import { createHash } from 'node:crypto';
import type { BcOrder, BcOrderProduct } from '../../bigcommerce/orders.js';
import type { Settings } from '../../settings/schema.js';
import { zohoDate } from '../../zoho/dates.js';
import type { BcAddress, OrderSnapshot, ZohoAddress, ZohoItemRef } from './types.js';

/**
 * The pure part of the orders flow: a BigCommerce order (with its products, shipping addresses
 * and coupons) and the Zoho items its SKUs name → the bodies of the Zoho contact, sales order,
 * invoice and payment. No I/O; unit-tested directly.
 */
type OrderSettings = Settings['orders'];

/** v2 money comes as strings with four decimals ("12.5000"). */
export const money = (value: unknown): number => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
};

export const round2 = (n: number) => Math.round(n * 100) / 100;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** BigCommerce dates are RFC 2822 ("Tue, 05 Mar 2024 10:00:00 +0000"); Zoho takes YYYY-MM-DD, in the organization's zone. */
export { zohoDate };

export const parseBcDate = (value: unknown): Date | undefined => {
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
};

// --- statuses -------------------------------------------------------------------------------

export const CANCELLED_STATUS_ID = 5;
const AWAITING_PAYMENT_STATUS_ID = 7;
/** payment_status values meaning the money was taken (refunds are recorded separately). */
const PAID_PAYMENT_STATUSES = new Set(['captured', 'paid', 'partially refunded', 'refunded']);

export const isRealStatus = (statusId: number, settings: Pick<OrderSettings, 'realStatusIds'>) => settings.realStatusIds.includes(statusId);

/** Whether BigCommerce reports the order as paid (then a payment is recorded against the invoice). */
export function isPaid(order: Pick<BcOrder, 'status_id'> & { payment_status?: unknown }): boolean {
  if (order.status_id === AWAITING_PAYMENT_STATUS_ID) return false;
  return PAID_PAYMENT_STATUSES.has(text(order.payment_status).toLowerCase());
}

// --- channels -------------------------------------------------------------------------------

/** The storefront (channel) an order came from; BigCommerce's default is 1. */
export const orderChannel = (order: object) => {
  const id = (order as { channel_id?: unknown }).channel_id;
  return typeof id === 'number' && id > 0 ? id : 1;
};

/** Whether the settings send this channel's orders to Zoho (`channelIds` null: every channel). */
export const channelIncluded = (order: object, settings: Pick<OrderSettings, 'channelIds'>) => settings.channelIds === null || settings.channelIds.includes(orderChannel(order));

/** The Zoho location a channel's sales orders and invoices book stock at (`location_id` on both creates), if the settings name one. */
export function channelLocation(order: object, settings: Partial<Pick<OrderSettings, 'channelLocations'>>): { location_id: string } | undefined {
  const id = settings.channelLocations?.find((c) => c.channelId === orderChannel(order))?.zohoLocationId;
  return id ? { location_id: id } : undefined;
}

// --- contact --------------------------------------------------------------------------------

export interface ContactDetails {
  email: string;
  contactName: string;
  firstName: string;
  lastName: string;
  company: string;
  phone: string;
  billing: ZohoAddress;
  shipping: ZohoAddress;
}

export function zohoAddress(address: BcAddress | undefined): ZohoAddress {
  if (!address) return {};
  const attention = [text(address.first_name), text(address.last_name)].filter(Boolean).join(' ');
  const out: ZohoAddress = {
    attention,
    address: text(address.street_1),
    street2: text(address.street_2),
    city: text(address.city),
    state: text(address.state),
    zip: text(address.zip),
    country: text(address.country),
    phone: text(address.phone),
  };
  return out;
}

/** Who the order is for, from its billing address (and first shipping address). */
export function contactDetails(snapshot: Pick<OrderSnapshot, 'order' | 'addresses'>): ContactDetails | undefined {
  const billing = (snapshot.order.billing_address ?? {}) as BcAddress;
  const email = text(billing.email).toLowerCase();
  if (!email) return undefined;
  const firstName = text(billing.first_name);
  const lastName = text(billing.last_name);
  const company = text(billing.company);
  const person = [firstName, lastName].filter(Boolean).join(' ');
  const shipping = snapshot.addresses[0] as BcAddress | undefined;
  return {
    email,
    contactName: person || company || email,
    firstName,
    lastName,
    company,
    phone: text(billing.phone),
    billing: zohoAddress(billing),
    shipping: zohoAddress(shipping ?? billing),
  };
}

/** What was last written to a contact, hashed: an unchanged hash means no update call. */
export function contactDetailsHash(details: ContactDetails): string {
  const { email, company, phone, billing, shipping } = details;
  return createHash('sha1').update(JSON.stringify({ email, company, phone, billing, shipping })).digest('hex');
}

export function newContactBody(details: ContactDetails, contactName = details.contactName): Record<string, unknown> {
  return {
    contact_name: contactName,
    company_name: details.company,
    contact_type: 'customer',
    billing_address: details.billing,
    shipping_address: details.shipping,
    contact_persons: [
      { first_name: details.firstName, last_name: details.lastName, email: details.email, phone: details.phone, is_primary_contact: true },
    ],
  };
}

/**
 * An existing contact gets the order's company and addresses (the phone rides in them). Its
 * name and contact persons stay as the merchant keeps them in Zoho: names are unique there,
 * and a PUT of contact persons replaces all of them.
 */
/**
 * An existing contact brought up to date from an order: its company and addresses. Its name is
 * the merchant's and is sent back as it is (contacts.yml requires `contact_name` on an update).
 */
export function contactUpdateBody(details: ContactDetails, currentName: string | undefined): Record<string, unknown> {
  return {
    contact_name: currentName?.trim() || details.contactName,
    ...(details.company ? { company_name: details.company } : {}),
    billing_address: details.billing,
    shipping_address: details.shipping,
  };
}

/** A second customer with the same name: Zoho wants contact names unique. */
export const disambiguatedContactName = (details: ContactDetails) => `${details.contactName} (${details.email})`;

// --- lines ----------------------------------------------------------------------------------

export interface MappedLine {
  orderProductId: number;
  orderAddressId: number;
  sku: string;
  quantity: number;
  /** The Zoho line as sent (sales order and invoice alike). */
  zoho: { item_id: string; name: string; description?: string; rate: number; quantity: number; discount?: number };
}

export interface UnmappedLine {
  orderProductId: number;
  sku: string;
  name: string;
}

export interface LinePlan {
  lines: MappedLine[];
  /** Lines whose SKU is unknown to Zoho (and not covered by the fallback item). */
  unmapped: UnmappedLine[];
  /** Lines left out by the `skip_line` setting. */
  skipped: UnmappedLine[];
  /** Lines billed as the fallback item. */
  fallback: UnmappedLine[];
  discountType: 'item_level' | 'entity_level';
  /** The entity-level discount (when not spread on lines). */
  discount: number;
}

/** The line's own discounts (BigCommerce spreads promotions and coupons over lines here). */
const lineDiscount = (product: BcOrderProduct): number => {
  const applied = Array.isArray(product.applied_discounts) ? (product.applied_discounts as { amount?: unknown }[]) : [];
  return round2(applied.reduce((sum, d) => sum + money(d?.amount), 0));
};

/** The SKU a line is matched by: the variant's SKU when BigCommerce has one, else the product's. */
export const lineSku = (product: BcOrderProduct) => text(product.sku);

/**
 * Maps order lines to Zoho items by SKU. Discounts go on the lines when the lines' own
 * discounts account for the whole order discount (item level); otherwise the order's
 * discount and coupon amounts are one entity-level discount (Zoho takes one kind or the other).
 */
export function planLines(products: BcOrderProduct[], order: BcOrder, itemsBySku: ReadonlyMap<string, ZohoItemRef>, settings: Pick<OrderSettings, 'unmappedSku' | 'fallbackItemId'>): LinePlan {
  const orderDiscount = round2(money(order.discount_amount) + money(order.coupon_discount));
  const lineDiscounts = products.map(lineDiscount);
  const spread = round2(lineDiscounts.reduce((a, b) => a + b, 0));
  const itemLevel = spread > 0 && Math.abs(spread - orderDiscount) < 0.01;

  const plan: LinePlan = { lines: [], unmapped: [], skipped: [], fallback: [], discountType: itemLevel ? 'item_level' : 'entity_level', discount: itemLevel ? 0 : orderDiscount };
  products.forEach((product, index) => {
    const sku = lineSku(product);
    const quantity = Number(product.quantity) || 0;
    if (quantity <= 0) return;
    const unmapped: UnmappedLine = { orderProductId: product.id, sku, name: text(product.name) };
    let item = sku ? itemsBySku.get(sku) : undefined;
    let description: string | undefined;
    if (!item) {
      if (settings.unmappedSku === 'skip_line') {
        plan.skipped.push(unmapped);
        return;
      }
      if (settings.unmappedSku === 'fallback_item' && settings.fallbackItemId) {
        item = { item_id: settings.fallbackItemId, sku: '' };
        description = sku ? `SKU ${sku}` : undefined;
        plan.fallback.push(unmapped);
      } else {
        plan.unmapped.push(unmapped);
        return;
      }
    }
    const discount = itemLevel ? lineDiscounts[index]! : 0;
    plan.lines.push({
      orderProductId: product.id,
      orderAddressId: Number(product.order_address_id) || 0,
      sku,
      quantity,
      zoho: {
        item_id: item.item_id,
        name: text(product.name) || item.name || sku,
        ...(description ? { description } : {}),
        rate: money(product.price_ex_tax),
        quantity,
        ...(discount > 0 ? { discount } : {}),
      },
    });
  });
  return plan;
}

// --- sales order and invoice --------------------------------------------------------------

export interface OrderAmounts {
  subtotal: number;
  shipping: number;
  discount: number;
  tax: number;
  total: number;
}

/**
 * What changed in an order's amounts since the app last saw it ("total 45.00 → 50.00"): an order
 * edited in BigCommerce after it was invoiced is flagged with these, never rewritten in Zoho.
 */
export function amountDifferences(before: { [K in keyof OrderAmounts]?: number | null } | null | undefined, after: OrderAmounts): string[] {
  if (!before) return [];
  const differences: string[] = [];
  for (const field of ['subtotal', 'shipping', 'discount', 'tax', 'total'] as const) {
    const was = before[field];
    if (typeof was === 'number' && Math.abs(was - after[field]) >= 0.005) differences.push(`${field} ${was.toFixed(2)} → ${after[field].toFixed(2)}`);
  }
  return differences;
}

export function orderAmounts(order: BcOrder): OrderAmounts {
  return {
    subtotal: money(order.subtotal_ex_tax),
    shipping: money(order.shipping_cost_ex_tax),
    discount: round2(money(order.discount_amount) + money(order.coupon_discount)),
    tax: money(order.total_tax),
    total: money(order.total_inc_tax),
  };
}

/**
 * What Zoho's lines do not carry: handling and gift wrapping, and, when BigCommerce's tax is
 * kept (setting `tax: bigcommerce`), its tax amount. One adjustment, described.
 */
function adjustment(order: BcOrder, settings: Pick<OrderSettings, 'tax'>): { adjustment: number; adjustment_description: string } | undefined {
  const parts: [string, number][] = [
    ['Handling', money(order.handling_cost_ex_tax)],
    ['Gift wrapping', money(order.wrapping_cost_ex_tax)],
    ...(settings.tax === 'bigcommerce' ? ([['Tax (BigCommerce)', money(order.total_tax)]] as [string, number][]) : []),
  ];
  const used = parts.filter(([, amount]) => amount !== 0);
  if (used.length === 0) return undefined;
  return { adjustment: round2(used.reduce((s, [, a]) => s + a, 0)), adjustment_description: used.map(([name]) => name).join(' + ') };
}

function notesFor(snapshot: OrderSnapshot, plan: LinePlan): string {
  const { order, coupons } = snapshot;
  const parts = [`BigCommerce order #${order.id}`];
  const codes = coupons.map((c) => text(c.code)).filter(Boolean);
  if (codes.length) parts.push(`Coupon${codes.length > 1 ? 's' : ''}: ${codes.join(', ')}`);
  if (plan.skipped.length) parts.push(`Left out (SKU not in Zoho): ${plan.skipped.map((l) => l.sku || l.name).join(', ')}`);
  const message = text(order.customer_message);
  if (message) parts.push(`Customer message: ${message}`);
  return parts.join('\n').slice(0, 2000);
}

/** `<prefix><order id>`: the number Zoho refuses to give twice. */
export const salesOrderNumber = (prefix: string, orderId: number) => `${prefix}${orderId}`;

/** The fields a sales order and its invoice share. */
function commonBody(snapshot: OrderSnapshot, plan: LinePlan, settings: Pick<OrderSettings, 'tax'> & Partial<Pick<OrderSettings, 'channelLocations'>>, timeZone: string) {
  const { order } = snapshot;
  return {
    reference_number: String(order.id),
    ...channelLocation(order, settings),
    date: zohoDate(order.date_created, timeZone),
    shipping_charge: money(order.shipping_cost_ex_tax),
    discount: plan.discount,
    discount_type: plan.discountType,
    is_discount_before_tax: true,
    ...adjustment(order, settings),
    notes: notesFor(snapshot, plan),
  };
}

/** `timeZone`: the Zoho organization's, which dates the order (as every document below). */
export function salesOrderBody(snapshot: OrderSnapshot, plan: LinePlan, customerId: string, settings: Pick<OrderSettings, 'tax' | 'salesOrderPrefix'> & Partial<Pick<OrderSettings, 'channelLocations'>>, timeZone: string): Record<string, unknown> {
  const method = text(snapshot.addresses[0]?.shipping_method);
  return {
    customer_id: customerId,
    salesorder_number: salesOrderNumber(settings.salesOrderPrefix, snapshot.order.id),
    ...commonBody(snapshot, plan, settings, timeZone),
    ...(method ? { delivery_method: method } : {}),
    line_items: plan.lines.map((l) => l.zoho),
  };
}

export interface PaymentTerms {
  paymentTerms?: number;
  paymentTermsLabel?: string;
}

/**
 * The invoice; with a sales order, each line names the order line it bills
 * (`salesorder_item_id`, from the line map), so Zoho counts the order as invoiced.
 */
export function invoiceBody(
  snapshot: OrderSnapshot,
  plan: LinePlan,
  customerId: string,
  terms: PaymentTerms,
  settings: Pick<OrderSettings, 'tax'> & Partial<Pick<OrderSettings, 'channelLocations'>>,
  timeZone: string,
  salesOrderLines?: ReadonlyMap<number, string>,
): Record<string, unknown> {
  return {
    customer_id: customerId,
    ...commonBody(snapshot, plan, settings, timeZone),
    ...(terms.paymentTerms !== undefined ? { payment_terms: terms.paymentTerms } : {}),
    ...(terms.paymentTermsLabel ? { payment_terms_label: terms.paymentTermsLabel } : {}),
    line_items: plan.lines.map((l) => {
      const soLine = salesOrderLines?.get(l.orderProductId);
      return soLine ? { ...l.zoho, salesorder_item_id: soLine } : l.zoho;
    }),
  };
}

/** BigCommerce's payment method name → Zoho's payment mode. */
export function paymentMode(method: unknown): string {
  const m = text(method).toLowerCase();
  if (/cash|cod|on delivery/.test(m)) return 'cash';
  if (/cheque|check/.test(m)) return 'check';
  if (/bank|wire|transfer|deposit/.test(m)) return 'banktransfer';
  if (/card|stripe|braintree|square|adyen|authorize|visa|master|amex|paypal|apple|google|klarna|afterpay|checkout\.com/.test(m)) return 'creditcard';
  return 'others';
}

/** The customer payment for a paid order: what BigCommerce took, applied up to the invoice's total. */
export function paymentBody(order: BcOrder, customerId: string, invoiceId: string, invoiceTotal: number, timeZone: string): Record<string, unknown> {
  const amount = round2(money(order.total_inc_tax) - money(order.store_credit_amount) - money(order.gift_certificate_amount));
  const method = text(order.payment_method);
  return {
    customer_id: customerId,
    payment_mode: paymentMode(method),
    amount,
    date: zohoDate(order.date_created, timeZone),
    reference_number: String(order.id),
    description: `BigCommerce order #${order.id}${method ? ` (${method})` : ''}`,
    invoices: [{ invoice_id: invoiceId, amount_applied: round2(Math.min(amount, invoiceTotal)) }],
  };
}
