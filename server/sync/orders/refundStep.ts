import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrderProducts, type BcOrder, type BcOrderProduct } from '../../bigcommerce/orders.js';
import type { OrderSyncDoc } from '../../db/models/index.js';
import { ZohoApiError, ZohoAuthError, ZohoErrorCode } from '../../zoho/errors.js';
import type { Priority } from '../priority.js';
import { passCrashPoint } from './crashPoints.js';
import { OrderConflictError } from './failures.js';
import { resolveItemsBySku } from './items.js';
import { lineSku, round2 } from './mapping.js';
import {
  creditNoteBody,
  creditNoteNumber,
  creditNoteRefundBody,
  creditNoteTotal,
  hasUncreditedRefund,
  planCreditNote,
  refundedAmount,
  type CreditNoteLine,
  type CreditedLine,
} from './refunds.js';
import { booked, bookedLines, inBookedCurrency, type Booking } from './currency.js';
import type { ZohoCreditNote } from './types.js';
import type { OrderZohoCalls } from './zohoCalls.js';

export interface RefundStepInput {
  storeHash: string;
  order: BcOrder;
  doc: Pick<OrderSyncDoc, 'refunds'>;
  /** The order's products when this attempt read them already (an order first seen refunded). */
  products?: BcOrderProduct[];
  customerId: string;
  invoiceId: string;
  /** A draft invoice cannot be credited in Zoho: the credit note then stands alone. */
  invoiceSent: boolean;
  /** The app recorded the customer's payment: the credit note is refunded from Zoho (money out). */
  paidThroughApp: boolean;
  salesOrderPrefix: string;
  /** How the order was booked: its credit notes and refunds follow (in its currency, or converted at the same rate). */
  booking?: Booking;
  zoho: OrderZohoCalls;
  bc: BigCommerceClient;
  priority: Priority;
  save: (set: Record<string, unknown>, unset?: string[]) => Promise<void>;
}

interface PendingNote {
  number: string;
  amount: number;
  lines: CreditNoteLine[];
  covers: CreditedLine[];
  creditnoteId?: string;
  refundId?: string;
  intentAt?: Date;
  refundIntentAt?: Date;
  /** Zoho refused to record the refund for good: the merchant records it in Zoho. */
  refundError?: string;
}

/** More credit notes than this in one pass means something is wrong (a figure that never settles). */
const MAX_NOTES_PER_PASS = 5;

/**
 * The credit notes an order's refunds call for, each made once. A credit note is planned and
 * saved (`refunds.pending`) before Zoho is asked, with a number Zoho refuses twice; a retry
 * finds the saved plan, looks the number up and creates only what is missing, then the refund
 * (looked up on the credit note by the order's reference first). Answers a note for the panel.
 */
export async function creditRefunds(input: RefundStepInput): Promise<string | undefined> {
  try {
    return await creditEachRefund(input);
  } catch (error) {
    // A new token refused as well: the connection predates the credit-notes permission.
    if (error instanceof ZohoApiError && error.httpStatus === 401 && error.code === ZohoErrorCode.notAuthorized) {
      throw new OrderConflictError(
        'Zoho Inventory did not allow the app to create credit notes: the connection was made without that permission. Reconnect Zoho Inventory in Settings, then retry the order.',
      );
    }
    throw error;
  }
}

async function creditEachRefund(input: RefundStepInput): Promise<string | undefined> {
  const { order, zoho } = input;
  let refunds = {
    credited: input.doc.refunds?.credited ?? 0,
    lines: (input.doc.refunds?.lines ?? []) as CreditedLine[],
    creditNotes: (input.doc.refunds?.creditNotes ?? []) as PendingNote[],
  };
  let pending = (input.doc.refunds?.pending ?? undefined) as PendingNote | undefined;
  let products = input.products;

  for (let pass = 0; pass < MAX_NOTES_PER_PASS; pass++) {
    // Planned by an earlier attempt (which may have reached Zoho): sent again as it was.
    let sentBefore = Boolean(pending);
    if (!pending) {
      if (!hasUncreditedRefund(refundedAmount(order), refunds.credited)) break;
      products ??= await getOrderProducts(input.bc, order.id, { priority: input.priority });
      const items = await resolveItemsBySku(input.storeHash, products.map(lineSku), zoho);
      const plan = planCreditNote(order, products, { amount: refunds.credited, lines: refunds.lines }, items);
      if (!plan) break;
      pending = { number: creditNoteNumber(input.salesOrderPrefix, order.id, refunds.creditNotes.length + 1), ...plan, intentAt: new Date() };
      await input.save({ 'refunds.pending': pending });
      sentBefore = false;
    }

    if (!pending.creditnoteId) {
      const note = await createCreditNoteOnce(input, pending, sentBefore);
      pending.creditnoteId = note.creditnote_id;
      await input.save({ 'refunds.pending.creditnoteId': note.creditnote_id });
    }

    if (input.paidThroughApp && !pending.refundId && !pending.refundError) {
      const reference = String(order.id);
      let refundId = pending.refundIntentAt
        ? (await zoho.listCreditNoteRefunds(pending.creditnoteId)).find((r) => r.reference_number === reference)?.creditnote_refund_id
        : undefined;
      if (!refundId) {
        await input.save({ 'refunds.pending.refundIntentAt': new Date() });
        try {
          refundId = (await zoho.refundCreditNote(pending.creditnoteId, bookedRefundBody(input, pending))).creditnote_refund_id;
          passCrashPoint('creditnote_refund', order.id);
        } catch (error) {
          // Refused for good (an account Zoho wants, a balance already refunded there): the credit
          // note stands, and the money out is left to the merchant, said in the note.
          if (!isRefusal(error)) throw error;
          pending.refundError = error.message;
        }
      }
      if (refundId) pending.refundId = refundId;
    }

    refunds = {
      credited: round2(refunds.credited + pending.amount),
      lines: addCovers(refunds.lines, pending.covers),
      creditNotes: [...refunds.creditNotes, { ...pending, createdAt: new Date() } as PendingNote],
    };
    await input.save({ 'refunds.credited': refunds.credited, 'refunds.lines': refunds.lines, 'refunds.creditNotes': refunds.creditNotes }, ['refunds.pending']);
    pending = undefined;
  }

  if (refunds.creditNotes.length === 0) return undefined;
  const numbers = refunds.creditNotes.map((n) => n.number).join(', ');
  const after = input.paidThroughApp
    ? 'refunded from Zoho'
    : 'left open in Zoho: the app did not record this order’s payment, so apply or refund the credit there';
  const refused = refunds.creditNotes.filter((n) => n.refundError);
  const refusedNote = refused.length
    ? ` Zoho refused to record the refund of ${refused.map((n) => n.number).join(', ')} (${refused[0]!.refundError}): record it in Zoho.`
    : '';
  return `Refunded ${refunds.credited.toFixed(2)} in BigCommerce: credit note${refunds.creditNotes.length > 1 ? 's' : ''} ${numbers} (${after}).${refusedNote}`;
}

/** Zoho refused the request as it is (not a limit, an outage or the connection's permissions). */
function isRefusal(error: unknown): error is ZohoApiError {
  return error instanceof ZohoApiError && !error.transient && error.httpStatus !== 401 && error.httpStatus !== 429 && !(error instanceof ZohoAuthError);
}

async function createCreditNoteOnce(input: RefundStepInput, pending: PendingNote, sentBefore: boolean): Promise<ZohoCreditNote> {
  const { zoho, order } = input;
  const found = sentBefore ? await zoho.findCreditNoteByNumber(pending.number) : undefined;
  if (found) return found;
  try {
    const created = await zoho.createCreditNote(
      rateAsText(inBookedCurrency(creditNoteBody(order.id, input.customerId, pending.number, { lines: bookedLines(pending.lines, input.booking) }, new Date(), zoho.timeZone), input.booking, pending.amount)),
      input.invoiceSent ? input.invoiceId : undefined,
    );
    passCrashPoint('creditnote', order.id);
    return created;
  } catch (error) {
    // Zoho refuses a number it has: the credit note is there already.
    if (!(error instanceof ZohoApiError) || error.transient || error.httpStatus === 429) throw error;
    const existing = await zoho.findCreditNoteByNumber(pending.number);
    if (!existing) throw error;
    if (existing.reference_number !== undefined && existing.reference_number !== String(order.id)) {
      throw new OrderConflictError(`Zoho already has credit note ${pending.number} for another order (reference ${existing.reference_number || 'none'}). Give this store its own sales-order prefix in the settings, then retry.`);
    }
    return existing;
  }
}

/** The money out for a credit note, in the currency it was booked in (converted: never more than the converted note's lines). */
function bookedRefundBody(input: RefundStepInput, pending: PendingNote): Record<string, unknown> {
  const amount = input.booking?.kind === 'convert' ? Math.min(booked(pending.amount, input.booking), creditNoteTotal({ lines: bookedLines(pending.lines, input.booking) })) : pending.amount;
  return rateAsText(inBookedCurrency(creditNoteRefundBody(input.order, amount, new Date(), input.zoho.timeZone), input.booking, pending.amount, 'description'));
}

/** credit-notes.yml types `exchange_rate` as a string (invoices, sales orders and payments: a number). */
const rateAsText = (body: Record<string, unknown>) => (typeof body.exchange_rate === 'number' ? { ...body, exchange_rate: String(body.exchange_rate) } : body);

function addCovers(lines: readonly CreditedLine[], covers: readonly CreditedLine[]): CreditedLine[] {
  const byProduct = new Map(lines.map((l) => [l.orderProductId, { ...l }]));
  for (const c of covers) {
    const line = byProduct.get(c.orderProductId) ?? { orderProductId: c.orderProductId, quantity: 0, amount: 0 };
    line.quantity += c.quantity;
    line.amount = round2(line.amount + c.amount);
    byProduct.set(c.orderProductId, line);
  }
  return [...byProduct.values()];
}
