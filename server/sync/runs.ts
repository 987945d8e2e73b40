import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { RunLock, SyncRun, runLockId, type SyncRunDoc } from '../db/models/index.js';
import type { Flow, Trigger } from './flows.js';

/** A lock whose holder has not beaten its heart for this long belongs to a dead worker. */
export const RUN_LOCK_STALE_MS = 2 * 60_000;
export const RUN_JOB = 'sync.run';

export interface RunRequest {
  storeHash: string;
  flow: Flow;
  trigger: Trigger;
  dryRun?: boolean;
}

/**
 * Starts a run of a flow for a store, or joins the one already queued or running: one run per
 * store and flow at a time, enforced by inserting the flow's RunLock (a unique key of ours, not
 * only Agenda's job lock). A lock left by a killed worker is taken over by compare-and-set.
 */
export async function requestRun(ctx: AppContext, request: RunRequest): Promise<{ runId: string; joined: boolean }> {
  const { storeHash, flow } = request;
  const lockId = runLockId(storeHash, flow);
  const runId = randomUUID();
  const now = new Date();
  const claimed = await claimLock(lockId, runId, now);
  if (!claimed.ok) return { runId: claimed.holder, joined: true };

  await SyncRun.create({
    _id: runId,
    storeHash,
    flow,
    trigger: request.trigger,
    dryRun: request.dryRun ?? false,
    status: 'queued',
    queuedAt: now,
  });
  await ctx.jobs.enqueue(RUN_JOB, { storeHash, flow, runId });
  return { runId, joined: false };
}

async function claimLock(lockId: string, runId: string, now: Date): Promise<{ ok: true } | { ok: false; holder: string }> {
  try {
    await RunLock.create({ _id: lockId, runId, heartbeatAt: now });
    return { ok: true };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  const lock = await RunLock.findById(lockId).lean();
  if (!lock) return claimLock(lockId, runId, now); // released in between: try again
  if (now.getTime() - lock.heartbeatAt.getTime() < RUN_LOCK_STALE_MS) return { ok: false, holder: lock.runId };
  // The holder is dead: take the lock over only if nobody else did first.
  const takeover = await RunLock.updateOne(
    { _id: lockId, runId: lock.runId, heartbeatAt: lock.heartbeatAt },
    { $set: { runId, heartbeatAt: now } },
  );
  if (takeover.modifiedCount === 1) {
    await SyncRun.updateOne(
      { _id: lock.runId, status: { $in: ['queued', 'running'] } },
      { $set: { status: 'failed', finishedAt: now, message: 'The worker running it stopped; a new run took over.' } },
    );
    return { ok: true };
  }
  const current = await RunLock.findById(lockId).lean();
  return current ? { ok: false, holder: current.runId } : claimLock(lockId, runId, now);
}

/** Keeps a run's lock alive while it works. */
export async function beatRunLock(run: Pick<SyncRunDoc, '_id' | 'storeHash' | 'flow'>): Promise<boolean> {
  const result = await RunLock.updateOne({ _id: runLockId(run.storeHash, run.flow), runId: run._id }, { $set: { heartbeatAt: new Date() } });
  return result.matchedCount === 1;
}

export async function releaseRunLock(run: Pick<SyncRunDoc, '_id' | 'storeHash' | 'flow'>): Promise<void> {
  await RunLock.deleteOne({ _id: runLockId(run.storeHash, run.flow), runId: run._id });
}
