import { StockLevel, stockLevelId } from '../../db/models/index.js';
import { levelKey, type KnownLevel, type StockTarget } from './types.js';

/** What the app knows BigCommerce holds (StockLevel): loaded once per run, written in bulk. */

/**
 * The whole store's levels, or those of some items: what BigCommerce should hold now, which is
 * the level the app last wrote plus the order movements BigCommerce made since (the ledger).
 */
export async function loadKnownLevels(storeHash: string, zohoItemIds?: readonly string[]): Promise<Map<string, KnownLevel>> {
  const filter = zohoItemIds ? { storeHash, zohoItemId: { $in: [...new Set(zohoItemIds)] } } : { storeHash };
  const rows = await StockLevel.find(filter, { zohoItemId: 1, bigcommerceLocationId: 1, quantity: 1, zohoQuantity: 1, basis: 1, orderMoves: 1 }).lean();
  return new Map(
    rows.map((r) => [
      levelKey(r.zohoItemId, r.bigcommerceLocationId),
      { quantity: r.quantity + (r.orderMoves ?? 0), zohoQuantity: r.zohoQuantity, ...(r.basis ? { basis: r.basis } : {}) },
    ]),
  );
}

/** The Zoho items whose level was written after a moment (by a flush, while a run was reading). */
export async function itemsWrittenSince(storeHash: string, since: Date): Promise<Set<string>> {
  const rows = await StockLevel.find({ storeHash, updatedAt: { $gt: since } }, { zohoItemId: 1 }).lean();
  return new Set(rows.map((r) => r.zohoItemId));
}

export interface LevelWrite {
  zohoItemId: string;
  locationId: number;
  target: StockTarget;
  quantity: number;
  zohoQuantity: number;
  basis: string;
  /** When BigCommerce held this level (its read): order movements after it count against it. Default: now. */
  at?: Date;
}

/**
 * Records what BigCommerce now holds after an absolute write or a read (the ledger starts again
 * from it: no order movements since). On the embedded database an update by _id reads the whole
 * collection, so rows are replaced in bulk instead: one delete and one insert per thousand rows
 * (a run interrupted in between only loses the memory of a level, which is then written again).
 */
export async function rememberLevels(storeHash: string, levels: LevelWrite[]): Promise<void> {
  const now = new Date();
  const rows = new Map(
    levels.map((l) => {
      const _id = stockLevelId(storeHash, l.zohoItemId, l.locationId);
      return [
        _id,
        {
          _id,
          storeHash,
          zohoItemId: l.zohoItemId,
          bigcommerceLocationId: l.locationId,
          targetKind: l.target.kind,
          targetId: l.target.id,
          ...(l.target.sku ? { sku: l.target.sku } : {}),
          quantity: l.quantity,
          zohoQuantity: l.zohoQuantity,
          basis: l.basis,
          baselineAt: l.at ?? now,
          // Written now, whenever the level was read: a scheduled run that read Zoho before this
          // write (and before any Zoho adjustment that came with it) must leave this item alone.
          updatedAt: now,
        },
      ] as const;
    }),
  );
  const all = [...rows.values()];
  for (let i = 0; i < all.length; i += 1_000) {
    const chunk = all.slice(i, i + 1_000);
    await StockLevel.deleteMany({ _id: { $in: chunk.map((r) => r._id) } });
    await StockLevel.insertMany(chunk, { ordered: false }).catch(ignoreDuplicates);
  }
}

/** Another flush wrote the same level in between: its row is as current as ours. */
function ignoreDuplicates(error: unknown): void {
  const e = error as { code?: number; writeErrors?: { code?: number }[] };
  if (e.code === 11000 || (e.writeErrors?.length && e.writeErrors.every((w) => w.code === 11000))) return;
  throw error;
}

export interface LevelMove {
  zohoItemId: string;
  locationId: number;
  /** Units the app's relative adjustment added (negative: took). */
  delta: number;
  zohoQuantity: number;
  basis: string;
}

/**
 * Two-way: the app's relative adjustments moved these levels. The ledger moves with them and keeps
 * its baseline and order movements: a relative write replaced nothing BigCommerce held, so a
 * merchant's edit or an order that landed meanwhile is still told apart. One bulk command.
 */
export async function moveLevels(storeHash: string, moves: LevelMove[]): Promise<void> {
  if (moves.length === 0) return;
  const now = new Date();
  await StockLevel.bulkWrite(
    moves.map((m) => ({
      updateOne: {
        filter: { _id: stockLevelId(storeHash, m.zohoItemId, m.locationId) },
        update: { $inc: { quantity: m.delta }, $set: { zohoQuantity: m.zohoQuantity, basis: m.basis, updatedAt: now } },
      },
    })),
    { ordered: false },
  );
}

/**
 * Levels that stay while Zoho's figure (or which figure it is) moved: the figure is recorded and
 * the ledger is untouched. It counts as written: a scheduled run's older read of Zoho must not
 * overwrite a level judged on a newer one.
 */
export async function refreshZohoFigures(storeHash: string, figures: Omit<LevelMove, 'delta'>[]): Promise<void> {
  if (figures.length === 0) return;
  const now = new Date();
  await StockLevel.bulkWrite(
    figures.map((f) => ({
      updateOne: { filter: { _id: stockLevelId(storeHash, f.zohoItemId, f.locationId) }, update: { $set: { zohoQuantity: f.zohoQuantity, basis: f.basis, updatedAt: now } } },
    })),
    { ordered: false },
  );
}
