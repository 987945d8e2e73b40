import type { Settings } from '../../settings/schema.js';
import type { ZohoSalesOrderForFulfilment } from './types.js';

/**
 * How far along an order is, by BigCommerce status id. Refunded (4), Cancelled (5), Declined (6),
 * Disputed (13) and Partially Refunded (14) are off this path: the app never moves an order out
 * of them nor into them, since each records something a person decided.
 */
const PROGRESS: Readonly<Record<number, number>> = {
  0: 0, // Incomplete
  1: 1, // Pending
  7: 1, // Awaiting Payment
  12: 1, // Manual Verification Required
  11: 2, // Awaiting Fulfillment
  8: 3, // Awaiting Pickup
  9: 3, // Awaiting Shipment
  3: 4, // Partially Shipped
  2: 5, // Shipped
  10: 6, // Completed
};

export const progressOf = (statusId: number): number | undefined => PROGRESS[statusId];

/**
 * The states a Zoho sales order is in, lower-cased: its status and sub-statuses (shipped,
 * invoiced, paid), and `delivered` once every package of it was delivered. A mapping row
 * names any of these.
 */
export function salesOrderStates(so: ZohoSalesOrderForFulfilment): Set<string> {
  const states = new Set<string>();
  for (const value of [so.status, so.order_status, so.shipped_status, so.shipment_status, so.invoiced_status, so.paid_status]) {
    if (typeof value === 'string' && value.trim()) states.add(value.trim().toLowerCase());
  }
  const packages = so.packages ?? [];
  const delivered = (p: { status?: string; shipment_status?: string }) => p.status === 'delivered' || p.shipment_status === 'delivered';
  if (packages.length > 0 && packages.every(delivered) && !states.has('partially_shipped') && !states.has('pending')) states.add('delivered');
  return states;
}

export type StatusDecision =
  | { kind: 'none' }
  | { kind: 'move'; statusId: number; because: string }
  | { kind: 'keep'; reason: string };

/**
 * The BigCommerce status the merchant's mapping asks for, if it moves the order forward: of
 * the rows whose Zoho state the sales order is in, the furthest along wins; an order already
 * as far or further, or off the path, is kept as it is.
 */
export function decideStatus(states: Set<string>, mapping: Settings['fulfilment']['statuses'], currentStatusId: number): StatusDecision {
  const matching = mapping.filter((row) => states.has(row.zoho.trim().toLowerCase()));
  if (matching.length === 0) return { kind: 'none' };
  const onPath = matching.filter((row) => progressOf(row.bigcommerceStatusId) !== undefined);
  if (onPath.length === 0) return { kind: 'keep', reason: `Status ${matching[0]!.bigcommerceStatusId} is not one the app sets (refunds, cancellations and disputes are the merchant's).` };
  const target = onPath.reduce((best, row) => (progressOf(row.bigcommerceStatusId)! > progressOf(best.bigcommerceStatusId)! ? row : best));
  const current = progressOf(currentStatusId);
  if (current === undefined) return { kind: 'keep', reason: `The order's status ${currentStatusId} is the merchant's to change.` };
  if (progressOf(target.bigcommerceStatusId)! <= current) return { kind: 'keep', reason: 'The order is already as far along.' };
  return { kind: 'move', statusId: target.bigcommerceStatusId, because: target.zoho.trim().toLowerCase() };
}
