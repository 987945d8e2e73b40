/**
 * How long real-time stock events are gathered before one flush: pure. While the day's Zoho
 * budget lasts at least as long as the day does, the base window; when it is being spent faster
 * than the day goes by, the window widens with the square of the shortfall (so that the flushes,
 * each costing a Zoho call or two, slow down before the budget runs out), up to a maximum.
 */
const DAY_MS = 86_400_000;

export interface WindowInput {
  /** Zoho calls spent today and still allowed (the store's DailyBudget). */
  used: number;
  remaining: number;
  now: Date;
  baseMs: number;
  maxMs: number;
}

export interface CoalescingWindow {
  ms: number;
  widened: boolean;
  /** What the panel says when the window is wider than usual. */
  message?: string;
}

/** Share of the UTC day still ahead (Zoho's daily budget restarts at 00:00 UTC, as the app counts it). */
export function dayLeftFraction(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return (midnight - now.getTime()) / DAY_MS;
}

export function coalescingWindow(input: WindowInput): CoalescingWindow {
  const { used, remaining, baseMs, maxMs } = input;
  const limit = used + remaining;
  if (limit <= 0 || remaining <= 0) {
    return { ms: maxMs, widened: maxMs > baseMs, message: `Zoho’s daily API budget is spent: stock changes are gathered for ${seconds(maxMs)} before each update, and the scheduled sync keeps stock right.` };
  }
  const pace = remaining / limit / Math.max(dayLeftFraction(input.now), 1e-6);
  if (pace >= 1) return { ms: baseMs, widened: false };
  const ms = Math.min(maxMs, Math.round(baseMs / (pace * pace)));
  if (ms <= baseMs) return { ms: baseMs, widened: false };
  const hoursLeft = Math.ceil(dayLeftFraction(input.now) * 24);
  return {
    ms,
    widened: true,
    message: `Zoho’s daily API budget is running low (${remaining} of ${limit} calls left, ${hoursLeft} h before it renews): stock changes are gathered for ${seconds(ms)} before each update.`,
  };
}

const seconds = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`);
