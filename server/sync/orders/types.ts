import type { BcOrder, BcOrderCoupon, BcOrderProduct, BcOrderShippingAddress } from '../../bigcommerce/orders.js';

/** Everything BigCommerce says about one order that the Zoho records are made from. */
export interface OrderSnapshot {
  order: BcOrder;
  products: BcOrderProduct[];
  addresses: BcOrderShippingAddress[];
  coupons: BcOrderCoupon[];
}

/** A BigCommerce v2 address (billing, or a shipping address of the order). */
export interface BcAddress {
  first_name?: string;
  last_name?: string;
  company?: string;
  street_1?: string;
  street_2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  country_iso2?: string;
  phone?: string;
  email?: string;
}

/** A Zoho address as contacts, sales orders and invoices take it. */
export interface ZohoAddress {
  attention?: string;
  address?: string;
  street2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
}

/** The Zoho item an order line is billed as. */
export interface ZohoItemRef {
  item_id: string;
  sku: string;
  name?: string;
}

/** The parts of Zoho's answers the orders flow reads. */
export interface ZohoContactSummary {
  contact_id: string;
  contact_name?: string;
  contact_type?: string;
  status?: string;
  email?: string;
  payment_terms?: number | string;
  payment_terms_label?: string;
  /** The contact's one currency (documented on contacts' list, get, create and update answers). */
  currency_code?: string;
}

export interface ZohoLine {
  line_item_id: string;
  item_id?: string;
  item_order?: number;
  quantity?: number;
  rate?: number;
}

export interface ZohoSalesOrder {
  salesorder_id: string;
  salesorder_number: string;
  reference_number?: string;
  customer_id?: string;
  status?: string;
  total?: number | string;
  line_items?: ZohoLine[];
}

export interface ZohoInvoice {
  invoice_id: string;
  invoice_number: string;
  reference_number?: string;
  customer_id?: string;
  date?: string;
  status?: string;
  /** On a read invoice (`GET /invoices/{id}`), not on the list. */
  line_items?: ZohoLine[];
  total?: number | string;
  balance?: number | string;
}

export interface ZohoPayment {
  payment_id: string;
  payment_number?: string;
  date?: string;
  customer_id?: string;
  reference_number?: string;
  amount?: number | string;
}

export interface ZohoCreditNote {
  creditnote_id: string;
  creditnote_number: string;
  reference_number?: string;
  customer_id?: string;
  status?: string;
  total?: number | string;
  balance?: number | string;
}

export interface ZohoCreditNoteRefund {
  creditnote_refund_id: string;
  creditnote_id?: string;
  reference_number?: string;
  amount?: number | string;
  amount_bcy?: number | string;
}
