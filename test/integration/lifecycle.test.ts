import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSessionToken } from '../../server/auth/sessionToken.js';
import { decryptSecret } from '../../server/crypto.js';
import { Store, StoreUser, User } from '../../server/db/models/index.js';
import { APP_SCOPES } from '../../sandbox/bigcommerce/controlPanel.js';
import { signPayload } from '../../sandbox/bigcommerce/signing.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { TEST_APP_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestHarness, type TestHarness } from '../support/testApp.js';

const app = { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET };
let h: TestHarness;
let storeA: SimStore;
let storeB: SimStore;

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'storea' });
  storeA = h.bigcommerce.state.defaultStore;
  storeB = h.bigcommerce.state.addStore('storeb');
});
afterAll(async () => h?.close());

async function install(store: SimStore) {
  const code = h.bigcommerce.state.issueCode(store, APP_SCOPES, store.owner.id);
  return request(h.app).get('/bigcommerce/auth').query({ code, scope: APP_SCOPES, context: `stores/${store.hash}`, account_uuid: store.accountUuid });
}

function sessionFrom(location: string | undefined): string {
  const match = /^http:\/\/app\.test\/#session=(.+)$/.exec(location ?? '');
  expect(match, `redirect into the panel, got ${location}`).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

const counts = async () => ({
  stores: await Store.countDocuments(),
  users: await User.countDocuments(),
  storeUsers: await StoreUser.countDocuments(),
});

describe('install', () => {
  it('refuses a missing code or an unknown code, writing nothing', async () => {
    const before = await counts();
    const missing = await request(h.app).get('/bigcommerce/auth').query({ context: 'stores/storea', scope: 'x' });
    expect(missing.status).toBe(400);
    const unknown = await request(h.app).get('/bigcommerce/auth').query({ code: 'nope', context: 'stores/storea', scope: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('token_exchange_failed');
    expect(await counts()).toEqual(before);
  });

  it('exchanges the code, stores the store and its installing user, and enters the panel', async () => {
    const res = await install(storeA);
    expect(res.status).toBe(302);
    const token = sessionFrom(res.headers.location);

    const store = await Store.findById('storea').lean();
    expect(store).toMatchObject({ status: 'installed', scope: APP_SCOPES, ownerId: String(storeA.owner.id) });
    expect(await StoreUser.findById(`storea:${storeA.owner.id}`).lean()).toMatchObject({ role: 'owner' });

    const session = await request(h.app).get('/api/session').set('authorization', `Bearer ${token}`);
    expect(session.status).toBe(200);
    expect(session.body.store.hash).toBe('storea');
    expect(session.body.user).toMatchObject({ id: String(storeA.owner.id), email: storeA.owner.email, role: 'owner' });
  });

  it('does not let the same code be used twice', async () => {
    const code = h.bigcommerce.state.issueCode(storeA, APP_SCOPES, storeA.owner.id);
    const query = { code, scope: APP_SCOPES, context: 'stores/storea' };
    expect((await request(h.app).get('/bigcommerce/auth').query(query)).status).toBe(302);
    expect((await request(h.app).get('/bigcommerce/auth').query(query)).status).toBe(400);
  });

  it('keeps the API token only sealed: the raw document does not contain it', async () => {
    const raw = await mongoose.connection.db!.collection('stores').findOne({ _id: 'storea' as never });
    const plain = storeA.accessToken!;
    expect(plain).toBeTruthy();
    expect(JSON.stringify(raw)).not.toContain(plain);
    expect(decryptSecret(raw!.accessTokenSealed as string, h.ctx.config.encryptionKey)).toBe(plain);
  });
});

describe('load', () => {
  it('provisions a second user of the store and lets them in', async () => {
    const staff = storeA.users[1]!;
    const jwt = await signPayload(app, storeA, staff);
    const res = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: jwt });
    expect(res.status).toBe(302);
    expect(await StoreUser.findById(`storea:${staff.id}`).lean()).toMatchObject({ role: 'user', storeHash: 'storea' });
    const session = await request(h.app).get('/api/session').set('authorization', `Bearer ${sessionFrom(res.headers.location)}`);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ id: String(staff.id), email: staff.email, role: 'user' });
  });

  it.each([
    ['forged (wrong secret)', { secret: 'not-the-client-secret' }],
    ['expired', { issuedAt: Math.floor(Date.now() / 1000) - 3 * 24 * 3600, expiresInS: 24 * 3600 }],
    ['for another app (wrong audience)', { audience: 'someone-elses-client-id' }],
    ['from another issuer', { issuer: 'not-bc' }],
  ])('refuses a %s signed_payload_jwt with 401 and writes nothing', async (_label, overrides) => {
    const newcomer = h.bigcommerce.state.addStore(`x${Math.random().toString(36).slice(2, 8)}`);
    // A user of an installed store, never seen before: a valid JWT would provision them.
    const stranger = { id: 990000 + Math.floor(Math.random() * 1000), username: 'stranger', email: 'stranger@example.com' };
    storeA.users.push(stranger);
    const before = await counts();
    for (const target of [storeA, newcomer]) {
      const jwt = await signPayload(app, target, stranger, overrides);
      const res = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: jwt });
      expect(res.status).toBe(401);
    }
    const noJwt = await request(h.app).get('/bigcommerce/load');
    expect(noJwt.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('refuses a garbage token', async () => {
    const res = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: 'abc.def.ghi' });
    expect(res.status).toBe(401);
  });
});

describe('scoping', () => {
  it('never lets a session of store A read store B', async () => {
    await install(storeB);
    const ownerA = await signSessionToken({ storeHash: 'storea', userId: String(storeA.owner.id) }, h.ctx.config.sessionSecret);
    const res = await request(h.app).get('/api/session').set('authorization', `Bearer ${ownerA}`);
    expect(res.body.store.hash).toBe('storea');
    // A token naming store B for a user who belongs only to A is refused.
    const crossed = await signSessionToken({ storeHash: 'storeb', userId: String(storeA.owner.id) }, h.ctx.config.sessionSecret);
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${crossed}`)).status).toBe(401);
    // A token for B signed with another secret is refused.
    const forged = await signSessionToken({ storeHash: 'storeb', userId: String(storeB.owner.id) }, 'x'.repeat(40));
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${forged}`)).status).toBe(401);
    expect((await request(h.app).get('/api/session')).status).toBe(401);
  });

  it('renews a valid session token', async () => {
    const token = await signSessionToken({ storeHash: 'storeb', userId: String(storeB.owner.id) }, h.ctx.config.sessionSecret);
    const res = await request(h.app).post('/api/session/refresh').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const again = await request(h.app).get('/api/session').set('authorization', `Bearer ${res.body.token}`);
    expect(again.body.store.hash).toBe('storeb');
  });
});

describe('remove-user and uninstall', () => {
  it('remove-user ends that user’s access at once and leaves others alone', async () => {
    const staff = storeA.users[1]!;
    const staffToken = await signSessionToken({ storeHash: 'storea', userId: String(staff.id) }, h.ctx.config.sessionSecret);
    const ownerToken = await signSessionToken({ storeHash: 'storea', userId: String(storeA.owner.id) }, h.ctx.config.sessionSecret);
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${staffToken}`)).status).toBe(200);

    const jwt = await signPayload(app, storeA, staff);
    expect((await request(h.app).get('/bigcommerce/remove-user').query({ signed_payload_jwt: jwt })).status).toBe(200);
    expect(await StoreUser.findById(`storea:${staff.id}`).lean()).toBeNull();
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${staffToken}`)).status).toBe(401);
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${ownerToken}`)).status).toBe(200);
  });

  it('uninstall erases the token, ends every session, cancels the store’s jobs and keeps the store', async () => {
    await h.agenda.schedule('in 1 hour', 'sync-products', { storeHash: 'storea' });
    await h.agenda.schedule('in 1 hour', 'sync-products', { storeHash: 'storeb' });
    const jobs = mongoose.connection.db!.collection('jobs');
    expect(await jobs.countDocuments({ 'data.storeHash': 'storea' })).toBe(1);
    const ownerToken = await signSessionToken({ storeHash: 'storea', userId: String(storeA.owner.id) }, h.ctx.config.sessionSecret);

    const jwt = await signPayload(app, storeA, storeA.owner);
    expect((await request(h.app).get('/bigcommerce/uninstall').query({ signed_payload_jwt: jwt })).status).toBe(200);

    const store = await Store.findById('storea').lean();
    expect(store?.status).toBe('uninstalled');
    expect(store?.accessTokenSealed).toBeUndefined();
    expect(store?.uninstalledAt).toBeInstanceOf(Date);
    expect((await request(h.app).get('/api/session').set('authorization', `Bearer ${ownerToken}`)).status).toBe(401);
    expect(await jobs.countDocuments({ 'data.storeHash': 'storea' })).toBe(0);
    expect(await jobs.countDocuments({ 'data.storeHash': 'storeb' })).toBe(1);

    // A load for the uninstalled store is refused and provisions nobody.
    const before = await counts();
    const load = await request(h.app).get('/bigcommerce/load').query({ signed_payload_jwt: await signPayload(app, storeA, storeA.owner) });
    expect(load.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('a reinstall brings the store back', async () => {
    const res = await install(storeA);
    expect(res.status).toBe(302);
    expect((await Store.findById('storea').lean())?.status).toBe('installed');
    expect(res.headers.location).toMatch(new RegExp(`^${TEST_APP_URL}/#session=`));
  });
});
