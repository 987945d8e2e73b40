import { Router } from 'express';
import { getSettings, saveSettings } from '../settings/service.js';
import { syncStoreSchedules } from '../sync/scheduler.js';
import { sessionOf } from './requireSession.js';

/** `GET /api/settings` → the whole object; `PUT /api/settings` takes the whole object back. */
export function settingsRoutes(): Router {
  const router = Router();
  router.get('/settings', async (req, res) => {
    res.json(await getSettings(sessionOf(req).storeHash));
  });
  router.put('/settings', async (req, res) => {
    const { storeHash } = sessionOf(req);
    const settings = await saveSettings(storeHash, req.body);
    await syncStoreSchedules(storeHash, settings);
    res.json(settings);
  });
  return router;
}
