import type { BcOrder } from '../../bigcommerce/orders.js';
import type { OrderSyncStatus } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import { CANCELLED_STATUS_ID, channelIncluded, isPaid, isRealStatus, money, orderChannel, parseBcDate } from './mapping.js';
import { hasUncreditedRefund, refundChanged } from './refunds.js';

/** What the app knows of an order already (the parts of its OrderSync document a decision reads). */
export interface KnownOrder {
  status: OrderSyncStatus;
  zoho?: { salesorderId?: string | null; invoiceId?: string | null; paymentId?: string | null; invoiceVoided?: boolean | null } | null;
  bc?: { statusId?: number | null; dateModified?: Date | null; refundedAmount?: number | null } | null;
  refunds?: { credited?: number | null } | null;
  nextAttemptAt?: Date | null;
  /** Creates sent to Zoho (their answers may never have come back). */
  intents?: { salesorder?: Date | null; invoice?: Date | null } | null;
}

export type Decision =
  | { kind: 'nothing'; reason: string }
  | { kind: 'ignore'; note: string }
  | { kind: 'process' }
  | { kind: 'cancel' }
  /** Cancelled in BigCommerce before anything reached Zoho: nothing to void. */
  | { kind: 'cancel_unsent' }
  /** Refunded in BigCommerce, with credit notes off: the refund is recorded, Zoho is left alone. */
  | { kind: 'record_refund' };

export interface DecisionInput {
  order: Pick<BcOrder, 'status_id' | 'status' | 'date_created' | 'date_modified'> & { payment_status?: unknown; refunded_amount?: unknown; channel_id?: unknown };
  known: KnownOrder | null;
  settings: Pick<Settings['orders'], 'realStatusIds' | 'recordPayment' | 'creditNotes'> & Partial<Pick<Settings['orders'], 'channelIds'>>;
  /** Orders placed before this are history: not imported (Zoho connection time or backfill date). */
  importFrom: Date | undefined;
  /** Why we are looking: a manual retry insists; reconciliation respects backoff and held orders. */
  trigger: 'webhook' | 'reconcile' | 'manual' | 'retry';
  now: Date;
}

const DECLINED_STATUS_ID = 6;

/**
 * Pure: what an order's event (or a reconciliation's sighting, or a retry) should do, from what
 * BigCommerce says now and what the app has done so far. Cancelled (or declined after it was
 * sent) voids what exists in Zoho; a status the merchant does not count as real is ignored
 * until a change makes it real; a finished order is left alone unless it became paid.
 */
export function decide({ order, known, settings, importFrom, trigger, now }: DecisionInput): Decision {
  const inZoho = Boolean(known?.zoho?.salesorderId || known?.zoho?.invoiceId);
  if (known?.status === 'cancelled') {
    // A paid invoice kept in Zoho, then refunded in BigCommerce: recorded for the merchant (who settles it in Zoho).
    const kept = Boolean(known.zoho?.paymentId) && !known.zoho?.invoiceVoided;
    return kept && refundChanged(money(order.refunded_amount), known.bc?.refundedAmount ?? 0) ? { kind: 'record_refund' } : { kind: 'nothing', reason: 'already cancelled' };
  }

  // A sales order or invoice create was sent and its answer is unknown: Zoho may have made it,
  // so a cancellation first finds out (then voids what is there), never "nothing was sent".
  const inFlight = Boolean(known?.intents?.salesorder || known?.intents?.invoice);
  if (order.status_id === CANCELLED_STATUS_ID || (order.status_id === DECLINED_STATUS_ID && (inZoho || inFlight))) {
    if (inZoho || inFlight) return { kind: 'cancel' };
    if (known && (known.status === 'waiting' || known.status === 'held' || known.status === 'failed')) return { kind: 'cancel_unsent' };
    return ignoreOnce(known, order, `Status "${order.status}" is not one that counts as a real order.`);
  }

  // History stays out; an order the app already took on (waiting, held…) is not dropped by it.
  const placed = parseBcDate(order.date_created);
  if ((!known || known.status === 'ignored') && importFrom && placed && placed < importFrom) {
    return ignoreOnce(known, order, `Placed before Zoho Inventory was connected (${importFrom.toISOString().slice(0, 10)}); set a backfill date to import older orders.`);
  }

  // A storefront whose orders the merchant keeps out of Zoho: an order already sent stays followed.
  if (!inZoho && !inFlight && !channelIncluded(order, { channelIds: settings.channelIds ?? null })) {
    return ignoreOnce(known, order, `From channel ${orderChannel(order)}, whose orders the settings keep out of Zoho.`);
  }

  if (!isRealStatus(order.status_id, settings)) {
    // Refunded (4, 14) may be left out of the real statuses: an invoiced order's refund still counts.
    if (inZoho) return (known?.status === 'done' ? refundDecision(order, known, settings) : undefined) ?? { kind: 'nothing', reason: 'already in Zoho' };
    return ignoreOnce(known, order, `Status "${order.status}" is not one that counts as a real order.`);
  }

  if (!known) return { kind: 'process' };
  const modified = parseBcDate(order.date_modified);
  const changedSinceSeen = !known.bc?.dateModified || (modified !== undefined && modified > known.bc.dateModified) || known.bc.statusId !== order.status_id;
  switch (known.status) {
    case 'done':
      if (settings.recordPayment && isPaid(order) && !known.zoho?.paymentId) return { kind: 'process' };
      return refundDecision(order, known, settings) ?? { kind: 'nothing', reason: 'already done' };
    case 'held':
    case 'failed':
      // The merchant fixes these; a new event (new information) may also unblock them.
      return trigger === 'manual' || (trigger === 'webhook' && changedSinceSeen) ? { kind: 'process' } : { kind: 'nothing', reason: `${known.status}: waiting for the merchant` };
    case 'waiting':
      if (trigger === 'reconcile' && known.nextAttemptAt && known.nextAttemptAt > now) return { kind: 'nothing', reason: 'retry not due yet' };
      return { kind: 'process' };
    case 'ignored':
      return { kind: 'process' };
  }
  return { kind: 'process' };
}

/** A done order refunded further in BigCommerce: credited in Zoho (setting on), or only recorded. */
function refundDecision(order: DecisionInput['order'], known: KnownOrder, settings: DecisionInput['settings']): Decision | undefined {
  const refunded = money(order.refunded_amount);
  if (settings.creditNotes && known.zoho?.invoiceId && hasUncreditedRefund(refunded, known.refunds?.credited ?? 0)) return { kind: 'process' };
  if (refundChanged(refunded, known.bc?.refundedAmount ?? 0)) return { kind: 'record_refund' };
  return undefined;
}

function ignoreOnce(known: KnownOrder | null, order: DecisionInput['order'], note: string): Decision {
  if (known?.status === 'ignored' && known.bc?.statusId === order.status_id) return { kind: 'nothing', reason: 'still ignored' };
  return { kind: 'ignore', note };
}
