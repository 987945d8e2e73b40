import type { RequestHandler } from 'express';
import type { Clock } from '../common/clock.js';
import { sendApiError } from './errors.js';

export interface RateLimitOptions {
  /** Requests allowed per window, per store (every app on the store shares it). */
  quota: number;
  windowMs: number;
}

/** Standard and Plus plans: 150 requests per 30 seconds. */
export const STANDARD_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({ quota: 150, windowMs: 30_000 });

interface Window {
  start: number;
  used: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  quota: number;
  left: number;
  windowMs: number;
  resetMs: number;
}

/**
 * BigCommerce's per-store request quota: a window opens with the first request, every served
 * request spends one, and over quota the API answers 429 until the window ends. Every
 * response reports the state in the `X-Rate-Limit-*` headers the clients pace themselves by.
 */
export class RateLimiter {
  private options: RateLimitOptions = { ...STANDARD_RATE_LIMIT };
  private readonly perStore = new Map<string, Partial<RateLimitOptions>>();
  private readonly windows = new Map<string, Window>();
  /** 429s answered, per store. */
  readonly rejected = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Changes the quota of every store (or of one store), starting fresh windows. */
  configure(options: Partial<RateLimitOptions>, storeHash?: string): void {
    if (storeHash) this.perStore.set(storeHash, { ...this.perStore.get(storeHash), ...options });
    else this.options = { ...this.options, ...options };
    this.windows.clear();
  }

  /** Forgets the windows so far (and keeps the configuration). */
  reset(): void {
    this.windows.clear();
    this.rejected.clear();
  }

  optionsFor(storeHash: string): RateLimitOptions {
    return { ...this.options, ...this.perStore.get(storeHash) };
  }

  take(storeHash: string): RateLimitDecision {
    const { quota, windowMs } = this.optionsFor(storeHash);
    const now = this.clock.now();
    let window = this.windows.get(storeHash);
    if (!window || now >= window.start + windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(storeHash, window);
    }
    const resetMs = Math.max(0, window.start + windowMs - now);
    if (window.used >= quota) {
      this.rejected.set(storeHash, (this.rejected.get(storeHash) ?? 0) + 1);
      return { allowed: false, quota, left: 0, windowMs, resetMs };
    }
    window.used++;
    return { allowed: true, quota, left: quota - window.used, windowMs, resetMs };
  }

  /** Express middleware for the store API; needs `res.locals.storeHash`. */
  middleware(): RequestHandler {
    return (_req, res, next) => {
      const decision = this.take(res.locals.storeHash as string);
      res.setHeader('X-Rate-Limit-Requests-Quota', String(decision.quota));
      res.setHeader('X-Rate-Limit-Requests-Left', String(decision.left));
      res.setHeader('X-Rate-Limit-Time-Window-Ms', String(decision.windowMs));
      res.setHeader('X-Rate-Limit-Time-Reset-Ms', String(decision.resetMs));
      if (decision.allowed) return next();
      res.setHeader('X-Retry-After', String(Math.max(1, Math.ceil(decision.resetMs / 1000))));
      sendApiError(res, 429, 'Too many requests');
    };
  }
}
