import { describe, expect, it } from 'vitest';
import { nextOccurrence, runsPerDay } from '../../server/sync/nextOccurrence.js';

describe('nextOccurrence', () => {
  it('counts an interval from the given moment', () => {
    expect(nextOccurrence({ every: '15m' }, new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-01T10:15:00.000Z');
    expect(nextOccurrence({ every: '1d' }, new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-02T10:00:00.000Z');
  });

  it('picks the next time of day in the schedule’s time zone', () => {
    const schedule = { times: ['03:00', '15:30'], timeZone: 'America/New_York' };
    // 10:00 UTC = 05:00 in New York (EST): next is 15:30 local = 20:30 UTC.
    expect(nextOccurrence(schedule, new Date('2026-01-15T10:00:00Z')).toISOString()).toBe('2026-01-15T20:30:00.000Z');
    // 21:00 UTC = 16:00 local: next is 03:00 local tomorrow = 08:00 UTC.
    expect(nextOccurrence(schedule, new Date('2026-01-15T21:00:00Z')).toISOString()).toBe('2026-01-16T08:00:00.000Z');
  });

  it('keeps 03:00 local across a daylight-saving change', () => {
    const schedule = { times: ['03:00'], timeZone: 'Europe/Berlin' };
    // Winter: 03:00 CET = 02:00 UTC; summer: 03:00 CEST = 01:00 UTC.
    expect(nextOccurrence(schedule, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(nextOccurrence(schedule, new Date('2026-01-10T12:00:00Z')).toISOString()).toBe('2026-01-11T02:00:00.000Z');
  });

  it('is strictly after the given moment', () => {
    const at = new Date('2026-01-15T03:00:00Z');
    expect(nextOccurrence({ times: ['03:00'], timeZone: 'UTC' }, at).toISOString()).toBe('2026-01-16T03:00:00.000Z');
  });

  it('says how many runs a schedule makes per day', () => {
    expect(runsPerDay({ every: '1h' })).toBe(24);
    expect(runsPerDay({ every: '6h' })).toBe(4);
    expect(runsPerDay({ times: ['03:00', '15:00'], timeZone: 'UTC' })).toBe(2);
  });
});
