/** The Zoho and BigCommerce shapes the price lists flow reads (only the fields it uses). */

/** A Zoho price list ("price book"); numbers may arrive as text. */
export interface ZohoPricebook {
  pricebook_id: string;
  name: string;
  status?: 'active' | 'inactive' | string;
  pricebook_type?: 'per_item' | 'fixed_percentage' | string;
  sales_or_purchase_type?: 'sales' | 'purchases' | string;
  percentage?: number | string;
  is_increase?: boolean;
  rounding_type?: string;
  decimal_place?: number | string;
  currency_code?: string;
  pricing_scheme?: 'unit' | 'volume' | string;
  /** Absent (not empty) when a list answer leaves the items out: then the book is read on its own. */
  pricebook_items?: ZohoPricebookItem[];
}

/** pricelists.yml documents no `sku` or `name` on a book's items: the item's own are read from the items list. */
export interface ZohoPricebookItem {
  item_id: string;
  pricebook_rate?: number | string;
  /** Volume pricing: a rate per quantity range. */
  price_brackets?: { start_quantity?: number | string; end_quantity?: number | string; pricebook_rate?: number | string }[];
}

/** An active Zoho item's sales rate (percentage books price from it), SKU and name. */
export interface ZohoItemRate {
  item_id: string;
  rate?: number | string;
  status?: string;
  sku?: string;
  name?: string;
}

/** What names a Zoho item in the run's records. */
export interface ZohoItemLabel {
  sku?: string;
  name?: string;
}

/** The BigCommerce variant a Zoho item's price goes to (a simple product's base variant, or a variant). */
export interface PriceTarget {
  variantId: number;
  sku?: string;
}

/** A link row of this flow's own entity: a Zoho price book and its BigCommerce price list. */
export interface PriceListLinkRow {
  zohoId: string;
  bigcommerceId: string;
  /** `<meta>.<records>.<assignments>` (see plan.ts): each part changes on its own. */
  hash: string;
  /** The list was made inactive in BigCommerce (inactive or removed in Zoho). */
  hidden: boolean;
}

export interface BcPriceListRow {
  id: number;
  name: string;
  active: boolean;
}

export interface BcBulkTier {
  quantity_min: number;
  quantity_max: number | null;
  type: 'fixed' | 'price' | 'percent';
  amount: number;
}

/** A price record as read from BigCommerce. */
export interface BcPriceRecordRow {
  variant_id: number;
  currency: string;
  price: number;
  bulk_pricing_tiers?: BcBulkTier[];
}
