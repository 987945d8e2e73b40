import { StoreNotConnectedError } from '../../bigcommerce/clientFactory.js';
import type { BigCommerceEventJobData } from '../../bigcommerce/webhookDelivery.js';
import type { AppContext } from '../../context.js';
import { OrderSync, WebhookReceipt, orderSyncId } from '../../db/models/index.js';
import { processOrder, type OrderTrigger, type ProcessResult } from './process.js';
import type { OrderJobData } from './retryScheduler.js';
import { orderServicesFor } from './services.js';
import { recordInRun, webhookRunFor } from './webhookRun.js';

/**
 * The job handlers of the orders flow (registered in jobs/definitions.ts): thin, the work is
 * processOrder's. Each outcome is counted in the store's webhook run of the hour.
 */

/** `bigcommerce.order`: a store/order/* event recorded by webhook intake. */
export async function handleOrderEvent(ctx: AppContext, data: BigCommerceEventJobData): Promise<ProcessResult | undefined> {
  const orderId = Number(data.resourceId ?? data.data?.id);
  if (!Number.isInteger(orderId) || orderId <= 0) {
    await WebhookReceipt.updateOne({ _id: data.receiptId }, { $set: { status: 'ignored', note: 'The event names no order id.' } });
    return undefined;
  }
  const result = await processAndCount(ctx, data.storeHash, orderId, 'webhook');
  const failed = result?.status === 'failed';
  await WebhookReceipt.updateOne(
    { _id: data.receiptId },
    { $set: { status: failed ? 'failed' : 'processed', ...(result?.outcome.reason ? { note: result.outcome.reason.slice(0, 500) } : {}) } },
  );
  return result;
}

/**
 * `orders.process` (a retry asked from the panel: now, whatever the order's state) and
 * `orders.retry`: a scheduled retry runs only if the order still waits for exactly this attempt
 * (a later failure scheduled its own); a follow-up of an event that found the order busy (no
 * `at`) runs whatever the order's status, since a cancellation, payment, refund or edit of a
 * done, held or failed order is what it carries (the order's `recheck` flag keeps it durable).
 */
export async function handleOrderJob(ctx: AppContext, data: OrderJobData, trigger: Extract<OrderTrigger, 'manual' | 'retry'>): Promise<ProcessResult | undefined> {
  if (trigger === 'retry' && data.at) {
    const doc = await OrderSync.findById(orderSyncId(data.storeHash, data.orderId), { status: 1, nextAttemptAt: 1, recheck: 1 }).lean();
    if (!doc || ((doc.status !== 'waiting' || doc.nextAttemptAt?.toISOString() !== data.at) && !doc.recheck)) return undefined;
  }
  return processAndCount(ctx, data.storeHash, data.orderId, trigger);
}

async function processAndCount(ctx: AppContext, storeHash: string, orderId: number, trigger: OrderTrigger): Promise<ProcessResult | undefined> {
  let services;
  try {
    services = await orderServicesFor(ctx, storeHash);
  } catch (error) {
    // Uninstalled since the event: nothing can be read or written for this store.
    if (error instanceof StoreNotConnectedError) return undefined;
    throw error;
  }
  const runId = await webhookRunFor(storeHash, 'orders');
  const result = await processOrder(ctx, { storeHash, orderId, trigger, runId }, services);
  await recordInRun(runId, storeHash, result.outcome, result.calls);
  return result;
}
