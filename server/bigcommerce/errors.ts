/**
 * A refusal or failure of a BigCommerce API call, with what BigCommerce said. v3 answers
 * `{status, title, type, errors?}`, v2 `[{status, message, details?}]`; both end up here.
 * Network errors and timeouts have status 0.
 */
export class BigCommerceApiError extends Error {
  override readonly name: string = 'BigCommerceApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    /** Field → reason, when BigCommerce gave details. */
    readonly errors: Record<string, unknown> | undefined,
    /** Whether trying again later can succeed (5xx, 429, network); the client already retried. */
    readonly retryable: boolean,
    readonly request: { method: string; path: string },
    readonly body?: unknown,
  ) {
    super(`BigCommerce ${request.method} ${request.path} failed (${status === 0 ? 'no response' : `HTTP ${status}`}): ${title}`);
  }
}

/**
 * 401 or 403 on the store's token: the token was revoked (the app was uninstalled, or the
 * store's API account changed) or lacks a scope the app needs. No retry can fix it; the
 * merchant must reinstall or re-authorize the app.
 */
export class BigCommerceAuthError extends BigCommerceApiError {
  override readonly name = 'BigCommerceAuthError';
  get tokenRejected(): boolean {
    return this.status === 401;
  }
  get explanation(): string {
    return this.status === 401
      ? 'BigCommerce no longer accepts the store’s API token: reinstall the app from the store’s control panel.'
      : 'The store’s API token lacks a permission this call needs: reinstall the app so that it is granted its scopes again.';
  }
}

/** Reads BigCommerce's error body (v3 object or v2 array) into a title and details. */
export function describeErrorBody(body: unknown): { title: string; errors?: Record<string, unknown> } {
  const first = Array.isArray(body) ? body[0] : body;
  if (first && typeof first === 'object') {
    const record = first as Record<string, unknown>;
    const title = [record.title, record.message, record.error_description, record.error].find((v) => typeof v === 'string' && v !== '');
    const errors = record.errors ?? record.details;
    return {
      title: (title as string | undefined) ?? 'no error message',
      ...(errors && typeof errors === 'object' && !Array.isArray(errors) ? { errors: errors as Record<string, unknown> } : {}),
    };
  }
  if (typeof body === 'string' && body.trim() !== '') return { title: body.trim().slice(0, 300) };
  return { title: 'no error message' };
}

/** One line for logs and per-record outcomes: the title and, if any, the field details. */
export function summarizeError(title: string, errors?: Record<string, unknown>): string {
  if (!errors || Object.keys(errors).length === 0) return title;
  const details = Object.entries(errors)
    .map(([field, reason]) => `${field}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`)
    .join('; ');
  return `${title} (${details})`;
}
