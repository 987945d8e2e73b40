import { priorityRank, type Priority } from '../sync/priority.js';
import { StoreLru, STORE_LRU_IDLE_MS, STORE_LRU_MAX } from '../storeLru.js';

/**
 * Pacing of calls to one store's API.
 *
 * BigCommerce's quota (150 or 450 requests per 30 s window on most plans) belongs to the STORE
 * and is shared by every app installed on it and by every process of this app. No in-process
 * count can know what the others spent, so the `X-Rate-Limit-*` headers of each response are
 * the source of truth: after every response we re-read how many requests are left and how long
 * the window still runs, and space the next calls evenly over it (time left ÷ requests left),
 * keeping a small reserve for the other apps. The in-process state below only spreads one
 * process's calls; it is never needed for correctness (a 429 still ends in a wait and a retry).
 */

/** What one response's headers say about the store's quota. */
export interface RateLimitSnapshot {
  /** Requests per window (X-Rate-Limit-Requests-Quota). */
  quota?: number;
  /** Requests left in this window (X-Rate-Limit-Requests-Left). */
  left: number;
  /** Window length (X-Rate-Limit-Time-Window-Ms). */
  windowMs?: number;
  /** Until the window resets (X-Rate-Limit-Time-Reset-Ms). */
  resetMs: number;
}

const intHeader = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};

/** The quota headers of a response, or undefined when it carries none (some errors). */
export function readRateLimitHeaders(headers: Headers): RateLimitSnapshot | undefined {
  const left = intHeader(headers, 'x-rate-limit-requests-left');
  const resetMs = intHeader(headers, 'x-rate-limit-time-reset-ms');
  if (left === undefined || resetMs === undefined) return undefined;
  const quota = intHeader(headers, 'x-rate-limit-requests-quota');
  const windowMs = intHeader(headers, 'x-rate-limit-time-window-ms');
  return { left, resetMs, ...(quota !== undefined ? { quota } : {}), ...(windowMs !== undefined ? { windowMs } : {}) };
}

/** `X-Retry-After` in seconds (429 only). */
export function readRetryAfterSeconds(headers: Headers): number | undefined {
  return intHeader(headers, 'x-retry-after') ?? intHeader(headers, 'retry-after');
}

/** Our estimate of the store's quota between responses. */
export interface PacingState {
  /** Requests left in the current window; undefined until a response has told us. */
  left: number | undefined;
  /** When the current window ends (epoch ms). */
  resetAt: number;
  quota: number | undefined;
  windowMs: number | undefined;
  /** When this process sent its last few calls (at most burstFor(quota)), oldest first. */
  recentDispatches: number[];
  /** No call before this (set by a 429). */
  blockedUntil: number;
}

export const initialPacingState = (): PacingState => ({
  left: undefined,
  resetAt: 0,
  quota: undefined,
  windowMs: undefined,
  recentDispatches: [],
  blockedUntil: 0,
});

/** Requests held back for the store's other apps: 5 % of the quota, at least one. */
export function reserveFor(quota: number | undefined): number {
  return quota === undefined ? 1 : Math.max(1, Math.floor(quota * 0.05));
}

/**
 * Calls that may leave back to back before the spacing applies: a handful of quick reads (an
 * order and its lines) should not wait 200 ms each when the quota is far from spent. The
 * average rate stays time left ÷ requests left; only the reserve rule protects the quota.
 */
export function burstFor(quota: number | undefined): number {
  return quota === undefined ? 1 : Math.max(1, Math.min(10, Math.floor(quota / 15)));
}

/** Once the window we know of has ended, a fresh one starts with the whole quota. */
export function rollWindow(state: PacingState, now: number): void {
  if (state.left === undefined || now < state.resetAt) return;
  if (state.quota !== undefined && state.windowMs !== undefined) {
    state.left = state.quota;
    state.resetAt = now + state.windowMs;
  } else {
    // Without the quota headers we cannot guess the new window: ask BigCommerce again.
    state.left = undefined;
  }
}

/**
 * How long to wait before the next call may go out (0 = now): past any 429 block; until the
 * window resets when only the reserve is left; else so that the remaining requests are spread
 * evenly over the remaining time (time left ÷ requests left), allowing a short burst.
 */
export function pacingDelay(state: PacingState, now: number): number {
  if (now < state.blockedUntil) return state.blockedUntil - now;
  if (state.left === undefined) return 0;
  const usable = state.left - reserveFor(state.quota);
  const timeLeft = Math.max(0, state.resetAt - now);
  if (usable <= 0) return timeLeft;
  const burst = burstFor(state.quota);
  const recent = state.recentDispatches;
  if (recent.length < burst) return 0;
  // The call `burst` places back may not be closer than `burst` intervals.
  const interval = timeLeft / usable;
  return Math.max(0, Math.ceil(recent[recent.length - burst]! + burst * interval - now));
}

/** Remembers a call sent now (and only as many as the burst needs). */
export function noteDispatch(state: PacingState, now: number): void {
  state.recentDispatches.push(now);
  const keep = burstFor(state.quota);
  if (state.recentDispatches.length > keep) state.recentDispatches.splice(0, state.recentDispatches.length - keep);
  if (state.left !== undefined) state.left = Math.max(0, state.left - 1);
}

/**
 * Folds a response's headers into the estimate. Calls still in flight were sent before this
 * answer was counted or after; assuming they all still count against `left` errs on the safe side.
 */
export function applySnapshot(state: PacingState, snapshot: RateLimitSnapshot, now: number, othersInFlight: number): void {
  state.left = Math.max(0, snapshot.left - othersInFlight);
  state.resetAt = now + snapshot.resetMs;
  if (snapshot.quota !== undefined) state.quota = snapshot.quota;
  if (snapshot.windowMs !== undefined) state.windowMs = snapshot.windowMs;
}

export interface RateLimiterOptions {
  /** Calls in flight at once for one store (BigCommerce has endpoint-level concurrency limits too). */
  maxInFlight?: number;
  now?: () => number;
}

interface Waiter {
  rank: number;
  seq: number;
  go: () => void;
}

/**
 * One store's limiter: calls wait in priority order (orders and real-time stock first,
 * scheduled catalog work last; first come first served within a priority) and leave one at a
 * time as the pacing allows. The order is decided when a slot opens, not when a call arrives,
 * so a real-time call that arrives while catalog calls wait still goes next.
 * `acquire` resolves when the call may be sent; the caller must then `release` it.
 */
export class StoreRateLimiter {
  private readonly state = initialPacingState();
  private readonly waiters: Waiter[] = [];
  private inFlight = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.now = options.now ?? Date.now;
  }

  /** Waits for this call's turn (by priority) and its slot in the store's quota. */
  acquire(priority: Priority): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { rank: priorityRank[priority], seq: this.seq++, go: resolve };
      // Sorted insert: higher rank first, then arrival order.
      let at = this.waiters.findIndex((w) => w.rank < waiter.rank);
      if (at === -1) at = this.waiters.length;
      this.waiters.splice(at, 0, waiter);
      this.pump();
    });
  }

  /** A call finished: its headers (if any) update the estimate; `blockMs` after a 429. */
  release(snapshot: RateLimitSnapshot | undefined, blockMs = 0): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const now = this.now();
    if (snapshot) applySnapshot(this.state, snapshot, now, this.inFlight);
    if (blockMs > 0) {
      this.state.blockedUntil = Math.max(this.state.blockedUntil, now + blockMs);
      this.state.left = 0;
      this.state.resetAt = Math.max(this.state.resetAt, now + blockMs);
    }
    this.pump();
  }

  /** Nothing waiting, in flight or blocked: forgetting it loses nothing a fresh limiter would not learn again. */
  idle(): boolean {
    return this.inFlight === 0 && this.waiters.length === 0 && this.state.blockedUntil <= this.now();
  }

  /** What the limiter currently believes (for logs and tests). */
  snapshot(): Readonly<PacingState> & { inFlight: number; waiting: number } {
    return { ...this.state, inFlight: this.inFlight, waiting: this.waiters.length };
  }

  /** Lets waiting calls go while the pacing allows; otherwise comes back when it will. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiters.length > 0) {
      // Until a response has told us the quota, one call at a time finds it out.
      const cap = this.state.left === undefined ? 1 : this.maxInFlight;
      if (this.inFlight >= cap) return; // release() pumps again
      const now = this.now();
      rollWindow(this.state, now);
      const delay = pacingDelay(this.state, now);
      if (delay > 0) {
        this.timer = setTimeout(() => this.pump(), delay);
        return;
      }
      const next = this.waiters.shift()!;
      this.inFlight++;
      noteDispatch(this.state, now);
      next.go();
    }
  }
}

/**
 * One limiter per store and API host in this process, so that every client of a store (one per
 * job, usually) shares it. Keyed by host too so that simulators in tests never share a store's.
 * Idle stores' limiters are forgotten (bounded, least recently used first); a busy one never is.
 * Exported for the test workers' diagnostics (their SIGUSR2 dump).
 */
export const bcLimiters = new StoreLru<string, StoreRateLimiter>({ max: STORE_LRU_MAX, idleMs: STORE_LRU_IDLE_MS, busy: (_, limiter) => !limiter.idle() });

export function rateLimiterFor(apiUrl: string, storeHash: string, options?: RateLimiterOptions): StoreRateLimiter {
  const key = `${apiUrl}|${storeHash}`;
  return bcLimiters.getOrCreate(key, () => new StoreRateLimiter(options));
}
