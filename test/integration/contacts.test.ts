import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRun } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { connectZohoStore } from './zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/** The optional contacts flow on the demo data: BigCommerce customers → Zoho contacts by e-mail. */
const STORE = 'contactstore';
let h: TestHarness;
let org: ZohoOrg;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  const store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  seedBigCommerce(h.bigcommerce.state, store);
  seedZoho(h.zoho!.state);
  org = h.zoho!.state.organizations.get(ZOHO_DEMO.organizationId)!;
  await connectZohoStore(h, STORE, { organization: { id: org.id, email: ZOHO_DEMO.userEmail } });
});
afterAll(async () => h?.close());

async function syncContacts() {
  const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow: 'contacts', trigger: 'manual' });
  await executeRun(h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

const contactsWith = (email: string) => [...org.contacts.values()].filter((c) => c.contact_persons.some((p) => p.email.toLowerCase() === email));

describe('contacts: BigCommerce customers → Zoho contacts', () => {
  it('matches existing contacts by e-mail, creates the missing ones, and duplicates none', async () => {
    const customers = [...h.bigcommerce.state.store(STORE)!.customers.values()].map((c) => c.email.toLowerCase());
    const existingBefore = customers.filter((e) => contactsWith(e).length > 0);
    expect(existingBefore.length).toBeGreaterThan(0); // the demo shares some customers with Zoho
    const run = await syncContacts();
    expect(run.status, String(run.message)).toBe('succeeded');
    for (const email of customers) expect(contactsWith(email), email).toHaveLength(1);
    expect(run.counts.updated).toBe(customers.length);
  });

  it('costs no Zoho call when nothing changed', async () => {
    const before = h.zoho!.state.callCount('');
    const run = await syncContacts();
    expect(run.counts).toMatchObject({ updated: 0, failed: 0 });
    expect(run.counts.unchanged).toBeGreaterThan(0);
    expect(run.apiCalls?.zoho).toBe(0);
    expect(h.zoho!.state.callCount('') - before).toBe(0);
  });
});
