/**
 * What the simulator stores per organization. Field names follow Zoho's JSON so that
 * serializing is mostly copying; derived values (stock, totals, balances, statuses that
 * follow from other records) are computed when a record is read, never stored twice.
 */

export interface Address {
  attention?: string;
  address?: string;
  street2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
}

export interface Timestamps {
  created_time: string;
  last_modified_time: string;
}

export interface CustomField {
  customfield_id?: string;
  label?: string;
  value?: string;
}

export interface ZohoLocation {
  location_id: string;
  location_name: string;
  type: 'general' | 'line_item_only';
  is_primary: boolean;
  status: 'active' | 'inactive';
  email: string;
  phone: string;
  address: { street_address1?: string; street_address2?: string; city?: string; state?: string; country?: string; attention?: string; state_code?: string };
}

export interface ItemImage {
  image_id: string;
  image_name: string;
  image_type: string;
  contentType: string;
  bytes: Buffer;
}

export interface ZohoItem extends Timestamps {
  item_id: string;
  name: string;
  sku: string;
  status: 'active' | 'inactive';
  product_type: 'goods' | 'service' | 'digital_service';
  item_type: 'inventory' | 'sales' | 'purchases' | 'sales_and_purchases';
  unit: string;
  rate: number;
  purchase_rate: number;
  description: string;
  purchase_description: string;
  is_taxable: boolean;
  tax_id: string;
  reorder_level: number;
  upc: string;
  ean: string;
  isbn: string;
  part_number: string;
  group_id?: string;
  group_name?: string;
  /** Attribute option names (1..3) for an item in a group, e.g. Size = "M". */
  attribute_option_name1?: string;
  attribute_option_name2?: string;
  attribute_option_name3?: string;
  image?: ItemImage;
  /** The item's category (Zoho Inventory's item categories; stored as given, no category registry). */
  category_id?: string;
  category_name?: string;
  custom_fields: CustomField[];
}

export interface GroupAttribute {
  id: string;
  name: string;
  options: { id: string; name: string }[];
}

export interface ZohoItemGroup extends Timestamps {
  group_id: string;
  group_name: string;
  unit: string;
  description: string;
  brand: string;
  manufacturer: string;
  status: 'active' | 'inactive';
  product_type: 'goods' | 'service';
  tax_id: string;
  attributes: GroupAttribute[];
  image?: ItemImage;
  custom_fields: CustomField[];
}

export interface PricebookItem {
  pricebook_item_id: string;
  item_id: string;
  pricebook_rate: number;
  pricebook_discount?: string;
  pricing_scheme?: 'unit' | 'volume';
}

export interface ZohoPricebook extends Timestamps {
  pricebook_id: string;
  name: string;
  description: string;
  currency_id: string;
  currency_code: string;
  pricebook_type: 'per_item' | 'fixed_percentage';
  sales_or_purchase_type: 'sales' | 'purchases';
  percentage: number;
  is_increase: boolean;
  rounding_type: string;
  decimal_place: number;
  pricing_scheme: 'unit' | 'volume';
  status: 'active' | 'inactive';
  pricebook_items: PricebookItem[];
}

export interface ContactPerson {
  contact_person_id: string;
  salutation: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  is_primary_contact: boolean;
}

export interface ZohoContact extends Timestamps {
  contact_id: string;
  contact_name: string;
  company_name: string;
  contact_type: 'customer' | 'vendor';
  status: 'active' | 'inactive';
  payment_terms: number;
  payment_terms_label: string;
  currency_id: string;
  currency_code: string;
  website: string;
  notes: string;
  billing_address: Address;
  shipping_address: Address;
  contact_persons: ContactPerson[];
  custom_fields: CustomField[];
}

export interface LineBase {
  line_item_id: string;
  item_id: string;
  name: string;
  description: string;
  sku: string;
  rate: number;
  quantity: number;
  unit: string;
  /** Line discount: an amount, or a percentage when given as "10%". */
  discount: number | string;
  tax_id: string;
  item_order: number;
  location_id: string;
}

export interface SalesOrderLine extends LineBase {
  quantity_invoiced: number;
  quantity_packed: number;
  quantity_shipped: number;
}

export interface Totals {
  discount: number | string;
  is_discount_before_tax: boolean;
  discount_type: 'entity_level' | 'item_level';
  shipping_charge: number;
  adjustment: number;
  adjustment_description: string;
}

export interface ZohoSalesOrder extends Timestamps, Totals {
  salesorder_id: string;
  /** Base currency per unit of the customer's currency (1 for a base-currency customer). */
  exchange_rate?: number;
  salesorder_number: string;
  date: string;
  shipment_date: string;
  reference_number: string;
  customer_id: string;
  status: 'draft' | 'confirmed' | 'void';
  location_id: string;
  delivery_method: string;
  pricebook_id: string;
  notes: string;
  terms: string;
  billing_address: Address;
  shipping_address: Address;
  line_items: SalesOrderLine[];
  custom_fields: CustomField[];
}

export interface InvoiceLine extends LineBase {
  salesorder_item_id?: string;
}

export interface ZohoInvoice extends Timestamps, Totals {
  invoice_id: string;
  /** Base currency per unit of the customer's currency (1 for a base-currency customer). */
  exchange_rate?: number;
  invoice_number: string;
  date: string;
  due_date: string;
  payment_terms: number;
  payment_terms_label: string;
  /** Stored status; "overdue", "paid" and "partially_paid" are derived from the balance. */
  status: 'draft' | 'sent' | 'void';
  reference_number: string;
  customer_id: string;
  salesorder_id: string;
  location_id: string;
  notes: string;
  terms: string;
  billing_address: Address;
  shipping_address: Address;
  line_items: InvoiceLine[];
  custom_fields: CustomField[];
}

export interface ZohoPayment extends Timestamps {
  payment_id: string;
  /** Base currency per unit of the customer's currency (1 for a base-currency customer). */
  exchange_rate?: number;
  payment_number: string;
  customer_id: string;
  payment_mode: string;
  amount: number;
  bank_charges: number;
  date: string;
  reference_number: string;
  description: string;
  account_id: string;
  invoices: { invoice_id: string; amount_applied: number }[];
}

export interface PackageLine {
  line_item_id: string;
  so_line_item_id: string;
  item_id: string;
  quantity: number;
}

export interface ZohoPackage extends Timestamps {
  package_id: string;
  package_number: string;
  salesorder_id: string;
  date: string;
  notes: string;
  status: 'not_shipped' | 'shipped' | 'delivered';
  shipment_id: string;
  line_items: PackageLine[];
  custom_fields: CustomField[];
}

export interface ZohoShipmentOrder extends Timestamps {
  shipment_id: string;
  shipment_number: string;
  salesorder_id: string;
  package_ids: string[];
  date: string;
  status: 'shipped' | 'delivered';
  delivery_method: string;
  tracking_number: string;
  shipping_charge: number;
  reference_number: string;
  notes: string;
  delivered_date: string;
}

export interface AdjustmentLine {
  line_item_id: string;
  item_id: string;
  quantity_adjusted: number;
  location_id: string;
  description: string;
}

export interface ZohoInventoryAdjustment extends Timestamps {
  inventory_adjustment_id: string;
  date: string;
  reason: string;
  description: string;
  reference_number: string;
  adjustment_type: 'quantity' | 'value';
  location_id: string;
  line_items: AdjustmentLine[];
  custom_fields: CustomField[];
}

export interface CreditNoteLine extends LineBase {
  /** The invoice (and its line) this line credits, if any; informational, nothing is applied. */
  invoice_id: string;
  invoice_item_id: string;
}

export interface CreditNoteRefund {
  creditnote_refund_id: string;
  date: string;
  refund_mode: string;
  reference_number: string;
  amount: number;
  description: string;
  from_account_id: string;
  created_time: string;
}

export interface ZohoCreditNote extends Timestamps {
  creditnote_id: string;
  /** Base currency per unit of the customer's currency (1 for a base-currency customer). */
  exchange_rate?: number;
  creditnote_number: string;
  date: string;
  /** Stored status; "closed" is derived (an open credit note whose balance is refunded to 0). */
  status: 'open' | 'void';
  customer_id: string;
  reference_number: string;
  /** The invoice the credit note was raised against (query `invoice_id`), or "". */
  invoice_id: string;
  location_id: string;
  is_inclusive_tax: boolean;
  notes: string;
  line_items: CreditNoteLine[];
  refunds: CreditNoteRefund[];
}
