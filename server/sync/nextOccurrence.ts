import { DateTime } from 'luxon';
import type { Schedule } from '../settings/schema.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function intervalMs(every: string): number {
  const match = /^(\d+)(m|h|d)$/.exec(every);
  if (!match) throw new Error(`not an interval: ${every}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * The first moment strictly after `after` that a schedule names: an interval counts from
 * `after`; times of day are read in the schedule's time zone (so 03:00 stays 03:00 across
 * daylight-saving changes).
 */
export function nextOccurrence(schedule: Schedule, after: Date): Date {
  if ('every' in schedule) return new Date(after.getTime() + intervalMs(schedule.every));
  const local = DateTime.fromJSDate(after, { zone: schedule.timeZone });
  let best: DateTime | undefined;
  for (const time of schedule.times) {
    const [hour, minute] = time.split(':').map(Number);
    let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
    if (candidate <= local) candidate = candidate.plus({ days: 1 }).set({ hour, minute });
    if (!best || candidate < best) best = candidate;
  }
  return best!.toJSDate();
}

/** How many runs a schedule makes per day: what the budget check multiplies by. */
export function runsPerDay(schedule: Schedule): number {
  return 'every' in schedule ? Math.max(1, Math.floor(UNIT_MS.d / intervalMs(schedule.every))) : schedule.times.length;
}
