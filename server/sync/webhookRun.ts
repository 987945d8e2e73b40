import { SyncRun } from '../db/models/index.js';
import type { Flow } from './flows.js';
import { RunReporter } from './reporter.js';

/** The hourly run that gathers a store's webhook-driven work for one flow. */
export const webhookRunId = (storeHash: string, flow: Flow, at = new Date()) => `${storeHash}:${flow}:webhook:${at.toISOString().slice(0, 13)}`;

/**
 * Runs one piece of webhook-driven work inside the store's run for this flow and hour (created
 * by whoever comes first: the insert is the claim), adding its counts to the run's. The run ends
 * `partial` once any of its work failed, `succeeded` otherwise.
 */
export async function withWebhookRun(storeHash: string, flow: Flow, work: (reporter: RunReporter) => Promise<void>): Promise<string> {
  const now = new Date();
  const _id = webhookRunId(storeHash, flow, now);
  try {
    await SyncRun.create({ _id, storeHash, flow, trigger: 'webhook', status: 'running', queuedAt: now, startedAt: now });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  const reporter = new RunReporter({ _id, storeHash }, { incremental: true });
  let failed = false;
  try {
    await work(reporter);
    failed = reporter.failedSoFar > 0;
  } catch (error) {
    failed = true;
    await SyncRun.updateOne({ _id }, { $set: { message: error instanceof Error ? error.message : String(error) } });
    throw error;
  } finally {
    await reporter.save({ finishedAt: new Date() });
    if (failed) await SyncRun.updateOne({ _id }, { $set: { status: 'partial' } });
    else await SyncRun.updateOne({ _id, status: { $ne: 'partial' } }, { $set: { status: 'succeeded' } });
  }
  return _id;
}
