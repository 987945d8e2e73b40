import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { LineBase, Totals, ZohoContact } from '../records.js';
import { optNumber, optString, requireArray, round2, type Body } from './support.js';

/** A discount given as an amount (10) or a percentage ("10%") of `base`. */
export function discountAmount(discount: number | string, base: number): number {
  if (typeof discount === 'string' && discount.trim().endsWith('%')) return (base * Number(discount.trim().slice(0, -1))) / 100;
  return Number(discount) || 0;
}

function readDiscount(body: Body, field: string, fallback: number | string): number | string {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?%?$/.test(v.trim())) return v.trim().endsWith('%') ? v.trim() : Number(v);
  throw invalidValue(field);
}

export const lineTotal = (line: Pick<LineBase, 'rate' | 'quantity' | 'discount'>) =>
  round2(line.rate * line.quantity - discountAmount(line.discount, line.rate * line.quantity));

/** sub_total, discount and total (taxes are not simulated: tax_total is 0). */
export function totals(record: Totals & { line_items: LineBase[] }) {
  const sub_total = round2(record.line_items.reduce((s, l) => s + lineTotal(l), 0));
  const discount_amount = record.discount_type === 'entity_level' ? round2(discountAmount(record.discount, sub_total)) : 0;
  const total = round2(sub_total - discount_amount + record.shipping_charge + record.adjustment);
  return { sub_total, discount_amount, tax_total: 0, total };
}

export function readTotals(body: Body, existing?: Totals): Totals {
  return {
    discount: readDiscount(body, 'discount', existing?.discount ?? 0),
    is_discount_before_tax: body.is_discount_before_tax === undefined ? (existing?.is_discount_before_tax ?? true) : body.is_discount_before_tax === true,
    discount_type: body.discount_type === 'item_level' ? 'item_level' : body.discount_type === 'entity_level' ? 'entity_level' : (existing?.discount_type ?? 'entity_level'),
    shipping_charge: optNumber(body, 'shipping_charge', existing?.shipping_charge ?? 0),
    adjustment: optNumber(body, 'adjustment', existing?.adjustment ?? 0),
    adjustment_description: optString(body, 'adjustment_description', existing?.adjustment_description ?? ''),
  };
}

/** The customer of a sales transaction: must exist, be a customer and be active. */
export function readCustomer(org: ZohoOrg, customerId: string): ZohoContact {
  const contact = org.contacts.get(customerId);
  if (!contact || contact.contact_type !== 'customer') throw invalidValue('customer_id');
  if (contact.status !== 'active') throw invalidState(`The customer "${contact.contact_name}" is inactive.`);
  return contact;
}

export function readLocation(org: ZohoOrg, body: Body, field: string, fallback: string): string {
  const id = optString(body, field);
  if (id === '') return fallback;
  if (!org.locations.has(id)) throw invalidValue(field);
  return id;
}

/**
 * Reads `line_items` of a sales order or invoice: an item (existing and active) or at least a
 * name; quantity > 0 (default 1); rate defaulting to the item's; a location per line.
 * `defaults` lets an invoice line inherit from the sales order line it bills.
 */
export function readLines(
  org: ZohoOrg,
  body: Body,
  locationId: string,
  defaults: (line: Body) => Partial<LineBase> = () => ({}),
  /** On an edit, the ids of the record's current lines (a line sent with one of them is kept); on create, none. */
  existingLineIds: ReadonlySet<string> = new Set(),
): (LineBase & { source: Body })[] {
  return requireArray(body, 'line_items').map((line, n) => {
    const inherited = defaults(line);
    const itemId = optString(line, 'item_id', inherited.item_id ?? '');
    const item = itemId ? org.items.get(itemId) : undefined;
    if (itemId && !item) throw invalidValue('line_items.item_id');
    if (item && item.status !== 'active') throw invalidState(`The item "${item.name}" is inactive and cannot be used in transactions.`);
    const name = optString(line, 'name', inherited.name ?? item?.name ?? '');
    if (!item && name === '') throw invalidValue('line_items.item_id');
    const quantity = optNumber(line, 'quantity', inherited.quantity ?? 1);
    if (!(quantity > 0)) throw invalidValue('line_items.quantity');
    const rate = optNumber(line, 'rate', inherited.rate ?? item?.rate ?? 0);
    if (rate < 0) throw invalidValue('line_items.rate');
    const lineItemId = optString(line, 'line_item_id');
    if (lineItemId && !existingLineIds.has(lineItemId)) throw invalidValue('line_items.line_item_id');
    return {
      line_item_id: lineItemId || org.newId(),
      item_id: item?.item_id ?? '',
      name,
      description: optString(line, 'description', inherited.description ?? item?.description ?? ''),
      sku: item?.sku ?? '',
      rate,
      quantity,
      unit: optString(line, 'unit', inherited.unit ?? item?.unit ?? ''),
      discount: readDiscount(line, 'discount', inherited.discount ?? 0),
      tax_id: optString(line, 'tax_id', inherited.tax_id ?? ''),
      item_order: n + 1,
      location_id: readLocation(org, line, 'location_id', inherited.location_id ?? locationId),
      source: line,
    };
  });
}

/** A line as Zoho returns it (the common part of sales order, invoice and shipment lines). */
export function serializeLine(org: ZohoOrg, line: LineBase) {
  return {
    line_item_id: line.line_item_id,
    item_id: line.item_id,
    name: line.name,
    description: line.description,
    sku: line.sku,
    item_order: line.item_order,
    bcy_rate: line.rate,
    rate: line.rate,
    quantity: line.quantity,
    unit: line.unit,
    discount: typeof line.discount === 'number' ? line.discount : Number(line.discount.replace('%', '')),
    discount_amount: round2(discountAmount(line.discount, line.rate * line.quantity)),
    tax_id: line.tax_id,
    tax_name: '',
    tax_type: '',
    tax_percentage: 0,
    item_total: lineTotal(line),
    location_id: line.location_id,
    location_name: org.locations.get(line.location_id)?.location_name ?? '',
    is_combo_product: false,
    item_custom_fields: [],
  };
}

/** Zoho answers with the customer's primary contact details on transactions. */
export function customerSummary(org: ZohoOrg, customerId: string) {
  const contact = org.contacts.get(customerId);
  const person = contact?.contact_persons.find((p) => p.is_primary_contact) ?? contact?.contact_persons[0];
  return {
    customer_id: customerId,
    customer_name: contact?.contact_name ?? '',
    email: person?.email ?? '',
    phone: person?.phone ?? '',
    mobile: person?.mobile ?? '',
  };
}

/**
 * A document's currency is its customer's (a contact carries one). Its `exchange_rate` (base
 * currency per unit of the document's, as sent) applies only to a foreign currency: 1 otherwise.
 */
export function readExchangeRate(org: ZohoOrg, body: Body, customerId: string): number {
  const contact = org.contacts.get(customerId);
  const raw = body.exchange_rate;
  if (!contact || contact.currency_code === org.info.currency_code || raw === undefined) return 1;
  const rate = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(rate) || rate <= 0) throw invalidValue('exchange_rate');
  return rate;
}

/** The currency fields a document is answered with, from its customer's currency. */
export function currencyView(org: ZohoOrg, customerId: string, exchangeRate: number | undefined) {
  const code = org.contacts.get(customerId)?.currency_code ?? org.info.currency_code;
  return {
    currency_id: org.currencyId(code),
    currency_code: code,
    currency_symbol: code === org.info.currency_code ? org.info.currency_symbol : code,
    exchange_rate: exchangeRate ?? 1,
  };
}

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
