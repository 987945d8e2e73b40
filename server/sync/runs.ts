import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { RunLock, SyncRun, runLockId, type SyncRunDoc } from '../db/models/index.js';
import type { Flow, Trigger } from './flows.js';
import { leaseOptions, takeLease, type Lease, type LeaseKind } from './lease.js';

/** A queued run nobody started within this long (its job was lost) no longer blocks its flow. */
export const QUEUED_LOCK_MS = 30 * 60_000;
export const RUN_JOB = 'sync.run';

/** What a `sync.run` job carries. */
export interface RunJobData {
  storeHash: string;
  flow: Flow;
  runId: string;
}

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
  await ctx.jobs.enqueue(RUN_JOB, { storeHash, flow, runId } satisfies RunJobData);
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
    // Lapsed by more than the clock margin (hosts' clocks differ), as every lease of the app.
    if (lock.expiresAt.getTime() > now.getTime() - leaseOptions.clockSkewMs) return { ok: false, holder: lock.runId };
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

/** The execution lease on a flow's RunLock (the lease module's), `leaseMs` long. */
const executionLease = (leaseMs: number): LeaseKind => ({
  name: 'run',
  model: RunLock,
  ownerField: 'owner',
  untilField: 'expiresAt',
  leaseMs: () => leaseMs,
  // Queued, not executing yet: any worker may start it.
  alsoFree: [{ owner: null }],
});

/**
 * Makes this execution the one working on the run, for `leaseMs`: succeeds when nobody executes
 * it, when it is ours already, or when the executing worker's lease lapsed. Undefined while
 * another live execution holds it, or when the flow now belongs to another run.
 */
export function claimExecution(run: RunRef, owner: string, leaseMs: number): Promise<Lease | undefined> {
  return takeLease(executionLease(leaseMs), lockOf(run), owner, { runId: run._id });
}

/** Whether the flow still belongs to this run (a run whose flow was taken over must stop). */
export async function runHoldsFlow(run: RunRef): Promise<boolean> {
  return (await RunLock.exists({ _id: lockOf(run), runId: run._id })) !== null;
}

export async function releaseRunLock(run: RunRef): Promise<void> {
  await RunLock.deleteOne({ _id: lockOf(run), runId: run._id });
}
