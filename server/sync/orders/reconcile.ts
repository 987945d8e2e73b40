import PQueue from 'p-queue';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { BcOrder } from '../../bigcommerce/orders.js';
import { OrderSync, OrdersCursor } from '../../db/models/index.js';
import type { FlowOutcome, FlowRunContext } from '../registry.js';
import type { RunReporter } from '../reporter.js';
import { parseBcDate } from './mapping.js';
import { orderProcessing } from './options.js';
import { importBoundary, processOrder, type OrderServices, type OrderTrigger, type ProcessResult } from './process.js';
import { orderServicesFor } from './services.js';
import { dueOrderSyncs } from '../../db/hotQueries.js';

/** Waiting orders retried per reconciliation (the scheduled retries do the rest). */
const DUE_SWEEP_LIMIT = 200;
/** Orders per page of the reconciliation's read (BigCommerce v2 allows up to 250). */
const ORDERS_PAGE = 100;

/**
 * Pages of the orders modified since a date, oldest change first, read by keyset: each page
 * starts from the newest change the previous one reached, so an order modified during the pass
 * moves to the end of what is still to be read instead of shifting an unread order onto a page
 * already read (page numbers over a moving set skip orders). Orders that share one second past a
 * full page are read on by page number within that second. An order met twice with the same
 * change is given once.
 */
export async function* ordersModifiedSince(bc: BigCommerceClient, since: Date, limit = ORDERS_PAGE): AsyncGenerator<BcOrder[]> {
  let from = since;
  let page = 1;
  const given = new Map<number, string>();
  for (;;) {
    // The file's sort enum lists bare fields (its `:asc` suffix is only in the prose): ascending is the default.
    const query = { min_date_modified: from.toISOString(), sort: 'date_modified', limit, page };
    const batch = (await bc.v2<BcOrder[] | undefined>('GET', '/orders', { query, priority: 'reconcile' })) ?? [];
    const fresh = batch.filter((order) => given.get(order.id) !== String(order.date_modified));
    for (const order of fresh) given.set(order.id, String(order.date_modified));
    if (fresh.length > 0) yield fresh;
    if (batch.length < limit) return;
    const newest = batch.reduce((max, order) => Math.max(max, parseBcDate(order.date_modified)?.getTime() ?? 0), 0);
    if (newest > from.getTime()) {
      from = new Date(newest);
      page = 1;
    } else {
      page++;
    }
  }
}

/**
 * The `orders` flow (every 15 minutes by default, and "Sync now"): lists the BigCommerce
 * orders modified since the store's cursor and processes each one that is not claimed or not
 * done, so a lost webhook costs minutes, not an order; then retries waiting orders whose time
 * has come (in case their scheduled retry was lost). The cursor starts at the Zoho connection
 * (or the backfill date) and is saved after every page.
 */
export async function runOrdersReconciliation({ ctx, run, settings, reporter, heartbeat }: FlowRunContext): Promise<FlowOutcome> {
  // The cursor must not move past orders nobody looked at.
  if (!settings.orders.enabled) return { status: 'skipped', message: 'The orders flow is turned off in the settings.' };
  const storeHash = run.storeHash;
  const services = await orderServicesFor(ctx, storeHash, settings);
  const { since, backfillFrom } = await cursorStart(storeHash, services.settings);
  const queue = new PQueue({ concurrency: orderProcessing.reconcileConcurrency });
  let newest = since;
  let seen = 0;

  // The cursor never passes an order this pass could not look at (another worker held it): it
  // stops a second before the oldest such change (BigCommerce's dates have whole seconds), so
  // the next pass sees that order again even when an order read before it shares its second.
  let blockedAt: number | undefined;
  for await (const page of ordersModifiedSince(services.bc, since)) {
    const results = await Promise.all(page.map((order) => queue.add(() => processOne(ctx, services, run._id, order.id, 'reconcile', run.dryRun, order))));
    await report(reporter, results);
    page.forEach((order, i) => {
      const modified = parseBcDate(order.date_modified);
      if (!modified) return;
      if (results[i]?.status === 'busy') blockedAt = Math.min(blockedAt ?? Infinity, modified.getTime() - 1000);
      if (modified > newest) newest = modified;
    });
    if (blockedAt !== undefined && newest.getTime() > blockedAt) newest = new Date(Math.max(blockedAt, since.getTime()));
    seen += page.length;
    // A dry run looked without doing: the next real run must see the same orders.
    if (!run.dryRun) await OrdersCursor.updateOne({ _id: storeHash }, { $set: { modifiedSince: newest, updatedAt: new Date(), ...(backfillFrom ? { backfillFrom } : {}) } }, { upsert: true });
    await reporter.setProgress(seen);
    await heartbeat();
  }
  if (seen === 0 && !run.dryRun) {
    await OrdersCursor.updateOne({ _id: storeHash }, { $setOnInsert: { modifiedSince: since }, $set: { updatedAt: new Date(), ...(backfillFrom ? { backfillFrom } : {}) } }, { upsert: true });
  }

  // Due retries, orders a dead worker claimed but never got to record (no attempt time, lease
  // lapsed), and orders of any status whose holder died with an event still to look at (recheck).
  const now = new Date();
  const due = await OrderSync.find(dueOrderSyncs.filter(storeHash, now), { orderId: 1 })
    .sort(dueOrderSyncs.sort)
    .limit(DUE_SWEEP_LIMIT)
    .lean();
  const retried = await Promise.all(due.map((d) => queue.add(() => processOne(ctx, services, run._id, d.orderId, 'retry', run.dryRun))));
  await report(reporter, retried);
  reporter.addApiCalls('bigcommerce', services.bc.callCount);
  await reporter.setProgress(seen + due.length, seen + due.length);
}

/** Where this run starts: the saved cursor, or the import boundary; a new, earlier backfill date goes back once. */
async function cursorStart(storeHash: string, settings: OrderServices['settings']): Promise<{ since: Date; backfillFrom?: string }> {
  const cursor = await OrdersCursor.findById(storeHash).lean();
  const boundary = (await importBoundary(storeHash, settings)) ?? new Date();
  let since = cursor?.modifiedSince ?? boundary;
  if (settings.backfillFrom && cursor?.backfillFrom !== settings.backfillFrom) {
    const backfill = new Date(`${settings.backfillFrom}T00:00:00Z`);
    if (backfill < since) since = backfill;
  }
  return { since, ...(settings.backfillFrom ? { backfillFrom: settings.backfillFrom } : {}) };
}

async function processOne(
  ctx: FlowRunContext['ctx'],
  services: OrderServices,
  runId: string,
  orderId: number,
  trigger: OrderTrigger,
  dryRun: boolean,
  order?: BcOrder,
): Promise<ProcessResult | undefined> {
  // A dry run only says which orders it would look at.
  if (dryRun) return { orderId, status: 'unchanged', outcome: { entity: 'order', operation: 'skip', bigcommerceId: String(orderId), reason: 'Dry run: would be checked.' }, calls: { zoho: 0, bigcommerce: 0 } };
  return processOrder(ctx, { storeHash: services.bc.storeHash, orderId, trigger, runId, ...(order ? { order } : {}) }, services);
}

async function report(reporter: RunReporter, results: (ProcessResult | undefined)[]): Promise<void> {
  for (const result of results) {
    if (!result) continue;
    reporter.addApiCalls('zoho', result.calls.zoho);
    await reporter.record(result.outcome);
  }
}
