import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import { WebhookReceipt } from '../db/models/index.js';
import { JOBS_COLLECTION } from './agenda.js';
import { stuckReceipts } from '../db/hotQueries.js';

/**
 * No webhook receipt stays `queued` forever. A receipt is recorded before its job is queued, so
 * a process that dies in between (or a job cancelled or lost) leaves a `queued` receipt that
 * no job will ever finish, and the sender's redelivery used to be answered `duplicate`. Every
 * minute the `webhooks.requeue` job looks at receipts queued more than five minutes ago (an
 * index on status and queuedAt: only those are read), and a redelivery of such a receipt does
 * the same for it:
 * - its job is gone: the job is queued again (once: the receipt's queuedAt is compare-and-set);
 * - its job still waits or runs (a retry with backoff): looked at again five minutes later;
 * - its job failed for good: the receipt is marked `failed` with the reason.
 */
export const RECEIPT_SWEEP_JOB = 'webhooks.requeue';
export const RECEIPT_STUCK_MS = 5 * 60_000;
const SWEEP_BATCH = 200;

/** The job a queued receipt stands for, kept in the receipt so that it can be queued again. */
export interface ReceiptJob {
  name: string;
  data: { storeHash: string; receiptId: string } & Record<string, unknown>;
}

interface QueuedReceipt {
  _id: string;
  queuedAt: Date;
  job?: ReceiptJob;
}

type Fate = 'requeued' | 'waiting' | 'failed' | 'taken';
/** What the jobs collection holds for a receipt: a job to run or running, or one that ended. */
type JobState = { pending: true } | { pending: false; failReason?: string };

const PROJECTION = { queuedAt: 1, job: 1 } as const;
const stuckSince = (now: Date) => new Date(now.getTime() - RECEIPT_STUCK_MS);

async function jobStates(receiptIds: string[]): Promise<Map<string, JobState>> {
  const docs = await mongoose.connection
    .db!.collection(JOBS_COLLECTION)
    .find({ 'data.receiptId': { $in: receiptIds } }, { projection: { 'data.receiptId': 1, nextRunAt: 1, lockedAt: 1, failReason: 1 } })
    .toArray();
  const states = new Map<string, JobState>();
  for (const doc of docs) {
    const receiptId = String(doc.data?.receiptId);
    if (states.get(receiptId)?.pending) continue;
    const pending = doc.nextRunAt != null || doc.lockedAt != null;
    states.set(receiptId, pending ? { pending } : { pending, failReason: doc.failReason ?? undefined });
  }
  return states;
}

async function settle(ctx: AppContext, receipt: QueuedReceipt, state: JobState | undefined, now: Date): Promise<Fate> {
  // Every change is conditioned on the receipt being as read: the sweep and a redelivery act once.
  const asRead = { _id: receipt._id, status: 'queued' as const, queuedAt: receipt.queuedAt };
  if (state?.pending || !receipt.job) {
    await WebhookReceipt.updateOne(asRead, { $set: { queuedAt: now } });
    return 'waiting';
  }
  if (state) {
    const note = `Its job failed: ${state.failReason ?? 'it ended without recording an outcome'}`.slice(0, 500);
    await WebhookReceipt.updateOne(asRead, { $set: { status: 'failed', note } });
    return 'failed';
  }
  const claimed = await WebhookReceipt.updateOne(asRead, { $set: { queuedAt: now }, $inc: { requeues: 1 } });
  if (claimed.modifiedCount !== 1) return 'taken';
  try {
    await ctx.jobs.enqueue(receipt.job.name, receipt.job.data);
  } catch (error) {
    // Not queued after all: the next sweep or redelivery tries again.
    await WebhookReceipt.updateOne({ _id: receipt._id, queuedAt: now }, { $set: { queuedAt: receipt.queuedAt }, $inc: { requeues: -1 } }).catch(() => undefined);
    throw error;
  }
  ctx.logger.info({ receiptId: receipt._id, job: receipt.job.name }, 'webhook receipt queued again: its job was lost');
  return 'requeued';
}

/** A redelivery of a known receipt: queues its job again when it is stuck; true when it did. */
export async function requeueIfStuck(ctx: AppContext, receiptId: string, now = new Date()): Promise<boolean> {
  const receipt = await WebhookReceipt.findOne({ _id: receiptId, status: 'queued', queuedAt: { $lte: stuckSince(now) } }, PROJECTION).lean<QueuedReceipt>();
  if (!receipt) return false;
  return (await settle(ctx, receipt, (await jobStates([receiptId])).get(receiptId), now)) === 'requeued';
}

/** The `webhooks.requeue` job: every receipt queued more than five minutes ago, oldest first. */
export async function sweepStuckReceipts(ctx: AppContext, now = new Date()): Promise<Record<Fate, number>> {
  const counts: Record<Fate, number> = { requeued: 0, waiting: 0, failed: 0, taken: 0 };
  const due = await WebhookReceipt.find(stuckReceipts.filter(stuckSince(now)), PROJECTION)
    .sort(stuckReceipts.sort)
    .limit(SWEEP_BATCH)
    .lean<QueuedReceipt[]>();
  if (due.length === 0) return counts;
  const states = await jobStates(due.map((r) => r._id));
  for (const receipt of due) {
    try {
      counts[await settle(ctx, receipt, states.get(receipt._id), now)]++;
    } catch (error) {
      ctx.logger.warn({ err: error, receiptId: receipt._id }, 'webhook receipt not queued again; the next sweep tries');
    }
  }
  return counts;
}
