import { expect } from 'vitest';
import type { RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';

export const CLIENT = { clientId: '1000.TESTCLIENT', clientSecret: 'test-zoho-secret' };
export const REDIRECT_URI = 'http://app.test/zoho/callback';
export const FULL_SCOPE = 'ZohoInventory.FullAccess.all';

/** Runs the authorize step with login_hint (auto-approve); returns the redirect's parameters. */
export async function authorize(sim: RunningZohoSimulator, email: string, scope = FULL_SCOPE, extra: Record<string, string> = {}) {
  const url = new URL(`${sim.url}/oauth/v2/auth`);
  const params = {
    scope,
    client_id: CLIENT.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    access_type: 'offline',
    prompt: 'consent',
    state: 'st-123',
    login_hint: email,
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams;
}

export async function tokenRequest(sim: RunningZohoSimulator, params: Record<string, string>) {
  const res = await fetch(`${sim.url}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Authorize + code exchange: the tokens a connected app holds. */
export async function connect(sim: RunningZohoSimulator, email: string, scope = FULL_SCOPE) {
  const redirect = await authorize(sim, email, scope);
  const { body } = await tokenRequest(sim, {
    grant_type: 'authorization_code',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    redirect_uri: REDIRECT_URI,
    code: redirect.get('code')!,
  });
  expect(body.access_token, JSON.stringify(body)).toBeTypeOf('string');
  return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

/** Tests read response bodies loosely: their shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface ApiResponse {
  status: number;
  body: Json;
}

/** A minimal Zoho API caller: JSON in, JSON out, organization_id added. */
export function zohoApi(sim: RunningZohoSimulator, accessToken: string, organizationId: string) {
  return async (method: string, path: string, options: { query?: Record<string, string>; body?: unknown; noOrg?: boolean } = {}): Promise<ApiResponse> => {
    const url = new URL(`${sim.apiUrl}${path}`);
    if (!options.noOrg) url.searchParams.set('organization_id', organizationId);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Zoho-oauthtoken ${accessToken}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = { raw: text };
    }
    return { status: res.status, body };
  };
}

export type ZohoApi = ReturnType<typeof zohoApi>;

interface LocationStock {
  location_name: string;
  location_stock_on_hand: number;
  location_available_stock: number;
  location_actual_available_stock: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * An item's stock as a client reads it from GET /items/{id}. items.yml documents stock per
 * location (`locations[]`: location_stock_on_hand, location_available_stock,
 * location_actual_available_stock), not the item's totals (stock_on_hand, available_stock,
 * actual_available_stock), which the simulator's answers therefore never carry: each total here
 * is the sum over the locations, as the simulator's stock model defines it (sandbox/zoho/stock.ts).
 */
export async function stockOf(api: ZohoApi, itemId: string) {
  const { item } = (await api('GET', `/items/${itemId}`)).body;
  const locations = item.locations as LocationStock[];
  const total = (field: Exclude<keyof LocationStock, 'location_name'>) => round3(locations.reduce((sum, location) => sum + location[field], 0));
  return {
    onHand: total('location_stock_on_hand'),
    available: total('location_available_stock'),
    actual: total('location_actual_available_stock'),
    byLocation: Object.fromEntries(locations.map((l) => [l.location_name, l.location_stock_on_hand])),
  };
}
