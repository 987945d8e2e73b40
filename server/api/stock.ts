import { Router } from 'express';
import { getStockStatus } from '../sync/stock/status.js';
import { sessionOf } from './requireSession.js';

/** `GET /api/stock/status`: the stock method, what it needs, real-time health and alerts. */
export function stockRoutes(): Router {
  const router = Router();
  router.get('/stock/status', async (req, res) => {
    res.json(await getStockStatus(sessionOf(req).storeHash));
  });
  return router;
}
