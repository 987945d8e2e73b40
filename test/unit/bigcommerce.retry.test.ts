import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, isRetryableStatus, mayRetry, throttleDelayMs } from '../../server/bigcommerce/retry.js';

describe('backoff with full jitter', () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 15_000 };

  it('draws between 0 and base·2^(retry-1), capped', () => {
    expect(backoffDelayMs(1, policy, () => 0.999)).toBe(499);
    expect(backoffDelayMs(2, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(1_000);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(14_985);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('is spread out, not the same for every caller', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, policy)));
    expect(draws.size).toBeGreaterThan(10);
    for (const d of draws) expect(d).toBeLessThan(4_000);
  });

  it('bounds retries by default', () => {
    expect(DEFAULT_RETRY_POLICY.maxRetries).toBeGreaterThan(0);
    expect(DEFAULT_RETRY_POLICY.maxRetries).toBeLessThanOrEqual(5);
    expect(DEFAULT_RETRY_POLICY.maxThrottleRetries).toBeLessThanOrEqual(10);
  });
});

describe('429 waits', () => {
  it('waits the longer of X-Rate-Limit-Time-Reset-Ms and X-Retry-After', () => {
    expect(throttleDelayMs({ resetMs: 4_200, retryAfterS: 2 }, 99)).toBe(4_200);
    expect(throttleDelayMs({ resetMs: 300, retryAfterS: 1 }, 99)).toBe(1_000);
    expect(throttleDelayMs({ resetMs: 12.2 }, 99)).toBe(13);
    expect(throttleDelayMs({ retryAfterS: 3 }, 99)).toBe(3_000);
  });

  it('falls back when neither header came', () => {
    expect(throttleDelayMs({}, 750)).toBe(750);
    expect(throttleDelayMs({ resetMs: 0, retryAfterS: 0 }, 750)).toBe(750);
  });
});

describe('what may be retried', () => {
  it('retries server errors and timeouts of idempotent calls', () => {
    for (const status of [500, 502, 503, 504]) expect(mayRetry(true, { status })).toBe(true);
    expect(mayRetry(true, 'network')).toBe(true);
    expect(isRetryableStatus(501)).toBe(false);
  });

  it('never retries client errors', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422]) expect(mayRetry(true, { status })).toBe(false);
  });

  it('retries a create only when BigCommerce surely did not act on it', () => {
    expect(mayRetry(false, { status: 429 })).toBe(true);
    expect(mayRetry(false, { status: 503 })).toBe(true);
    expect(mayRetry(false, { status: 500 })).toBe(false);
    expect(mayRetry(false, { status: 502 })).toBe(false);
    expect(mayRetry(false, 'network')).toBe(false);
  });
});
