import type { Express } from 'express';
import request from 'supertest';
import type { RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';

/**
 * Connects a store's panel session to a Zoho organization of the simulator through the real
 * routes: authorize URL → the simulator's consent (auto-approved for `email`) → /zoho/callback →
 * the organization chosen. Usable from tests and benchmarks (throws on any refusal).
 */
export async function connectThroughPanel(app: Express, zoho: RunningZohoSimulator, session: string, organizationId: string, email: string, dc = 'com'): Promise<void> {
  const auth = { authorization: `Bearer ${session}` };
  const start = await request(app).get('/api/zoho/connect').query({ dc }).set(auth);
  if (start.status !== 200) throw new Error(`GET /api/zoho/connect answered ${start.status}: ${start.text}`);
  zoho.state.autoApproveUser = email;
  const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await request(app).get(`/zoho/callback${back.search}`);
  if (done.status !== 200) throw new Error(`/zoho/callback answered ${done.status}: ${done.text}`);
  const chosen = await request(app).put('/api/zoho/organization').set(auth).send({ organizationId });
  if (chosen.status !== 200) throw new Error(`PUT /api/zoho/organization answered ${chosen.status}: ${chosen.text}`);
}
