import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrderProducts, paginateOrders } from '../../bigcommerce/orders.js';
import { StockLevel, StockOrderMove, StockState, stockLevelId, stockOrderMoveId, type StockOrderMoveDoc } from '../../db/models/index.js';
import { DEFAULT_LOCATION_ID } from '../../bigcommerce/batches.js';
import { heldOrderMoves } from '../../db/hotQueries.js';
import type { Priority } from '../priority.js';
import { bigcommerceLocations, type LocationMapping } from './quantities.js';
import { lineRefs } from './pendingOrders.js';
import { loadItemsByBigCommerceId } from './read.js';

/**
 * Two-way stock's ledger of order movements. BigCommerce's inventory events do not tell an order's
 * stock change from a merchant's: the order twin (`…/inventory/order/updated`) may come with the
 * plain event or not, before or after it, and `method` means opposite things in the product and
 * SKU scopes of webhooks.v3.yml. So the app tells them apart by the orders themselves: before
 * it judges a level (and before it writes one), it reads BigCommerce's orders modified since it
 * last looked, and each order that started or stopped holding stock (a sale, a cancellation) is
 * an order movement on its items' ledger (StockLevel.orderMoves), counted from that first read,
 * whichever event brought it and whether the orders flow has claimed it or not.
 *
 * A movement counts against a level only if it happened after the level's baseline: the app's
 * absolute write replaced whatever BigCommerce held then. Its relative writes replace nothing,
 * so they keep the baseline and every movement since counts.
 */

/** Orders are read back this far before the last look: BigCommerce's times have whole seconds and its lists may lag. */
export const ORDER_READ_MARGIN_MS = 5 * 60_000;
/** An order whose change falls this close to a level's write counts as after it (the write's time has milliseconds, BigCommerce's seconds). */
const SAME_MOMENT_MS = 1_000;

/** Where BigCommerce's orders draw stock from, as the ledger counts it: the default location, else the first one written. */
export function orderLocation(mapping: LocationMapping): number {
  const locations = bigcommerceLocations(mapping);
  return locations.includes(DEFAULT_LOCATION_ID) ? DEFAULT_LOCATION_ID : locations[0]!;
}

/** Incomplete (0) has taken no stock yet; Cancelled (5) gave it back. Every other status holds the order's units. */
export const holdsStock = (statusId: number) => statusId !== 0 && statusId !== 5;

export interface OrderCatchUp {
  /** Units moved per BigCommerce ref (`product:<id>` / `variant:<id>`), negative when taken. */
  moved: Map<string, number>;
  bigcommerceCalls: number;
}

interface OrderRow {
  id: number;
  status_id: number;
  date_created?: string;
  date_modified: string;
}

/**
 * Reads the orders modified since the last look and records their movements on the ledger of
 * `locationId` (where orders draw from). Call it holding the store's stock-writer lease: the
 * ledger and the levels are written by one writer at a time.
 */
export async function catchUpOrderMoves(bc: BigCommerceClient, storeHash: string, locationId: number, priority: Priority): Promise<OrderCatchUp> {
  const startedAt = new Date();
  const state = await StockState.findById(storeHash, { ordersReadAt: 1, ordersLedgerSince: 1 }).lean();
  // The ledger begins at its first look: orders last changed before it are not its movements (the levels written since hold them).
  const ledgerSince = state?.ordersLedgerSince ?? new Date(Math.floor(startedAt.getTime() / 1000) * 1000);
  const since = new Date(Math.max(ledgerSince.getTime(), (state?.ordersReadAt?.getTime() ?? 0) - ORDER_READ_MARGIN_MS));
  const moved = new Map<string, number>();
  const movedAt = new Map<string, number>();
  let bigcommerceCalls = 0;

  const orders: OrderRow[] = [];
  for await (const page of paginateOrders(bc, { min_date_modified: since.toISOString(), sort: 'date_modified' }, { priority })) {
    bigcommerceCalls++;
    orders.push(...page);
  }
  if (orders.length > 0) {
    const known = new Map(
      (await StockOrderMove.find({ _id: { $in: orders.map((o) => stockOrderMoveId(storeHash, o.id)) } }).lean()).map((d) => [d.orderId, d as StockOrderMoveDoc]),
    );
    for (const order of orders) {
      const holds = holdsStock(order.status_id);
      const before = known.get(order.id);
      const modifiedAt = new Date(Date.parse(order.date_modified) || startedAt.getTime());
      // A sale first seen took its units when it was placed (unless it was Incomplete then: its last change is the closer bound).
      const changedAt = !before && holds && order.date_created ? Math.min(modifiedAt.getTime(), Date.parse(order.date_created) || Infinity) : modifiedAt.getTime();
      if (!before && modifiedAt.getTime() < Math.floor(ledgerSince.getTime() / 1000) * 1000) continue; // BigCommerce's times have whole seconds
      if ((before?.holds ?? false) === holds) {
        if (before && before.statusId !== order.status_id) await StockOrderMove.updateOne({ _id: before._id }, { $set: { statusId: order.status_id, modifiedAt } });
        continue;
      }
      let lines: { productId: number; variantId?: number | null; quantity: number }[] | undefined = before?.lines;
      if (!lines) {
        const products = await getOrderProducts(bc, order.id, { priority });
        bigcommerceCalls++;
        lines = products.map((p) => ({ productId: p.product_id, ...(p.variant_id ? { variantId: p.variant_id } : {}), quantity: p.quantity }));
      }
      for (const line of lines) {
        for (const ref of lineRefs(line)) {
          moved.set(ref, (moved.get(ref) ?? 0) + (holds ? -line.quantity : line.quantity));
          movedAt.set(ref, Math.max(movedAt.get(ref) ?? 0, changedAt));
        }
      }
      await StockOrderMove.updateOne(
        { _id: stockOrderMoveId(storeHash, order.id) },
        { $set: { storeHash, orderId: order.id, lines, holds, statusId: order.status_id, modifiedAt, seenAt: startedAt } },
        { upsert: true },
      );
    }
  }
  if (moved.size > 0) await applyToLedger(storeHash, locationId, moved, movedAt);
  await StockState.updateOne({ _id: storeHash }, { $set: { ordersReadAt: startedAt, ordersLedgerSince: ledgerSince } }, { upsert: true });
  return { moved, bigcommerceCalls };
}

/** Adds the movements to the ledger of the levels written before they happened. */
async function applyToLedger(storeHash: string, locationId: number, moved: Map<string, number>, movedAt: Map<string, number>): Promise<void> {
  const refs = [...moved.keys()].map((ref) => {
    const [kind, id] = ref.split(':');
    return { kind: kind as 'product' | 'variant', id: Number(id) };
  });
  const itemByRef = await loadItemsByBigCommerceId(storeHash, refs.filter((r) => r.id > 0));
  for (const [ref, units] of moved) {
    const item = itemByRef.get(ref);
    if (!item || units === 0) continue;
    const at = new Date(movedAt.get(ref)! + SAME_MOMENT_MS);
    await StockLevel.updateOne(
      { _id: stockLevelId(storeHash, item, locationId), $or: [{ baselineAt: { $lte: at } }, { baselineAt: { $exists: false }, updatedAt: { $lte: at } }] },
      { $inc: { orderMoves: units } },
    );
  }
}

/** Orders the ledger saw take stock that Zoho was not yet found to have moved (the pending units pick from these). */
export async function heldOrdersNotInZoho(storeHash: string): Promise<StockOrderMoveDoc[]> {
  return (await StockOrderMove.find(heldOrderMoves.filter(storeHash)).lean()) as StockOrderMoveDoc[];
}

/** Zoho moved these orders' stock (or never will): they stop being looked at for pending units. */
export async function markInZoho(storeHash: string, orderIds: number[]): Promise<void> {
  if (orderIds.length) await StockOrderMove.updateMany({ _id: { $in: orderIds.map((id) => stockOrderMoveId(storeHash, id)) } }, { $set: { inZoho: true } });
}
