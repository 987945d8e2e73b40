import request from 'supertest';
import { expect } from 'vitest';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import type { ZohoPlan } from '../../sandbox/zoho/limits.js';
import { installedStoreSession } from '../support/sessions.js';
import type { TestHarness } from '../support/testApp.js';

/**
 * A store connected to a fresh organization of its own through the real routes: panel
 * session → authorize URL → the simulator's consent (auto-approved) → /zoho/callback →
 * the organization chosen.
 */
export async function connectZohoStore(
  h: TestHarness,
  storeHash: string,
  options: { plan?: ZohoPlan; dataCenter?: 'us' | 'eu'; dc?: string; organization?: { id: string; email: string } } = {},
): Promise<{ session: string; org: ZohoOrg; email: string }> {
  const zoho = h.zoho!;
  // An existing organization (e.g. the seeded demo one) and its user, or a fresh one.
  const existing = options.organization && zoho.state.organizations.get(options.organization.id);
  const org = existing || zoho.state.addOrganization({ name: `Org of ${storeHash}`, dataCenter: options.dataCenter ?? 'us', plan: options.plan ?? 'professional' });
  const email = options.organization?.email ?? `owner@${storeHash}.example`;
  if (!existing) zoho.state.addUser({ email, dataCenter: options.dataCenter ?? 'us', organizationIds: [org.id] });
  const session = await installedStoreSession(h.ctx, storeHash);
  const auth = { authorization: `Bearer ${session}` };
  const start = await request(h.app).get('/api/zoho/connect').query({ dc: options.dc ?? 'com' }).set(auth);
  expect(start.status).toBe(200);
  zoho.state.autoApproveUser = email;
  const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await request(h.app).get(`/zoho/callback${back.search}`);
  expect(done.status, done.text).toBe(200);
  const chosen = await request(h.app).put('/api/zoho/organization').set(auth).send({ organizationId: org.id });
  expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
  return { session, org, email };
}
