import type { AppContext } from '../context.js';
import { SyncRun } from '../db/models/index.js';
import { getSettings } from '../settings/service.js';
import { runnerFor } from './registry.js';
import { RunReporter } from './reporter.js';
import { beatRunLock, releaseRunLock } from './runs.js';

const HEARTBEAT_MS = 20_000;

/**
 * Runs (or resumes) one queued run: the `sync.run` job's body. A run found `running` was left by
 * a killed worker; its flow resumes from the saved checkpoint, and its idempotent apply makes
 * sure nothing is created twice.
 */
export async function executeRun(ctx: AppContext, runId: string, touchJob: () => Promise<void> = async () => {}): Promise<void> {
  const run = await SyncRun.findById(runId).lean();
  if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
  if (!(await beatRunLock(run))) {
    await finish(runId, { status: 'cancelled', message: 'Another run of this flow took over.' });
    return;
  }
  const log = ctx.logger.child({ runId, storeHash: run.storeHash, flow: run.flow });
  await SyncRun.updateOne({ _id: runId }, { $set: { status: 'running', startedAt: run.startedAt ?? new Date() } });

  const runner = runnerFor(run.flow);
  if (!runner) {
    await finish(runId, { status: 'skipped', message: `The ${run.flow} flow is not available in this version yet.` });
    await releaseRunLock(run);
    return;
  }

  const reporter = new RunReporter(run);
  const heartbeat = async () => {
    await beatRunLock(run);
    await touchJob();
  };
  const timer = setInterval(() => void heartbeat().catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed')), HEARTBEAT_MS);
  try {
    const settings = await getSettings(run.storeHash);
    const outcome = await runner({ ctx, run: { ...run, status: 'running' }, settings, reporter, heartbeat });
    await reporter.save();
    const { failed, created, updated, hidden, unchanged } = reporter.counts;
    const status = outcome?.status ?? (failed === 0 ? 'succeeded' : created + updated + hidden + unchanged > 0 ? 'partial' : 'failed');
    await finish(runId, { status, message: outcome?.message ?? (failed ? `${failed} record(s) need attention.` : undefined) });
    log.info({ status, counts: reporter.counts }, 'run finished');
  } catch (error) {
    await reporter.save().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    await finish(runId, { status: 'failed', message });
    log.error({ err: error }, 'run failed');
  } finally {
    clearInterval(timer);
    await releaseRunLock(run);
  }
}

async function finish(runId: string, result: { status: string; message?: string }): Promise<void> {
  await SyncRun.updateOne({ _id: runId }, { $set: { status: result.status, finishedAt: new Date(), ...(result.message ? { message: result.message } : {}) } });
}
