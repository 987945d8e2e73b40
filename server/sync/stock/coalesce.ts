import type { AppContext } from '../../context.js';
import { StockDirty, StockFlush, StockState, stockDirtyId } from '../../db/models/index.js';
import { zohoClientFor } from '../../zoho/client.js';
import { stockRealtime } from './options.js';
import { coalescingWindow, type CoalescingWindow } from './window.js';

/**
 * Coalescing: an event only marks its record (StockDirty, one entry per record however many
 * events) and makes sure one flush is coming for the store (StockFlush, claimed by insert).
 * One flush per store and window then reads every marked record at once and writes one
 * BigCommerce batch: fifty events about one item within a window cost one write.
 */
export const STOCK_FLUSH_JOB = 'stock.flush';
/** Every minute: flushes whose window was too long to wait in a job, or whose job was lost. */
export const STOCK_SWEEP_JOB = 'stock.flush.sweep';

export interface StockFlushJobData {
  storeHash: string;
  /** Which claim the job is for (ISO time): a job that outlived its claim does nothing. */
  claimedAt: string;
  [key: string]: unknown;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

export async function markDirty(storeHash: string, source: 'zoho' | 'bigcommerce', kind: string, recordId: string, now = new Date()): Promise<void> {
  const _id = stockDirtyId(storeHash, source, kind, recordId);
  const update = { $set: { storeHash, source, kind, recordId, markedAt: now }, $setOnInsert: { firstMarkedAt: now } };
  try {
    await StockDirty.updateOne({ _id }, update, { upsert: true });
  } catch (error) {
    // Two events upserting the same record at once: the other inserted it, so this one updates.
    if (!isDuplicateKey(error)) throw error;
    await StockDirty.updateOne({ _id }, { $set: update.$set });
  }
}

/** The window for the store's next flush, from its Zoho budget (the base one when the budget is unknown). */
export async function currentWindow(ctx: AppContext, storeHash: string, now = stockRealtime.now()): Promise<CoalescingWindow> {
  const { baseWindowMs: baseMs, maxWindowMs: maxMs } = stockRealtime;
  try {
    const { budget } = await zohoClientFor(ctx, storeHash);
    return coalescingWindow({ used: budget.used, remaining: budget.remaining, now, baseMs, maxMs });
  } catch {
    return { ms: baseMs, widened: false };
  }
}

/**
 * Makes sure a flush is coming: the first caller of a window inserts the claim and queues the
 * job (a window too long to wait in a job is left to the sweep); the others find it taken.
 * `delayMs` forces the delay (a retry after a failure) instead of the budget's window.
 */
export async function ensureFlush(ctx: AppContext, storeHash: string, options: { now?: Date; delayMs?: number; event?: 'zoho' | 'bigcommerce' } = {}): Promise<boolean> {
  const now = options.now ?? new Date();
  // An existing claim is the common case in a burst: one read, and no budget look-up.
  if (await StockFlush.exists({ _id: storeHash })) return false;
  const window = options.delayMs !== undefined ? { ms: options.delayMs, widened: false } : await currentWindow(ctx, storeHash);
  try {
    await StockFlush.create({ _id: storeHash, dueAt: new Date(now.getTime() + window.ms), claimedAt: now, windowMs: window.ms });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  // Once per window: when the panel last heard from each platform, and the window it chose.
  const heard = options.event === 'zoho' ? { lastZohoEventAt: now } : options.event === 'bigcommerce' ? { lastBigCommerceEventAt: now } : {};
  await StockState.updateOne(
    { _id: storeHash },
    {
      $set: { ...heard, window: { ms: window.ms, at: now, ...(window.message ? { message: window.message } : {}) } },
      ...(options.event === 'zoho' ? { $unset: { silent: 1 } } : {}),
    },
    { upsert: true },
  );
  if (window.ms > stockRealtime.maxInJobWaitMs) return true;
  try {
    await ctx.jobs.enqueue(STOCK_FLUSH_JOB, { storeHash, claimedAt: now.toISOString() });
  } catch (error) {
    // Without its job the claim would hold every later event until the sweep: give it back.
    await StockFlush.deleteOne({ _id: storeHash, claimedAt: now }).catch(() => undefined);
    throw error;
  }
  return true;
}
