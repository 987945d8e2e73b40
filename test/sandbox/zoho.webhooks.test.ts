import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../sandbox/zoho/webhooks.js';
import { seedZoho, ZOHO_DEMO, type ZohoSeed } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { CLIENT, connect, zohoApi, type ZohoApi } from './zohoHelpers.js';

interface Received {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let sim: RunningZohoSimulator;
let seed: ZohoSeed;
let api: ZohoApi;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** Answers to give, in order, before settling on 200. */
let failures: number[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(data) as unknown });
      res.statusCode = failures.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  sim = await startZohoSimulator({ clients: [CLIENT] });
  seed = seedZoho(sim.state);
  api = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail)).accessToken, ZOHO_DEMO.organizationId);
});
afterAll(async () => {
  await sim?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});
afterEach(async () => {
  await sim.deliveries.settle();
  for (const rule of [...sim.state.webhooks.rules.keys()]) sim.state.removeWorkflowWebhook(rule);
  sim.deliveries.configure({ retryDelaysMs: [60_000, 120_000, 240_000], duplicateRate: 0, reorderWindowMs: 0 });
  received = [];
  failures = [];
});

describe('workflow rule webhooks', () => {
  it('delivers a templated body with the custom headers and URL parameters on edit', async () => {
    sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, {
      module: 'item',
      url: `${receiverUrl}/webhooks/zoho`,
      headers: { 'x-app-secret': 's3cret' },
      params: { store: 'storea', org: '${organization.organization_id}' },
      body: '{"event":"item","item_id":"${item.item_id}","sku":"${item.sku}","rate":${item.rate}}',
    });
    expect((await api('PUT', `/items/${seed.items.mug.item_id}`, { body: { rate: 13 } })).status).toBe(200);
    await sim.deliveries.settle();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.headers['x-app-secret']).toBe('s3cret');
    expect(delivery!.headers['content-type']).toBe('application/json');
    const url = new URL(delivery!.url, receiverUrl);
    expect(url.pathname).toBe('/webhooks/zoho');
    expect(Object.fromEntries(url.searchParams)).toEqual({ store: 'storea', org: ZOHO_DEMO.organizationId });
    expect(delivery!.body).toEqual({ event: 'item', item_id: seed.items.mug.item_id, sku: 'ZI-MUG-01', rate: 13 });
  });

  it('sends the whole record as the default payload, only for the rule\'s events', async () => {
    sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, { module: 'salesorder', events: ['create'], url: `${receiverUrl}/so` });
    const created = await api('POST', '/salesorders', { body: { customer_id: seed.contacts.acme.contact_id, reference_number: 'BC-55', line_items: [{ item_id: seed.items.cap.item_id }] } });
    await api('POST', `/salesorders/${created.body.sales_order.salesorder_id}/status/confirmed`);
    await sim.deliveries.settle();
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({ salesorder: { salesorder_id: created.body.sales_order.salesorder_id, reference_number: 'BC-55' } });
  });

  it('does not fire for other organizations or modules', async () => {
    sim.state.addWorkflowWebhook(ZOHO_DEMO.euOrganizationId, { module: 'item', url: `${receiverUrl}/eu` });
    sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, { module: 'contact', url: `${receiverUrl}/contacts` });
    await api('PUT', `/items/${seed.items.cap.item_id}`, { body: { description: 'changed' } });
    await sim.deliveries.settle();
    expect(received).toEqual([]);
  });

  it('retries a failed delivery until it gets a 2xx', async () => {
    sim.deliveries.configure({ retryDelaysMs: [5, 5, 5] });
    failures = [500, 503];
    const rule = sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, { module: 'item', url: `${receiverUrl}/retry`, body: { id: '${item.item_id}' } });
    await api('POST', `/items/${seed.items.bottle.item_id}/inactive`);
    await sim.deliveries.settle();
    expect(rule.fired).toBe(1);
    expect(received).toHaveLength(3);
    expect(received.every((r) => (r.body as { id: string }).id === seed.items.bottle.item_id)).toBe(true);
    const record = sim.deliveries.log.at(-1)!;
    expect(record).toMatchObject({ attempts: 3, statuses: [500, 503, 200], delivered: true });
  });

  it('gives up after the last retry', async () => {
    sim.deliveries.configure({ retryDelaysMs: [5] });
    failures = [500, 500, 500];
    sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, { module: 'contact', url: `${receiverUrl}/down` });
    await api('PUT', `/contacts/${seed.contacts.jane.contact_id}`, { body: { notes: 'VIP' } });
    await sim.deliveries.settle();
    expect(received).toHaveLength(2);
    expect(sim.deliveries.log.at(-1)).toMatchObject({ attempts: 2, delivered: false });
  });

  it('duplicates and reorders deliveries when told to', async () => {
    sim.deliveries.configure({ duplicateRate: 1, reorderWindowMs: 20 });
    sim.state.addWorkflowWebhook(ZOHO_DEMO.organizationId, { module: 'item', url: `${receiverUrl}/dup`, body: { id: '${item.item_id}', rate: '${item.rate}' } });
    for (const [n, item] of [seed.items.mug, seed.items.cap, seed.items.bottle].entries()) {
      await api('PUT', `/items/${item.item_id}`, { body: { rate: 30 + n } });
    }
    await sim.deliveries.settle();
    expect(received).toHaveLength(6);
    const bodies = received.map((r) => JSON.stringify(r.body)).sort();
    const expected = [seed.items.mug, seed.items.cap, seed.items.bottle].flatMap((item, n) => {
      const body = JSON.stringify({ id: item.item_id, rate: 30 + n });
      return [body, body];
    });
    expect(bodies).toEqual(expected.sort());
  });
});

describe('renderTemplate', () => {
  const scope = { item: { item_id: '42', name: 'Mug "Classic"', rate: 12.5, locations: [{ location_id: 'L1' }] } };

  it('escapes text inside a JSON template and keeps bare numbers numeric', () => {
    expect(renderTemplate('{"name":"${item.name}","rate":${item.rate}}', scope)).toEqual({ name: 'Mug "Classic"', rate: 12.5 });
  });

  it('keeps the type of a whole-value placeholder in an object template', () => {
    expect(renderTemplate({ id: '${item.item_id}', rate: '${item.rate}', label: 'Item ${item.item_id}', missing: '${item.nope}' }, scope)).toEqual({
      id: '42',
      rate: 12.5,
      label: 'Item 42',
      missing: '',
    });
  });
});
