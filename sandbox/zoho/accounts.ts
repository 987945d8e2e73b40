import { randomBytes } from 'node:crypto';
import { Router, urlencoded, type Request, type Response } from 'express';
import type { ZohoClientApp, ZohoState, ZohoUser } from './state.js';

/**
 * Zoho Accounts (accounts.zoho.{dc}): the consent page, the token endpoint and revocation,
 * with Zoho's limits: access tokens live one hour; a refresh token may be used at most 10
 * times in 10 minutes; a user keeps at most 20 refresh tokens per client (the 21st silently
 * revokes the oldest). Token errors come back as `{error}` with HTTP 200, as Zoho does for
 * invalid_code / invalid_client; the refresh limit answers 400 "Access Denied".
 */
export interface OAuthLimits {
  accessTokenTtlMs: number;
  codeTtlMs: number;
  refreshesPerWindow: number;
  refreshWindowMs: number;
  maxRefreshTokensPerUser: number;
}

export const REAL_OAUTH_LIMITS: OAuthLimits = {
  accessTokenTtlMs: 60 * 60_000,
  codeTtlMs: 2 * 60_000,
  refreshesPerWindow: 10,
  refreshWindowMs: 10 * 60_000,
  maxRefreshTokensPerUser: 20,
};

interface Grant {
  zuid: string;
  clientId: string;
  scope: string;
  redirectUri: string;
  offline: boolean;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  token: string;
  zuid: string;
  clientId: string;
  scope: string;
  issuedAt: number;
  /** When it was used, within the current window (the refresh limit counts these). */
  uses: number[];
  revoked: boolean;
}

export interface AccessTokenRecord {
  token: string;
  zuid: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  refreshToken: string | undefined;
}

const token = () => `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;

/** Codes, refresh tokens and access tokens, on the simulator clock. */
export class OAuthTokens {
  readonly codes = new Map<string, Grant>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** Successful refresh_token grants, in total (tests assert "exactly one refresh"). */
  refreshCount = 0;

  constructor(
    private readonly state: ZohoState,
    public limits: OAuthLimits,
  ) {}

  issueCode(user: ZohoUser, clientId: string, scope: string, redirectUri: string, offline: boolean): string {
    const code = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    this.codes.set(code, { zuid: user.zuid, clientId, scope, redirectUri, offline, expiresAt: this.state.clock.now() + this.limits.codeTtlMs });
    return code;
  }

  /** Single use: the code is gone after the first attempt, right or wrong. */
  takeCode(code: string): Grant | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expiresAt <= this.state.clock.now()) return undefined;
    return grant;
  }

  issueRefreshToken(zuid: string, clientId: string, scope: string): RefreshTokenRecord {
    const live = [...this.refreshTokens.values()].filter((r) => r.zuid === zuid && r.clientId === clientId && !r.revoked);
    // The 21st token silently revokes the oldest.
    for (const old of live.slice(0, Math.max(0, live.length - this.limits.maxRefreshTokensPerUser + 1))) this.revoke(old.token);
    const record: RefreshTokenRecord = { token: token(), zuid, clientId, scope, issuedAt: this.state.clock.now(), uses: [], revoked: false };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  issueAccessToken(zuid: string, clientId: string, scope: string, refreshToken?: string): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: token(),
      zuid,
      clientId,
      scope,
      expiresAt: this.state.clock.now() + this.limits.accessTokenTtlMs,
      refreshToken,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  /** Counts a use of the refresh token; false when the 10-in-10-minutes limit is reached. */
  allowRefresh(record: RefreshTokenRecord): boolean {
    const now = this.state.clock.now();
    record.uses = record.uses.filter((t) => t > now - this.limits.refreshWindowMs);
    if (record.uses.length >= this.limits.refreshesPerWindow) return false;
    record.uses.push(now);
    return true;
  }

  /** Revokes a refresh token and every access token minted from it; or a single access token. */
  revoke(value: string): boolean {
    const refresh = this.refreshTokens.get(value);
    if (refresh) {
      refresh.revoked = true;
      for (const [t, a] of this.accessTokens) if (a.refreshToken === value) this.accessTokens.delete(t);
      return true;
    }
    return this.accessTokens.delete(value);
  }

  /** The live access token, or undefined (unknown, revoked or expired). */
  authenticate(value: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(value);
    if (!record || record.expiresAt <= this.state.clock.now()) return undefined;
    return record;
  }

  /** Live refresh tokens of a user for a client (oldest first). */
  liveRefreshTokens(zuid: string, clientId?: string): RefreshTokenRecord[] {
    return [...this.refreshTokens.values()].filter((r) => r.zuid === zuid && !r.revoked && (clientId === undefined || r.clientId === clientId));
  }
}

const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function errorPage(res: Response, title: string, detail: string) {
  res
    .status(400)
    .type('html')
    .send(`<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`);
}

interface AuthorizeParams {
  client: ZohoClientApp;
  scope: string;
  redirectUri: string;
  state: string | undefined;
  offline: boolean;
}

/** Validates the authorize query; writes Zoho's error page and returns undefined when invalid. */
function readAuthorize(state: ZohoState, query: Record<string, unknown>, res: Response): AuthorizeParams | undefined {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const client = state.client(str('client_id'));
  if (!client) return void errorPage(res, 'Invalid Client', 'The client_id is not registered in the API console.');
  if (str('response_type') !== 'code') return void errorPage(res, 'Invalid Request', 'response_type must be "code".');
  const redirectUri = str('redirect_uri');
  if (!redirectUri || (client.redirectUris?.length && !client.redirectUris.includes(redirectUri))) {
    return void errorPage(res, 'Invalid Redirect Uri', 'The redirect_uri does not match the ones registered for this client.');
  }
  const scope = str('scope');
  if (!scope) return void errorPage(res, 'Invalid Scope', 'A scope is required.');
  return { client, scope, redirectUri, state: str('state'), offline: str('access_type') === 'offline' };
}

/** The redirect Zoho sends back after consent: code, state, the user's DC and accounts server. */
function approvedRedirect(state: ZohoState, req: Request, params: AuthorizeParams, user: ZohoUser): string {
  const code = state.oauth.issueCode(user, params.client.clientId, params.scope, params.redirectUri, params.offline);
  const url = new URL(params.redirectUri);
  if (params.state !== undefined) url.searchParams.set('state', params.state);
  url.searchParams.set('code', code);
  url.searchParams.set('location', user.dataCenter);
  // The real value is the DC's accounts host; the app is pointed at the simulator instead.
  url.searchParams.set('accounts-server', origin(req));
  return url.toString();
}

function consentPage(state: ZohoState, query: Record<string, unknown>, params: AuthorizeParams): string {
  const hidden = Object.entries(query)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v as string)}">`)
    .join('');
  const users = [...state.users.values()]
    .map(
      (u) => `<li><form method="post" action="/oauth/v2/auth/approve">${hidden}<input type="hidden" name="zuid" value="${u.zuid}">
<strong>${escapeHtml(u.name)}</strong> &lt;${escapeHtml(u.email)}&gt; (data center ${u.dataCenter})
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="reject">Reject</button></form></li>`,
    )
    .join('\n');
  return `<!doctype html><html><head><title>Zoho Accounts (sandbox): consent</title></head><body>
<h1>Sandbox Zoho Accounts</h1>
<p>The application <code>${escapeHtml(params.client.clientId)}</code> asks for access to: <code>${escapeHtml(params.scope)}</code>.</p>
<p>Sign in as:</p><ul>${users || '<li>No users: add one with state.addUser.</li>'}</ul></body></html>`;
}

export function accountsRoutes(state: ZohoState): Router {
  const router = Router();
  const form = urlencoded({ extended: false });

  router.get('/oauth/v2/auth', (req, res) => {
    state.countCall('GET /oauth/v2/auth');
    const query = req.query as Record<string, unknown>;
    const params = readAuthorize(state, query, res);
    if (!params) return;
    const hint = typeof query.login_hint === 'string' ? query.login_hint : state.autoApproveUser;
    const user = hint ? state.userByEmail(hint) : undefined;
    if (user) return res.redirect(302, approvedRedirect(state, req, params, user));
    res.type('html').send(consentPage(state, query, params));
  });

  router.post('/oauth/v2/auth/approve', form, (req, res) => {
    state.countCall('POST /oauth/v2/auth/approve');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const params = readAuthorize(state, body, res);
    if (!params) return;
    if (body.decision === 'reject') {
      const url = new URL(params.redirectUri);
      if (params.state !== undefined) url.searchParams.set('state', params.state);
      url.searchParams.set('error', 'access_denied');
      return res.redirect(302, url.toString());
    }
    const user = state.users.get(String(body.zuid));
    if (!user) return errorPage(res, 'Invalid User', 'Pick one of the listed users.');
    res.redirect(302, approvedRedirect(state, req, params, user));
  });

  // Zoho reads the parameters from the query string or a form body.
  router.post('/oauth/v2/token', form, (req, res) => {
    state.countCall('POST /oauth/v2/token');
    const p = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const fail = (error: string) => res.status(200).json({ error });
    const client = state.client(p.client_id);
    if (!client) return fail('invalid_client');
    if (p.client_secret !== client.clientSecret) return fail('invalid_client_secret');

    if (p.grant_type === 'authorization_code') {
      const grant = state.oauth.takeCode(String(p.code ?? ''));
      if (!grant || grant.clientId !== client.clientId) return fail('invalid_code');
      if (p.redirect_uri !== grant.redirectUri) return fail('invalid_redirect_uri');
      const refresh = grant.offline ? state.oauth.issueRefreshToken(grant.zuid, client.clientId, grant.scope) : undefined;
      const access = state.oauth.issueAccessToken(grant.zuid, client.clientId, grant.scope, refresh?.token);
      return res.json({
        access_token: access.token,
        ...(refresh ? { refresh_token: refresh.token } : {}),
        scope: grant.scope,
        api_domain: origin(req),
        token_type: 'Bearer',
        expires_in: Math.round(state.oauth.limits.accessTokenTtlMs / 1000),
      });
    }

    if (p.grant_type === 'refresh_token') {
      const refresh = state.oauth.refreshTokens.get(String(p.refresh_token ?? ''));
      if (!refresh || refresh.revoked || refresh.clientId !== client.clientId) return fail('invalid_code');
      if (!state.oauth.allowRefresh(refresh)) {
        return res.status(400).json({
          error_description: 'You have made too many requests continuously. Please try again after some time.',
          error: 'Access Denied',
          status: 'failure',
        });
      }
      state.oauth.refreshCount++;
      const access = state.oauth.issueAccessToken(refresh.zuid, client.clientId, refresh.scope, refresh.token);
      return res.json({
        access_token: access.token,
        scope: refresh.scope,
        api_domain: origin(req),
        token_type: 'Bearer',
        expires_in: Math.round(state.oauth.limits.accessTokenTtlMs / 1000),
      });
    }
    return fail('unsupported_grant_type');
  });

  router.post('/oauth/v2/token/revoke', form, (req, res) => {
    state.countCall('POST /oauth/v2/token/revoke');
    const value = String((req.query as Record<string, unknown>).token ?? (req.body as Record<string, unknown> | undefined)?.token ?? '');
    state.oauth.revoke(value);
    // Zoho answers success whether or not the token was live: revocation is idempotent.
    res.json({ status: 'success' });
  });

  return router;
}
