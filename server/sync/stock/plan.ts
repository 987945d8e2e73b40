import { DEFAULT_LOCATION_ID } from '../../bigcommerce/batches.js';
import { basisOf, levelsByBigCommerceLocation, sellableLevel, tracksStock, type LocationMapping, type QuantityKind } from './quantities.js';
import { levelKey, type KnownLevel, type StockTarget, type ZohoStockItem } from './types.js';

/**
 * The stock plan: a pure function from Zoho's items (as read), their BigCommerce targets
 * (links), the levels the app last wrote and the units of claimed orders not yet in Zoho, to
 * the levels to write. Only changed levels are written.
 */
/** `unchanged` with `refresh`: the level stays, but Zoho's figure (or which figure it is) changed, so the record is updated. */
export type StockOperation =
  | { kind: 'set'; zohoItemId: string; name?: string; locationId: number; target: StockTarget; quantity: number; zohoQuantity: number; basis: string; previous?: number }
  | { kind: 'unchanged'; zohoItemId: string; name?: string; locationId: number; target: StockTarget; quantity: number; zohoQuantity: number; basis: string; refresh: boolean }
  | { kind: 'skip'; zohoItemId: string; name?: string; sku?: string; reason: string };

export interface StockPlanInput {
  items: ZohoStockItem[];
  /** Zoho item id → what its level is written to; items without one are not in BigCommerce. */
  targets: Map<string, StockTarget>;
  /** What the app last wrote, by levelKey(itemId, locationId). */
  known: Map<string, KnownLevel>;
  /** Zoho item id → units on claimed orders that Zoho does not have yet. */
  pending: Map<string, number>;
  settings: { quantity: QuantityKind; locations: LocationMapping };
}

export interface StockPlan {
  ops: StockOperation[];
  /** Items whose Zoho quantity moved since the app last wrote them (the silent-webhook check counts these). */
  zohoChanged: number;
  /** Items Zoho tracks that have no BigCommerce product (yet): not written, only counted. */
  unlinked: number;
}

/** Claimed orders draw from BigCommerce's default location; without it, from the first mapped one. */
export function pendingLocation(levels: Map<number, number>): number {
  return levels.has(DEFAULT_LOCATION_ID) ? DEFAULT_LOCATION_ID : levels.keys().next().value!;
}

export function planStock(input: StockPlanInput): StockPlan {
  const ops: StockOperation[] = [];
  let zohoChanged = 0;
  let unlinked = 0;
  const seen = new Set<string>();
  for (const item of input.items) {
    if (seen.has(item.item_id)) continue; // a record read twice (two pages, or a batch and a retry)
    seen.add(item.item_id);
    if (!tracksStock(item)) continue;
    const target = input.targets.get(item.item_id);
    if (!target) {
      unlinked++;
      continue;
    }
    const mapped = levelsByBigCommerceLocation(item, input.settings.locations, input.settings.quantity);
    if (!mapped.ok) {
      const reason = mapped.reason === 'no_locations' ? 'Zoho did not report this item’s stock per location' : 'Zoho reported no quantity for this item';
      ops.push({ kind: 'skip', zohoItemId: item.item_id, name: item.name, sku: item.sku, reason });
      continue;
    }
    const pendingAt = pendingLocation(mapped.levels);
    let moved = false;
    for (const [locationId, zohoQuantity] of mapped.levels) {
      const quantity = sellableLevel(zohoQuantity, locationId === pendingAt ? (input.pending.get(item.item_id) ?? 0) : 0);
      const known = input.known.get(levelKey(item.item_id, locationId));
      const basis = basisOf(locationId, input.settings.locations, input.settings.quantity);
      const sameBasis = known !== undefined && (known.basis === undefined || known.basis === basis);
      const zohoMoved = sameBasis && known.zohoQuantity !== zohoQuantity;
      if (zohoMoved) moved = true;
      if (known && known.quantity === quantity) {
        ops.push({ kind: 'unchanged', zohoItemId: item.item_id, name: item.name, locationId, target, quantity, zohoQuantity, basis, refresh: zohoMoved || !sameBasis });
      } else {
        ops.push({ kind: 'set', zohoItemId: item.item_id, name: item.name, locationId, target, quantity, zohoQuantity, basis, previous: known?.quantity });
      }
    }
    if (moved) zohoChanged++;
  }
  return { ops, zohoChanged, unlinked };
}
