import { describe, expect, it } from 'vitest';
import { OrgCallLimiter } from '../../server/zoho/limiter.js';
import type { Priority } from '../../server/sync/priority.js';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OrgCallLimiter', () => {
  it('never has more than perInterval calls in any window, counted from each answer', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 5, intervalMs: 60, concurrency: 3 });
    const calls: { start: number; end: number }[] = [];
    await Promise.all(
      Array.from({ length: 17 }, () =>
        limiter.run('scheduled', async () => {
          const start = Date.now();
          await tick(2);
          calls.push({ start, end: Date.now() });
        }),
      ),
    );
    expect(calls).toHaveLength(17);
    const starts = calls.map((c) => c.start).sort((a, b) => a - b);
    const ends = calls.map((c) => c.end).sort((a, b) => a - b);
    // The (n+5)th call starts only once the nth answer is a full window old.
    for (let n = 0; n + 5 < starts.length; n++) expect(starts[n + 5]!).toBeGreaterThanOrEqual(ends[n]! + 60);
    expect(limiter.peakInFlight).toBeLessThanOrEqual(3);
  });

  it('keeps to its concurrency', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 1000, intervalMs: 10, concurrency: 4 });
    await Promise.all(Array.from({ length: 20 }, () => limiter.run('realtime', () => tick(3))));
    expect(limiter.peakInFlight).toBe(4);
  });

  it('runs orders and real-time stock first, reconciliation next, scheduled work last', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 1000, intervalMs: 10, concurrency: 1 });
    const order: string[] = [];
    const job = (name: string, priority: Priority) => limiter.run(priority, async () => void order.push(name));
    const blocker = limiter.run('scheduled', () => tick(5));
    const queued = [job('s1', 'scheduled'), job('c1', 'reconcile'), job('s2', 'scheduled'), job('r1', 'realtime'), job('c2', 'reconcile'), job('r2', 'realtime')];
    await Promise.all([blocker, ...queued]);
    expect(order).toEqual(['r1', 'r2', 'c1', 'c2', 's1', 's2']);
  });

  it('a retried call goes ahead of its priority’s queue', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 1000, intervalMs: 10, concurrency: 1 });
    const order: string[] = [];
    const blocker = limiter.run('realtime', () => tick(5));
    const a = limiter.run('realtime', async () => void order.push('a'));
    const retry = limiter.run('realtime', async () => void order.push('retry'), true);
    await Promise.all([blocker, a, retry]);
    expect(order).toEqual(['retry', 'a']);
  });

  it('starts nothing while paused (Zoho said slow down)', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 1000, intervalMs: 10, concurrency: 5 });
    const until = Date.now() + 40;
    limiter.pauseUntil(until);
    const started: number[] = [];
    await Promise.all(Array.from({ length: 3 }, () => limiter.run('realtime', async () => void started.push(Date.now()))));
    expect(Math.min(...started)).toBeGreaterThanOrEqual(until);
  });

  it('a failing call frees its slot and rejects only its caller', async () => {
    const limiter = new OrgCallLimiter({ perInterval: 1000, intervalMs: 10, concurrency: 1 });
    const failing = limiter.run('realtime', async () => {
      throw new Error('boom');
    });
    const next = limiter.run('realtime', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(limiter.waiting).toBe(0);
  });
});
