import { describe, expect, it } from 'vitest';
import {
  StoreRateLimiter,
  applySnapshot,
  burstFor,
  initialPacingState,
  noteDispatch,
  pacingDelay,
  readRateLimitHeaders,
  readRetryAfterSeconds,
  reserveFor,
  rollWindow,
} from '../../server/bigcommerce/rateLimiter.js';
import { Priority } from '../../server/sync/priority.js';

const headers = (values: Record<string, string>) => new Headers(values);

describe('rate-limit headers', () => {
  it('reads the four X-Rate-Limit headers', () => {
    const snapshot = readRateLimitHeaders(
      headers({
        'X-Rate-Limit-Requests-Quota': '150',
        'X-Rate-Limit-Requests-Left': '37',
        'X-Rate-Limit-Time-Window-Ms': '30000',
        'X-Rate-Limit-Time-Reset-Ms': '12000',
      }),
    );
    expect(snapshot).toEqual({ quota: 150, left: 37, windowMs: 30_000, resetMs: 12_000 });
  });

  it('has no snapshot without left and reset, and ignores garbage', () => {
    expect(readRateLimitHeaders(headers({}))).toBeUndefined();
    expect(readRateLimitHeaders(headers({ 'X-Rate-Limit-Requests-Left': 'x', 'X-Rate-Limit-Time-Reset-Ms': '5' }))).toBeUndefined();
    expect(readRateLimitHeaders(headers({ 'X-Rate-Limit-Requests-Left': '3', 'X-Rate-Limit-Time-Reset-Ms': '5' }))).toEqual({ left: 3, resetMs: 5 });
  });

  it('reads X-Retry-After in seconds', () => {
    expect(readRetryAfterSeconds(headers({ 'X-Retry-After': '7' }))).toBe(7);
    expect(readRetryAfterSeconds(headers({}))).toBeUndefined();
  });
});

describe('pacing maths', () => {
  const known = (left: number, resetAt: number, recentDispatches: number[] = []) => ({
    ...initialPacingState(),
    left,
    resetAt,
    quota: 150,
    windowMs: 30_000,
    recentDispatches,
  });
  const tenAt = (t: number) => Array.from({ length: 10 }, () => t);

  it('keeps 5 % of the quota (at least one call) for the store’s other apps', () => {
    expect(reserveFor(150)).toBe(7);
    expect(reserveFor(450)).toBe(22);
    expect(reserveFor(20)).toBe(1);
    expect(reserveFor(undefined)).toBe(1);
  });

  it('sends at once while nothing is known yet', () => {
    expect(pacingDelay(initialPacingState(), 1_000)).toBe(0);
  });

  it('spreads the requests left evenly over the time left', () => {
    // 100 usable requests (107 - 7 reserve) over 10 s: one every 100 ms, in bursts of 10.
    const state = known(107, 20_000, tenAt(10_000));
    expect(pacingDelay(state, 10_000)).toBe(1_000);
    // Later, less time is left for the same requests: 9.4 s ÷ 100 = 94 ms each.
    expect(pacingDelay(state, 10_600)).toBe(340);
    expect(pacingDelay(state, 11_000)).toBe(0);
  });

  it('lets a short burst go at once while the quota is far from spent', () => {
    const state = known(140, 30_000);
    for (let i = 0; i < 9; i++) {
      expect(pacingDelay(state, 0)).toBe(0);
      noteDispatch(state, 0);
    }
    expect(pacingDelay(state, 0)).toBe(0);
    noteDispatch(state, 0);
    expect(state.left).toBe(130);
    expect(pacingDelay(state, 0)).toBeGreaterThan(0);
  });

  it('sizes the burst by the quota: none on a tiny quota, ten at most', () => {
    expect(burstFor(20)).toBe(1);
    expect(burstFor(150)).toBe(10);
    expect(burstFor(450)).toBe(10);
    expect(burstFor(undefined)).toBe(1);
  });

  it('without a burst, spaces each call by time left ÷ requests left', () => {
    const state = { ...known(21, 2_000, [0]), quota: 20 };
    // 20 usable over 2 s: 100 ms apart.
    expect(pacingDelay(state, 0)).toBe(100);
    expect(pacingDelay(state, 100)).toBe(0);
  });

  it('waits for the window to reset when only the reserve is left', () => {
    expect(pacingDelay(known(7, 25_000), 20_000)).toBe(5_000);
    expect(pacingDelay(known(0, 25_000), 24_000)).toBe(1_000);
  });

  it('honours a 429 block before anything else', () => {
    const state = { ...known(100, 30_000), blockedUntil: 5_000 };
    expect(pacingDelay(state, 2_000)).toBe(3_000);
  });

  it('starts a fresh window with the whole quota once the known one has ended', () => {
    const state = known(0, 30_000);
    rollWindow(state, 29_999);
    expect(state.left).toBe(0);
    rollWindow(state, 30_000);
    expect(state).toMatchObject({ left: 150, resetAt: 60_000 });
  });

  it('forgets the estimate at the window end when the quota headers never came', () => {
    const state = { ...known(0, 30_000), quota: undefined, windowMs: undefined };
    rollWindow(state, 31_000);
    expect(state.left).toBeUndefined();
  });

  it('counts calls still in flight against what the headers say is left', () => {
    const state = initialPacingState();
    applySnapshot(state, { quota: 150, left: 40, windowMs: 30_000, resetMs: 9_000 }, 1_000, 3);
    expect(state).toMatchObject({ left: 37, resetAt: 10_000, quota: 150, windowMs: 30_000 });
  });
});

describe('StoreRateLimiter', () => {
  it('sends one call to find out the quota, then lets the most urgent waiting call go first', async () => {
    const limiter = new StoreRateLimiter({ maxInFlight: 4 });
    await limiter.acquire(Priority.scheduled);
    const order: string[] = [];
    const scheduled = limiter.acquire(Priority.scheduled).then(() => order.push('scheduled'));
    const reconcile = limiter.acquire(Priority.reconcile).then(() => order.push('reconcile'));
    const realtime = limiter.acquire(Priority.realtime).then(() => order.push('realtime'));
    // Nothing else left before the first call reported the quota.
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    expect(limiter.snapshot().inFlight).toBe(1);
    limiter.release({ quota: 100_000, left: 99_999, windowMs: 1_000, resetMs: 1_000 });
    await Promise.all([scheduled, reconcile, realtime]);
    expect(order[0]).toBe('realtime');
    expect(order.indexOf('reconcile')).toBeLessThan(order.indexOf('scheduled'));
  });

  it('never has more than maxInFlight calls out', async () => {
    const limiter = new StoreRateLimiter({ maxInFlight: 2 });
    await limiter.acquire(Priority.realtime);
    limiter.release({ quota: 100_000, left: 99_999, windowMs: 1_000, resetMs: 1_000 });
    await limiter.acquire(Priority.realtime);
    await limiter.acquire(Priority.realtime);
    let third = false;
    const pending = limiter.acquire(Priority.realtime).then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(limiter.snapshot().inFlight).toBe(2);
    limiter.release(undefined);
    await pending;
    expect(limiter.snapshot().inFlight).toBe(2);
  });
});
