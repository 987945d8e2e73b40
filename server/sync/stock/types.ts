/**
 * The Zoho and BigCommerce shapes the stock flow reads (only the fields it uses). Zoho sends the
 * per-location figures as numbers although items.yml types them as strings: both are accepted.
 */
export type ZohoNumber = number | string | null | undefined;

export interface ZohoStockLocation {
  location_id: string;
  location_name?: string;
  status?: string;
  is_primary?: boolean;
  location_stock_on_hand?: ZohoNumber;
  location_available_stock?: ZohoNumber;
  location_actual_available_stock?: ZohoNumber;
}

export interface ZohoStockItem {
  item_id: string;
  name?: string;
  sku?: string;
  status?: string;
  product_type?: string;
  item_type?: string;
  track_inventory?: boolean;
  stock_on_hand?: ZohoNumber;
  available_stock?: ZohoNumber;
  actual_available_stock?: ZohoNumber;
  locations?: ZohoStockLocation[];
}

/** What a Zoho item's level is written to in BigCommerce (from its product link). */
export interface StockTarget {
  kind: 'product' | 'variant';
  id: number;
  sku?: string;
}

/** The last level the app knows BigCommerce holds, per `<zohoItemId>:<bcLocationId>`. */
export interface KnownLevel {
  quantity: number;
  zohoQuantity: number;
  /** Which Zoho figure it was (quantity setting and Zoho locations): a settings change is not a Zoho change. */
  basis?: string;
}

export const levelKey = (zohoItemId: string, bigcommerceLocationId: number) => `${zohoItemId}:${bigcommerceLocationId}`;

/** One BigCommerce inventory item as `GET /v3/inventory/items` returns it. */
export interface BcInventoryItem {
  identity: { sku?: string; variant_id?: number | null; product_id: number; sku_id?: number | null };
  locations: { location_id: number; total_inventory_onhand?: number; available_to_sell?: number }[];
}
