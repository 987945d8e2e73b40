import type { CarrierFields } from './carriers.js';
import type { OrderLinks, ShipmentFacts } from './types.js';

/** A line of the BigCommerce order as it is now. */
export interface BcOrderLine {
  orderProductId: number;
  orderAddressId: number;
  quantity: number;
  quantityShipped: number;
  name?: string;
}

export interface ShipmentItem {
  order_product_id: number;
  quantity: number;
}

/** One BigCommerce shipment to post: BigCommerce ships one address (consignment) at a time. */
export interface ShipmentGroup {
  orderAddressId: number;
  items: ShipmentItem[];
}

export type ShipmentPlan =
  | { kind: 'create'; groups: ShipmentGroup[]; notes: string[] }
  /** Nothing to post: `synced` when BigCommerce already has it all, `failed` when nothing maps. */
  | { kind: 'nothing'; status: 'synced' | 'failed'; reason: string };

export interface ShipmentPlanInput {
  lines: ShipmentFacts['lines'];
  order: OrderLinks;
  /** The order's lines in BigCommerce now (what is left to ship is read from them). */
  products: BcOrderLine[];
  /** Items of BigCommerce shipments already written for this Zoho shipment (a resumed attempt). */
  written: { orderProductId: number; quantity: number }[];
}

const sumBy = <T>(rows: T[], key: (r: T) => string | number, value: (r: T) => number) => {
  const totals = new Map<string | number, number>();
  for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + value(row));
  return totals;
};

/**
 * The BigCommerce shipment(s) a Zoho shipment becomes: its sales-order lines mapped to order
 * products through the orders flow's line map, less what was already written for it, and
 * never more than BigCommerce has left to ship (it refuses more). Lines that cannot be
 * placed are left out and named in the notes.
 */
export function planShipment({ lines, order, products, written }: ShipmentPlanInput): ShipmentPlan {
  const notes: string[] = [];
  const byZohoLine = new Map(order.lineMap.map((l) => [l.zohoLineItemId, l]));
  const wanted = new Map<number, number>();
  let mapped = 0;
  for (const [soLineItemId, quantity] of sumBy(lines, (l) => l.soLineItemId, (l) => l.quantity)) {
    const link = byZohoLine.get(String(soLineItemId));
    if (!link) {
      notes.push(`Zoho line ${soLineItemId} is not a line of BigCommerce order ${order.orderId}; left out.`);
      continue;
    }
    mapped++;
    // BigCommerce ships whole units.
    const whole = Math.floor(quantity);
    if (whole !== quantity) notes.push(`Quantity ${quantity} of ${link.sku ?? `order product ${link.orderProductId}`} rounded down to ${whole}.`);
    wanted.set(link.orderProductId, (wanted.get(link.orderProductId) ?? 0) + whole);
  }
  if (mapped === 0) {
    return { kind: 'nothing', status: 'failed', reason: `None of the shipment's lines match a line of BigCommerce order ${order.orderId}.` };
  }

  const done = sumBy(written, (w) => w.orderProductId, (w) => w.quantity);
  const groups = new Map<number, ShipmentItem[]>();
  let alreadyWritten = true;
  for (const [orderProductId, quantity] of wanted) {
    const toWrite = quantity - (done.get(orderProductId) ?? 0);
    if (toWrite <= 0) continue;
    alreadyWritten = false;
    const product = products.find((p) => p.orderProductId === orderProductId);
    if (!product) {
      notes.push(`Order product ${orderProductId} is no longer on BigCommerce order ${order.orderId}; left out.`);
      continue;
    }
    const left = Math.max(0, product.quantity - product.quantityShipped);
    const quantityNow = Math.min(toWrite, left);
    if (quantityNow < toWrite) notes.push(`BigCommerce had already shipped ${product.quantity - left} of ${product.quantity} × ${product.name ?? `order product ${orderProductId}`}; ${quantityNow} added.`);
    if (quantityNow <= 0) continue;
    const addressId = product.orderAddressId || order.orderAddressId;
    if (!addressId) {
      notes.push(`Order product ${orderProductId} has no shipping address; left out.`);
      continue;
    }
    groups.set(addressId, [...(groups.get(addressId) ?? []), { order_product_id: orderProductId, quantity: quantityNow }]);
  }
  if (groups.size === 0) {
    const reason = alreadyWritten
      ? 'Already in BigCommerce.'
      : ['BigCommerce already shows these items as shipped; no shipment was added.', ...notes].join(' ');
    return { kind: 'nothing', status: 'synced', reason };
  }
  const ordered = [...groups].sort(([a], [b]) => a - b).map(([orderAddressId, items]) => ({ orderAddressId, items: items.sort((x, y) => x.order_product_id - y.order_product_id) }));
  return { kind: 'create', groups: ordered, notes };
}

/** What BigCommerce's shipment says about tracking. */
export interface TrackingFields extends CarrierFields {
  trackingNumber: string;
}

/**
 * The fields to PUT on BigCommerce's shipment(s) when Zoho's tracking or carrier changed since
 * they were written; undefined when they match.
 */
export function trackingUpdate(written: Partial<TrackingFields> | undefined, now: TrackingFields): TrackingFields | undefined {
  const same =
    (written?.trackingNumber ?? '') === now.trackingNumber &&
    (written?.shippingProvider ?? '') === now.shippingProvider &&
    (written?.trackingCarrier ?? '') === now.trackingCarrier;
  return same ? undefined : now;
}

/** BigCommerce keeps at most 50 characters of a tracking number. */
export const BC_TRACKING_NUMBER_MAX = 50;

export function bcTrackingNumber(zohoTracking: string | undefined): string {
  return (zohoTracking ?? '').trim().slice(0, BC_TRACKING_NUMBER_MAX);
}
