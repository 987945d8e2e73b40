import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENSURE_WEBHOOKS_JOB, ORDER_WEBHOOK_SCOPES, INVENTORY_WEBHOOK_SCOPES, runEnsureWebhooksJob } from '../../server/bigcommerce/webhooks.js';
import { WEBHOOK_SECRET_HEADER, hashWebhookSecret } from '../../server/bigcommerce/webhookSecret.js';
import { encryptSecret } from '../../server/crypto.js';
import { Store, WebhookReceipt, ZohoConnection } from '../../server/db/models/index.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { saveSettings } from '../../server/settings/service.js';
import { APP_SCOPES } from '../../sandbox/bigcommerce/controlPanel.js';
import type { SimEventPayload, SimHook } from '../../sandbox/bigcommerce/model.js';
import { signPayload } from '../../sandbox/bigcommerce/signing.js';
import { eventHash } from '../../sandbox/bigcommerce/webhooks.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { TEST_APP_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * Webhook registration (install, load, reinstall, repair) and intake (authentication, exactly
 * once, nothing written for bad deliveries), through the real app and the simulator.
 */
const app = { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET };
const DESTINATION = `${TEST_APP_URL}/webhooks/bigcommerce`;
let h: TestHarness;
let storeA: SimStore;
let storeB: SimStore;

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'hooka' });
  storeA = h.bigcommerce.state.defaultStore;
  storeB = h.bigcommerce.state.addStore('hookb');
  // A generous quota: these tests are about hooks, not pacing (bigcommerce.client.test.ts is).
  h.bigcommerce.state.rateLimit.configure({ quota: 10_000, windowMs: 1_000 });
});
afterAll(async () => h?.close());
afterEach(() => h.bigcommerce.state.faults.clear());

async function install(store: SimStore) {
  const code = h.bigcommerce.state.issueCode(store, APP_SCOPES, store.owner.id);
  const res = await request(h.app).get('/bigcommerce/auth').query({ code, scope: APP_SCOPES, context: `stores/${store.hash}` });
  expect(res.status).toBe(302);
}

async function load(store: SimStore) {
  const res = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: await signPayload(app, store, store.owner) });
  expect(res.status).toBe(302);
}

const hooksOf = (store: SimStore) => [...store.hooks.values()].sort((a, b) => a.id - b.id);
const scopesOf = (store: SimStore) => hooksOf(store).map((hook) => hook.scope).sort();
const secretHeader = (hook: SimHook) => Object.entries(hook.headers ?? {}).find(([k]) => k.toLowerCase() === WEBHOOK_SECRET_HEADER.toLowerCase())?.[1];
const jobs = () => mongoose.connection.db!.collection('jobs');

describe('registration', () => {
  it('registers the order hooks at install, each carrying the store’s secret', async () => {
    await install(storeA);
    const hooks = hooksOf(storeA);
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES].sort());
    const stored = await Store.findById(storeA.hash).lean();
    for (const hook of hooks) {
      expect(hook).toMatchObject({ destination: DESTINATION, is_active: true });
      expect(hashWebhookSecret(secretHeader(hook)!)).toBe(stored!.webhookSecretHash);
    }
    expect(stored?.webhooksCheckedAt).toBeInstanceOf(Date);
    expect(stored?.webhooksError).toBeUndefined();
    // The secret is kept only sealed and hashed.
    const raw = await mongoose.connection.db!.collection('stores').findOne({ _id: storeA.hash as never });
    expect(JSON.stringify(raw)).not.toContain(secretHeader(hooks[0]!)!);
  });

  it('changes nothing on later loads and a reinstall: no duplicate, same secret', async () => {
    const before = hooksOf(storeA).map((hook) => ({ ...hook }));
    const creates = storeA.calls.get('POST /v3/hooks') ?? 0;
    await load(storeA);
    await load(storeA);
    await install(storeA);
    expect(hooksOf(storeA).map((hook) => [hook.id, hook.scope, secretHeader(hook), hook.is_active])).toEqual(
      before.map((hook) => [hook.id, hook.scope, secretHeader(hook), hook.is_active]),
    );
    expect(storeA.calls.get('POST /v3/hooks') ?? 0).toBe(creates);
    expect(storeA.calls.get('PUT /v3/hooks/{id}') ?? 0).toBe(0);
  });

  it('at load, reactivates a deactivated hook, repairs a stale one and removes a duplicate', async () => {
    const [created, updated] = hooksOf(storeA);
    created!.is_active = false;
    updated!.destination = 'https://old-host.example.com/webhooks/bigcommerce';
    const duplicate: SimHook = { ...updated!, id: storeA.nextId('hook'), destination: DESTINATION, headers: { [WEBHOOK_SECRET_HEADER]: 'stale' } };
    storeA.hooks.set(duplicate.id, duplicate);
    await load(storeA);
    const hooks = hooksOf(storeA);
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES].sort());
    expect(hooks.every((hook) => hook.is_active && hook.destination === DESTINATION)).toBe(true);
    expect(hooks.map((hook) => hook.id)).toContain(created!.id);
    expect(new Set(hooks.map(secretHeader)).size).toBe(1);
  });

  it('recreates the hooks BigCommerce deleted at uninstall when the store reinstalls', async () => {
    storeA.hooks.clear();
    await install(storeA);
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES].sort());
  });

  it('adds the inventory hooks with two-way stock and removes them when it is turned off', async () => {
    const settings = defaultSettings();
    settings.stock.method = 'twoway';
    await saveSettings(storeA.hash, settings);
    await load(storeA);
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES, ...INVENTORY_WEBHOOK_SCOPES].sort());
    settings.stock.method = 'oneway';
    await saveSettings(storeA.hash, settings);
    await load(storeA);
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES].sort());
  });

  it('never lets a webhook failure break a load: it is recorded and retried by a job', async () => {
    storeA.hooks.clear();
    h.bigcommerce.state.faults.set({ errorRate: 1, errorStatus: 503 });
    await load(storeA);
    expect(storeA.hooks.size).toBe(0);
    const failed = await Store.findById(storeA.hash).lean();
    expect(failed?.webhooksError).toMatch(/503/);
    expect(await jobs().countDocuments({ name: ENSURE_WEBHOOKS_JOB, 'data.storeHash': storeA.hash })).toBeGreaterThanOrEqual(1);

    h.bigcommerce.state.faults.clear();
    await runEnsureWebhooksJob(h.ctx, { storeHash: storeA.hash });
    expect(scopesOf(storeA)).toEqual([...ORDER_WEBHOOK_SCOPES].sort());
    expect((await Store.findById(storeA.hash).lean())?.webhooksError).toBeUndefined();
    await jobs().deleteMany({ name: ENSURE_WEBHOOKS_JOB });
  });
});

describe('intake', () => {
  let secretA: string;
  let secretB: string;

  beforeAll(async () => {
    await install(storeB);
    secretA = secretHeader(hooksOf(storeA)[0]!)!;
    secretB = secretHeader(hooksOf(storeB)[0]!)!;
    expect(secretA).not.toBe(secretB);
    // Store A has connected Zoho; store B has not.
    await ZohoConnection.create({
      _id: storeA.hash,
      status: 'connected',
      dc: 'com',
      accountsServer: 'https://accounts.zoho.com',
      apiBase: 'https://www.zohoapis.com/inventory/v1',
      webhookKey: 'key-a',
      webhookSecretSealed: encryptSecret('zoho-secret', h.ctx.config.encryptionKey),
    });
  });

  /** A delivery as BigCommerce sends it (built with the simulator's own hash, without delivering it). */
  let tick = 0;
  function event(store: SimStore, scope: string, data: SimEventPayload['data']): SimEventPayload {
    return { scope, store_id: String(store.storeId), data, hash: eventHash(data), created_at: 1_760_000_000 + tick++, producer: `stores/${store.hash}` };
  }

  const deliver = (body: unknown, secret: string | undefined) => {
    const req = request(h.app).post('/webhooks/bigcommerce').set('content-type', 'application/json');
    if (secret !== undefined) req.set(WEBHOOK_SECRET_HEADER, secret);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const written = async () => ({
    receipts: await WebhookReceipt.countDocuments(),
    jobs: await jobs().countDocuments({ name: { $in: ['bigcommerce.order', 'bigcommerce.inventory'] } }),
  });
  const receiptId = (p: SimEventPayload) => `bigcommerce:${p.producer.slice(7)}:${p.scope}:${p.hash}:${p.created_at}`;
  const jobsFor = (id: string) => jobs().countDocuments({ 'data.receiptId': id });

  it('records a delivery once and queues one job, however often it is sent again', async () => {
    const payload = event(storeA, 'store/order/created', { type: 'order', id: 501 });
    for (let i = 0; i < 5; i++) {
      const res = await deliver(payload, secretA);
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe(i === 0 ? 'queued' : 'duplicate');
    }
    const receipt = await WebhookReceipt.findById(receiptId(payload)).lean();
    expect(receipt).toMatchObject({ source: 'bigcommerce', storeHash: storeA.hash, topic: 'store/order/created', resourceId: '501', status: 'queued' });
    expect(await jobsFor(receiptId(payload))).toBe(1);
    const job = await jobs().findOne({ 'data.receiptId': receiptId(payload) });
    expect(job).toMatchObject({ name: 'bigcommerce.order', data: { storeHash: storeA.hash, scope: 'store/order/created', resourceId: '501' } });
  });

  it('records concurrent copies of a delivery once, with one job', async () => {
    const payload = event(storeA, 'store/order/statusUpdated', { type: 'order', id: 502, status: { previous_status_id: 0, new_status_id: 11 } });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(payload, secretA)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.outcome === 'queued')).toHaveLength(1);
    expect(await WebhookReceipt.countDocuments({ _id: receiptId(payload) })).toBe(1);
    expect(await jobsFor(receiptId(payload))).toBe(1);
  });

  it('treats the same data raised again later as a new event', async () => {
    const first = event(storeA, 'store/sku/inventory/updated', { type: 'sku', id: 461, inventory: { product_id: 206, method: 'absolute', value: 5, variant_id: 509 } });
    const later = { ...first, created_at: first.created_at + 60 };
    expect(later.hash).toBe(first.hash);
    expect((await deliver(first, secretA)).body.outcome).toBe('queued');
    expect((await deliver(later, secretA)).body.outcome).toBe('queued');
    expect(await jobs().countDocuments({ name: 'bigcommerce.inventory', 'data.receiptId': { $in: [receiptId(first), receiptId(later)] } })).toBe(2);
  });

  it('refuses a wrong secret, another store’s secret and no secret with 401, writing nothing', async () => {
    const payload = event(storeA, 'store/order/created', { type: 'order', id: 503 });
    const before = await written();
    expect((await deliver(payload, 'not-the-secret')).status).toBe(401);
    expect((await deliver(payload, secretB)).status).toBe(401);
    expect((await deliver(payload, undefined)).status).toBe(401);
    // Store B's own secret for a delivery naming store A, and A's for one naming B.
    expect((await deliver({ ...payload, producer: `stores/${storeB.hash}` }, secretA)).status).toBe(401);
    expect((await deliver({ ...payload, producer: 'stores/unknownstore' }, secretA)).status).toBe(401);
    expect(await written()).toEqual(before);
  });

  it('refuses malformed and oversized bodies, writing nothing', async () => {
    const payload = event(storeA, 'store/order/created', { type: 'order', id: 504 });
    const before = await written();
    expect((await deliver('{not json', secretA)).status).toBe(400);
    expect((await deliver('', secretA)).status).toBe(400);
    expect((await deliver({ ...payload, hash: undefined }, secretA)).status).toBe(400);
    expect((await deliver({ ...payload, producer: 'somewhere' }, secretA)).status).toBe(400);
    expect((await deliver([payload], secretA)).status).toBe(400);
    const huge = { ...payload, data: { ...payload.data, padding: 'x'.repeat(70 * 1024) } };
    const tooLarge = await deliver(huge, secretA);
    expect(tooLarge.status).toBe(413);
    expect(await written()).toEqual(before);
  });

  it('acknowledges a scope the app does not handle and records it as ignored', async () => {
    const payload = event(storeA, 'store/cart/created', { type: 'cart', id: 77 });
    const before = await written();
    const res = await deliver(payload, secretA);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('ignored');
    expect(await WebhookReceipt.findById(receiptId(payload)).lean()).toMatchObject({ status: 'ignored', note: expect.stringMatching(/store\/cart\/created/) });
    expect(await written()).toEqual({ receipts: before.receipts + 1, jobs: before.jobs });
  });

  it('acknowledges an order of a store whose Zoho is not connected yet, recorded as ignored with the reason', async () => {
    const payload = event(storeB, 'store/order/created', { type: 'order', id: 900 });
    const before = await written();
    const res = await deliver(payload, secretB);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('ignored');
    expect(await WebhookReceipt.findById(receiptId(payload)).lean()).toMatchObject({ storeHash: storeB.hash, status: 'ignored', note: expect.stringMatching(/Zoho/) });
    expect((await written()).jobs).toBe(before.jobs);
  });

  it('takes the simulator’s own deliveries to the registered hooks: authenticated, recorded, answered 200', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      // The app as BigCommerce reaches it: the hooks point at this listening copy.
      for (const hook of storeA.hooks.values()) hook.destination = `http://127.0.0.1:${port}/webhooks/bigcommerce`;
      h.bigcommerce.state.deliveries.configure({ retryDelaysMs: [] });
      const order = h.bigcommerce.state.placeOrder(storeA, {
        billing_address: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' },
        products: [{ name: 'Custom item', sku: 'CUSTOM-1', quantity: 1, price_ex_tax: 5, price_inc_tax: 5 }],
      });
      await h.bigcommerce.state.deliveries.settle();
      const sent = h.bigcommerce.state.deliveries.log.filter((d) => (d.body as SimEventPayload).producer === `stores/${storeA.hash}`);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((d) => d.delivered && d.statuses.every((status) => status === 200))).toBe(true);
      const receipts = await WebhookReceipt.find({ storeHash: storeA.hash, resourceId: String(order.id) }).lean();
      expect(receipts.map((r) => r.topic)).toContain('store/order/created');
      expect(receipts.every((r) => r.status === 'queued')).toBe(true);
      expect(await jobs().countDocuments({ name: 'bigcommerce.order', 'data.resourceId': String(order.id) })).toBe(receipts.length);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
