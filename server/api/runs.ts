import { Router } from 'express';
import { z } from 'zod';
import { RunRecord, SyncRun } from '../db/models/index.js';
import { badRequest, notFound } from '../http/errors.js';
import { FLOWS, RUN_STATUSES } from '../sync/flows.js';
import { sessionOf } from './requireSession.js';

const PAGE = 50;
const listQuery = z.object({
  flow: z.enum(FLOWS).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  /** Runs queued before this moment (ISO 8601): the next page starts at the last run's `queuedAt`. */
  before: z.iso.datetime({ offset: true }).optional(),
});

const RECORDS_LIMIT = 1_000;

/** Run history, scoped to the session's store: another store's run is a 404. */
export function runsRoutes(): Router {
  const router = Router();

  router.get('/runs', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw badRequest('invalid_query', `${query.error.issues[0]?.path.join('.')}: ${query.error.issues[0]?.message}`);
    const { flow, status, before } = query.data;
    const runs = await SyncRun.find({
      storeHash: sessionOf(req).storeHash,
      ...(flow ? { flow } : {}),
      ...(status ? { status } : {}),
      ...(before ? { queuedAt: { $lt: new Date(before) } } : {}),
    })
      .sort({ queuedAt: -1 })
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

  return router;
}

function publicRun(run: { _id: string; checkpoint?: unknown } & Record<string, unknown>) {
  const { _id, checkpoint: _checkpoint, ...rest } = run;
  return { id: _id, ...rest };
}
