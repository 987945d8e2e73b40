/**
 * Timings and sizes of the stock flow. Production uses the defaults; tests scale them down with
 * configureStockRealtime (as the orders flow and the Zoho runtime do) and restore them after.
 */
export interface StockRealtimeOptions {
  /** How long events are gathered before a flush while the Zoho budget is healthy. */
  baseWindowMs: number;
  /** The widest window, when the day's Zoho budget is nearly spent. */
  maxWindowMs: number;
  /** Windows up to this long are waited out inside the flush job; longer ones are left to the sweep. */
  maxInJobWaitMs: number;
  /** A claim this long past its due time has lost its job: the sweep flushes it. */
  sweepGraceMs: number;
  /** After a failed flush, its records are looked at again this much later. */
  retryDelayMs: number;
  /**
   * A flush job goes on to flush its store's next claims (a burst's, made while it flushed) for
   * up to this long, instead of leaving each to its own job, which a web process queued and a
   * worker is woken for (or finds at its 5 s poll); then it leaves the slot to other stores.
   */
  chainMs: number;
  /** How often a flush job looks for its store's next claim, and for the writer another flush holds. */
  lookEveryMs: number;
  /** Item ids per `GET /itemdetails` (Zoho documents no maximum; 100 ids keep the URL short). */
  itemDetailsBatch: number;
  /** No Zoho webhook for this long while the scheduled run finds changes: the panel warns. */
  silentAfterMs: number;
  /** The time of day the window is judged at (tests pin it; the budget's day is UTC). */
  now: () => Date;
}

/** A positive whole number of milliseconds from the environment, or the default. */
const envMs = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/**
 * STOCK_WINDOW_MS and STOCK_RETRY_DELAY_MS shorten the flush window and the retry of a flush that
 * found the store's writer busy, for worker processes a benchmark or test starts (the stock
 * property test); production keeps the defaults.
 */
export const DEFAULT_STOCK_REALTIME: StockRealtimeOptions = {
  baseWindowMs: envMs('STOCK_WINDOW_MS', 1_000),
  maxWindowMs: 5 * 60_000,
  maxInJobWaitMs: 30_000,
  sweepGraceMs: 30_000,
  retryDelayMs: envMs('STOCK_RETRY_DELAY_MS', 30_000),
  chainMs: 60_000,
  lookEveryMs: 200,
  itemDetailsBatch: 100,
  silentAfterMs: 24 * 60 * 60_000,
  now: () => new Date(),
};

export const stockRealtime: StockRealtimeOptions = { ...DEFAULT_STOCK_REALTIME };

/** Replaces some options (tests); `configureStockRealtime()` restores the defaults. */
export function configureStockRealtime(overrides: Partial<StockRealtimeOptions> = {}): void {
  Object.assign(stockRealtime, DEFAULT_STOCK_REALTIME, overrides);
}
