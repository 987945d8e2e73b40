import { randomUUID } from 'node:crypto';
import { RunRecord, SyncRun } from '../../db/models/index.js';
import type { Flow } from '../flows.js';
import { countOf, resultOf, type RecordOutcome } from '../reporter.js';
import { webhookRunId } from '../webhookRun.js';

/**
 * Webhook-driven order work is grouped into one run per store, flow and hour
 * (`<store>:orders:webhook:<YYYY-MM-DDTHH>`): inserting it is the claim, every processed event
 * adds its counts with $inc. When a new hour's run starts, the store's earlier webhook runs of
 * the flow are closed with a status from their counts.
 */

/** Runs this process has seen exist (a hint that saves one insert per event; the insert stays the claim). */
const known = new Set<string>();

export async function webhookRunFor(storeHash: string, flow: 'orders', at = new Date()): Promise<string> {
  const _id = webhookRunId(storeHash, flow, at);
  if (known.has(_id)) return _id;
  if (known.size > 1_000) known.clear();
  try {
    await SyncRun.create({ _id, storeHash, flow, trigger: 'webhook', status: 'running', queuedAt: at, startedAt: at });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    known.add(_id);
    return _id;
  }
  known.add(_id);
  await closeEarlierRuns(storeHash, flow, _id);
  return _id;
}

async function closeEarlierRuns(storeHash: string, flow: Flow, currentId: string): Promise<void> {
  const open = await SyncRun.find({ storeHash, flow, trigger: 'webhook', status: 'running', _id: { $ne: currentId } }, { counts: 1 }).lean();
  for (const run of open) {
    const c = run.counts ?? {};
    const done = (c.created ?? 0) + (c.updated ?? 0) + (c.hidden ?? 0) + (c.unchanged ?? 0) + (c.skipped ?? 0);
    const status = (c.failed ?? 0) === 0 ? 'succeeded' : done > 0 ? 'partial' : 'failed';
    await SyncRun.updateOne({ _id: run._id, status: 'running' }, { $set: { status } });
  }
}

/** Adds one order's outcome to a webhook run: its counts, calls spent and (unless unchanged) a record. */
export async function recordInRun(runId: string, storeHash: string, outcome: RecordOutcome, calls: { zoho: number; bigcommerce: number }): Promise<void> {
  const now = new Date();
  await SyncRun.updateOne(
    { _id: runId },
    { $inc: { [`counts.${countOf[outcome.operation]}`]: 1, 'apiCalls.zoho': calls.zoho, 'apiCalls.bigcommerce': calls.bigcommerce }, $set: { finishedAt: now } },
  );
  if (outcome.operation === 'unchanged') return;
  await RunRecord.create({ _id: randomUUID(), runId, storeHash, ...outcome, result: resultOf(outcome.operation), at: now });
}
