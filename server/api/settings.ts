import { Router } from 'express';
import { ENSURE_WEBHOOKS_JOB } from '../bigcommerce/webhooks.js';
import type { AppContext } from '../context.js';
import { getSettings, saveSettings } from '../settings/service.js';
import { syncStoreSchedules } from '../sync/scheduler.js';
import { requireManage } from './permissions.js';
import { sessionOf } from './requireSession.js';

/** `GET /api/settings` → the whole object; `PUT /api/settings` takes the whole object back. */
export function settingsRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/settings', async (req, res) => {
    res.json(await getSettings(sessionOf(req).storeHash));
  });
  router.put('/settings', requireManage, async (req, res) => {
    const { storeHash } = sessionOf(req);
    const before = await getSettings(storeHash);
    const settings = await saveSettings(storeHash, req.body);
    // Saving is the merchant's confirmation: the catalog flows start on schedule too.
    await syncStoreSchedules(storeHash, { settings, confirmed: true });
    // Two-way stock needs BigCommerce's inventory webhooks: (un)register them in the background.
    if (before.stock.method !== settings.stock.method || before.stock.enabled !== settings.stock.enabled) {
      await ctx.jobs.enqueue(ENSURE_WEBHOOKS_JOB, { storeHash });
    }
    res.json(settings);
  });
  return router;
}
