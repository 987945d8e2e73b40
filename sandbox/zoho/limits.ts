import type { Clock } from '../common/clock.js';
import { ZohoCode, ZohoError } from './errors.js';

export type ZohoPlan = 'free' | 'standard' | 'professional' | 'premium' | 'enterprise';

/** Zoho Inventory's API limits, per organization. Tests scale them down; benchmarks keep them. */
export interface ZohoLimits {
  requestsPerMinute: number;
  /** The window the per-minute limit counts over (sliding), in ms. */
  minuteWindowMs: number;
  /** Calls per UTC day (on the simulator clock) by plan. */
  dailyCalls: Record<ZohoPlan, number>;
  /** Requests in flight at once. */
  concurrentCalls: { free: number; paid: number };
}

export const REAL_ZOHO_LIMITS: ZohoLimits = {
  requestsPerMinute: 100,
  minuteWindowMs: 60_000,
  dailyCalls: { free: 1_000, standard: 2_000, professional: 5_000, premium: 10_000, enterprise: 10_000 },
  concurrentCalls: { free: 5, paid: 10 },
};

export type ZohoLimitsOverride = Partial<Omit<ZohoLimits, 'dailyCalls' | 'concurrentCalls'>> & {
  dailyCalls?: Partial<Record<ZohoPlan, number>>;
  concurrentCalls?: Partial<ZohoLimits['concurrentCalls']>;
};

export function mergeLimits(base: ZohoLimits, override: ZohoLimitsOverride = {}): ZohoLimits {
  return {
    ...base,
    ...override,
    dailyCalls: { ...base.dailyCalls, ...override.dailyCalls },
    concurrentCalls: { ...base.concurrentCalls, ...override.concurrentCalls },
  };
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One organization's budget. Zoho sends no rate-limit headers, so a rejected call is the only
 * signal a client gets. Rejected calls do not consume the budget; accepted ones do.
 * The per-minute window slides (stricter than a fixed minute: a client that paces itself
 * against a sliding window also passes a fixed one).
 */
export class OrgRateLimiter {
  private recent: number[] = [];
  private day = '';
  private dailyCount = 0;
  private inFlight = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => ZohoLimits,
  ) {}

  /** Admits a call (counting it) or returns the 429 Zoho would send. */
  admit(plan: ZohoPlan): ZohoError | null {
    const limits = this.limits();
    const now = this.clock.now();
    const today = utcDay(now);
    if (today !== this.day) {
      this.day = today;
      this.dailyCount = 0;
    }
    if (this.dailyCount >= limits.dailyCalls[plan]) {
      return new ZohoError(429, ZohoCode.dailyLimit, 'You have reached the maximum number of API calls allowed per day for your plan.');
    }
    while (this.recent.length > 0 && this.recent[0]! <= now - limits.minuteWindowMs) this.recent.shift();
    if (this.recent.length >= limits.requestsPerMinute) {
      return new ZohoError(429, ZohoCode.perMinuteLimit, 'You have made too many API requests in a minute for this organization. Please try again later.');
    }
    const maxConcurrent = plan === 'free' ? limits.concurrentCalls.free : limits.concurrentCalls.paid;
    if (this.inFlight >= maxConcurrent) {
      return new ZohoError(429, ZohoCode.concurrencyLimit, 'Too many requests are being processed at the same time for this organization. Please try again later.');
    }
    this.recent.push(now);
    this.dailyCount++;
    this.inFlight++;
    return null;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Calls accepted today (UTC, simulator clock). */
  get callsToday(): number {
    return utcDay(this.clock.now()) === this.day ? this.dailyCount : 0;
  }

  /** Forgets the counted calls (tests that start a new "day" or minute without moving the clock). */
  reset(): void {
    this.recent = [];
    this.dailyCount = 0;
  }
}
