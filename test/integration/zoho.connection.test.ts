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
import { authorizeAtZoho, completeConsent, consentQuery, postConsent } from '../support/zohoConnect.js';

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
  usOrg = zoho.state.addOrganization({ name: 'Acme US', dataCenter: 'us', plan: 'professional', contact_name: 'Ada Lovelace', email: 'ada@acme-us.example' });
  usOrg2 = zoho.state.addOrganization({ name: 'Acme Outlet', dataCenter: 'us', plan: 'free' });
  euOrg = zoho.state.addOrganization({ name: 'Acme EU', dataCenter: 'eu', plan: 'standard' });
  zoho.state.addUser({ email: US_USER, dataCenter: 'us', organizationIds: [usOrg.id, usOrg2.id] });
  zoho.state.addUser({ email: EU_USER, dataCenter: 'eu', organizationIds: [euOrg.id] });
});
afterAll(async () => h?.close());

const tokenCalls = () => zoho.state.calls.get('POST /oauth/v2/token') ?? 0;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

const authorize = (session: string, dc: string, email: string) => authorizeAtZoho(h.app, zoho, session, email, dc);
const callbackPage = (url: URL) => request(h.app).get(`/zoho/callback${url.search}`).set('accept', 'text/html');

/** Zoho's redirect followed as the panel's pop-up does, then the panel's POST: the POST's answer. */
async function connect(session: string, dc: string, email: string) {
  const res = await completeConsent(h.app, session, await authorize(session, dc, email));
  expect(res.status, res.text).toBe(200);
  return res;
}

/** What the callback page's script posts to the panel (the page carries it as JSON). */
function pageMessage(html: string): { type: string; query?: Record<string, string>; code?: string } {
  const match = /var message = (.*);\n/.exec(html);
  expect(match, 'the page carries a message for the panel').not.toBeNull();
  return JSON.parse(match![1]!) as never;
}

/** The page as the merchant reads it: its text outside the script. */
const visibleText = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '');

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
    expect(res.body).toEqual({ status: 'pending_organization', dc: 'com' });

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
      expect.objectContaining({ organizationId: usOrg.id, name: 'Acme US', plan: 'professional', contactName: 'Ada Lovelace', contactEmail: 'ada@acme-us.example' }),
      expect.objectContaining({ organizationId: usOrg2.id, name: 'Acme Outlet', plan: 'free' }),
    ]);

    const unknown = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: euOrg.id });
    expect(unknown.status).toBe(400);

    const chosen = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: usOrg.id });
    expect(chosen.status).toBe(200);
    // The panel shows which organization was bound, and whose it is.
    expect(chosen.body).toMatchObject({ status: 'connected', organizationName: 'Acme US', contactName: 'Ada Lovelace', contactEmail: 'ada@acme-us.example', plan: 'professional', dailyBudget: 5000 });

    const after = await request(h.app).get('/api/session').set(auth(session));
    expect(after.body.connections.zoho).toMatchObject({ status: 'connected', organizationName: 'Acme US', contactName: 'Ada Lovelace', dc: 'com' });
    expect((await request(h.app).get('/api/zoho/connection').set(auth(session))).body).toEqual(after.body.connections.zoho);
  });

  it('connects an .eu organization (the DC comes from Zoho’s redirect)', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn2');
    const back = await authorize(session, 'eu', EU_USER);
    expect(back.searchParams.get('location')).toBe('eu');
    expect((await completeConsent(h.app, session, back)).status).toBe(200);
    expect(await ZohoConnection.findById('zconn2').lean()).toMatchObject({ dc: 'eu', status: 'pending_organization' });
    const chosen = await request(h.app).put('/api/zoho/organization').set(auth(session)).send({ organizationId: euOrg.id });
    expect(chosen.body).toMatchObject({ status: 'connected', organizationName: 'Acme EU', dc: 'eu', dailyBudget: 2000 });
  });

  it('a reconnect keeps the organization and the webhook URL, and revokes the replaced refresh token', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn2');
    const before = await ZohoConnection.findById('zconn2').lean();
    const zuid = zoho.state.userByEmail(EU_USER)!.zuid;
    const oldToken = zoho.state.oauth.liveRefreshTokens(zuid)[0]!.token;
    const res = await connect(session, 'eu', EU_USER);
    expect(res.body).toMatchObject({ status: 'connected', organizationName: 'Acme EU', contactName: 'Sandbox Admin' });
    const after = await ZohoConnection.findById('zconn2').lean();
    expect(after).toMatchObject({ status: 'connected', organizationId: euOrg.id, webhookKey: before!.webhookKey });
    await expect.poll(() => zoho.state.oauth.refreshTokens.get(oldToken)?.revoked).toBe(true);
    expect(zoho.state.oauth.liveRefreshTokens(zuid)).toHaveLength(1);
  });
});

describe('the callback page hands Zoho’s answer to the panel, and exchanges nothing', () => {
  it('validates the state without using it, keeps the code off the page and posts the query to the panel’s origin only', async () => {
    const session = await installedStoreSession(h.ctx, 'zpage1');
    const back = await authorize(session, 'com', US_USER);
    expect(`${back.origin}${back.pathname}`).toBe(`${TEST_APP_URL}/zoho/callback`);
    const before = tokenCalls();
    const res = await callbackPage(back);
    expect(res.status).toBe(200);
    expect(pageMessage(res.text)).toEqual({ type: 'zoho-consent', query: consentQuery(back) });
    // The panel runs in the control panel's iframe at the app's own origin, and opens the pop-up from there.
    expect(res.text).toContain(`window.opener.postMessage(message, "${TEST_APP_URL}")`);
    expect(visibleText(res.text)).not.toContain(back.searchParams.get('code')!);
    // Helmet's CSP stands, with a nonce for this page's one script.
    const csp = res.headers['content-security-policy'] as string;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['cross-origin-opener-policy']).toBe('unsafe-none');
    expect(res.headers['cache-control']).toBe('no-store');
    // Without an opener the page says so: nothing connects from this window.
    expect(res.text).toMatch(/Start again from the app/);

    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zpage1').lean()).toBeNull();
    expect(await OAuthState.findById(back.searchParams.get('state')).lean()).not.toBeNull();
    // Opened twice (a reload), it still hands the same query over.
    expect((await callbackPage(back)).status).toBe(200);
  });

  it('refuses an unknown, used or expired state', async () => {
    const session = await installedStoreSession(h.ctx, 'zpage2');
    const back = await authorize(session, 'com', US_USER);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value-0123456789');
    const unknown = await callbackPage(forged);
    expect(unknown.status).toBe(400);
    expect(pageMessage(unknown.text)).toMatchObject({ type: 'zoho-error', code: 'invalid_state' });
    expect(visibleText(unknown.text)).not.toContain(back.searchParams.get('code')!);

    expect((await completeConsent(h.app, session, back)).status).toBe(200);
    const used = await callbackPage(back);
    expect(used.status).toBe(400);
    expect(pageMessage(used.text)).toMatchObject({ type: 'zoho-error', code: 'invalid_state' });

    const again = await authorize(session, 'com', US_USER);
    await OAuthState.updateOne({ _id: again.searchParams.get('state') }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await callbackPage(again);
    expect(expired.status).toBe(400);
    expect(pageMessage(expired.text)).toMatchObject({ type: 'zoho-error', code: 'expired_state' });
  });
});

describe('only the panel session that asked for the consent completes it', () => {
  it('refuses another user of the store and another store’s session with 403, exchanging nothing; the right session still completes it, once', async () => {
    const session = await installedStoreSession(h.ctx, 'zbind1', '1');
    const colleague = await installedStoreSession(h.ctx, 'zbind1', '2');
    const stranger = await installedStoreSession(h.ctx, 'zbind2', '1');
    const back = await authorize(session, 'com', US_USER);
    const query = consentQuery(back);
    const before = tokenCalls();
    for (const other of [colleague, stranger]) {
      const res = await postConsent(h.app, other, query);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('zoho_consent_other_session');
    }
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zbind1').lean()).toBeNull();
    expect(await ZohoConnection.findById('zbind2').lean()).toBeNull();

    const done = await postConsent(h.app, session, query);
    expect(done.status, done.text).toBe(200);
    expect(done.body).toEqual((await request(h.app).get('/api/zoho/connection').set(auth(session))).body);
    expect(done.body.status).toBe('pending_organization');
    expect(tokenCalls()).toBe(before + 1);

    const replay = await postConsent(h.app, session, query);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('invalid_state');
    expect(tokenCalls()).toBe(before + 1);
  });

  it('binds nothing when an admin sends the authorize link to another company’s Zoho admin', async () => {
    // Store A's admin starts a consent and sends Zoho's link to someone else, who approves it.
    const attacker = await installedStoreSession(h.ctx, 'zbind3');
    const back = await authorize(attacker, 'com', EU_USER);
    const before = tokenCalls();
    // The victim's browser lands on the callback: a page with no opener, which exchanges nothing…
    const page = await callbackPage(back);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).not.toContain(back.searchParams.get('code')!);
    // …and the victim's own panel (their store) cannot complete a consent their session did not start.
    const victim = await installedStoreSession(h.ctx, 'zbind4');
    const res = await postConsent(h.app, victim, consentQuery(back));
    expect(res.status).toBe(403);
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zbind3').lean()).toBeNull();
    expect(await ZohoConnection.findById('zbind4').lean()).toBeNull();
  });

  it.each([
    ['unknown', async (query: Record<string, string>) => ({ ...query, state: 'forged-state-value-0123456789' }), 'invalid_state'],
    ['missing', async ({ state: _state, ...query }: Record<string, string>) => query, 'invalid_state'],
    [
      'expired',
      async (query: Record<string, string>) => {
        await OAuthState.updateOne({ _id: query.state }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
        return query;
      },
      'expired_state',
    ],
  ])('answers 400 to an %s state', async (_label, alter, code) => {
    const session = await installedStoreSession(h.ctx, 'zconn3');
    const query = await alter(consentQuery(await authorize(session, 'com', US_USER)));
    const before = tokenCalls();
    const res = await postConsent(h.app, session, query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zconn3').lean()).toBeNull();
  });

  it('refuses a body that is not the callback’s query, and a request without a session', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn3');
    const query = consentQuery(await authorize(session, 'com', US_USER));
    expect((await postConsent(h.app, session, { ...query, code: 42 } as never)).status).toBe(400);
    expect((await request(h.app).post('/api/zoho/callback').send(query)).status).toBe(401);
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
    const res = await completeConsent(h.app, session, back);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not Zoho/);
    expect(tokenCalls()).toBe(before);
    expect(await ZohoConnection.findById('zconn5').lean()).toBeNull();
  });

  it('says plainly when the merchant declined on Zoho’s page', async () => {
    const session = await installedStoreSession(h.ctx, 'zconn5');
    const back = await authorize(session, 'com', US_USER);
    back.searchParams.delete('code');
    back.searchParams.set('error', 'access_denied');
    const before = tokenCalls();
    const res = await completeConsent(h.app, session, back);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/did not grant access/);
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
