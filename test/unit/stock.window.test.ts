import { describe, expect, it } from 'vitest';
import { coalescingWindow, dayLeftFraction } from '../../server/sync/stock/window.js';

const at = (iso: string) => new Date(iso);
const window = (used: number, remaining: number, now: string) => coalescingWindow({ used, remaining, now: at(now), baseMs: 1_000, maxMs: 300_000 });

describe('the coalescing window', () => {
  it('measures the day as Zoho’s budget does: in UTC', () => {
    expect(dayLeftFraction(at('2026-04-01T00:00:00Z'))).toBe(1);
    expect(dayLeftFraction(at('2026-04-01T12:00:00Z'))).toBe(0.5);
    expect(dayLeftFraction(at('2026-04-01T18:00:00Z'))).toBe(0.25);
  });

  it('stays at the base window while the budget lasts as long as the day', () => {
    expect(window(0, 5_000, '2026-04-01T00:00:00Z')).toEqual({ ms: 1_000, widened: false });
    expect(window(2_500, 2_500, '2026-04-01T12:00:00Z')).toEqual({ ms: 1_000, widened: false });
    expect(window(4_900, 100, '2026-04-01T23:50:00Z')).toEqual({ ms: 1_000, widened: false });
  });

  it('widens with the square of the shortfall, and says so', () => {
    // Noon, 25 % left: spending at twice the day's pace → four times the window.
    const half = window(3_750, 1_250, '2026-04-01T12:00:00Z');
    expect(half.ms).toBe(4_000);
    expect(half.widened).toBe(true);
    expect(half.message).toMatch(/1250 of 5000 calls left.*4 s/);
    // 5 % left at noon: ten times too fast → a hundred times the window.
    expect(window(4_750, 250, '2026-04-01T12:00:00Z').ms).toBe(100_000);
  });

  it('never passes the maximum, which is also the window once the budget is spent', () => {
    expect(window(4_990, 10, '2026-04-01T06:00:00Z').ms).toBe(300_000);
    const spent = window(5_000, 0, '2026-04-01T06:00:00Z');
    expect(spent).toMatchObject({ ms: 300_000, widened: true });
    expect(spent.message).toMatch(/spent/);
  });

  it('widens monotonically as the budget shrinks', () => {
    const widths = [2_500, 2_000, 1_500, 1_000, 500, 100].map((remaining) => window(5_000 - remaining, remaining, '2026-04-01T12:00:00Z').ms);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1]!);
  });
});
