import { storeChannels } from '../../bigcommerce/channels.js';
import type { AppContext } from '../../context.js';
import { OrderSync, orderSyncId, type OrderSyncDoc } from '../../db/models/index.js';
import { ORDER_PROCESS_JOB } from './retryScheduler.js';
import { orderList, type OrderListFilter } from '../../db/hotQueries.js';

/** What the panel reads of the orders flow, Express-free: the routes in api/orders.ts parse and call these. */
export const ORDERS_PAGE = 50;

/** Status, an order id or part of an e-mail address (`q`), and the next page (`before`: a smaller order id). */
export type OrderListQuery = OrderListFilter;

export async function listOrders(ctx: AppContext, storeHash: string, query: OrderListQuery) {
  const docs = await OrderSync.find(orderList.filter(storeHash, query))
    .sort(orderList.sort)
    .limit(ORDERS_PAGE)
    .lean<OrderSyncDoc[]>();
  const names = await channelNames(ctx, storeHash, docs);
  return docs.map((doc) => publicOrder(doc, names));
}

export async function findOrder(ctx: AppContext, storeHash: string, orderId: number) {
  const doc = await OrderSync.findById(orderSyncId(storeHash, orderId)).lean<OrderSyncDoc>();
  return doc && doc.storeHash === storeHash ? publicOrder(doc, await channelNames(ctx, storeHash, [doc])) : undefined;
}

/**
 * The names of the store's channels (cached a few minutes per store, a stale list served while it
 * is read again), read only when an order records its channel. Unreadable (BigCommerce down,
 * token revoked): no names, the list still shows.
 */
async function channelNames(ctx: AppContext, storeHash: string, docs: OrderSyncDoc[]): Promise<ReadonlyMap<number, string>> {
  if (!docs.some((d) => d.bc?.channelId != null)) return new Map();
  try {
    return new Map((await storeChannels(ctx, storeHash, { stale: 'serve' })).map((c) => [c.id, c.name]));
  } catch (error) {
    ctx.logger.warn({ storeHash, err: error }, 'could not read the store’s channels for the order list');
    return new Map();
  }
}

/** Queues one order to be processed now (held, failed or waiting alike); false when the store has no such order. */
export async function retryOrder(ctx: AppContext, storeHash: string, orderId: number): Promise<boolean> {
  const exists = await OrderSync.exists({ _id: orderSyncId(storeHash, orderId), storeHash });
  if (!exists) return false;
  await ctx.jobs.enqueue(ORDER_PROCESS_JOB, { storeHash, orderId });
  return true;
}

/**
 * The order as the panel shows it: state, the Zoho ids made so far, and why it is held or failing.
 * `channel`: the storefront it came from, named from `channelNames` (name null: a channel the
 * store no longer has, or names that could not be read).
 */
export function publicOrder(doc: OrderSyncDoc, channelNames: ReadonlyMap<number, string> = new Map()) {
  const channelId = doc.bc?.channelId;
  return {
    orderId: doc.orderId,
    status: doc.status,
    step: doc.step,
    note: doc.note ?? undefined,
    email: doc.email ?? undefined,
    customerName: doc.customerName ?? undefined,
    bigcommerce: doc.bc ?? undefined,
    channel: channelId != null ? { id: channelId, name: channelNames.get(channelId) ?? null } : undefined,
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
