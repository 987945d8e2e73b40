import type { Express } from 'express';
import request from 'supertest';
import type { RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';

const bearer = (session: string) => ({ authorization: `Bearer ${session}` });

/**
 * The panel asks for the authorize URL and Zoho's consent page (auto-approved for `email`)
 * redirects back: the callback URL, with the code and the state, as Zoho built it.
 */
export async function authorizeAtZoho(app: Express, zoho: RunningZohoSimulator, session: string, email: string, dc = 'com'): Promise<URL> {
  const start = await request(app).get('/api/zoho/connect').query({ dc }).set(bearer(session));
  if (start.status !== 200) throw new Error(`GET /api/zoho/connect answered ${start.status}: ${start.text}`);
  zoho.state.autoApproveUser = email;
  const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`Zoho's consent answered ${consent.status}, not a redirect`);
  return new URL(location);
}

/** The callback's query as the page hands it to the panel, and the panel sends it on. */
export const consentQuery = (back: URL): Record<string, string> => Object.fromEntries(back.searchParams);

/** The panel's half of the callback: `POST /api/zoho/callback` with its session and the query. */
export const postConsent = (app: Express, session: string, query: Record<string, string>) =>
  request(app).post('/api/zoho/callback').set(bearer(session)).send(query);

/**
 * Zoho's redirect as the panel's pop-up follows it: the callback page (which exchanges nothing),
 * then the panel's POST with the query. Answers the POST.
 */
export async function completeConsent(app: Express, session: string, back: URL) {
  const page = await request(app).get(`/zoho/callback${back.search}`);
  if (page.status !== 200) throw new Error(`/zoho/callback answered ${page.status}: ${page.text}`);
  return postConsent(app, session, consentQuery(back));
}

/**
 * Connects a store's panel session to a Zoho organization of the simulator through the real
 * routes: authorize URL → the simulator's consent (auto-approved for `email`) → /zoho/callback →
 * the panel's POST /api/zoho/callback → the organization chosen. Usable from tests and
 * benchmarks (throws on any refusal).
 */
export async function connectThroughPanel(app: Express, zoho: RunningZohoSimulator, session: string, organizationId: string, email: string, dc = 'com'): Promise<void> {
  const done = await completeConsent(app, session, await authorizeAtZoho(app, zoho, session, email, dc));
  if (done.status !== 200) throw new Error(`POST /api/zoho/callback answered ${done.status}: ${done.text}`);
  const chosen = await request(app).put('/api/zoho/organization').set(bearer(session)).send({ organizationId });
  if (chosen.status !== 200) throw new Error(`PUT /api/zoho/organization answered ${chosen.status}: ${chosen.text}`);
}
