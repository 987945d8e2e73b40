import { getOrder, updateOrderStatus } from '../../bigcommerce/orders.js';
import type { RecordOutcome } from '../reporter.js';
import type { FulfilmentServices } from './process.js';
import { decideStatus, salesOrderStates } from './statuses.js';
import type { OrderLinks, ZohoSalesOrderForFulfilment } from './types.js';

/**
 * The merchant's optional mapping of Zoho sales-order states to BigCommerce statuses (e.g.
 * delivered → Completed), applied only forward. Reads the sales order unless given, and the
 * BigCommerce order only when a row matches; undefined when there was nothing to do.
 */
export async function applyStatusMapping(services: FulfilmentServices, order: OrderLinks, given?: ZohoSalesOrderForFulfilment): Promise<RecordOutcome | undefined> {
  const mapping = services.settings.statuses;
  if (mapping.length === 0) return undefined;
  const so = given ?? (await services.zoho.salesOrder(order.salesorderId));
  if (!so) return undefined;
  const states = salesOrderStates(so);
  if (!mapping.some((row) => states.has(row.zoho.trim().toLowerCase()))) return undefined;

  const bcOrder = await getOrder(services.bc, order.orderId, { priority: services.priority });
  if (!bcOrder) return undefined;
  const decision = decideStatus(states, mapping, Number(bcOrder.status_id));
  const base = { entity: 'order', zohoId: order.salesorderId, bigcommerceId: String(order.orderId), name: so.salesorder_number ?? order.salesorderNumber } as const;
  if (decision.kind === 'none') return undefined;
  if (decision.kind === 'keep') return { ...base, operation: 'unchanged', reason: decision.reason };
  const updated = await updateOrderStatus(services.bc, order.orderId, decision.statusId, { priority: services.priority });
  const to = typeof updated?.status === 'string' && updated.status ? updated.status : `status ${decision.statusId}`;
  return { ...base, operation: 'update', reason: `Zoho: ${decision.because} → BigCommerce: ${to} (was ${bcOrder.status}).` };
}
