import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { StockState } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import type { ZohoClient } from '../../zoho/client.js';
import { zohoDate } from '../../zoho/dates.js';
import { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { readBigCommerceLevels, refKey, type BcRef } from './bigcommerceLevels.js';
import { pendingUnitsByItem } from './fromZoho.js';
import { loadKnownLevels, rememberLevels, type LevelWrite } from './levels.js';
import { pendingLocation } from './plan.js';
import { catchUpOrderMoves, orderLocation } from './orderMoves.js';
import { basisOf, bigcommerceLocations, levelsByBigCommerceLocation, sellableLevel, zohoLocationFor } from './quantities.js';
import { loadItemsByBigCommerceId, loadTargets, readZohoItemDetails, withLocations } from './read.js';
import { levelKey, type KnownLevel, type StockTarget, type ZohoStockItem } from './types.js';

/**
 * Two-way stock, BigCommerce → Zoho: a level the merchant changed in BigCommerce becomes a Zoho
 * quantity adjustment with a reason and a reference.
 *
 * - The ledger: the merchant's correction is BigCommerce's level now − what BigCommerce should
 *   hold, which is the level the app last wrote plus the order movements BigCommerce made since
 *   (orderMoves.ts reads them from BigCommerce's orders, from an order's first event on, claimed
 *   or not). Never "BigCommerce − a fresh Zoho read": an order Zoho has not moved yet, or a Zoho
 *   receipt not yet written to BigCommerce, would become a correction.
 * - Whatever BigCommerce sends for an order (the order twin of the inventory event, the plain
 *   one, both, in any order), the flush judges levels only after reading the orders, and reads
 *   them again after the levels: an order placed in between has its items' levels read again.
 * - Echo suppression: a level equal to what the ledger expects is the app's own write coming back
 *   (BigCommerce raises the event for every write) or an order's; it costs no Zoho call.
 * - One round trip: the adjustment makes Zoho follow BigCommerce's change; the level is
 *   remembered, so the adjustment's own Zoho webhook (skipped by id) and any later read find
 *   nothing to write back.
 */
export const ZOHO_ADJUSTMENT_REASON = 'Stock corrected in BigCommerce';

export interface TwoWayInput {
  storeHash: string;
  refs: BcRef[];
  settings: Settings['stock'];
  zoho: ZohoClient;
  bc: BigCommerceClient;
  reporter: RunReporter;
  now?: Date;
  /**
   * The caller read BigCommerce's orders onto the ledger a moment ago (a flush from Zoho's events
   * does, before it plans): the read before the levels is skipped (one BigCommerce call a flush);
   * the read after them still catches an order placed in between.
   */
  ordersCaughtUp?: boolean;
}

export interface ZohoAdjustmentLine {
  item_id: string;
  quantity_adjusted: number;
  location_id?: string;
}

export interface Correction {
  zohoItemId: string;
  locationId: number;
  target: StockTarget;
  /** What BigCommerce holds now. */
  bigcommerce: number;
  /** Zoho's quantity for the location (remembered with the level). */
  zohoQuantity: number;
  /** What BigCommerce should hold: the ledger's level (last written + order movements since). */
  expected: number;
  line?: ZohoAdjustmentLine;
}

/**
 * Pure: for each BigCommerce level, the Zoho adjustment for the merchant's correction: the level
 * now minus what the ledger expects (none when they agree). A level the app never wrote has no
 * ledger yet: it is compared with Zoho's quantity less the pending orders' units, as before.
 */
export function planCorrections(input: {
  items: ZohoStockItem[];
  targets: Map<string, StockTarget>;
  bigcommerce: Map<string, Map<number, number>>;
  known: Map<string, KnownLevel>;
  pending: Map<string, number>;
  settings: Settings['stock'];
}): Correction[] {
  const corrections: Correction[] = [];
  const locations = bigcommerceLocations(input.settings.locations);
  for (const item of input.items) {
    const target = input.targets.get(item.item_id);
    const levelsNow = target && input.bigcommerce.get(refKey(target));
    if (!target || !levelsNow) continue;
    const mapped = levelsByBigCommerceLocation(item, input.settings.locations, input.settings.quantity);
    if (!mapped.ok) continue;
    const pendingAt = pendingLocation(mapped.levels);
    for (const locationId of locations) {
      const zohoLocation = zohoLocationFor(locationId, input.settings.locations);
      if (!zohoLocation.mapped) continue;
      const bigcommerce = levelsNow.get(locationId) ?? 0;
      const zohoQuantity = mapped.levels.get(locationId) ?? 0;
      const ledger = input.known.get(levelKey(item.item_id, locationId));
      const expected = ledger ? ledger.quantity : zohoQuantity - (locationId === pendingAt ? (input.pending.get(item.item_id) ?? 0) : 0);
      const difference = Math.round((bigcommerce - expected) * 1000) / 1000;
      const correction: Correction = { zohoItemId: item.item_id, locationId, target, bigcommerce, zohoQuantity, expected };
      // Without a ledger, BigCommerce holds whole units: a fractional or oversold Zoho figure that rounds to the same level agrees.
      if (difference !== 0 && (ledger || bigcommerce !== sellableLevel(expected, 0))) {
        correction.line = { item_id: item.item_id, quantity_adjusted: difference, ...(zohoLocation.zohoLocationId ? { location_id: zohoLocation.zohoLocationId } : {}) };
      }
      corrections.push(correction);
    }
  }
  return corrections;
}

/** The BigCommerce levels that are not the app's own writes coming back. */
export function withoutEchoes(refs: BcRef[], itemByRef: Map<string, string>, bigcommerce: Map<string, Map<number, number>>, known: Map<string, KnownLevel>, locations: number[]): BcRef[] {
  return refs.filter((ref) => {
    const item = itemByRef.get(refKey(ref));
    const levels = bigcommerce.get(refKey(ref));
    if (!item || !levels) return false;
    return locations.some((locationId) => known.get(levelKey(item, locationId))?.quantity !== (levels.get(locationId) ?? 0));
  });
}

/**
 * BigCommerce's levels, read between two reads of its orders: an order placed while the levels
 * were read is on the ledger after the second read, and its items' levels are read once more
 * (a few times at most), so a level and the ledger it is judged by always saw the same orders.
 */
async function readLevelsBetweenOrderReads(bc: BigCommerceClient, storeHash: string, refs: BcRef[], locationId: number, caughtUp = false): Promise<Map<string, Map<number, number>>> {
  if (!caughtUp) await catchUpOrderMoves(bc, storeHash, locationId, Priority.realtime);
  const levels = await readBigCommerceLevels(bc, refs, Priority.realtime);
  for (let attempt = 0; attempt < 3; attempt++) {
    const { moved } = await catchUpOrderMoves(bc, storeHash, locationId, Priority.realtime);
    const moving = refs.filter((r) => (moved.get(refKey(r)) ?? 0) !== 0);
    if (moving.length === 0) break;
    for (const [key, level] of await readBigCommerceLevels(bc, moving, Priority.realtime)) levels.set(key, level);
  }
  return levels;
}

/** Names the adjustment after the moment it was made, so the merchant can find it in Zoho. */
const referenceFor = (d: Date) => `BC-STOCK-${d.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;

/** Sends BigCommerce's corrections to Zoho; returns the Zoho items whose levels are now settled. */
export async function pushBigCommerceChanges(input: TwoWayInput): Promise<Set<string>> {
  const { storeHash, settings, zoho, bc, reporter } = input;
  const now = input.now ?? new Date();
  const settled = new Set<string>();
  const itemByRef = await loadItemsByBigCommerceId(storeHash, input.refs);
  const refs = input.refs.filter((r) => itemByRef.has(refKey(r)));
  if (refs.length === 0) return settled;

  const bcBefore = bc.callCount;
  // The levels are remembered as of their read: an order placed after it (while Zoho is read and
  // adjusted, which takes seconds) is a movement on the new ledger, not part of the correction.
  const readAt = new Date();
  const bigcommerce = await readLevelsBetweenOrderReads(bc, storeHash, refs, orderLocation(settings.locations), input.ordersCaughtUp);
  const itemIds = [...new Set(refs.map((r) => itemByRef.get(refKey(r))!))];
  const known = await loadKnownLevels(storeHash, itemIds);
  const changed = withoutEchoes(refs, itemByRef, bigcommerce, known, bigcommerceLocations(settings.locations));
  const echoes = refs.length - changed.length;
  for (let i = 0; i < echoes; i++) await reporter.record({ entity: 'stock-to-zoho', operation: 'unchanged' });
  if (changed.length === 0) {
    reporter.addApiCalls('bigcommerce', bc.callCount - bcBefore);
    return settled;
  }

  const changedItems = [...new Set(changed.map((r) => itemByRef.get(refKey(r))!))];
  const read = await withLocations(zoho, await readZohoItemDetails(zoho, changedItems, Priority.realtime), settings.locations, Priority.realtime);
  const [targets, pending] = await Promise.all([loadTargets(storeHash, changedItems), pendingUnitsByItem(bc, storeHash, Priority.realtime)]);
  const corrections = planCorrections({ items: read.items, targets, bigcommerce, known, pending, settings });
  const lines = corrections.filter((c) => c.line).map((c) => c.line!);
  let zohoCalls = read.calls;

  let adjustmentId: string | undefined;
  let refusal: string | undefined;
  if (lines.length > 0) {
    try {
      zohoCalls++;
      const answer = await zoho.post<{ inventory_adjustment?: { inventory_adjustment_id?: string } }>(
        '/inventoryadjustments',
        {
          date: zohoDate(now, zoho.timeZone),
          reason: ZOHO_ADJUSTMENT_REASON,
          description: 'Levels set in the BigCommerce control panel, sent by the BigCommerce ↔ Zoho app.',
          reference_number: referenceFor(now),
          adjustment_type: 'quantity',
          line_items: lines,
        },
        { priority: Priority.realtime },
      );
      adjustmentId = answer.inventory_adjustment?.inventory_adjustment_id ? String(answer.inventory_adjustment.inventory_adjustment_id) : undefined;
    } catch (error) {
      refusal = error instanceof Error ? error.message : String(error);
      // Zoho down or out of budget: the flush is tried again later. A refusal of this request is final.
      if ((error as { transient?: boolean }).transient) throw error;
    }
  }
  if (adjustmentId) {
    // Its own webhook is an echo: remembered so the flush does not read it back.
    await StockState.updateOne({ _id: storeHash }, { $addToSet: { ownAdjustmentIds: adjustmentId } }, { upsert: true });
  }

  const remembered: LevelWrite[] = [];
  for (const c of corrections) {
    if (c.line && refusal) {
      await reporter.record({ entity: 'stock-to-zoho', operation: 'fail', zohoId: c.zohoItemId, sku: c.target.sku, reason: `Zoho refused the adjustment: ${refusal}` });
      continue;
    }
    settled.add(c.zohoItemId);
    remembered.push({
      zohoItemId: c.zohoItemId,
      locationId: c.locationId,
      target: c.target,
      quantity: c.bigcommerce,
      zohoQuantity: c.zohoQuantity + (c.line?.quantity_adjusted ?? 0),
      basis: basisOf(c.locationId, settings.locations, settings.quantity),
      at: readAt,
    });
    await reporter.record(
      c.line
        ? {
            entity: 'stock-to-zoho',
            operation: 'update',
            zohoId: c.zohoItemId,
            sku: c.target.sku,
            bigcommerceId: `${c.target.kind} ${c.target.id} @ location ${c.locationId}`,
            reason: `BigCommerce ${c.bigcommerce}, expected ${c.expected}: adjusted by ${c.line.quantity_adjusted}${adjustmentId ? ` (adjustment ${adjustmentId})` : ''}`,
          }
        : { entity: 'stock-to-zoho', operation: 'unchanged', zohoId: c.zohoItemId },
    );
  }
  await rememberLevels(storeHash, remembered);
  reporter.addApiCalls('zoho', zohoCalls);
  reporter.addApiCalls('bigcommerce', bc.callCount - bcBefore);
  return settled;
}
