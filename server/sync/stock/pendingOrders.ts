import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrderProducts } from '../../bigcommerce/orders.js';
import { OrderSync, StockOrderLines, stockOrderLinesId, type OrderSyncStatus } from '../../db/models/index.js';
import type { Priority } from '../priority.js';
import { ordersNotInZoho, storeOrderLines } from '../../db/hotQueries.js';

/**
 * Units of orders the app has claimed (the orders flow's OrderSync) that Zoho does not hold yet:
 * no sales order and no invoice (Zoho down, out of budget, the order held for the merchant).
 * BigCommerce took those units when the order was placed, but Zoho's quantity still counts
 * them, so what BigCommerce is told subtracts them. Once Zoho has the order, its own committed
 * stock does the subtracting.
 */
const NOT_IN_ZOHO_YET: OrderSyncStatus[] = ['waiting', 'held', 'failed'];

export interface PendingUnits {
  /** `product:<id>` or `variant:<id>` → units. */
  byRef: Map<string, number>;
  bigcommerceCalls: number;
}

/** The BigCommerce item an order line took stock from: its variant when it has one, else its product. */
export const lineRefs = (line: { productId: number; variantId?: number | null }) =>
  [`variant:${line.variantId ?? 0}`, `product:${line.productId}`] as const;

export async function pendingOrderUnits(bc: BigCommerceClient, storeHash: string, priority: Priority): Promise<PendingUnits> {
  const claimed = await OrderSync.find(ordersNotInZoho.filter(storeHash, NOT_IN_ZOHO_YET), { orderId: 1, zoho: 1 }).lean();
  const pending = claimed.filter((o) => !o.zoho?.salesorderId && !o.zoho?.invoiceId);
  const cached = await StockOrderLines.find(storeOrderLines.filter(storeHash)).lean();
  const byOrder = new Map(cached.map((c) => [c.orderId, c]));

  // Lines of orders no longer pending are forgotten (a few rows; one delete).
  const stillPending = new Set(pending.map((o) => o.orderId));
  const stale = cached.filter((c) => !stillPending.has(c.orderId)).map((c) => c._id);
  if (stale.length) await StockOrderLines.deleteMany({ _id: { $in: stale } });

  let bigcommerceCalls = 0;
  const fresh = [];
  for (const order of pending) {
    if (byOrder.has(order.orderId)) continue;
    const products = await getOrderProducts(bc, order.orderId, { priority });
    bigcommerceCalls++;
    const lines = products.map((p) => ({ productId: p.product_id, variantId: p.variant_id || undefined, sku: p.sku || undefined, quantity: p.quantity }));
    const row = { _id: stockOrderLinesId(storeHash, order.orderId), storeHash, orderId: order.orderId, lines, readAt: new Date() };
    fresh.push(row);
    byOrder.set(order.orderId, row as never);
  }
  if (fresh.length) await StockOrderLines.insertMany(fresh, { ordered: false }).catch(ignoreDuplicates);

  const byRef = new Map<string, number>();
  for (const orderId of stillPending) {
    for (const line of byOrder.get(orderId)?.lines ?? []) {
      for (const ref of lineRefs(line)) byRef.set(ref, (byRef.get(ref) ?? 0) + line.quantity);
    }
  }
  return { byRef, bigcommerceCalls };
}

/** Another worker cached the same order at the same moment: its copy is as good as ours. */
function ignoreDuplicates(error: unknown): void {
  const writeErrors = (error as { writeErrors?: { code?: number }[]; code?: number }).writeErrors;
  if ((error as { code?: number }).code === 11000 || writeErrors?.every((e) => e.code === 11000)) return;
  throw error;
}

/**
 * Units per Zoho item: a line counts for the item linked to its variant, or to its product when
 * the product is tracked by product (a line names both; only one of them is linked).
 */
export function pendingByItem(units: Map<string, number>, itemByRef: Map<string, string>): Map<string, number> {
  const byItem = new Map<string, number>();
  for (const [ref, quantity] of units) {
    const item = itemByRef.get(ref);
    if (item) byItem.set(item, (byItem.get(item) ?? 0) + quantity);
  }
  return byItem;
}
