import { BigCommerceApiError, BigCommerceAuthError } from '../../bigcommerce/errors.js';
import { StoreNotConnectedError } from '../../bigcommerce/clientFactory.js';
import { ZohoApiError, ZohoAuthError, ZohoBudgetExhausted, ZohoRateLimited } from '../../zoho/errors.js';
import { orderProcessing } from './options.js';

/**
 * What to do about an error met while processing an order: `transient` ones (Zoho or
 * BigCommerce down, limits, budget, a connection to fix, another worker busy with the same
 * customer) are retried with backoff; `permanent` ones (Zoho refused the order as it is) end
 * as `failed` until the merchant retries.
 */
export interface Failure {
  kind: 'transient' | 'permanent';
  message: string;
  code?: number;
  /** Not before this moment (ms): Zoho said when the budget or the minute comes back. */
  notBefore?: number;
}

/** Another worker is creating this customer's contact: try again shortly. */
export class ContactBusyError extends Error {
  override readonly name = 'ContactBusyError';
}

/** A Zoho record we had to find was not where it should be (refused for good). */
export class OrderConflictError extends Error {
  override readonly name = 'OrderConflictError';
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function classifyFailure(error: unknown): Failure {
  if (error instanceof ZohoBudgetExhausted) return { kind: 'transient', message: error.message, code: error.code, notBefore: error.retryAt };
  if (error instanceof ZohoRateLimited) return { kind: 'transient', message: `Zoho is busy: ${error.message}`, code: error.code, notBefore: error.retryAt };
  if (error instanceof ZohoAuthError) return { kind: 'transient', message: `Zoho Inventory cannot be reached: ${error.message}`, code: error.code };
  if (error instanceof ZohoApiError) {
    if (error.transient || error.httpStatus === 429) return { kind: 'transient', message: `Zoho is unavailable: ${error.message}`, code: error.code };
    return { kind: 'permanent', message: `Zoho refused: ${error.message}`, code: error.code };
  }
  if (error instanceof BigCommerceAuthError) return { kind: 'transient', message: error.explanation };
  if (error instanceof BigCommerceApiError) {
    const transient = error.retryable || error.status === 0 || error.status === 429 || error.status >= 500;
    return { kind: transient ? 'transient' : 'permanent', message: error.message };
  }
  if (error instanceof StoreNotConnectedError) return { kind: 'permanent', message: error.message };
  if (error instanceof OrderConflictError) return { kind: 'permanent', message: error.message };
  if (error instanceof ContactBusyError) return { kind: 'transient', message: error.message, notBefore: Date.now() + orderProcessing.contactPollMs * 5 };
  // Anything else (the database, a crash): nothing says the order is wrong, so try again.
  return { kind: 'transient', message: messageOf(error) };
}

/**
 * When to try a failing order again: 30 s, 1 min, 2 min… up to an hour apart, and no sooner
 * than Zoho said; `undefined` once the retry window (48 h) since the first failure is over.
 */
export function nextAttemptAt(attempts: number, firstFailureAt: Date, now: Date, notBefore?: number): Date | undefined {
  if (now.getTime() - firstFailureAt.getTime() >= orderProcessing.retryWindowMs) return undefined;
  const delay = Math.min(orderProcessing.retryBaseMs * 2 ** Math.max(0, attempts - 1), orderProcessing.retryMaxMs);
  return new Date(Math.max(now.getTime() + delay, notBefore ?? 0));
}
