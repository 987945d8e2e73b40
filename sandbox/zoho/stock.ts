import type { ZohoItem, ZohoLocation } from './records.js';

/**
 * The simulator's stock model, per item and location (kept simple, but consistent with how
 * Zoho separates accounting from physical stock):
 *
 *   accounting = opening stock + quantity adjustments − invoiced quantities
 *   physical   = opening stock + quantity adjustments − shipped quantities
 *   committedAccounting = on confirmed sales orders, ordered − invoiced
 *   committedPhysical   = on confirmed sales orders, ordered − shipped
 *
 *   stock_on_hand          = accounting, or physical when the organization's preference
 *                            counts stock on hand at the shipment (`onHandAt`)
 *   available_stock        = accounting − committedAccounting   ("available for sale")
 *   actual_available_stock = physical − committedPhysical        (physical "available for sale")
 *
 * Zoho's help pages: available for sale = stock on hand − committed stock; only a confirmed
 * sales order commits (a draft commits nothing); stock on hand falls at the invoice
 * (accounting stock) or at the shipment (physical stock), by the organization's preference,
 * and the item shows both available figures.
 *
 * So confirming a sales order lowers both available figures at once; invoicing it lowers
 * stock_on_hand (available_stock stays, the commitment turned into a sale); shipping it lowers
 * the physical stock (actual_available_stock stays). Voiding gives the quantities back.
 * Stock changes do NOT touch an item's last_modified_time (Zoho has no stock-level event
 * either), which is why the app must reconcile stock by reading it.
 */
export interface StockCell {
  physical: number;
  accounting: number;
  committedPhysical: number;
  committedAccounting: number;
}

const key = (itemId: string, locationId: string) => `${itemId}|${locationId}`;

export class StockLedger {
  private readonly cells = new Map<string, StockCell>();
  /** The organization's preference: stock on hand falls at the invoice (accounting stock, the default) or at the shipment (physical). */
  onHandAt: 'invoice' | 'shipment' = 'invoice';

  cell(itemId: string, locationId: string): StockCell {
    let cell = this.cells.get(key(itemId, locationId));
    if (!cell) {
      cell = { physical: 0, accounting: 0, committedPhysical: 0, committedAccounting: 0 };
      this.cells.set(key(itemId, locationId), cell);
    }
    return cell;
  }

  change(itemId: string, locationId: string, delta: Partial<StockCell>): void {
    const cell = this.cell(itemId, locationId);
    cell.physical += delta.physical ?? 0;
    cell.accounting += delta.accounting ?? 0;
    cell.committedPhysical += delta.committedPhysical ?? 0;
    cell.committedAccounting += delta.committedAccounting ?? 0;
  }

  remove(itemId: string): void {
    for (const k of [...this.cells.keys()]) if (k.startsWith(`${itemId}|`)) this.cells.delete(k);
  }
}

/** Whether Zoho keeps stock for the item (services and non-inventory items have none). */
export const tracksStock = (item: Pick<ZohoItem, 'product_type' | 'item_type'>) => item.product_type === 'goods' && item.item_type === 'inventory';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The stock fields of an item as Zoho returns them (totals plus one entry per location). */
export function stockFields(ledger: StockLedger, locations: Iterable<ZohoLocation>, itemId: string) {
  let onHand = 0;
  let available = 0;
  let actualAvailable = 0;
  const perLocation = [];
  for (const location of locations) {
    const c = ledger.cell(itemId, location.location_id);
    const cellOnHand = ledger.onHandAt === 'shipment' ? c.physical : c.accounting;
    onHand += cellOnHand;
    available += c.accounting - c.committedAccounting;
    actualAvailable += c.physical - c.committedPhysical;
    // Zoho sends these as numbers although items.yml types them as strings (see reference README).
    perLocation.push({
      location_id: location.location_id,
      location_name: location.location_name,
      status: location.status,
      is_primary: location.is_primary,
      location_stock_on_hand: round(cellOnHand),
      location_available_stock: round(c.accounting - c.committedAccounting),
      location_actual_available_stock: round(c.physical - c.committedPhysical),
    });
  }
  return {
    stock_on_hand: round(onHand),
    available_stock: round(available),
    actual_available_stock: round(actualAvailable),
    locations: perLocation,
  };
}
