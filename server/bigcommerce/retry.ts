/**
 * When to try a BigCommerce call again and how long to wait first. Pure: the client's request
 * loop applies it.
 */
export interface RetryPolicy {
  /** Further attempts after a 5xx, a network error or a timeout. */
  maxRetries: number;
  /** Further attempts after a 429 (each one waits for the window to reset). */
  maxThrottleRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  maxThrottleRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
});

/**
 * "Full jitter" backoff before retry number `retry` (1-based): a uniform draw in
 * [0, min(max, base·2^(retry-1))]. Spreading retries at random keeps many stores' workers from
 * hammering a recovering API in lockstep.
 */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * How long a 429 asks us to wait: the longer of `X-Rate-Limit-Time-Reset-Ms` and
 * `X-Retry-After` (seconds), since either may be the one that is right for the quota that was
 * hit. Without either header, `fallbackMs`.
 */
export function throttleDelayMs(signals: { resetMs?: number; retryAfterS?: number }, fallbackMs: number): number {
  const fromReset = signals.resetMs ?? 0;
  const fromRetryAfter = (signals.retryAfterS ?? 0) * 1000;
  const wait = Math.max(fromReset, fromRetryAfter);
  return wait > 0 ? Math.ceil(wait) : fallbackMs;
}

/** Statuses worth retrying as a server-side hiccup (429 has its own rule). */
export function isRetryableStatus(status: number): boolean {
  return status === 500 || status === 502 || status === 503 || status === 504 || status === 408;
}

/**
 * A call that is not idempotent (POST creates) is retried only when we know BigCommerce did not
 * act on it: a 429, or a 503 (the gateway refused it). A 500, a 502 or a lost connection may
 * hide a created record, and a second create would duplicate it.
 */
export function mayRetry(idempotent: boolean, outcome: { status: number } | 'network'): boolean {
  if (outcome === 'network') return idempotent;
  if (outcome.status === 429) return true;
  if (!isRetryableStatus(outcome.status)) return false;
  return idempotent || outcome.status === 503;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
