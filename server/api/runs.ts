import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { OrderSync, RunRecord, SyncRun, orderSyncId, type OrderSyncStatus } from '../db/models/index.js';
import { HttpError, badRequest, notFound } from '../http/errors.js';
import { ACTIVE_RUN_STATUSES, FLOWS, RUN_STATUSES, type RunStatus } from '../sync/flows.js';
import { retryOrder } from '../sync/orders/queries.js';
import { requestRun } from '../sync/runs.js';
import { isZohoConnected } from '../zoho/connectionStatus.js';
import { requireManage } from './permissions.js';
import { sessionOf } from './requireSession.js';
import { runList } from '../db/hotQueries.js';

const PAGE = 50;
const listQuery = z.object({
  flow: z.enum(FLOWS).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  /** Runs queued before this moment (ISO 8601): the next page starts at the last run's `queuedAt`. */
  before: z.iso.datetime({ offset: true }).optional(),
});

const RECORDS_LIMIT = 1_000;

/** Run history, scoped to the session's store: another store's run is a 404. */
export function runsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/runs', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw badRequest('invalid_query', `${query.error.issues[0]?.path.join('.')}: ${query.error.issues[0]?.message}`);
    const { flow, status, before } = query.data;
    const runs = await SyncRun.find(runList.filter(sessionOf(req).storeHash, { flow, status, before: before ? new Date(before) : undefined }))
      .sort(runList.sort)
      .limit(PAGE)
      .lean();
    res.json({ runs: runs.map(publicRun) });
  });

  router.get('/runs/:id', async (req, res) => {
    const run = await SyncRun.findOne({ _id: req.params.id, storeHash: sessionOf(req).storeHash }).lean();
    if (!run) throw notFound('run_not_found', 'No such run in this store.');
    res.json({ run: publicRun(run) });
  });

  router.get('/runs/:id/records', async (req, res) => {
    const { storeHash } = sessionOf(req);
    const run = await SyncRun.exists({ _id: req.params.id, storeHash });
    if (!run) throw notFound('run_not_found', 'No such run in this store.');
    const records = await RunRecord.find({ runId: req.params.id, storeHash }).sort({ at: 1 }).limit(RECORDS_LIMIT).lean();
    res.json({ records: records.map(({ _id, runId: _runId, storeHash: _s, ...rest }) => ({ id: _id, ...rest })) });
  });

  router.post('/runs/:id/retry', requireManage, async (req, res) => {
    const result = await retryRun(ctx, sessionOf(req).storeHash, req.params.id);
    res.status(202).json(result);
  });

  return router;
}

/** Statuses of a finished run that left something undone. */
const UNFINISHED_BUSINESS: RunStatus[] = ['failed', 'partial', 'cancelled'];
const ORDER_NEEDS_RETRY: OrderSyncStatus[] = ['held', 'failed'];

export type RetryResult = { id: string; joined: boolean } | { orders: number[] };

/**
 * Retries what a finished run left failed. An orders run retries each of its orders that is
 * still held or failing (each order resumes after its last completed step); any other run, or an
 * orders run whose failure was not an order's, is retried by a new manual run of the same flow:
 * the plan recomputes from current state, so records that succeeded are unchanged and cost no
 * write, and failed ones are attempted again.
 */
export async function retryRun(ctx: AppContext, storeHash: string, runId: string): Promise<RetryResult> {
  const run = await SyncRun.findOne({ _id: runId, storeHash }).lean();
  if (!run) throw notFound('run_not_found', 'No such run in this store.');
  if (ACTIVE_RUN_STATUSES.includes(run.status as RunStatus)) throw new HttpError(409, 'run_in_progress', 'This run has not finished yet.');
  if (!UNFINISHED_BUSINESS.includes(run.status as RunStatus) && (run.counts?.failed ?? 0) === 0) {
    throw new HttpError(409, 'nothing_to_retry', 'Nothing failed in this run.');
  }
  if (!(await isZohoConnected(storeHash))) throw new HttpError(409, 'zoho_not_connected', 'Connect Zoho Inventory before retrying.');

  if (run.flow === 'orders' && !run.dryRun) {
    const orderIds = await failedOrdersOf(storeHash, run._id);
    if (orderIds.length > 0) {
      for (const orderId of orderIds) await retryOrder(ctx, storeHash, orderId);
      return { orders: orderIds };
    }
  }
  const { runId: id, joined } = await requestRun(ctx, { storeHash, flow: run.flow, trigger: 'manual', dryRun: run.dryRun ?? false });
  return { id, joined };
}

/** The run's orders that are still held or failing: those it touched last, and those its records name as failed. */
async function failedOrdersOf(storeHash: string, runId: string): Promise<number[]> {
  const failedRecords = await RunRecord.find({ runId, storeHash, entity: 'order', result: { $in: ['failed', 'conflict'] } }, { bigcommerceId: 1 }).lean();
  const named = failedRecords.map((r) => Number(r.bigcommerceId)).filter((id) => Number.isInteger(id) && id > 0);
  const orders = await OrderSync.find(
    {
      storeHash,
      status: { $in: ORDER_NEEDS_RETRY },
      $or: [{ lastRunId: runId }, ...(named.length ? [{ _id: { $in: named.map((id) => orderSyncId(storeHash, id)) } }] : [])],
    },
    { orderId: 1 },
  ).lean();
  return orders.map((o) => o.orderId).sort((a, b) => a - b);
}

function publicRun(run: { _id: string; checkpoint?: unknown } & Record<string, unknown>) {
  const { _id, checkpoint: _checkpoint, ...rest } = run;
  return { id: _id, ...rest };
}
