/**
 * Zoho answers `{code, message}` with a non-zero code on failure (and `code: 0` on success).
 * The client turns that envelope into these typed errors so that callers decide by kind,
 * never by parsing messages.
 */

/** Codes the client acts on. Others are passed through as ZohoApiError.code. */
export const ZohoErrorCode = {
  /** The access token is invalid or expired (a 401 means the same). */
  notAuthorized: 57,
  /** Some Zoho services send 14 for an invalid OAuth token. */
  invalidToken: 14,
  /** More than the per-minute calls for the organization. */
  perMinuteLimit: 44,
  /** The organization's daily call budget (by plan) is spent. */
  dailyLimit: 45,
  /** Too many calls in flight at once for the organization. */
  concurrencyLimit: 1070,
} as const;

/** Any answer with a non-zero code (or an HTTP error without an envelope). */
export class ZohoApiError extends Error {
  override readonly name: string = 'ZohoApiError';
  constructor(
    readonly httpStatus: number,
    /** Zoho's code; -1 when the body was not Zoho's envelope (a proxy page, a network error). */
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  /** Worth retrying later as is: Zoho, a limit or the network failed, not the request. */
  get transient(): boolean {
    return this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

/**
 * The connection cannot be used until the merchant reconnects (the refresh token was revoked
 * or is invalid, or there is no connection). Never retried: calls stop.
 */
export class ZohoAuthError extends ZohoApiError {
  override readonly name = 'ZohoAuthError';
  constructor(message: string, httpStatus = 401) {
    super(httpStatus, ZohoErrorCode.notAuthorized, message);
  }
}

/** 44 or 1070 still answered after the client's own waits and retries. */
export class ZohoRateLimited extends ZohoApiError {
  override readonly name = 'ZohoRateLimited';
  constructor(
    code: number,
    message: string,
    /** When trying again makes sense (ms since epoch). */
    readonly retryAt: number,
  ) {
    super(429, code, message);
  }
}

/**
 * The day's budget is spent (Zoho said 45) or what is left is kept for more urgent work.
 * Flows turn it into a "waiting for budget" status instead of a failure.
 */
export class ZohoBudgetExhausted extends ZohoApiError {
  override readonly name = 'ZohoBudgetExhausted';
  constructor(
    message: string,
    /** When the budget is expected back (next UTC day), ms since epoch. */
    readonly retryAt: number,
    /** True when Zoho itself refused (45); false when the app held the call back for its reserve. */
    readonly refusedByZoho: boolean,
  ) {
    super(429, ZohoErrorCode.dailyLimit, message);
  }
}

/** Parses a response body; returns Zoho's envelope fields when present. */
export function readEnvelope(text: string): { code?: number; message?: string; body: Record<string, unknown> | undefined } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { body: undefined };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body: undefined };
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'number' ? record.code : typeof record.code === 'string' && /^\d+$/.test(record.code) ? Number(record.code) : undefined;
  const message = typeof record.message === 'string' ? record.message : undefined;
  return { code, message, body: record };
}
