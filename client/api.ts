/**
 * The panel's only channel to the server. The session token arrives once in the URL fragment
 * (`#session=…`, set by the install/load callbacks), is kept in memory only (the marketplace
 * asks for cookieless apps) and is renewed before it expires.
 */
let token: string | null = null;
const REFRESH_EVERY_MS = 45 * 60 * 1000;

export function takeSessionFromLocation(): boolean {
  const match = /(?:^#|&)session=([^&]+)/.exec(window.location.hash);
  if (match) {
    token = decodeURIComponent(match[1]!);
    // Keep the token out of the address bar and history.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    window.setInterval(() => void refreshSession(), REFRESH_EVERY_MS);
  }
  return token !== null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(`/api${path}`, { ...init, headers });
  const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) {
    throw new ApiError(response.status, body.error?.code ?? 'error', body.error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

async function refreshSession(): Promise<void> {
  try {
    const { token: fresh } = await api<{ token: string }>('/session/refresh', { method: 'POST' });
    token = fresh;
  } catch {
    // An expired or revoked session shows itself on the next call.
  }
}

export interface SessionInfo {
  store: { hash: string; status: string; installedAt?: string };
  user: { id: string; email: string; role: string };
  connections: { bigcommerce: { status: string }; zoho: ZohoConnectionInfo };
}

/** GET /api/zoho/connection (also in the session): connected, needs_reconnect, pending_organization or not_connected. */
export interface ZohoConnectionInfo {
  status: string;
  dc?: string;
  organizationId?: string;
  organizationName?: string;
  plan?: string;
  dailyBudget?: number;
  lastError?: { message: string; at?: string };
}

export interface ZohoOrganizationInfo {
  organizationId: string;
  name: string;
  plan: string;
  planName: string;
  isDefault: boolean;
}
