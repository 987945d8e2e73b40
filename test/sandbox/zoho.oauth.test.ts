import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../sandbox/common/clock.js';
import { ZOHO_DEMO } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { authorize, CLIENT, connect, REDIRECT_URI, tokenRequest, zohoApi } from './zohoHelpers.js';

const clock = new ManualClock();
let sim: RunningZohoSimulator;

beforeAll(async () => {
  sim = await startZohoSimulator({ clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }], clock, seed: true });
});
afterAll(async () => sim?.close());

const refresh = (refreshToken: string) =>
  tokenRequest(sim, { grant_type: 'refresh_token', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, refresh_token: refreshToken });

describe('authorize', () => {
  it('shows a consent page listing the users when no user is hinted', async () => {
    const url = new URL(`${sim.url}/oauth/v2/auth`);
    for (const [k, v] of Object.entries({ scope: 'ZohoInventory.FullAccess.all', client_id: CLIENT.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, access_type: 'offline', prompt: 'consent', state: 's' })) {
      url.searchParams.set(k, v);
    }
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(ZOHO_DEMO.userEmail);
    expect(html).toContain(ZOHO_DEMO.euUserEmail);
    expect(html).toContain('Accept');

    // Accepting as the EU user redirects with that user's data center.
    const zuid = sim.state.userByEmail(ZOHO_DEMO.euUserEmail)!.zuid;
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), zuid, decision: 'accept' });
    const accepted = await fetch(`${sim.url}/oauth/v2/auth/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(accepted.status).toBe(302);
    const location = new URL(accepted.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('location')).toBe('eu');
    expect(location.searchParams.get('state')).toBe('s');
    expect(location.searchParams.get('code')).toMatch(/^1000\./);
  });

  it('redirects like Zoho: code, state, location and accounts-server', async () => {
    const params = await authorize(sim, ZOHO_DEMO.userEmail);
    expect(params.get('state')).toBe('st-123');
    expect(params.get('location')).toBe('us');
    expect(params.get('accounts-server')).toBe(sim.url);
  });

  it('refuses an unknown client or a redirect URI that is not registered', async () => {
    const base = { scope: 'x', response_type: 'code', access_type: 'offline', login_hint: ZOHO_DEMO.userEmail };
    const badClient = await fetch(`${sim.url}/oauth/v2/auth?${new URLSearchParams({ ...base, client_id: 'nope', redirect_uri: REDIRECT_URI })}`, { redirect: 'manual' });
    expect(badClient.status).toBe(400);
    const badRedirect = await fetch(`${sim.url}/oauth/v2/auth?${new URLSearchParams({ ...base, client_id: CLIENT.clientId, redirect_uri: 'http://evil.test/cb' })}`, { redirect: 'manual' });
    expect(badRedirect.status).toBe(400);
  });
});

describe('token', () => {
  it('trades a code once for an access and a refresh token', async () => {
    const code = (await authorize(sim, ZOHO_DEMO.userEmail)).get('code')!;
    const grant = { grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uri: REDIRECT_URI, code };
    const first = await tokenRequest(sim, grant);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, api_domain: sim.url });
    expect(first.body.access_token).toMatch(/^1000\./);
    expect(first.body.refresh_token).toMatch(/^1000\./);

    const again = await tokenRequest(sim, grant);
    expect(again).toEqual({ status: 200, body: { error: 'invalid_code' } });
  });

  it('answers invalid_client and invalid_client_secret with HTTP 200, as Zoho does', async () => {
    const code = (await authorize(sim, ZOHO_DEMO.userEmail)).get('code')!;
    const base = { grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, code };
    expect((await tokenRequest(sim, { ...base, client_id: 'other', client_secret: 'x' })).body).toEqual({ error: 'invalid_client' });
    expect((await tokenRequest(sim, { ...base, client_id: CLIENT.clientId, client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client_secret' });
  });

  it('expires codes after two minutes', async () => {
    const code = (await authorize(sim, ZOHO_DEMO.userEmail)).get('code')!;
    clock.advance(2 * 60_000 + 1);
    const res = await tokenRequest(sim, { grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uri: REDIRECT_URI, code });
    expect(res.body).toEqual({ error: 'invalid_code' });
  });

  it('refreshes an expired access token, counting each refresh', async () => {
    const tokens = await connect(sim, ZOHO_DEMO.userEmail);
    const api = zohoApi(sim, tokens.accessToken, ZOHO_DEMO.organizationId);
    expect((await api('GET', '/organizations', { noOrg: true })).status).toBe(200);

    clock.advance(60 * 60_000);
    const expired = await api('GET', '/items');
    expect(expired).toEqual({ status: 401, body: { code: 57, message: 'You are not authorized to perform this operation' } });

    const before = sim.state.oauth.refreshCount;
    const refreshed = await refresh(tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(sim.state.oauth.refreshCount).toBe(before + 1);
    const fresh = zohoApi(sim, refreshed.body.access_token as string, ZOHO_DEMO.organizationId);
    expect((await fresh('GET', '/items')).status).toBe(200);
  });

  it('allows 10 refreshes per 10 minutes per refresh token, then answers Access Denied (400)', async () => {
    const tokens = await connect(sim, ZOHO_DEMO.userEmail);
    for (let i = 0; i < 10; i++) expect((await refresh(tokens.refreshToken)).status).toBe(200);
    const denied = await refresh(tokens.refreshToken);
    expect(denied.status).toBe(400);
    expect(denied.body.error).toBe('Access Denied');
    expect(String(denied.body.error_description)).toMatch(/too many requests/i);

    clock.advance(10 * 60_000 + 1);
    expect((await refresh(tokens.refreshToken)).status).toBe(200);
  });

  it('keeps 20 refresh tokens per user: the 21st revokes the oldest', async () => {
    const user = sim.state.addUser({ email: 'many@example.com', organizationIds: [ZOHO_DEMO.organizationId] });
    const issued: string[] = [];
    for (let i = 0; i < 21; i++) issued.push((await connect(sim, user.email)).refreshToken);
    expect(sim.state.oauth.liveRefreshTokens(user.zuid)).toHaveLength(20);
    expect((await refresh(issued[0]!)).body).toEqual({ error: 'invalid_code' });
    expect((await refresh(issued[1]!)).status).toBe(200);
    expect((await refresh(issued[20]!)).status).toBe(200);
  });

  it('revokes a refresh token and the access tokens minted from it', async () => {
    const tokens = await connect(sim, ZOHO_DEMO.userEmail);
    const res = await fetch(`${sim.url}/oauth/v2/token/revoke?token=${encodeURIComponent(tokens.refreshToken)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await refresh(tokens.refreshToken)).body).toEqual({ error: 'invalid_code' });
    const api = zohoApi(sim, tokens.accessToken, ZOHO_DEMO.organizationId);
    expect((await api('GET', '/items')).status).toBe(401);
  });

  it('issues no refresh token for access_type=online', async () => {
    const code = (await authorize(sim, ZOHO_DEMO.userEmail, 'ZohoInventory.FullAccess.all', { access_type: 'online' })).get('code')!;
    const res = await tokenRequest(sim, { grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uri: REDIRECT_URI, code });
    expect(res.body.access_token).toBeTypeOf('string');
    expect(res.body.refresh_token).toBeUndefined();
  });
});

describe('API access', () => {
  it('lists only the organizations of the token user; other organizations answer 6041', async () => {
    const us = await connect(sim, ZOHO_DEMO.userEmail);
    const api = zohoApi(sim, us.accessToken, ZOHO_DEMO.euOrganizationId);
    const orgs = await api('GET', '/organizations', { noOrg: true });
    expect(orgs.body.organizations.map((o: { organization_id: string }) => o.organization_id)).toEqual([ZOHO_DEMO.organizationId]);
    const foreign = await api('GET', '/items');
    expect(foreign.status).toBe(401);
    expect(foreign.body.code).toBe(6041);
    const missing = await api('GET', '/items', { noOrg: true });
    expect(missing).toMatchObject({ status: 400, body: { code: 2 } });
  });

  it('checks the scope per module and operation', async () => {
    const readOnly = await connect(sim, ZOHO_DEMO.userEmail, 'ZohoInventory.items.READ');
    const api = zohoApi(sim, readOnly.accessToken, ZOHO_DEMO.organizationId);
    expect((await api('GET', '/items')).status).toBe(200);
    expect((await api('POST', '/items', { body: { name: 'Scoped' } })).body.code).toBe(57);
    expect((await api('GET', '/contacts')).status).toBe(401);
  });

  it('wants the Zoho-oauthtoken scheme', async () => {
    const tokens = await connect(sim, ZOHO_DEMO.userEmail);
    const res = await fetch(`${sim.apiUrl}/items?organization_id=${ZOHO_DEMO.organizationId}`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(res.status).toBe(401);
  });
});
