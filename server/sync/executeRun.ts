import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { SyncRun } from '../db/models/index.js';
import { getSettings } from '../settings/service.js';
import { runnerFor } from './registry.js';
import { RunReporter } from './reporter.js';
import { claimExecution, releaseRunLock, runHoldsFlow } from './runs.js';
import type { Lease } from './lease.js';

export interface ExecuteOptions {
  /** How often the execution renews its lease; the lease lasts three of these. */
  heartbeatMs?: number;
}

/** The execution lost its lease (it stalled and another worker took the run over): stop at once. */
class ExecutionLost extends Error {}

const ACTIVE = ['queued', 'running'];

/**
 * Runs (or resumes) one run: the `sync.run` job's body. Exactly one execution works on a run at
 * a time (a lease on the flow's RunLock); a run found `running` was left by a killed worker and
 * resumes here from its checkpoint, its idempotent apply making sure nothing is created twice.
 */
export async function executeRun(ctx: AppContext, runId: string, options: ExecuteOptions = {}): Promise<void> {
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const leaseMs = heartbeatMs * 3;
  const run = await SyncRun.findById(runId).lean();
  if (!run || !ACTIVE.includes(run.status)) return;
  const owner = randomUUID();

  // Another worker may still be on it: wait for it to finish, or for its lease to lapse.
  let lease: Lease | undefined;
  while (!(lease = await claimExecution(run, owner, leaseMs))) {
    if (!(await runHoldsFlow(run))) {
      await finish(runId, { status: 'cancelled', message: 'Another run of this flow took over.' });
      return;
    }
    const now = await SyncRun.findById(runId, { status: 1 }).lean();
    if (!now || !ACTIVE.includes(now.status)) return;
    await new Promise((r) => setTimeout(r, heartbeatMs));
  }

  const log = ctx.logger.child({ runId, storeHash: run.storeHash, flow: run.flow });
  await SyncRun.updateOne({ _id: runId }, { $set: { status: 'running', startedAt: run.startedAt ?? new Date() } });
  const runner = runnerFor(run.flow);
  if (!runner) {
    await finish(runId, { status: 'skipped', message: `The ${run.flow} flow is not available in this version yet.` });
    await releaseRunLock(run);
    return;
  }

  // Renewed every heartbeat (a third of the lease) while the run executes; let go at shutdown.
  const held = lease.keepAlive();
  // What flows call between batches: no I/O, just stop if the run is no longer ours.
  const heartbeat = async () => {
    if (held.isLost) throw new ExecutionLost('This worker lost the run to another one.');
  };
  const reporter = new RunReporter(run);
  try {
    const settings = await getSettings(run.storeHash);
    const outcome = await runner({ ctx, run: { ...run, status: 'running' }, settings, reporter, heartbeat });
    // The result is recorded only by the execution that still holds the run (fenced).
    if (!(await held.renew())) throw new ExecutionLost('This worker lost the run to another one.');
    await reporter.save();
    const { failed, created, updated, hidden, unchanged } = reporter.counts;
    const status = outcome?.status ?? (failed === 0 ? 'succeeded' : created + updated + hidden + unchanged > 0 ? 'partial' : 'failed');
    await finish(runId, { status, message: outcome?.message ?? (failed ? `${failed} record(s) need attention.` : undefined) });
    await releaseRunLock(run);
    log.info({ status, counts: reporter.counts }, 'run finished');
  } catch (error) {
    if (error instanceof ExecutionLost) {
      log.warn('run taken over by another worker; this execution stops');
      return;
    }
    await reporter.save().catch(() => undefined);
    await finish(runId, { status: 'failed', message: error instanceof Error ? error.message : String(error) });
    await releaseRunLock(run);
    log.error({ err: error }, 'run failed');
  } finally {
    held.abandon();
  }
}

async function finish(runId: string, result: { status: string; message?: string }): Promise<void> {
  await SyncRun.updateOne({ _id: runId }, { $set: { status: result.status, finishedAt: new Date(), ...(result.message ? { message: result.message } : {}) } });
}
