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
  user: { id: string; email: string; role: string; canManage: boolean };
  connections: { bigcommerce: { status: string }; zoho: ZohoConnectionInfo };
}

/** GET /api/users: the store's users and who may manage the app (the owner changes it with PUT /api/users/:id). */
export interface StoreUserInfo {
  id: string;
  email: string;
  role: 'owner' | 'admin' | 'user';
  canManage: boolean;
}

/** GET /api/zoho/connection (also in the session): connected, needs_reconnect, pending_organization or not_connected. */
export interface ZohoConnectionInfo {
  status: string;
  dc?: string;
  organizationId?: string;
  organizationName?: string;
  /** The organization's contact in Zoho: whose organization the store is bound to. */
  contactName?: string;
  contactEmail?: string;
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
  contactName?: string;
  contactEmail?: string;
}

/** GET /api/usage: API calls per platform, today and the last seven UTC days. */
export interface DayUsage {
  day: string;
  calls: number;
  throttled: number;
}
export interface PlatformUsage {
  dailyBudget: number | null;
  today: DayUsage;
  days: DayUsage[];
  budgetExhaustedUntil?: string;
  /** The Zoho organization's calls today, when other stores share it. */
  organizationToday?: number;
}
export interface UsageReport {
  today: string;
  platforms: { zoho: PlatformUsage; bigcommerce: PlatformUsage };
}

/** GET /api/alerts: what needs the merchant's attention, worst first. */
export interface Alert {
  kind: string;
  severity: 'error' | 'warning';
  message: string;
  since?: string;
  platform?: 'zoho' | 'bigcommerce';
  count?: number;
}

/** GET /api/schedules */
export interface ScheduleInfo {
  task: string;
  nextRunAt: string;
}

/** GET /api/search?q= */
export interface SearchResults {
  products: { entity: string; sku?: string; zohoId: string; bigcommerceId: string; bigcommerceParentId?: string; hidden: boolean; updatedAt?: string }[];
  orders: OrderSummary[];
  records: { id: string; runId: string; flow?: string; dryRun?: boolean; entity: string; operation: string; result: string; sku?: string; name?: string; reason?: string; at: string }[];
}

export interface OrderSummary {
  orderId: number;
  status: string;
  email?: string;
  customerName?: string;
  salesorderNumber?: string;
  invoiceNumber?: string;
  /** Zoho credit notes made for refunds. */
  creditNoteNumbers?: string[];
  /** Why it is held or failing (search results). */
  reason?: string;
  updatedAt?: string;
}

/** GET /api/orders (the fields the panel reads). */
export interface OrderInfo {
  orderId: number;
  status: string;
  email?: string;
  customerName?: string;
  held?: { reason: string; skus: string[] };
  lastError?: { message: string; at?: string };
  note?: string;
  attempts: number;
  nextAttemptAt?: string;
  zoho: { salesorderNumber?: string; invoiceNumber?: string };
  /** The storefront (BigCommerce channel) it came from; name null when the store no longer has it. */
  channel?: { id: number; name: string | null };
  updatedAt?: string;
}

/** GET /api/zoho/locations: the Zoho organization's locations (warehouses). */
export interface ZohoLocationInfo {
  id: string;
  name: string;
}

/** GET /api/channels: the store's BigCommerce channels (channel 1 is its own storefront). */
export interface ChannelInfo {
  id: number;
  name: string;
}

/** The message of an API error, or a fallback for the merchant when the server was not reached. */
export const errorText = (e: unknown, fallback: string) => (e instanceof ApiError ? e.message : fallback);
