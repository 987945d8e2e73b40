import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { RunLock, SyncRun, runLockId, type SyncRunDoc } from '../db/models/index.js';
import type { Flow, Trigger } from './flows.js';

/** A queued run nobody started within this long (its job was lost) no longer blocks its flow. */
export const QUEUED_LOCK_MS = 30 * 60_000;
export const RUN_JOB = 'sync.run';

export interface RunRequest {
  storeHash: string;
  flow: Flow;
  trigger: Trigger;
  dryRun?: boolean;
}

type RunRef = Pick<SyncRunDoc, '_id' | 'storeHash' | 'flow'>;
const lockOf = (run: RunRef) => runLockId(run.storeHash, run.flow);
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Starts a run of a flow for a store, or joins the one already queued or running: one run per
 * store and flow at a time, enforced by inserting the flow's RunLock (a unique key of ours, not
 * only Agenda's job lock). A lock whose lease lapsed (a killed worker, a lost job) is taken over
 * by compare-and-set.
 */
export async function requestRun(ctx: AppContext, request: RunRequest): Promise<{ runId: string; joined: boolean }> {
  const { storeHash, flow } = request;
  const runId = randomUUID();
  const now = new Date();
  const claimed = await claimFlow(runLockId(storeHash, flow), runId, now);
  if (!claimed.ok) return { runId: claimed.holder, joined: true };

  await SyncRun.create({ _id: runId, storeHash, flow, trigger: request.trigger, dryRun: request.dryRun ?? false, status: 'queued', queuedAt: now });
  await ctx.jobs.enqueue(RUN_JOB, { storeHash, flow, runId });
  return { runId, joined: false };
}

async function claimFlow(lockId: string, runId: string, now: Date): Promise<{ ok: true } | { ok: false; holder: string }> {
  for (;;) {
    try {
      await RunLock.create({ _id: lockId, runId, owner: null, heartbeatAt: now, expiresAt: new Date(now.getTime() + QUEUED_LOCK_MS) });
      return { ok: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const lock = await RunLock.findById(lockId).lean();
    if (!lock) continue; // released in between: try again
    if (lock.expiresAt.getTime() > now.getTime()) return { ok: false, holder: lock.runId };
    // Its holder is gone: take the flow over only if nobody else did first.
    const takeover = await RunLock.updateOne(
      { _id: lockId, runId: lock.runId, expiresAt: lock.expiresAt },
      { $set: { runId, owner: null, heartbeatAt: now, expiresAt: new Date(now.getTime() + QUEUED_LOCK_MS) } },
    );
    if (takeover.modifiedCount === 1) {
      await SyncRun.updateOne(
        { _id: lock.runId, status: { $in: ['queued', 'running'] } },
        { $set: { status: 'failed', finishedAt: now, message: 'Its worker stopped and the run did not resume; a new run took over.' } },
      );
      return { ok: true };
    }
  }
}

/**
 * Makes this execution the one working on the run, for `leaseMs`: succeeds when nobody executes
 * it, when it is ours already, or when the executing worker's lease lapsed. False while another
 * live execution holds it, or when the flow now belongs to another run.
 */
export async function claimExecution(run: RunRef, owner: string, leaseMs: number): Promise<boolean> {
  const now = new Date();
  const result = await RunLock.updateOne(
    { _id: lockOf(run), runId: run._id, $or: [{ owner: null }, { owner }, { expiresAt: { $lt: now } }] },
    { $set: { owner, heartbeatAt: now, expiresAt: new Date(now.getTime() + leaseMs) } },
  );
  return result.modifiedCount === 1 || result.matchedCount === 1;
}

/** Whether the flow still belongs to this run (a run whose flow was taken over must stop). */
export async function runHoldsFlow(run: RunRef): Promise<boolean> {
  return (await RunLock.exists({ _id: lockOf(run), runId: run._id })) !== null;
}

/** Renews this execution's lease; false when it was lost (then the execution must stop). */
export async function renewExecution(run: RunRef, owner: string, leaseMs: number): Promise<boolean> {
  const now = new Date();
  const result = await RunLock.updateOne({ _id: lockOf(run), runId: run._id, owner }, { $set: { heartbeatAt: now, expiresAt: new Date(now.getTime() + leaseMs) } });
  return result.matchedCount === 1;
}

export async function releaseRunLock(run: RunRef): Promise<void> {
  await RunLock.deleteOne({ _id: lockOf(run), runId: run._id });
}
