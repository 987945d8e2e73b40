import type { RequestHandler } from 'express';
import type { Clock } from './clock.js';

/**
 * Fault injection shared by the simulators: added latency, a share of requests failing with a
 * server error, and outage windows during which every API call fails.
 */
export interface FaultOptions {
  /** Added to every API response, in ms. */
  latencyMs?: number;
  /** 0..1: share of API calls answered with `errorStatus` instead of being served. */
  errorRate?: number;
  errorStatus?: number;
  /** Windows (clock ms) in which every call gets 503. */
  outages?: { start: number; end: number }[];
}

export class Faults {
  private options: FaultOptions = {};

  constructor(private readonly clock: Clock) {}

  set(options: FaultOptions): void {
    this.options = { ...options };
  }

  clear(): void {
    this.options = {};
  }

  /** Starts an outage now, for `ms` milliseconds. */
  outageFor(ms: number): void {
    const start = this.clock.now();
    this.options = { ...this.options, outages: [...(this.options.outages ?? []), { start, end: start + ms }] };
  }

  /**
   * Express middleware: delays, then fails the call if an outage or the error rate says so.
   * `respond` writes the platform's own error body.
   */
  middleware(respond: (res: Parameters<RequestHandler>[1], status: number) => void): RequestHandler {
    return async (_req, res, next) => {
      const { latencyMs = 0, errorRate = 0, errorStatus = 500, outages = [] } = this.options;
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const now = this.clock.now();
      if (outages.some((o) => now >= o.start && now < o.end)) return respond(res, 503);
      if (errorRate > 0 && Math.random() < errorRate) return respond(res, errorStatus);
      next();
    };
  }
}
