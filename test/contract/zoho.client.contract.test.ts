import { afterAll, beforeAll, expect, it } from 'vitest';
import { zohoClientFor } from '../../server/zoho/client.js';
import { listZohoOrganizations } from '../../server/zoho/connection.js';
import { ZohoApiError } from '../../server/zoho/errors.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { connectZohoStore } from '../integration/zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { attachContract, describeContract, loadContract, type AttachedContract } from './openapi.js';

/**
 * The app's Zoho client against the simulator, every exchange checked both ways against
 * Zoho's OpenAPI files: what the client sends (organization_id, credentials, bodies) and
 * what the simulator answers.
 */
describeContract('Zoho client against the simulator, checked against Zoho’s OpenAPI files', () => {
  let h: TestHarness;
  let watch: AttachedContract;

  beforeAll(async () => {
    h = await startTestHarness({ storeHash: 'zct0', zoho: {} });
    configureZohoRuntime(h.ctx, { transientPauseMs: 1 });
    watch = attachContract(h.zoho!.exchangeListeners, await loadContract('zoho'));
  });
  afterAll(async () => {
    watch?.detach();
    await h?.close();
  });

  it('connects and lists organizations', async () => {
    await connectZohoStore(h, 'zct1');
    const organizations = await listZohoOrganizations(h.ctx, 'zct1');
    expect(organizations).toHaveLength(1);
  });

  it('pages a list, reads one record, creates one and reports a missing one', async () => {
    const client = await zohoClientFor(h.ctx, 'zct1');
    const org = h.zoho!.state.organization(client.organizationId!);
    for (let i = 0; i < 5; i++) createItem(org, { name: `Contract item ${i}`, sku: `CT-${i}`, rate: 3 });
    const pages: number[] = [];
    for await (const page of client.pages('/items', 'items', { priority: 'scheduled', query: { per_page: 2 } })) pages.push(page.length);
    expect(pages).toEqual([2, 2, 1]);

    const created = await client.post<{ item: { item_id: string } }>('/items', { name: 'Contract new', sku: 'CT-NEW', rate: 7.5 }, { priority: 'realtime' });
    const read = await client.get<{ item: { sku: string } }>(`/items/${created.item.item_id}`, { priority: 'realtime' });
    expect(read.item.sku).toBe('CT-NEW');

    const missing = await client.get('/items/1', { priority: 'realtime' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ZohoApiError);
  });

  it('kept to the contract', () => {
    expect(watch.checked).toBeGreaterThanOrEqual(7);
    expect(watch.violations).toEqual([]);
  });
});
