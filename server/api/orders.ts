import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ORDER_SYNC_STATUSES } from '../db/models/index.js';
import { HttpError, badRequest, notFound } from '../http/errors.js';
import { findOrder, listOrders, retryOrder } from '../sync/orders/queries.js';
import { isZohoConnected } from '../zoho/connectionStatus.js';
import { requireManage } from './permissions.js';
import { sessionOf } from './requireSession.js';

const listQuery = z.object({
  status: z.enum(ORDER_SYNC_STATUSES).optional(),
  q: z.string().trim().max(200).optional(),
  before: z.coerce.number().int().positive().optional(),
});
const orderIdParam = z.coerce.number().int().positive();

const parseOrderId = (value: unknown) => {
  const id = orderIdParam.safeParse(value);
  if (!id.success) throw notFound('order_not_found', 'No such order in this store.');
  return id.data;
};

/** The orders the app has seen, scoped to the session's store: another store's order is a 404. */
export function ordersRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw badRequest('invalid_query', `${query.error.issues[0]?.path.join('.')}: ${query.error.issues[0]?.message}`);
    res.json({ orders: await listOrders(ctx, sessionOf(req).storeHash, query.data) });
  });

  router.get('/orders/:id', async (req, res) => {
    const order = await findOrder(ctx, sessionOf(req).storeHash, parseOrderId(req.params.id));
    if (!order) throw notFound('order_not_found', 'No such order in this store.');
    res.json({ order });
  });

  router.post('/orders/:id/retry', requireManage, async (req, res) => {
    const { storeHash } = sessionOf(req);
    const orderId = parseOrderId(req.params.id);
    if (!(await isZohoConnected(storeHash))) throw new HttpError(409, 'zoho_not_connected', 'Connect Zoho Inventory before retrying orders.');
    if (!(await retryOrder(ctx, storeHash, orderId))) throw notFound('order_not_found', 'No such order in this store.');
    res.status(202).json({ queued: true, orderId });
  });

  return router;
}
