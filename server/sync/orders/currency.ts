import type { BcOrder } from '../../bigcommerce/orders.js';
import { ZohoConnection } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import { money, round2, type LinePlan } from './mapping.js';
import type { OrderZohoCalls } from './zohoCalls.js';

/**
 * The currency an order is booked in, in Zoho (issue 19). BigCommerce's "Currency Fields"
 * (orders.v2.oas2.yml): the shopper pays in the transactional currency (`default_currency_code`),
 * the store's default is `store_default_currency_code`, and
 * `store_default_to_transactional_exchange_rate` is units of the transactional currency per unit
 * of the store's default; `currency_code` is only the display currency. A Zoho organization
 * books in its base currency, and each Zoho contact carries one currency.
 *
 * - `base`: the order is in Zoho's base currency: as it always was.
 * - `convert` (setting `orders.foreignCurrency: convert`): every amount divided by BigCommerce's
 *   rate into Zoho's base currency, the amount paid and the rate written on the notes.
 * - `foreign` (`transactional`): amounts as paid, in the customer's currency, with Zoho's
 *   `exchange_rate` (base currency per unit of the order's: the inverse of BigCommerce's rate).
 * Anything else (a rate to a currency that is not Zoho's, a contact fixed in another currency)
 * is held with the reason: never booked in the wrong currency.
 */
export type Booking =
  | { kind: 'base'; code: string; base: string; rate: 1 }
  | { kind: 'convert'; code: string; base: string; rate: number }
  | { kind: 'foreign'; code: string; base: string; rate: number };

export type CurrencyDecision = Booking | { kind: 'hold'; reason: string };

const code = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase() : '');

export interface OrderCurrency {
  /** What the shopper paid in. */
  code: string;
  /** The store's default currency. */
  storeDefault: string;
  /** Units of `code` per unit of `storeDefault`. */
  rate: number;
}

/** The order's currencies as BigCommerce documents them (a store without multi-currency leaves the store's default empty). */
export function orderCurrency(order: Pick<BcOrder, 'currency_code'> & Record<string, unknown>): OrderCurrency {
  const transactional = code(order.default_currency_code) || code(order.currency_code);
  const storeDefault = code(order.store_default_currency_code) || transactional;
  const rate = money(order.store_default_to_transactional_exchange_rate);
  return { code: transactional, storeDefault, rate: storeDefault === transactional ? 1 : rate };
}

/** Pure: how an order is booked, from its currencies, Zoho's base currency and the customer's contact's currency. */
export function chooseBooking(
  order: OrderCurrency,
  base: string | undefined,
  contactCurrency: string | undefined,
  mode: Settings['orders']['foreignCurrency'],
): CurrencyDecision {
  // Zoho's base currency unknown (a connection made before it was kept, and Zoho listing none): as before.
  if (!base || !order.code) return { kind: 'base', code: order.code || base || '', base: base || order.code, rate: 1 };
  const contact = contactCurrency?.toUpperCase();
  const paid = `The order was paid in ${order.code}`;
  if (order.code === base) {
    if (contact && contact !== base) return { kind: 'hold', reason: `${paid}, Zoho's currency, but the customer's Zoho contact is in ${contact} (a Zoho contact carries one currency), so Zoho would invoice it in ${contact}. Book it by hand in Zoho, or change the contact's currency there, then retry.` };
    return { kind: 'base', code: base, base, rate: 1 };
  }
  if (order.storeDefault !== base || !(order.rate > 0)) {
    return {
      kind: 'hold',
      reason: `${paid}; BigCommerce gives its rate to the store's default currency ${order.storeDefault} only, not to Zoho's ${base}, so the app cannot book it correctly. Book it by hand in Zoho.`,
    };
  }
  if (mode === 'convert') {
    if (contact && contact !== base) return { kind: 'hold', reason: `${paid} and is converted to Zoho's ${base}, but the customer's Zoho contact is in ${contact} (a Zoho contact carries one currency). Book it by hand in Zoho, then retry.` };
    return { kind: 'convert', code: order.code, base, rate: order.rate };
  }
  if (contact !== order.code) {
    return {
      kind: 'hold',
      reason: `${paid}, but the customer's Zoho contact is in ${contact ?? base} (a Zoho contact carries one currency). Give the customer a contact in ${order.code} in Zoho (or set a Zoho currency id for ${order.code} in the settings for new customers, or book foreign currencies converted), then retry.`,
    };
  }
  return { kind: 'foreign', code: order.code, base, rate: order.rate };
}

/** The Zoho currency id new customers of this order are created in (transactional bookings only). */
export function creationCurrencyId(order: OrderCurrency, base: string | undefined, settings: Pick<Settings['orders'], 'foreignCurrency' | 'zohoCurrencyIds'>): string | undefined {
  if (settings.foreignCurrency !== 'transactional' || !base || order.code === base) return undefined;
  return settings.zohoCurrencyIds.find((c) => c.code === order.code)?.zohoCurrencyId;
}

/** The booking an order was saved with (orders booked before currencies were kept: as they were, in the base currency). */
export function bookingOf(doc: { booking?: { kind?: string | null; code?: string | null; base?: string | null; rate?: number | null } | null } | null | undefined): Booking | undefined {
  const b = doc?.booking;
  if (!b?.kind || !b.code || !b.base) return undefined;
  if (b.kind === 'base') return { kind: 'base', code: b.code, base: b.base, rate: 1 };
  if ((b.kind === 'convert' || b.kind === 'foreign') && typeof b.rate === 'number' && b.rate > 0) return { kind: b.kind, code: b.code, base: b.base, rate: b.rate };
  return undefined;
}

/** Zoho's base currency, kept on the connection (read once from GET /organizations for a connection made before it was). */
export async function organizationCurrency(storeHash: string, zoho: OrderZohoCalls): Promise<string | undefined> {
  const kept = (await ZohoConnection.findById(storeHash, { organizationCurrency: 1 }).lean<{ organizationCurrency?: string }>())?.organizationCurrency;
  if (kept) return kept;
  const read = await zoho.organizationCurrency();
  if (read) await ZohoConnection.updateOne({ _id: storeHash }, { $set: { organizationCurrency: read } });
  return read;
}

// --- amounts --------------------------------------------------------------------------------

/** An amount of the order's currency, as Zoho books it. */
export const booked = (amount: number, booking: Booking | undefined) => (booking?.kind === 'convert' ? round2(amount / booking.rate) : amount);

const ORDER_MONEY = [
  'subtotal_ex_tax',
  'subtotal_inc_tax',
  'total_ex_tax',
  'total_inc_tax',
  'total_tax',
  'shipping_cost_ex_tax',
  'shipping_cost_inc_tax',
  'handling_cost_ex_tax',
  'wrapping_cost_ex_tax',
  'discount_amount',
  'coupon_discount',
  'store_credit_amount',
  'gift_certificate_amount',
] as const;

/** The order with its money in Zoho's currency (a converted booking); itself otherwise. */
export function bookedOrder(order: BcOrder, booking: Booking | undefined): BcOrder {
  if (booking?.kind !== 'convert') return order;
  const out: BcOrder = { ...order };
  for (const field of ORDER_MONEY) if (order[field] !== undefined) out[field] = booked(money(order[field]), booking).toFixed(4);
  return out;
}

/** The planned lines with their rates and discounts in Zoho's currency (a converted booking). */
export function bookedPlan(plan: LinePlan, booking: Booking | undefined): LinePlan {
  if (booking?.kind !== 'convert') return plan;
  return {
    ...plan,
    discount: booked(plan.discount, booking),
    lines: plan.lines.map((l) => ({
      ...l,
      zoho: { ...l.zoho, rate: booked(l.zoho.rate, booking), ...(l.zoho.discount !== undefined ? { discount: booked(l.zoho.discount, booking) } : {}) },
    })),
  };
}

/** Credit-note lines in Zoho's currency (a converted booking). */
export function bookedLines<T extends { rate: number }>(lines: T[], booking: Booking | undefined): T[] {
  return booking?.kind === 'convert' ? lines.map((l) => ({ ...l, rate: booked(l.rate, booking) })) : lines;
}

const rateText = (booking: Booking) => `1 ${booking.base} = ${booking.rate.toFixed(4)} ${booking.code}`;

/**
 * A sales order, invoice, payment or credit note body in the booking's currency: a foreign one
 * carries Zoho's `exchange_rate`; a converted one says on its notes (or description) what was paid.
 * `paid`: the document's amount in the order's currency, for that note.
 */
export function inBookedCurrency(body: Record<string, unknown>, booking: Booking | undefined, paid?: number, field: 'notes' | 'description' = 'notes'): Record<string, unknown> {
  if (!booking || booking.kind === 'base') return body;
  if (booking.kind === 'foreign') return { ...body, exchange_rate: Number((1 / booking.rate).toFixed(10)) };
  const note = `${paid !== undefined ? `Paid ${paid.toFixed(2)} ${booking.code}` : `In ${booking.code}`} in BigCommerce; converted to ${booking.base} at BigCommerce's rate ${rateText(booking)}.`;
  const before = typeof body[field] === 'string' ? (body[field] as string) : '';
  return { ...body, [field]: (before ? `${before}\n${note}` : note).slice(0, field === 'notes' ? 2000 : 500) };
}
