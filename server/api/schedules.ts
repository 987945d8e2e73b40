import { Router } from 'express';
import { Schedule } from '../db/models/index.js';
import { sessionOf } from './requireSession.js';

/**
 * `GET /api/schedules` → `{ schedules: [{ task, nextRunAt }] }`: when each enabled flow (and the
 * daily reconciliation, task "reconcile") runs next, for the Overview's "Next run" column.
 */
export function schedulesRoutes(): Router {
  const router = Router();
  router.get('/schedules', async (req, res) => {
    const rows = await Schedule.find({ storeHash: sessionOf(req).storeHash }, { task: 1, nextRunAt: 1 }).lean();
    res.json({ schedules: rows.map((r) => ({ task: r.task, nextRunAt: r.nextRunAt })) });
  });
  return router;
}
