import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChaos } from '../bench/chaos.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * The chaos benchmark at CI size (`npm run bench -- chaos` runs it at 100 orders): 20 orders
 * through a web process and two worker processes while workers are killed and frozen, leases
 * lapse and Zoho loses answers and fails calls. CHAOS_SEED replays a failing run's decisions.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;

beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('chaos', () => {
  it('20 orders under kills, frozen workers, lapsed leases, lost answers and 5xx: no duplicate, nothing lost', async () => {
    // A fixed seed by default, so that CI replays one known sequence of kills, freezes, lapsed
    // leases, lost answers and 5xx; any other sequence with CHAOS_SEED (the benchmark draws one).
    const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : 5;
    const result = await runChaos({ orders: 20, seed, dbUri: db.uri, settleTimeoutMs: 120_000 });
    console.log(result.summary);
    expect(result.problems, `${result.summary} (CHAOS_SEED=${seed} replays it)`).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.lost).toBe(0);
  }, 240_000);
});
