import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockLevel } from '../../server/db/models/index.js';
import { itemsWrittenSince, loadKnownLevels, moveLevels, refreshZohoFigures, rememberLevels } from '../../server/sync/stock/levels.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * The remembered levels (StockLevel) as the scheduled run and the ledger read them. A scheduled
 * run reads Zoho without the writer lease, then writes only the items nothing wrote since its
 * read began: every write or re-judgement of a level must count as of when it was made, even
 * when the level itself is remembered as of an earlier read (a two-way correction reads
 * BigCommerce, then spends seconds posting to Zoho).
 */
const STORE = 'levels';
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
const target = { kind: 'product' as const, id: 7, sku: 'L-1' };
const level = (quantity: number, at?: Date) => ({ zohoItemId: 'z1', locationId: 1, target, quantity, zohoQuantity: quantity, basis: 'available_for_sale', ...(at ? { at } : {}) });

beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(() => db?.close());

describe('remembered stock levels', () => {
  it('a level remembered as of an earlier read counts as written when it was written', async () => {
    const readAt = new Date(Date.now() - 5_000);
    const runReadAt = new Date(Date.now() - 2_000); // a run read Zoho between the read and the write
    await rememberLevels(STORE, [level(8, readAt)]);
    expect(await itemsWrittenSince(STORE, runReadAt)).toEqual(new Set(['z1']));
    // The ledger still starts at the read: order movements after it count.
    expect((await StockLevel.findOne({ storeHash: STORE }).lean())?.baselineAt).toEqual(readAt);
  });

  it('a level judged unchanged on a newer Zoho figure counts as written, and keeps its ledger', async () => {
    await StockLevel.updateOne({ storeHash: STORE }, { $set: { orderMoves: -2 } });
    const runReadAt = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await refreshZohoFigures(STORE, [{ zohoItemId: 'z1', locationId: 1, zohoQuantity: 9, basis: 'available_for_sale' }]);
    expect(await itemsWrittenSince(STORE, runReadAt)).toEqual(new Set(['z1']));
    expect((await loadKnownLevels(STORE)).get('z1:1')).toMatchObject({ quantity: 6, zohoQuantity: 9 });
  });

  it('a relative write moves the ledger by its difference and keeps the order movements and the baseline', async () => {
    const before = await StockLevel.findOne({ storeHash: STORE }).lean();
    await moveLevels(STORE, [{ zohoItemId: 'z1', locationId: 1, delta: 3, zohoQuantity: 12, basis: 'available_for_sale' }]);
    const after = await StockLevel.findOne({ storeHash: STORE }).lean();
    expect(after).toMatchObject({ quantity: 11, orderMoves: -2, zohoQuantity: 12, baselineAt: before!.baselineAt });
    expect((await loadKnownLevels(STORE)).get('z1:1')?.quantity).toBe(9);
  });
});
