import type { BcOrderProduct } from '../../bigcommerce/orders.js';
import { lineSku, money, paymentMode, round2, zohoDate } from './mapping.js';
import type { ZohoItemRef } from './types.js';

/**
 * Refunds made in BigCommerce → Zoho credit notes (setting `orders.creditNotes`). Each time
 * BigCommerce's `refunded_amount` grows past what was credited, one credit note covers the
 * difference: a line per refunded product (its item, the units BigCommerce gave back, the
 * money it refunded for them) and one line for the rest (shipping, tax, a goodwill amount).
 * Rates include tax, so the credit note's total is the money that went back.
 */

/** What has been credited in Zoho so far, per BigCommerce order product. */
export interface CreditedLine {
  orderProductId: number;
  quantity: number;
  amount: number;
}

export interface CreditNoteLine {
  item_id?: string;
  name: string;
  description?: string;
  rate: number;
  quantity: number;
}

export interface CreditNotePlan {
  /** The money this credit note gives back. */
  amount: number;
  lines: CreditNoteLine[];
  /** What it covers, added to the credited lines once it exists. */
  covers: CreditedLine[];
}

const CENT = 0.005;

/** The money BigCommerce has refunded on an order. */
export const refundedAmount = (order: { refunded_amount?: unknown }) => money(order.refunded_amount);

/** True when BigCommerce has refunded more than Zoho has credited. */
export const hasUncreditedRefund = (refunded: number, credited: number) => refunded - credited > CENT;

/** True when BigCommerce's refunded amount is not the one the app last recorded. */
export const refundChanged = (refunded: number, recorded: number) => Math.abs(refunded - recorded) > CENT;

/**
 * Pure: the credit note for what was refunded since the last one, or undefined when nothing
 * new was. A product's refunded units with no Zoho item (SKU unknown) keep their name and SKU
 * on a line without an item; refunded money not tied to a product is one "other" line.
 */
export function planCreditNote(
  order: { refunded_amount?: unknown },
  products: readonly BcOrderProduct[],
  credited: { amount: number; lines: readonly CreditedLine[] },
  itemsBySku: ReadonlyMap<string, ZohoItemRef>,
): CreditNotePlan | undefined {
  const amount = round2(refundedAmount(order) - credited.amount);
  if (amount <= CENT) return undefined;

  const before = new Map(credited.lines.map((l) => [l.orderProductId, l]));
  const lines: CreditNoteLine[] = [];
  const covers: CreditedLine[] = [];
  for (const product of products) {
    const seen = before.get(product.id);
    const quantity = (Number(product.quantity_refunded) || 0) - (seen?.quantity ?? 0);
    if (quantity <= 0) continue;
    const refundedMoney = round2(money(product.refund_amount) - (seen?.amount ?? 0));
    // No money on the line (refunded at order level): the units go back at the price paid.
    const lineAmount = refundedMoney > CENT ? refundedMoney : round2(money(product.price_inc_tax) * quantity);
    const sku = lineSku(product);
    const item = sku ? itemsBySku.get(sku) : undefined;
    lines.push({
      ...(item ? { item_id: item.item_id } : {}),
      name: String(product.name ?? sku).slice(0, 100) || `Order product ${product.id}`,
      ...(sku ? { description: `SKU ${sku}` } : {}),
      // Whole cents per unit, rounded down: the cent or two left over goes on the "other" line.
      rate: Math.floor(Math.round(lineAmount * 100) / quantity) / 100,
      quantity,
    });
    covers.push({ orderProductId: product.id, quantity, amount: lineAmount });
  }

  const linesTotal = creditNoteTotal({ lines });
  const rest = round2(amount - linesTotal);
  if (rest < -CENT) {
    // The products' money says more than was refunded in all (BigCommerce's figures disagree):
    // the amount refunded is what counts, on one line naming the products.
    const names = lines.map((l) => `${l.quantity} × ${l.name}`).join(', ');
    return { amount, lines: [{ name: 'Refund', description: `Refunded in BigCommerce: ${names}`.slice(0, 2000), rate: amount, quantity: 1 }], covers };
  }
  if (rest > CENT) lines.push({ name: 'Other refunded amount', description: 'Shipping, tax or an amount not tied to a product, refunded in BigCommerce', rate: rest, quantity: 1 });
  return { amount, lines, covers };
}

/** `CN-<prefix><order id>-<n>`: a number Zoho refuses twice, so a retried create cannot duplicate. */
export const creditNoteNumber = (prefix: string, orderId: number, n: number) => `CN-${prefix}${orderId}-${n}`;

/** Dated `date`'s day in the Zoho organization's `timeZone` (as its refund, below). */
export function creditNoteBody(orderId: number, customerId: string, number: string, plan: Pick<CreditNotePlan, 'lines'>, date: Date, timeZone: string): Record<string, unknown> {
  return {
    customer_id: customerId,
    date: zohoDate(date, timeZone),
    creditnote_number: number,
    reference_number: String(orderId),
    // The rates are what BigCommerce refunded, tax included.
    is_inclusive_tax: true,
    notes: `Refund of BigCommerce order #${orderId}`,
    line_items: plan.lines,
  };
}

/** Money out of Zoho for a paid invoice's credit note, by the order's payment method. */
export function creditNoteRefundBody(order: { id: number; payment_method?: unknown }, amount: number, date: Date, timeZone: string): Record<string, unknown> {
  const method = typeof order.payment_method === 'string' ? order.payment_method.trim() : '';
  return {
    date: zohoDate(date, timeZone),
    refund_mode: paymentMode(method),
    amount,
    reference_number: String(order.id),
    description: `Refunded in BigCommerce (order #${order.id}${method ? `, ${method}` : ''})`,
  };
}

/** A credit note's lines, summed: what it gives back. */
export const creditNoteTotal = (plan: Pick<CreditNotePlan, 'lines'>) => round2(plan.lines.reduce((sum, l) => sum + l.rate * l.quantity, 0));
