import type { AppContext } from '../../context.js';
import { OrderSync, orderSyncId, type OrderSyncDoc, type OrderSyncStatus } from '../../db/models/index.js';
import { ORDER_PROCESS_JOB } from './retryScheduler.js';

/** What the panel reads of the orders flow, Express-free: the routes in api/orders.ts parse and call these. */
export const ORDERS_PAGE = 50;

export interface OrderListQuery {
  status?: OrderSyncStatus;
  /** An order id, or part of an e-mail address. */
  q?: string;
  /** The next page: orders with a smaller id than this. */
  before?: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function listOrders(storeHash: string, query: OrderListQuery) {
  const q = query.q?.trim();
  const search = !q ? {} : /^\d+$/.test(q) ? { orderId: Number(q) } : { email: { $regex: escapeRegex(q.toLowerCase()) } };
  const docs = await OrderSync.find({
    storeHash,
    ...(query.status ? { status: query.status } : {}),
    ...search,
    ...(query.before ? { orderId: { $lt: query.before } } : {}),
  })
    .sort({ orderId: -1 })
    .limit(ORDERS_PAGE)
    .lean<OrderSyncDoc[]>();
  return docs.map(publicOrder);
}

export async function findOrder(storeHash: string, orderId: number) {
  const doc = await OrderSync.findById(orderSyncId(storeHash, orderId)).lean<OrderSyncDoc>();
  return doc && doc.storeHash === storeHash ? publicOrder(doc) : undefined;
}

/** Queues one order to be processed now (held, failed or waiting alike); false when the store has no such order. */
export async function retryOrder(ctx: AppContext, storeHash: string, orderId: number): Promise<boolean> {
  const exists = await OrderSync.exists({ _id: orderSyncId(storeHash, orderId), storeHash });
  if (!exists) return false;
  await ctx.jobs.enqueue(ORDER_PROCESS_JOB, { storeHash, orderId });
  return true;
}

/** The order as the panel shows it: state, the Zoho ids made so far, and why it is held or failing. */
export function publicOrder(doc: OrderSyncDoc) {
  return {
    orderId: doc.orderId,
    status: doc.status,
    step: doc.step,
    note: doc.note ?? undefined,
    email: doc.email ?? undefined,
    customerName: doc.customerName ?? undefined,
    bigcommerce: doc.bc ?? undefined,
    amounts: doc.amounts ?? undefined,
    zoho: doc.zoho ?? {},
    held: doc.held?.reason ? { reason: doc.held.reason, skus: doc.held.skus ?? [] } : undefined,
    edited: doc.edited?.at ? { at: doc.edited.at, differences: doc.edited.differences ?? [] } : undefined,
    refunds: refundsOf(doc),
    attempts: doc.attempts ?? 0,
    nextAttemptAt: doc.nextAttemptAt ?? undefined,
    lastError: doc.lastError?.message ? doc.lastError : undefined,
    lines: doc.lineMap ?? [],
    orderAddressId: doc.orderAddressId ?? undefined,
    lastRunId: doc.lastRunId ?? undefined,
    claimedAt: doc.claimedAt,
    doneAt: doc.doneAt ?? undefined,
    updatedAt: doc.updatedAt,
  };
}

/** Money refunded in BigCommerce and the Zoho credit notes made for it (none when the setting is off). */
function refundsOf(doc: OrderSyncDoc) {
  const refunded = doc.bc?.refundedAmount ?? 0;
  const creditNotes = (doc.refunds?.creditNotes ?? []).map((n) => ({
    number: n.number,
    creditnoteId: n.creditnoteId ?? undefined,
    amount: n.amount,
    refundId: n.refundId ?? undefined,
    refundError: n.refundError ?? undefined,
  }));
  if (!(refunded > 0) && creditNotes.length === 0) return undefined;
  return { refunded, credited: doc.refunds?.credited ?? 0, creditNotes, ...(doc.refunds?.pending?.number ? { pending: doc.refunds.pending.number } : {}) };
}
