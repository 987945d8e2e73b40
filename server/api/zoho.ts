import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { HttpError, badRequest } from '../http/errors.js';
import {
  chooseZohoOrganization,
  completeZohoConnect,
  disconnectZoho,
  listZohoOrganizations,
  startZohoConnect,
  zohoConnectionSummary,
  zohoWebhookSetup,
} from '../zoho/connection.js';
import { zohoClientFor } from '../zoho/client.js';
import { ZOHO_DATA_CENTER_IDS } from '../zoho/dataCenters.js';
import { ZohoApiError, ZohoAuthError, ZohoBudgetExhausted, ZohoRateLimited } from '../zoho/errors.js';
import { requireManage } from './permissions.js';
import { sessionOf } from './requireSession.js';

const connectQuery = z.object({ dc: z.enum(ZOHO_DATA_CENTER_IDS, { message: `dc must be one of ${ZOHO_DATA_CENTER_IDS.join(', ')}` }) });
/** What /zoho/callback handed to the panel: Zoho's redirect query (code, state, location, accounts-server, error…). */
const consentBody = z.record(z.string().max(64), z.string().max(2000)).refine((query) => Object.keys(query).length <= 20, 'Too many parameters.');
const organizationBody = z.object({ organizationId: z.string().regex(/^\d{1,30}$/, 'organizationId must be a Zoho organization id') });

/** The panel's Zoho routes (behind requireSession): connect, complete the consent, pick the organization, webhooks, disconnect; all but the reads need requireManage. */
export function zohoRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/zoho/connection', async (req, res) => {
    res.json(await zohoConnectionSummary(sessionOf(req).storeHash));
  });

  router.get('/zoho/connect', requireManage, async (req, res) => {
    const parsed = connectQuery.safeParse(req.query);
    if (!parsed.success) throw badRequest('invalid_dc', parsed.error.issues[0]!.message);
    const session = sessionOf(req);
    res.json(await startZohoConnect(ctx, session, parsed.data.dc));
  });

  // The consent's answer, handed over by the callback page to the panel that opened it.
  router.post('/zoho/callback', requireManage, async (req, res) => {
    const parsed = consentBody.safeParse(req.body);
    if (!parsed.success) throw badRequest('invalid_consent', 'Send the Zoho callback’s query as a JSON object of strings.');
    res.json(await completeZohoConnect(ctx, sessionOf(req), parsed.data));
  });

  router.get('/zoho/organizations', async (req, res) => {
    const organizations = await callZoho(() => listZohoOrganizations(ctx, sessionOf(req).storeHash));
    res.json({ organizations });
  });

  // The organization's locations (warehouses) by name, for the settings that take a Zoho location.
  router.get('/zoho/locations', async (req, res) => {
    const answer = await callZoho(async () => (await zohoClientFor(ctx, sessionOf(req).storeHash)).get<{ locations?: { location_id?: unknown; location_name?: unknown }[] }>('/locations', { priority: 'realtime' }));
    const locations = (answer.locations ?? []).filter((l) => l.location_id != null).map((l) => ({ id: String(l.location_id), name: typeof l.location_name === 'string' ? l.location_name : String(l.location_id) }));
    res.json({ locations });
  });

  router.put('/zoho/organization', requireManage, async (req, res) => {
    const parsed = organizationBody.safeParse(req.body);
    if (!parsed.success) throw badRequest('invalid_organization', parsed.error.issues[0]!.message);
    res.json(await callZoho(() => chooseZohoOrganization(ctx, sessionOf(req).storeHash, parsed.data.organizationId)));
  });

  router.delete('/zoho/connection', requireManage, async (req, res) => {
    res.json(await disconnectZoho(ctx, sessionOf(req).storeHash));
  });

  // Reveals the webhook secret.
  router.get('/zoho/webhook', requireManage, async (req, res) => {
    res.json(await zohoWebhookSetup(ctx, sessionOf(req).storeHash));
  });

  return router;
}

/** Zoho's typed errors as the panel should read them. */
async function callZoho<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZohoAuthError) throw new HttpError(409, 'zoho_needs_reconnect', error.message);
    if (error instanceof ZohoBudgetExhausted || error instanceof ZohoRateLimited) throw new HttpError(429, 'zoho_busy', error.message);
    if (error instanceof ZohoApiError) throw new HttpError(502, 'zoho_error', `Zoho answered: ${error.message}`);
    throw error;
  }
}
