import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStockProperty } from '../bench/stockProperty.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * The stock invariant as a property (issue 17), at CI size: 25 seeded sequences of Zoho
 * adjustments, the merchant's edits, orders (paid, cancelled, held, stuck behind Zoho's daily
 * limit), returns, scheduled runs and flushes, through real webhooks and two worker processes;
 * after each, every BigCommerce level is Zoho's quantity less the units Zoho has not moved, and
 * Zoho moved by exactly the merchant's corrections and the invoiced orders.
 * `npm run bench -- stock-property` runs more (STOCK_SEQUENCES); STOCK_SEED replays a failure.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;

beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('stock property', () => {
  it('25 random sequences: no double count, nothing oversold, every level what Zoho allows', async () => {
    // A fixed seed by default, so that CI replays known sequences; STOCK_SEED picks others.
    const seed = process.env.STOCK_SEED ? Number(process.env.STOCK_SEED) : 1_000;
    const sequences = Number(process.env.STOCK_SEQUENCES ?? 25);
    const result = await runStockProperty({ sequences, seed, dbUri: db.uri, log: (line) => console.log(line) });
    console.log(result.summary);
    expect(result.problems, `${result.summary} (STOCK_SEED=<the sequence's seed> STOCK_SEQUENCES=1 replays one)`).toEqual([]);
    expect(result.doubleCounts).toBe(0);
    expect(result.oversold).toBe(0);
  }, 600_000);
});
