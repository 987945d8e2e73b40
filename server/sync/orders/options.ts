/**
 * Timings of the orders flow. Production uses the defaults; tests scale them down with
 * configureOrderProcessing (as the Zoho runtime's limits are) and restore them after.
 */
export interface OrderProcessingOptions {
  /** Retries of an order Zoho could not take (down, out of budget, not connected) back off from here… */
  retryBaseMs: number;
  /** …doubling up to this… */
  retryMaxMs: number;
  /** …for at least this long from the first failure, before the order is `failed` (the issue asks 48 h). */
  retryWindowMs: number;
  /** How long a worker holds an order (renewed at every step); a dead worker's lease lapses after it. */
  leaseMs: number;
  /** How long a worker waits for another one that is creating the same customer's contact. */
  contactWaitMs: number;
  contactPollMs: number;
  /** A contact confirmed by Zoho more recently than this is used without asking Zoho again. */
  contactFreshMs: number;
  /** Orders a reconciliation processes at once (Zoho's own limiter paces the calls). */
  reconcileConcurrency: number;
}

/** A positive whole number of milliseconds from the environment, or the default. */
const envMs = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/**
 * ORDER_LEASE_MS, ORDER_RETRY_BASE_MS and ORDER_RETRY_MAX_MS shorten the lease and the retries
 * for processes started by the chaos benchmark and its test (the production defaults otherwise).
 */
export const DEFAULT_ORDER_PROCESSING: OrderProcessingOptions = {
  retryBaseMs: envMs('ORDER_RETRY_BASE_MS', 30_000),
  retryMaxMs: envMs('ORDER_RETRY_MAX_MS', 60 * 60_000),
  retryWindowMs: 48 * 60 * 60_000,
  leaseMs: envMs('ORDER_LEASE_MS', 2 * 60_000),
  contactWaitMs: 20_000,
  contactPollMs: 200,
  contactFreshMs: 60 * 60_000,
  reconcileConcurrency: 4,
};

export const orderProcessing: OrderProcessingOptions = { ...DEFAULT_ORDER_PROCESSING };

/** Replaces some timings (tests); `configureOrderProcessing()` restores the defaults. */
export function configureOrderProcessing(overrides: Partial<OrderProcessingOptions> = {}): void {
  Object.assign(orderProcessing, DEFAULT_ORDER_PROCESSING, overrides);
}
