import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import type { ZohoPlan } from '../../sandbox/zoho/limits.js';
import { installedStoreSession } from '../support/sessions.js';
import type { TestHarness } from '../support/testApp.js';
import { connectThroughPanel } from '../support/zohoConnect.js';

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
  await connectThroughPanel(h.app, zoho, session, org.id, email, options.dc ?? 'com');
  return { session, org, email };
}
