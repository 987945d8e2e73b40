import { z } from 'zod';
import type { Config } from '../config.js';
import { ZohoApiError, ZohoAuthError } from './errors.js';

/**
 * Zoho Accounts' OAuth endpoints (`/oauth/v2/auth`, `/oauth/v2/token`, `/oauth/v2/token/revoke`)
 * on one data center's accounts server. Express-free; callers pass the checked accounts origin.
 */

/** What the app reads and writes in Zoho Inventory, plus the organization list. */
export const ZOHO_SCOPES = [
  'ZohoInventory.settings.READ',
  'ZohoInventory.items.ALL',
  'ZohoInventory.compositeitems.READ',
  'ZohoInventory.inventoryadjustments.ALL',
  'ZohoInventory.contacts.ALL',
  'ZohoInventory.salesorders.ALL',
  'ZohoInventory.invoices.ALL',
  'ZohoInventory.customerpayments.ALL',
  'ZohoInventory.creditnotes.ALL',
  'ZohoInventory.packages.ALL',
  'ZohoInventory.shipmentorders.ALL',
  'ZohoInventory.purchasereceives.READ',
].join(',');

export const ZOHO_CALLBACK_PATH = '/zoho/callback';
export const zohoRedirectUri = (config: Config) => `${config.appUrl}${ZOHO_CALLBACK_PATH}`;

const TOKEN_TIMEOUT_MS = 15_000;

export function buildAuthorizeUrl(config: Config, accountsUrl: string, state: string): string {
  const url = new URL(`${accountsUrl}/oauth/v2/auth`);
  url.search = new URLSearchParams({
    scope: ZOHO_SCOPES,
    client_id: config.zoho.clientId,
    response_type: 'code',
    redirect_uri: zohoRedirectUri(config),
    // A refresh token (offline) and a fresh consent every time, so Zoho issues a new refresh
    // token even when the user has connected before.
    access_type: 'offline',
    prompt: 'consent',
    state,
  }).toString();
  return url.toString();
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  api_domain: z.string().optional(),
  token_type: z.string().optional(),
  /** Seconds (Zoho sends 3600). */
  expires_in: z.coerce.number().positive().default(3600),
});
export type ZohoTokenResponse = z.infer<typeof tokenSchema>;

/** Error names Zoho gives for a code or refresh token that is invalid, used, expired or revoked. */
const DEAD_GRANT_ERRORS = new Set(['invalid_code', 'invalid_grant', 'invalid_token', 'invalid_refresh_token']);

async function postToken(accountsUrl: string, params: Record<string, string>): Promise<ZohoTokenResponse> {
  let response: Response;
  try {
    response = await fetch(`${accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ZohoApiError(0, -1, `Zoho Accounts could not be reached: ${String(error)}`);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: judged by the status below.
  }
  // Zoho reports a bad grant with HTTP 200 and an `error` field; handle 4xx the same way.
  const error = typeof body.error === 'string' ? body.error : undefined;
  if (error && DEAD_GRANT_ERRORS.has(error)) throw new ZohoAuthError(`Zoho refused the grant (${error}): connect Zoho Inventory again.`);
  if (response.status >= 500) throw new ZohoApiError(response.status, -1, `Zoho Accounts failed (HTTP ${response.status}).`);
  // Too many token requests in a row: a limit that lifts, not a refusal.
  if (error === 'Access Denied') throw new ZohoApiError(429, -1, 'Zoho Accounts asks to slow down token requests; retrying later.');
  if (error || !response.ok) {
    throw new ZohoApiError(response.status, -1, `Zoho Accounts refused the token request (${error ?? `HTTP ${response.status}`}).`);
  }
  const parsed = tokenSchema.safeParse(body);
  if (!parsed.success) throw new ZohoApiError(response.status, -1, 'Zoho Accounts answered the token request with an unexpected body.');
  return parsed.data;
}

/** Trades the authorize redirect's one-time code for the first access and refresh tokens. */
export async function exchangeCode(config: Config, accountsUrl: string, code: string): Promise<ZohoTokenResponse & { refresh_token: string }> {
  const token = await postToken(accountsUrl, {
    grant_type: 'authorization_code',
    client_id: config.zoho.clientId,
    client_secret: config.zoho.clientSecret,
    redirect_uri: zohoRedirectUri(config),
    code,
  });
  if (!token.refresh_token) throw new ZohoApiError(200, -1, 'Zoho did not issue a refresh token (offline access was not granted).');
  return { ...token, refresh_token: token.refresh_token };
}

/** A new access token from the refresh token. ZohoAuthError when the refresh token is dead. */
export function refreshAccessToken(config: Config, accountsUrl: string, refreshToken: string): Promise<ZohoTokenResponse> {
  return postToken(accountsUrl, {
    grant_type: 'refresh_token',
    client_id: config.zoho.clientId,
    client_secret: config.zoho.clientSecret,
    refresh_token: refreshToken,
  });
}

/** Revokes a refresh token (and the access tokens made from it). Best effort: false on failure. */
export async function revokeToken(accountsUrl: string, refreshToken: string): Promise<boolean> {
  try {
    const response = await fetch(`${accountsUrl}/oauth/v2/token/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token: refreshToken }).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
