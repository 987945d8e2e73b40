/**
 * Timings of the fulfilment flow. Production uses the defaults; tests scale them down with
 * configureFulfilment and restore them after.
 */
export interface FulfilmentOptions {
  /** How long a worker holds a shipment; a dead worker's lease lapses after it. */
  leaseMs: number;
  /** The poll reads packages shipped since its last success less these days (Zoho dates are the organization's, not UTC). */
  overlapDays: number;
  /** A reconciliation looks back at least this far, whatever the cursor says. */
  reconcileDays: number;
  /** With no cursor and no known connection date, the first poll looks back this far. */
  firstPollDays: number;
}

export const DEFAULT_FULFILMENT: FulfilmentOptions = {
  leaseMs: 2 * 60_000,
  overlapDays: 2,
  reconcileDays: 14,
  firstPollDays: 7,
};

export const fulfilmentOptions: FulfilmentOptions = { ...DEFAULT_FULFILMENT };

/** Replaces some timings (tests); `configureFulfilment()` restores the defaults. */
export function configureFulfilment(overrides: Partial<FulfilmentOptions> = {}): void {
  Object.assign(fulfilmentOptions, DEFAULT_FULFILMENT, overrides);
}
