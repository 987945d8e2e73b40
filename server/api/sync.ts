import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { HttpError, badRequest, notFound } from '../http/errors.js';
import { PREVIEW_FLOWS, isFlow } from '../sync/flows.js';
import { requestRun } from '../sync/runs.js';
import { isZohoConnected } from '../zoho/connectionStatus.js';
import { requireManage } from './permissions.js';
import { sessionOf } from './requireSession.js';

const bodySchema = z.object({ dryRun: z.boolean().optional() }).strict().default({});

/** `POST /api/sync/:flow`: "Sync now" (or a dry-run preview); joins a run already under way. */
export function syncRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/sync/:flow', requireManage, async (req, res) => {
    const { flow } = req.params;
    if (!isFlow(flow)) throw notFound('unknown_flow', `There is no flow named "${flow}".`);
    const body = bodySchema.safeParse(req.body ?? {});
    if (!body.success) throw badRequest('invalid_request', `Invalid body: ${body.error.issues[0]?.message}.`);
    // A preview of a flow that cannot preview would be a real sync: refused rather than run.
    if (body.data.dryRun && !PREVIEW_FLOWS.includes(flow)) throw badRequest('preview_unsupported', `The ${flow} flow has no preview: each of its steps depends on the one before.`);
    const { storeHash } = sessionOf(req);
    if (!(await isZohoConnected(storeHash))) {
      throw new HttpError(409, 'zoho_not_connected', 'Connect Zoho Inventory (and choose the organization) before syncing.');
    }
    const { runId, joined } = await requestRun(ctx, { storeHash, flow, trigger: 'manual', dryRun: body.data.dryRun });
    res.status(202).json({ id: runId, joined });
  });
  return router;
}
