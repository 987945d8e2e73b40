import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrderProducts, type BcShipment } from '../../bigcommerce/orders.js';
import type { Priority } from '../priority.js';
import type { TrackingFields } from './plan.js';
import type { BcOrderLine } from './plan.js';

/** The order's lines as the plan reads them (what is left to ship of each). */
export async function orderLines(bc: BigCommerceClient, orderId: number, priority: Priority): Promise<BcOrderLine[]> {
  const products = await getOrderProducts(bc, orderId, { priority });
  return products.map((p) => ({
    orderProductId: Number(p.id),
    orderAddressId: Number(p.order_address_id) || 0,
    quantity: Number(p.quantity) || 0,
    quantityShipped: Number(p.quantity_shipped) || 0,
    name: typeof p.name === 'string' ? p.name : undefined,
  }));
}

/** New tracking on a shipment BigCommerce already has (its items cannot change, only these). */
export function updateShipmentTracking(bc: BigCommerceClient, orderId: number, shipmentId: number, fields: TrackingFields, priority: Priority): Promise<BcShipment> {
  return bc.v2<BcShipment>('PUT', `/orders/${orderId}/shipments/${shipmentId}`, {
    body: { tracking_number: fields.trackingNumber, shipping_provider: fields.shippingProvider, tracking_carrier: fields.trackingCarrier },
    priority,
  });
}
