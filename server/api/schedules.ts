import { Router } from 'express';
import { readStoreSchedules } from '../sync/scheduler.js';
import { sessionOf } from './requireSession.js';

/**
 * `GET /api/schedules` → `{ schedules: [{ task, nextRunAt }], waitingForSettings: [flow] }`: when
 * each scheduled flow (and the daily reconciliation, task "reconcile") runs next, for the
 * Overview's "Next run" column, and which catalog flows wait for the merchant to confirm the settings.
 */
export function schedulesRoutes(): Router {
  const router = Router();
  router.get('/schedules', async (req, res) => {
    res.json(await readStoreSchedules(sessionOf(req).storeHash));
  });
  return router;
}
