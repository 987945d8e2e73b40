/**
 * Zoho Inventory's limits per organization. Zoho sends no header telling what is left, so the
 * app counts its own calls against these. The daily figure is the plan's as published; a
 * code 45 answer teaches the real one (see budget.ts).
 */
export type ZohoPlan = 'free' | 'standard' | 'professional' | 'premium' | 'enterprise';

export const DAILY_CALLS_BY_PLAN: Record<ZohoPlan, number> = {
  free: 1_000,
  standard: 2_000,
  professional: 5_000,
  premium: 10_000,
  enterprise: 10_000,
};

/** Calls per organization per minute, and calls in flight at once. */
export const PER_MINUTE_CALLS = 100;
export const CONCURRENT_CALLS = { free: 5, paid: 10 } as const;

/**
 * The plan from `GET /organizations`' `plan_name` ("PROFESSIONAL", "Standard - Monthly"…).
 * Unknown names count as Free: the smallest budget is the safe guess.
 */
export function planFromName(name: unknown): ZohoPlan {
  const text = typeof name === 'string' ? name.toLowerCase() : '';
  for (const plan of ['enterprise', 'premium', 'professional', 'standard'] as const) {
    if (text.includes(plan)) return plan;
  }
  return 'free';
}

export const concurrencyFor = (plan: ZohoPlan) => (plan === 'free' ? CONCURRENT_CALLS.free : CONCURRENT_CALLS.paid);
