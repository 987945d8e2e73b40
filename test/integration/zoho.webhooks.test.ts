import type { Server } from 'node:http';
import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceipt } from '../../server/db/models/index.js';
import { zohoClientFor } from '../../server/zoho/client.js';
import { ZOHO_WEBHOOK_MODULE_NAMES } from '../../server/zoho/webhookTemplates.js';
import { installedStoreSession } from '../support/sessions.js';
import { startTestHarness, TEST_APP_URL, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

interface WebhookSetup {
  url: string;
  headers: Record<string, string>;
  bodies: Record<string, Record<string, string>>;
}

let h: TestHarness;
let a: WebhookSetup;
let b: WebhookSetup;
let sessionA: string;
let sessionB: string;
let orgA: Awaited<ReturnType<typeof connectZohoStore>>['org'];

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'zwh0', zoho: {} });
  ({ session: sessionA, org: orgA } = await connectZohoStore(h, 'zwha'));
  ({ session: sessionB } = await connectZohoStore(h, 'zwhb'));
  a = (await request(h.app).get('/api/zoho/webhook').set('authorization', `Bearer ${sessionA}`)).body as WebhookSetup;
  b = (await request(h.app).get('/api/zoho/webhook').set('authorization', `Bearer ${sessionB}`)).body as WebhookSetup;
});
afterAll(async () => h?.close());

const jobs = () => mongoose.connection.db!.collection('jobs');
const written = async () => ({ receipts: await WebhookReceipt.countDocuments(), jobs: await jobs().countDocuments({ name: 'zoho.event' }) });
const pathOf = (setup: WebhookSetup) => new URL(setup.url).pathname;
const secretOf = (setup: WebhookSetup) => setup.headers['X-Zoho-Webhook-Secret']!;
const deliver = (path: string, secret: string | undefined, body: unknown) => {
  const req = request(h.app).post(path).set('content-type', 'application/json');
  if (secret !== undefined) req.set('X-Zoho-Webhook-Secret', secret);
  return req.send(JSON.stringify(body));
};
const itemEvent = (id: string, at: string) => ({ module: 'item', record_id: id, last_modified_time: at });

describe('what the merchant configures', () => {
  it('GET /api/zoho/webhook gives the URL under APP_URL, the secret header and a body per module', () => {
    expect(a.url).toMatch(new RegExp(`^${TEST_APP_URL}/webhooks/zoho/[A-Za-z0-9_-]{16,64}$`));
    // An opaque key, not the store hash; each store its own.
    expect(a.url).not.toContain('zwha');
    expect(a.url).not.toBe(b.url);
    expect(Object.keys(a.headers)).toEqual(['X-Zoho-Webhook-Secret']);
    expect(secretOf(a).length).toBeGreaterThanOrEqual(32);
    expect(secretOf(a)).not.toBe(secretOf(b));
    expect(Object.keys(a.bodies).sort()).toEqual([...ZOHO_WEBHOOK_MODULE_NAMES].sort());
    expect(a.bodies.item).toEqual({ module: 'item', record_id: '${item.item_id}', last_modified_time: '${item.last_modified_time}' });
    expect(a.bodies.salesorder!.record_id).toBe('${salesorder.salesorder_id}');
  });

  it('is only for a connected store', async () => {
    const session = await installedStoreSession(h.ctx, 'zwhnone');
    expect((await request(h.app).get('/api/zoho/webhook').set('authorization', `Bearer ${session}`)).status).toBe(409);
  });
});

describe('refusals write nothing', () => {
  it.each<[string, () => { path: string; secret?: string }]>([
    ['no secret', () => ({ path: pathOf(a) })],
    ['a wrong secret', () => ({ path: pathOf(a), secret: 'not-the-secret' })],
    ['another store’s secret', () => ({ path: pathOf(a), secret: secretOf(b) })],
    ['another store’s key with this store’s secret', () => ({ path: pathOf(b), secret: secretOf(a) })],
  ])('%s → 401', async (_label, target) => {
    const before = await written();
    const { path, secret } = target();
    const res = await deliver(path, secret, itemEvent('111', '2026-01-01T10:00:00+0000'));
    expect(res.status).toBe(401);
    expect(await written()).toEqual(before);
  });

  it('an unknown key → 404', async () => {
    const before = await written();
    const res = await deliver('/webhooks/zoho/AAAAAAAAAAAAAAAAAAAAAAAA', secretOf(a), itemEvent('111', '2026-01-01T10:00:00+0000'));
    expect(res.status).toBe(404);
    expect(await written()).toEqual(before);
  });
});

describe('intake', () => {
  it('records a delivery once and queues one job, however often it arrives', async () => {
    const before = await written();
    const body = itemEvent('4600000000000001', '2026-01-01T10:00:00+0000');
    const answers = await Promise.all([deliver(pathOf(a), secretOf(a), body), deliver(pathOf(a), secretOf(a), body), deliver(pathOf(a), secretOf(a), body)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.filter((r) => r.body.duplicate === true)).toHaveLength(2);
    expect(await written()).toEqual({ receipts: before.receipts + 1, jobs: before.jobs + 1 });

    const receipt = await WebhookReceipt.findOne({ resourceId: '4600000000000001' }).lean();
    expect(receipt).toMatchObject({ source: 'zoho', storeHash: 'zwha', topic: 'item', status: 'queued' });
    const job = await jobs().findOne({ name: 'zoho.event', 'data.receiptId': receipt!._id });
    expect(job?.data).toEqual({ storeHash: 'zwha', receiptId: receipt!._id, module: 'item', recordId: '4600000000000001' });

    // The same record changed again is a new event.
    await deliver(pathOf(a), secretOf(a), itemEvent('4600000000000001', '2026-01-01T10:05:00+0000'));
    expect(await written()).toEqual({ receipts: before.receipts + 2, jobs: before.jobs + 2 });
  });

  it('reads Zoho’s whole-record body and form posts too', async () => {
    const whole = await deliver(pathOf(a), secretOf(a), { salesorder: { salesorder_id: '777', last_modified_time: '2026-01-02T00:00:00+0000', total: 99 } });
    expect(whole.status).toBe(200);
    expect(await WebhookReceipt.findOne({ topic: 'salesorder', resourceId: '777' }).lean()).toMatchObject({ storeHash: 'zwha', status: 'queued' });

    const form = await request(h.app)
      .post(pathOf(a))
      .set('X-Zoho-Webhook-Secret', secretOf(a))
      .type('form')
      .send({ JSONString: JSON.stringify({ module: 'inventory_adjustment', record_id: '888', last_modified_time: 'x' }) });
    expect(form.status).toBe(200);
    expect(await jobs().countDocuments({ name: 'zoho.event', 'data.module': 'inventory_adjustment', 'data.recordId': '888' })).toBe(1);
  });

  it('keeps a body that names nothing it follows as "ignored", with no job', async () => {
    const before = await written();
    const res = await deliver(pathOf(a), secretOf(a), { hello: 'world' });
    expect(res.status).toBe(200);
    expect(await written()).toEqual({ receipts: before.receipts + 1, jobs: before.jobs });
    expect(await WebhookReceipt.findOne({ storeHash: 'zwha', topic: 'unknown' }).lean()).toMatchObject({ status: 'ignored' });
    // A readable delivery about a module the app does not follow is answered 200 too.
    expect((await deliver(pathOf(a), secretOf(a), { module: 'bill', record_id: '5', last_modified_time: 'x' })).status).toBe(200);
  });
});

describe('an unreadable delivery', () => {
  const post = (setup: WebhookSetup, body: string, type: string) => request(h.app).post(pathOf(setup)).set('X-Zoho-Webhook-Secret', secretOf(setup)).set('content-type', type).send(body);
  const alertsOf = async (session: string) =>
    (await request(h.app).get('/api/alerts').set('authorization', `Bearer ${session}`)).body.alerts as { kind: string; count?: number; platform?: string; message: string }[];

  it('is refused with 400 unreadable_body (so Zoho logs it as failed), however often it comes, and queues nothing', async () => {
    const before = await written();
    const bodies: [string, string][] = [
      ['item changed: 4600', 'text/plain'],
      ['{"module": "item", "record_id": ', 'application/json'],
      ['["item", "4600"]', 'application/json'],
      ['"item"', 'application/json'],
      ['', 'application/json'],
      ['JSONString=not%20json', 'application/x-www-form-urlencoded'],
    ];
    for (const [body, type] of bodies) {
      const res = await post(a, body, type);
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toBe('unreadable_body');
    }
    // Zoho's retry of the same body is refused the same way (and recorded once).
    expect((await post(a, 'item changed: 4600', 'text/plain')).status).toBe(400);
    expect(await written()).toEqual({ receipts: before.receipts + bodies.length, jobs: before.jobs });
    expect(await WebhookReceipt.countDocuments({ storeHash: 'zwha', status: 'unreadable' })).toBe(bodies.length);
    // The secret is still checked first.
    expect((await post(b, 'garbage', 'text/plain').set('X-Zoho-Webhook-Secret', 'wrong')).status).toBe(401);
  });

  it('is listed in the panel\'s alerts with the template to fix the rule, for its store only', async () => {
    const unreadable = (await alertsOf(sessionA)).find((alert) => alert.kind === 'zoho_webhook_unreadable');
    expect(unreadable).toMatchObject({ severity: 'warning', platform: 'zoho', count: 6 });
    expect(unreadable!.message).toContain(JSON.stringify(a.bodies.item));
    expect(unreadable!.message).toContain('The last one began: "JSONString=not%20json"');
    expect((await alertsOf(sessionB)).map((alert) => alert.kind)).not.toContain('zoho_webhook_unreadable');
  });
});

describe('end to end with the simulator’s workflow rules', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = h.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a rule set up as the panel says delivers an item change that becomes one zoho.event job', async () => {
    // What the merchant would paste into Zoho (APP_URL is not reachable in tests: same path, local host).
    h.zoho!.state.addWorkflowWebhook(orgA.id, { module: 'item', url: `${base}${pathOf(a)}`, headers: a.headers, body: a.bodies.item });
    const client = await zohoClientFor(h.ctx, 'zwha');
    const created = await client.post<{ item: { item_id: string } }>('/items', { name: 'Webhook Mug', sku: 'WH-1', rate: 5 }, { priority: 'realtime' });
    await h.zoho!.deliveries.settle();
    expect(h.zoho!.deliveries.log.at(-1)).toMatchObject({ delivered: true });
    const receipt = await WebhookReceipt.findOne({ storeHash: 'zwha', resourceId: created.item.item_id }).lean();
    expect(receipt).toMatchObject({ topic: 'item', status: 'queued' });
    expect(receipt!._id).toMatch(/^zoho:zwha:item:\d+:.+/);
    expect(await jobs().countDocuments({ name: 'zoho.event', 'data.recordId': created.item.item_id })).toBe(1);
  });
});
