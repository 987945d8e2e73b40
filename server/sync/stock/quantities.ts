import { DEFAULT_LOCATION_ID } from '../../bigcommerce/batches.js';
import type { Settings } from '../../settings/schema.js';
import type { ZohoNumber, ZohoStockItem, ZohoStockLocation } from './types.js';

/**
 * Which Zoho quantity BigCommerce sells from, and where: pure functions from one Zoho item (as
 * `GET /items` or `GET /itemdetails` return it) and the store's settings to a quantity per
 * BigCommerce location.
 */
export type QuantityKind = Settings['stock']['quantity'];
export type LocationMapping = Settings['stock']['locations'];

export const toNumber = (value: ZohoNumber): number | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  return Number.isFinite(n) ? n : undefined;
};

/** Whether Zoho keeps stock for the item: services and non-inventory items have none. */
export function tracksStock(item: ZohoStockItem): boolean {
  if (typeof item.track_inventory === 'boolean') return item.track_inventory;
  if (item.product_type === 'service' || item.product_type === 'digital_service') return false;
  return item.item_type === undefined || item.item_type === 'inventory';
}

interface Figures {
  onHand: number | undefined;
  available: number | undefined;
  actualAvailable: number | undefined;
}

/**
 * `available_for_sale` is what both of Zoho's stocks still allow selling (accounting and
 * physical, each net of committed orders): the lower of the two, so that the store never sells
 * what either says is gone. The two other settings name one Zoho figure each.
 */
export function pickQuantity(f: Figures, kind: QuantityKind): number | undefined {
  if (kind === 'stock_on_hand') return f.onHand;
  if (kind === 'available_stock') return f.available;
  const known = [f.available, f.actualAvailable].filter((n): n is number => n !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

const locationFigures = (l: ZohoStockLocation): Figures => ({
  onHand: toNumber(l.location_stock_on_hand),
  available: toNumber(l.location_available_stock),
  actualAvailable: toNumber(l.location_actual_available_stock),
});

/** The item's organization-wide quantity: its totals, or the sum of its locations when the answer has no totals. */
export function totalQuantity(item: ZohoStockItem, kind: QuantityKind): number | undefined {
  const direct = pickQuantity({ onHand: toNumber(item.stock_on_hand), available: toNumber(item.available_stock), actualAvailable: toNumber(item.actual_available_stock) }, kind);
  if (direct !== undefined) return direct;
  if (!item.locations?.length) return undefined;
  let sum = 0;
  for (const location of item.locations) sum += pickQuantity(locationFigures(location), kind) ?? 0;
  return sum;
}

export type MappedLevels = { ok: true; levels: Map<number, number> } | { ok: false; reason: 'no_locations' | 'no_quantity' };

/**
 * Zoho's quantity per BigCommerce location. No mapping: Zoho's total goes to BigCommerce's
 * default location. A mapping: each BigCommerce location gets the sum of the Zoho locations
 * mapped to it (several warehouses may feed one store location); unmapped Zoho locations are
 * not sold from. A mapping needs the item's per-location figures.
 */
export function levelsByBigCommerceLocation(item: ZohoStockItem, mapping: LocationMapping, kind: QuantityKind): MappedLevels {
  if (mapping.length === 0) {
    const total = totalQuantity(item, kind);
    return total === undefined ? { ok: false, reason: 'no_quantity' } : { ok: true, levels: new Map([[DEFAULT_LOCATION_ID, total]]) };
  }
  if (!item.locations) return { ok: false, reason: 'no_locations' };
  const byZoho = new Map(item.locations.map((l) => [String(l.location_id), l]));
  const levels = new Map<number, number>();
  for (const { zohoLocationId, bigcommerceLocationId } of mapping) {
    const location = byZoho.get(zohoLocationId);
    // A location the item has no entry for holds none of it.
    const quantity = location ? (pickQuantity(locationFigures(location), kind) ?? 0) : 0;
    levels.set(bigcommerceLocationId, (levels.get(bigcommerceLocationId) ?? 0) + quantity);
  }
  return { ok: true, levels };
}

/** BigCommerce takes whole, non-negative levels: Zoho may have fractions (units like kg) or be oversold. */
export const sellableLevel = (zohoQuantity: number, pending: number) => Math.max(0, Math.floor(zohoQuantity) - pending);

/**
 * The Zoho location a BigCommerce location's corrections go to (two-way): the one mapped to it,
 * the first of several; none when the BigCommerce location is not mapped. No mapping: Zoho's
 * primary location (undefined here: Zoho's default).
 */
export function zohoLocationFor(bigcommerceLocationId: number, mapping: LocationMapping): { mapped: boolean; zohoLocationId?: string } {
  if (mapping.length === 0) return { mapped: bigcommerceLocationId === DEFAULT_LOCATION_ID };
  const row = mapping.find((m) => m.bigcommerceLocationId === bigcommerceLocationId);
  return row ? { mapped: true, zohoLocationId: row.zohoLocationId } : { mapped: false };
}

/** The BigCommerce locations a store's stock is written to. */
export const bigcommerceLocations = (mapping: LocationMapping): number[] =>
  mapping.length === 0 ? [DEFAULT_LOCATION_ID] : [...new Set(mapping.map((m) => m.bigcommerceLocationId))];

/** Names which Zoho figure feeds a BigCommerce location, so that a changed setting is not taken for a change in Zoho. */
export function basisOf(bigcommerceLocationId: number, mapping: LocationMapping, kind: QuantityKind): string {
  if (mapping.length === 0) return `${kind}|total`;
  const sources = mapping.filter((m) => m.bigcommerceLocationId === bigcommerceLocationId).map((m) => m.zohoLocationId).sort();
  return `${kind}|${sources.join(',')}`;
}
