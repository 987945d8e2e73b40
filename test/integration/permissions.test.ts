import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthState, OrderSync, StoreSettings, StoreUser, SyncRun, ZohoConnection, orderSyncId, storeUserId } from '../../server/db/models/index.js';
import { APP_SCOPES } from '../../sandbox/bigcommerce/controlPanel.js';
import { signPayload } from '../../sandbox/bigcommerce/signing.js';
import type { SimStore, SimUser } from '../../sandbox/bigcommerce/state.js';
import { markZohoConnected } from '../support/sessions.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * Who may change what: the owner manages the app and lets other users manage it; everyone else
 * reads everything and changes nothing (403 read_only), through the real install and load
 * callbacks and the panel API on the embedded database.
 */
let h: TestHarness;
let store: SimStore;
let other: SimStore;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const jobs = () => mongoose.connection.db!.collection('jobs');

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'perma', zoho: {} });
  store = h.bigcommerce.state.defaultStore;
  other = h.bigcommerce.state.addStore('permb');
});
afterAll(async () => h?.close());

const sessionFrom = (location: string | undefined) => decodeURIComponent(/#session=(.+)$/.exec(location ?? '')![1]!);

async function install(target: SimStore): Promise<string> {
  const code = h.bigcommerce.state.issueCode(target, APP_SCOPES, target.owner.id);
  const res = await request(h.app).get('/bigcommerce/auth').query({ code, scope: APP_SCOPES, context: `stores/${target.hash}`, account_uuid: target.accountUuid });
  expect(res.status).toBe(302);
  return sessionFrom(res.headers.location);
}

async function load(target: SimStore, user: SimUser): Promise<string> {
  const jwt = await signPayload({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }, target, user);
  const res = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: jwt });
  expect(res.status).toBe(302);
  return sessionFrom(res.headers.location);
}

const send = (method: string, path: string, token: string, body?: object) => {
  const call = request(h.app)[method.toLowerCase() as 'get' | 'put' | 'post' | 'delete'](path).set(auth(token));
  return body ? call.send(body) : call;
};

/** Every route that changes state or reveals a secret, as the panel calls it. */
const MANAGING_ROUTES: [string, string, object?][] = [
  ['PUT', '/api/settings', { products: { enabled: false } }],
  ['GET', '/api/zoho/connect?dc=com'],
  ['POST', '/api/zoho/callback', { code: '1000.code', state: 'some-state', location: 'us' }],
  ['PUT', '/api/zoho/organization', { organizationId: '1000' }],
  ['DELETE', '/api/zoho/connection'],
  ['POST', '/api/sync/products', {}],
  ['POST', '/api/sync/products', { dryRun: true }],
  ['POST', '/api/runs/permrun1/retry'],
  ['POST', '/api/orders/4242/retry'],
  ['GET', '/api/zoho/webhook'],
];

/** Everything else the panel reads. */
const READ_ROUTES = ['/api/session', '/api/settings', '/api/zoho/connection', '/api/runs', '/api/runs/permrun1', '/api/orders', '/api/usage', '/api/alerts', '/api/schedules', '/api/search?q=mug', '/api/users'];

describe('roles and who may manage', () => {
  let owner: string;
  let staff: string;

  beforeAll(async () => {
    owner = await install(store);
    staff = await load(store, store.users[1]!);
    await markZohoConnected(h.ctx, 'perma');
    await SyncRun.create({ _id: 'permrun1', storeHash: 'perma', flow: 'products', trigger: 'manual', status: 'failed', queuedAt: new Date(), finishedAt: new Date() });
    await OrderSync.create({ _id: orderSyncId('perma', 4242), storeHash: 'perma', orderId: 4242, status: 'failed', claimedAt: new Date() });
  });

  it('the session says whether its user may manage the app: the owner may, another user may not', async () => {
    expect((await request(h.app).get('/api/session').set(auth(owner))).body.user).toMatchObject({ role: 'owner', canManage: true });
    expect((await request(h.app).get('/api/session').set(auth(staff))).body.user).toMatchObject({ role: 'user', canManage: false });
    const users = await request(h.app).get('/api/users').set(auth(staff));
    expect(users.status).toBe(200);
    expect(users.body).toEqual({
      users: expect.arrayContaining([
        { id: String(store.owner.id), email: store.owner.email, role: 'owner', canManage: true },
        { id: String(store.users[1]!.id), email: store.users[1]!.email, role: 'user', canManage: false },
      ]),
    });
    expect(users.body.users).toHaveLength(2);
  });

  it('a user who may not manage gets 403 read_only from every route that changes state or reveals a secret, and nothing changes', async () => {
    const settingsBefore = await StoreSettings.findById('perma').lean();
    const jobsBefore = await jobs().countDocuments();
    for (const [method, path, body] of MANAGING_ROUTES) {
      const res = await send(method, path, staff, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error, `${method} ${path}`).toMatchObject({ code: 'read_only', message: expect.stringMatching(/owner/) });
    }
    expect(await StoreSettings.findById('perma').lean()).toEqual(settingsBefore);
    expect(await jobs().countDocuments()).toBe(jobsBefore);
    expect(await SyncRun.countDocuments({ storeHash: 'perma' })).toBe(1);
    expect(await ZohoConnection.findById('perma').lean()).toMatchObject({ status: 'connected' });
    expect(await OAuthState.countDocuments({ storeHash: 'perma' })).toBe(0);
  });

  it('they read everything else', async () => {
    for (const path of READ_ROUTES) expect((await request(h.app).get(path).set(auth(staff))).status, path).toBe(200);
  });

  it('the owner is not read-only', async () => {
    for (const [method, path, body] of MANAGING_ROUTES) {
      const res = await send(method, path, owner, body);
      expect(res.body.error?.code, `${method} ${path}`).not.toBe('read_only');
    }
  });

  it('only the owner lets another user manage the app, and takes it back', async () => {
    const staffId = String(store.users[1]!.id);
    const byStaff = await request(h.app).put(`/api/users/${store.owner.id}`).set(auth(staff)).send({ canManage: false });
    expect(byStaff.status).toBe(403);

    await markZohoConnected(h.ctx, 'perma');
    const granted = await request(h.app).put(`/api/users/${staffId}`).set(auth(owner)).send({ canManage: true });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ id: staffId, email: store.users[1]!.email, role: 'user', canManage: true });
    expect((await request(h.app).get('/api/session').set(auth(staff))).body.user.canManage).toBe(true);
    const saved = await request(h.app).put('/api/settings').set(auth(staff)).send({ orders: { salesOrderPrefix: 'PERM-' } });
    expect(saved.status, saved.text).toBe(200);
    expect((await request(h.app).get('/api/zoho/webhook').set(auth(staff))).status).toBe(200);

    // Allowed to manage, but not to hand out the right: that stays the owner's.
    const byManager = await request(h.app).put(`/api/users/${staffId}`).set(auth(staff)).send({ canManage: true });
    expect(byManager.status).toBe(403);

    const revoked = await request(h.app).put(`/api/users/${staffId}`).set(auth(owner)).send({ canManage: false });
    expect(revoked.body.canManage).toBe(false);
    expect((await request(h.app).put('/api/settings').set(auth(staff)).send({ orders: { salesOrderPrefix: 'NOPE-' } })).body.error.code).toBe('read_only');
  });

  it('refuses what the owner cannot change: their own right, an unknown user, another store’s user, a malformed body', async () => {
    const otherOwner = await install(other);
    expect((await request(h.app).put(`/api/users/${store.owner.id}`).set(auth(owner)).send({ canManage: false })).status).toBe(400);
    expect((await request(h.app).put('/api/users/99999999').set(auth(owner)).send({ canManage: true })).status).toBe(404);
    expect((await request(h.app).put(`/api/users/${other.owner.id}`).set(auth(owner)).send({ canManage: false })).status).toBe(404);
    expect((await request(h.app).put(`/api/users/${store.users[1]!.id}`).set(auth(owner)).send({ canManage: 'yes' })).status).toBe(400);
    // The other store's owner cannot reach this store's users either.
    expect((await request(h.app).put(`/api/users/${store.users[1]!.id}`).set(auth(otherOwner)).send({ canManage: true })).status).toBe(404);
    expect((await request(h.app).get('/api/users').set(auth(otherOwner))).body.users.map((u: { id: string }) => u.id)).toEqual([String(other.owner.id)]);
  });

  it('keeps each role current at every load: a new owner manages, the former owner becomes a user', async () => {
    const [former, next] = [store.users[0]!, store.users[1]!];
    // BigCommerce's store owner changes (the first user is the owner in the simulator).
    store.users.reverse();
    try {
      const nextSession = await load(store, next);
      const formerSession = await load(store, former);
      expect(await StoreUser.findById(storeUserId('perma', String(next.id))).lean()).toMatchObject({ role: 'owner' });
      expect((await request(h.app).get('/api/session').set(auth(nextSession))).body.user).toMatchObject({ role: 'owner', canManage: true });
      expect((await request(h.app).get('/api/session').set(auth(formerSession))).body.user).toMatchObject({ role: 'user', canManage: false });
      expect((await request(h.app).put('/api/settings').set(auth(formerSession)).send({})).status).toBe(403);
    } finally {
      store.users.reverse();
      await load(store, former);
      await load(store, next);
    }
  });
});

describe('the installing user who is not the owner', () => {
  it('is an admin who may manage the app (they chose to install it)', async () => {
    const target = h.bigcommerce.state.addStore('permc');
    const installer = target.users[1]!;
    const code = h.bigcommerce.state.issueCode(target, APP_SCOPES, installer.id);
    const res = await request(h.app).get('/bigcommerce/auth').query({ code, scope: APP_SCOPES, context: `stores/${target.hash}`, account_uuid: target.accountUuid });
    expect(res.status).toBe(302);
    const session = sessionFrom(res.headers.location);
    expect((await request(h.app).get('/api/session').set(auth(session))).body.user).toMatchObject({ role: 'admin', canManage: true });
    // A later load keeps them an admin.
    await load(target, installer);
    expect(await StoreUser.findById(storeUserId('permc', String(installer.id))).lean()).toMatchObject({ role: 'admin', canManage: true });
  });
});
