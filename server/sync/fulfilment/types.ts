/** The parts of Zoho's fulfilment records (packages, shipment orders, sales orders) this flow reads. */

export interface ZohoPackageLine {
  line_item_id?: string;
  /** The sales-order line this package line packs (what the orders flow's line map is keyed by). */
  so_line_item_id?: string;
  item_id?: string;
  quantity?: number | string;
}

/** A row of `GET /packages`: packages.yml documents its sales order, not its shipment. */
export interface ZohoPackageSummary {
  package_id: string;
  package_number?: string;
  salesorder_id?: string;
  salesorder_number?: string;
  date?: string;
  last_modified_time?: string;
}

/** `GET /packages/{id}`: the package with the shipment order that shipped it. */
export interface ZohoPackage extends ZohoPackageSummary {
  line_items?: ZohoPackageLine[];
  shipment_order?: { shipment_id?: string; shipment_number?: string; status?: string; tracking_number?: string; delivery_method?: string; carrier?: string };
}

export interface ZohoShipmentOrder {
  shipment_id: string;
  shipment_number?: string;
  salesorder_id?: string;
  salesorder_number?: string;
  date?: string;
  status?: string;
  /** The carrier as the merchant picked it in Zoho (some answers call it `carrier`). */
  delivery_method?: string;
  carrier?: string;
  tracking_number?: string;
  line_items?: ZohoPackageLine[];
  packages?: { package_id: string }[];
}

export interface ZohoSalesOrderForFulfilment {
  salesorder_id: string;
  salesorder_number?: string;
  status?: string;
  order_status?: string;
  shipped_status?: string;
  shipment_status?: string;
  invoiced_status?: string;
  paid_status?: string;
  /** salesorders.yml documents each package's shipment and its status here (not on the package list). */
  packages?: { package_id: string; status?: string; shipment_id?: string; shipment_status?: string }[];
}

/** A Zoho shipment as the flow works with it: its lines resolved to sales-order lines. */
export interface ShipmentFacts {
  shipmentId: string;
  shipmentNumber: string;
  salesorderId: string;
  salesorderNumber: string;
  status: string;
  deliveryMethod: string;
  trackingNumber: string;
  /** Quantities shipped per Zoho sales-order line. */
  lines: { soLineItemId: string; quantity: number }[];
}

/** What the orders flow recorded of a BigCommerce order whose Zoho sales order it created. */
export interface OrderLinks {
  orderId: number;
  salesorderId: string;
  salesorderNumber?: string;
  orderAddressId?: number;
  lineMap: { zohoLineItemId: string; orderProductId: number; orderAddressId?: number; sku?: string; quantity?: number }[];
}
