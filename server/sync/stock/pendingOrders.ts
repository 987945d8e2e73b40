import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrderProducts } from '../../bigcommerce/orders.js';
import { OrderSync, StockOrderLines, orderSyncId, stockOrderLinesId, type OrderSyncStatus } from '../../db/models/index.js';
import { heldOrdersNotInZoho, markInZoho } from './orderMoves.js';
import type { Priority } from '../priority.js';
import { ordersNotInZoho, storeOrderLines } from '../../db/hotQueries.js';

/**
 * Units BigCommerce took that Zoho has not moved yet. BigCommerce took them when the order was
 * placed, but Zoho's quantity still counts them, so what BigCommerce is told subtracts them.
 *
 * "Moved" is the invoice, for every `stock.quantity` setting (see the README): the app creates
 * its sales orders as drafts, and a draft commits nothing, so `available_stock` and
 * `available_for_sale` (on hand − committed) fall only when the invoice confirms and bills the
 * order, and `stock_on_hand` falls at the invoice (organizations counting accounting stock; those
 * counting physical stock move it at the shipment, which is why they should sell from available
 * for sale). So an order is pending from BigCommerce's first word of it until its invoice exists:
 * claimed orders (OrderSync) waiting, held or failed without an invoice — a sales order alone
 * does not end it (Zoho's daily limit, an outage, a held order) — and, in two-way mode, orders
 * the ledger read from BigCommerce that the orders flow has not claimed yet.
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

type Line = { productId: number; variantId?: number | null; quantity: number };

export interface OrdersNotInZoho {
  ids: Set<number>;
  /** The lines the two-way ledger holds for the orders it read itself. */
  ledgerLines: Map<number, Line[]>;
  /** The ledger's orders found to be in Zoho since. */
  settled: number[];
}

/** The orders whose units Zoho has not moved yet, as the database says now (no BigCommerce call). */
export async function ordersNotInZohoYet(storeHash: string): Promise<OrdersNotInZoho> {
  const claimed = await OrderSync.find(ordersNotInZoho.filter(storeHash, NOT_IN_ZOHO_YET), { orderId: 1, zoho: 1 }).lean();
  const ids = new Set(claimed.filter((o) => !o.zoho?.invoiceId).map((o) => o.orderId));

  // Orders the two-way ledger saw take stock: pending until the orders flow has them invoiced (or ignores them).
  const ledgerLines = new Map<number, Line[]>();
  const settled: number[] = [];
  const held = await heldOrdersNotInZoho(storeHash);
  if (held.length) {
    const syncs = await OrderSync.find({ _id: { $in: held.map((h) => orderSyncId(storeHash, h.orderId)) } }, { orderId: 1, status: 1, zoho: 1 }).lean();
    const syncOf = new Map(syncs.map((s) => [s.orderId, s]));
    for (const order of held) {
      const sync = syncOf.get(order.orderId);
      if (!sync || (NOT_IN_ZOHO_YET.includes(sync.status) && !sync.zoho?.invoiceId)) {
        ids.add(order.orderId);
        ledgerLines.set(order.orderId, order.lines);
      } else if (sync.zoho?.invoiceId || sync.status === 'ignored' || sync.status === 'done') {
        settled.push(order.orderId);
      }
    }
  }
  return { ids, ledgerLines, settled };
}

/**
 * `pendingAtRead`: the orders not in Zoho when the caller began reading Zoho's quantities. They
 * stay pending for this computation even if invoiced since: a quantity read before the invoice
 * still counts their units, and subtracting them once too often only sells less until the next look.
 */
export async function pendingOrderUnits(bc: BigCommerceClient, storeHash: string, priority: Priority, pendingAtRead?: OrdersNotInZoho): Promise<PendingUnits> {
  const { ids: stillPending, ledgerLines, settled } = await ordersNotInZohoYet(storeHash);
  await markInZoho(storeHash, settled);
  for (const orderId of pendingAtRead?.ids ?? []) stillPending.add(orderId);
  for (const [orderId, lines] of pendingAtRead?.ledgerLines ?? []) if (!ledgerLines.has(orderId)) ledgerLines.set(orderId, lines);

  const cached = await StockOrderLines.find(storeOrderLines.filter(storeHash)).lean();
  const byOrder = new Map<number, { lines: Line[] }>(cached.map((c) => [c.orderId, c]));
  for (const [orderId, lines] of ledgerLines) byOrder.set(orderId, { lines });

  // Lines of orders no longer pending are forgotten (a few rows; one delete).
  const stale = cached.filter((c) => !stillPending.has(c.orderId)).map((c) => c._id);
  if (stale.length) await StockOrderLines.deleteMany({ _id: { $in: stale } });

  let bigcommerceCalls = 0;
  const fresh = [];
  for (const orderId of stillPending) {
    if (byOrder.has(orderId)) continue;
    const products = await getOrderProducts(bc, orderId, { priority });
    bigcommerceCalls++;
    const lines = products.map((p) => ({ productId: p.product_id, variantId: p.variant_id || undefined, sku: p.sku || undefined, quantity: p.quantity }));
    const row = { _id: stockOrderLinesId(storeHash, orderId), storeHash, orderId, lines, readAt: new Date() };
    fresh.push(row);
    byOrder.set(orderId, row);
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
