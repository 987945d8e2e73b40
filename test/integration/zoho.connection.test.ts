import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret } from '../../server/crypto.js';
import { OAuthState, ZohoConnection } from '../../server/db/models/index.js';
import { signPayload } from '../../sandbox/bigcommerce/signing.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import type { RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { TEST_APP_URL, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_ZOHO_CLIENT, startTestHarness, type TestHarness } from '../support/testApp.js';
import { installedStoreSession } from '../support/sessions.js';

let h: TestHarness;
let zoho: RunningZohoSimulator;
let usOrg: ZohoOrg;
let usOrg2: ZohoOrg;
let euOrg: ZohoOrg;
const US_USER = 'owner@acme-us.example';
const EU_USER = 'owner@acme-eu.example';

beforeAll(async () => {
  h = await startTestHarness({ storeHash: 'zconn1', zoho: {} });
  zoho = h.zoho!;
  usOrg = zoho.state.addOrganization({ name: 'Acme US', dataCenter: 'us', plan: 'professional' });
  usOrg2 = zoho.state.addOrganization({ name: 'Acme Outlet', dataCenter: 'us', plan: 'free' });
  euOrg = zoho.state.addOrganization({ name: 'Acme EU', dataCenter: 'eu', plan: 'standard' });
  zoho.state.addUser({ email: US_USER, dataCenter: 'us', organizationIds: [usOrg.id, usOrg2.id] });
  zoho.state.addUser({ email: EU_USER, dataCenter: 'eu', organizationIds: [euOrg.id] });
});
afterAll(async () => h?.close());

const tokenCalls = () => zoho.state.calls.get('POST /oauth/v2/token') ?? 0;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The panel asks for the authorize URL; Zoho (auto-approving `email`) redirects back: the callback URL. */
async function authorize(session: string, dc: string, email: string): Promise<URL> {
  const res = await request(h.app).get('/api/zoho/connect').query({ dc }).set(auth(session));
  expect(res.status).toBe(200);
  zoho.state.autoApproveUser = email;
  const consent = await fetch(res.body.authorizeUrl as string, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(`${TEST_APP_URL}/zoho/callback`);
  return back;
}

const callback = (url: URL) => request(h.app).get(`/zoho/callback${url.search}`).set('accept', 'text/html');

async function connect(session: string, dc: string, email: string) {
  const res = await callback(await authorize(session, dc, email));
  expect(res.status, res.text).toBe(200);
  return res;
}

describe('connecting from the panel', () => {
  it('builds the authorize URL for the chosen data center with a single-use state', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn1');
    const res = await request(h.app).get('/api/zoho/connect').query({ dc: 'eu' }).set(auth(session));
    expect(res.status).toBe(200);
    const url = new URL(res.body.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${zoho.url}/oauth/v2/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: TEST_ZOHO_CLIENT.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      redirect_uri: `${TEST_APP_URL}/zoho/callback`,
    });
    const state = await OAuthState.findById(url.searchParams.get('state')).lean();
    expect(state).toMatchObject({ storeHash: 'zconn1', userId: '1', dc: 'eu' });

    expect((await request(h.app).get('/api/zoho/connect').query({ dc: 'zoho.xyz' }).set(auth(session))).status).toBe(400);
    expect((await request(h.app).get('/api/zoho/connect').query({ dc: 'com' })).status).toBe(401);
  });

  it('connects a .com organization: tokens sealed, then the merchant picks the organization', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn1');
    const res = await connect(session, 'com', US_USER);
    // The page tells the panel, and only the app's own origin.
    expect(res.text).toContain('"zoho-connected"');
    expect(res.text).toContain(`postMessage(message, "${TEST_APP_URL}")`);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'nonce-/);
    expect(res.headers['cross-origin-opener-policy']).toBe('unsafe-none');

    const raw = await mongoose.connection.db!.collection('zohoConnections').findOne({ _id: 'zconn1' as never });
    expect(raw).toMatchObject({ status: 'pending_organization', dc: 'com', accountsServer: zoho.url, apiBase: zoho.apiUrl });
    const live = zoho.state.oauth.liveRefreshTokens(zoho.state.userByEmail(US_USER)!.zuid);
    expect(live).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain(live[0]!.token);

    const pending = await request(h.app).get('/api/session').set(auth(session));
    expect(pending.body.connections.zoho.status).toBe('pending_organization');

    const list = await request(h.app).get('/api/zoho/organizations').set(auth(session));
    expect(list.status).toBe(200);
    expect(list.body.organizations).toEqual([
      expect.objectContaining({ organizationId: usOrg.id, name: 'Acme US', plan: 'professional' }),
      expect.objectContaining({ organizationId: usOrg2.id, name: 'Acme Outlet', plan: 'free' }),
    ]);

    const unknown = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: euOrg.id });
    expect(unknown.status).toBe(400);

    const chosen = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: usOrg.id });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ status: 'connected', organizationName: 'Acme US', plan: 'professional', dailyBudget: 5000 });

    const after = await request(h.app).get('/api/session').set(auth(session));
    expect(after.body.connections.zoho).toMatchObject({ status: 'connected', organizationName: 'Acme US', dc: 'com' });
  });

  it('connects an .eu organization (the DC comes from Zoho’s redirect)', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn2');
    const back = await authorize(session, 'eu', EU_USER);
    expect(back.searchParams.get('location')).toBe('eu');
    expect((await callback(back)).status).toBe(200);
    expect(await ZohoConnection.findById('zconn2').lean()).toMatchObject({ dc: 'eu', status: 'pending_organization' });
    const chosen = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: euOrg.id });
    expect(chosen.body).toMatchObject({ status: 'connected', organizationName: 'Acme EU', dc: 'eu', dailyBudget: 2000 });
  });

  it('a reconnect keeps the organization and the webhook URL, and revokes the replaced refresh token', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn2');
    const before = await ZohoConnection.findById('zconn2').lean();
    const zuid = zoho.state.userByEmail(EU_USER)!.zuid;
    const oldToken = zoho.state.oauth.liveRefreshTokens(zuid)[0]!.token;
    await connect(session, 'eu', EU_USER);
    const after = await ZohoConnection.findById('zconn2').lean();
    expect(after).toMatchObject({ status: 'connected', organizationId: euOrg.id, webhookKey: before!.webhookKey });
    await expect.poll(() => zoho.state.oauth.refreshTokens.get(oldToken)?.revoked).toBe(true);
    expect(zoho.state.oauth.liveRefreshTokens(zuid)).toHaveLength(1);
  });
});

describe('refusals: nothing is exchanged', () => {
  it('refuses a forged state', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn3');
    const back = await authorize(session, 'com', US_USER);
    back.searchParams.set('state', 'forged-state-value-0123456789');
    const before = tokenCalls();
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(res.text).toContain('"zoho-error"');
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zconn3').lean()).toBeNull();
  });

  it('refuses a state used twice', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn3');
    const back = await authorize(session, 'com', US_USER);
    expect((await callback(back)).status).toBe(200);
    const before = tokenCalls();
    const replay = await callback(back);
    expect(replay.status).toBe(400);
    expect(tokenCalls()).toBe(before);
  });

  it('refuses an expired state', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn4');
    const back = await authorize(session, 'com', US_USER);
    await OAuthState.updateOne({ _id: back.searchParams.get('state') }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const before = tokenCalls();
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/expired/i);
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zconn4').lean()).toBeNull();
  });

  it.each([
    ['a foreign host', () => 'https://accounts.zoho.com.evil.example'],
    ['a Zoho host other than the configured accounts server', () => 'https://accounts.zoho.com'],
    ['the configured host with a path', () => `${zoho.url}/steal`],
    ['the configured host with credentials', () => zoho.url.replace('http://', 'http://user:pw@')],
  ])('refuses an accounts-server that is %s', async (_label, server) => {
    const session = await installedStoreSession(h.ctx, 'zconn5');
    const back = await authorize(session, 'com', US_USER);
    back.searchParams.set('accounts-server', server());
    const before = tokenCalls();
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/not Zoho/);
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zconn5').lean()).toBeNull();
  });

  it('says plainly when the merchant declined on Zoho’s page', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn5');
    const back = await authorize(session, 'com', US_USER);
    back.searchParams.delete('code');
    back.searchParams.set('error', 'access_denied');
    const before = tokenCalls();
    const res = await callback(back);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/did not grant access/);
    expect(tokenCalls()).toBe(before);
  });
});

describe('disconnect and uninstall', () => {
  it('disconnect revokes the refresh token at Zoho and forgets the connection', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn6');
    await connect(session, 'com', US_USER);
    const { refreshToken } = await sealedRefreshToken('zconn6');
    const res = await request(h.app).delete('/api/zoho/connection').set(auth(session));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: true });
    expect(zoho.state.oauth.refreshTokens.get(refreshToken)?.revoked).toBe(true);
    expect(await ZohoConnection.findById('zconn6').lean()).toBeNull();
    const status = await request(h.app).get('/api/session').set(auth(session));
    expect(status.body.connections.zoho).toEqual({ status: 'not_connected' });
    expect((await request(h.app).get('/api/zoho/organizations').set(auth(session))).status).toBe(409);
  });

  it('uninstalling the app revokes the Zoho grant too', async () => {
    const store = h.bigcommerce.state.addStore('zconn7');
    const session = await installedStoreSession(h.ctx, 'zconn7', String(store.owner.id));
    await connect(session, 'com', US_USER);
    const { refreshToken } = await sealedRefreshToken('zconn7');
    const jwt = await signPayload({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }, store, store.owner);
    expect((await request(h.app).get('/bigcommerce/uninstall').query({ signed_payload_jwt: jwt })).status).toBe(200);
    expect(zoho.state.oauth.refreshTokens.get(refreshToken)?.revoked).toBe(true);
    expect(await ZohoConnection.findById('zconn7').lean()).toBeNull();
  });
});

/** The refresh token the app holds for a store, found through the simulator (the app keeps it sealed). */
async function sealedRefreshToken(storeHash: string): Promise<{ refreshToken: string }> {
  const doc = await ZohoConnection.findById(storeHash).lean();
  return { refreshToken: decryptSecret(doc!.refreshTokenSealed!, h.ctx.config.encryptionKey) };
}
