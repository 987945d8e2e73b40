import { Router } from 'express';
import { ApiUsage, ZohoConnection, apiUsageId, utcDay } from '../db/models/index.js';
import { orgUsageKey } from '../zoho/budget.js';
import { sessionOf } from './requireSession.js';

export const USAGE_DAYS = 7;
type Platform = 'zoho' | 'bigcommerce';

export interface DayUsage {
  day: string;
  calls: number;
  throttled: number;
}

export interface PlatformUsage {
  /** Calls a UTC day may spend; null where the platform has none (BigCommerce paces per 30 s window instead). */
  dailyBudget: number | null;
  today: DayUsage;
  /** The last USAGE_DAYS UTC days, oldest first, today last; days without calls are zero. */
  days: DayUsage[];
  /** Zoho answered "daily limit reached": no calls until then. */
  budgetExhaustedUntil?: Date;
  /** Calls the Zoho organization made today when other stores share it (its limit is the organization's). */
  organizationToday?: number;
}

export interface UsageReport {
  today: string;
  platforms: Record<Platform, PlatformUsage>;
}

/** The last `count` UTC days ending with `now`'s, oldest first. */
export function lastUtcDays(now: Date, count = USAGE_DAYS): string[] {
  const days: string[] = [];
  for (let back = count - 1; back >= 0; back--) days.push(utcDay(new Date(now.getTime() - back * 86_400_000)));
  return days;
}

/**
 * API calls per platform over the last week, against each platform's daily budget. Reads the
 * store's ApiUsage rows once (at most 14) and fills the days without calls; a Zoho organization
 * shared with other stores adds its own count of the day (what its limit is measured against).
 */
export async function readUsage(storeHash: string, now = new Date()): Promise<UsageReport> {
  const days = lastUtcDays(now);
  const [rows, zoho] = await Promise.all([
    ApiUsage.find({ storeHash, day: { $gte: days[0]! } }).lean(),
    ZohoConnection.findById(storeHash, { dailyBudget: 1, budgetExhaustedUntil: 1, status: 1, organizationId: 1 }).lean(),
  ]);
  const organization = zoho?.organizationId ? await ApiUsage.findById(apiUsageId(orgUsageKey(zoho.organizationId), 'zoho', days[days.length - 1]!)).lean() : null;
  const platform = (name: Platform): PlatformUsage => {
    const series = days.map((day) => {
      const row = rows.find((r) => r.platform === name && r.day === day);
      return { day, calls: row?.calls ?? 0, throttled: row?.throttled ?? 0 };
    });
    return { dailyBudget: null, today: series[series.length - 1]!, days: series };
  };
  const zohoUsage = platform('zoho');
  if (zoho?.dailyBudget) zohoUsage.dailyBudget = zoho.dailyBudget;
  if (zoho?.budgetExhaustedUntil && zoho.budgetExhaustedUntil.getTime() > now.getTime()) zohoUsage.budgetExhaustedUntil = zoho.budgetExhaustedUntil;
  if (organization && organization.calls > zohoUsage.today.calls) zohoUsage.organizationToday = organization.calls;
  return { today: days[days.length - 1]!, platforms: { zoho: zohoUsage, bigcommerce: platform('bigcommerce') } };
}

/** `GET /api/usage`: the panel's usage chart. */
export function usageRoutes(): Router {
  const router = Router();
  router.get('/usage', async (req, res) => {
    res.json(await readUsage(sessionOf(req).storeHash));
  });
  return router;
}
