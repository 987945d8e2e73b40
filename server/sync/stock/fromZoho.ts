import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { Settings } from '../../settings/schema.js';
import type { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { applyStock } from './apply.js';
import { loadKnownLevels } from './levels.js';
import { pendingByItem, pendingOrderUnits, type OrdersNotInZoho } from './pendingOrders.js';
import { catchUpOrderMoves, orderLocation } from './orderMoves.js';
import { planStock, type StockPlan } from './plan.js';
import { loadItemsByBigCommerceId, loadTargets } from './read.js';
import type { ZohoClient } from '../../zoho/client.js';
import { readZohoItemDetails, withLocations } from './read.js';
import { pushBigCommerceChanges } from './twoWay.js';
import type { StockTarget, ZohoStockItem } from './types.js';

/**
 * Zoho → BigCommerce for items already read: their targets, the levels last written, the units
 * of claimed orders Zoho lacks, the plan, and (unless a dry run) the writes. The scheduled run
 * passes every item (`complete`), a real-time flush the few it re-read.
 */
export interface FromZohoInput {
  storeHash: string;
  items: ZohoStockItem[];
  complete: boolean;
  settings: Settings['stock'];
  bc: BigCommerceClient;
  reporter: RunReporter;
  priority: Priority;
  heartbeat: () => Promise<void>;
  dryRun?: boolean;
  recordUnchanged?: boolean;
  /** Two-way: where the merchant's corrections found before a write are posted (and the corrected items read again). */
  zoho?: ZohoClient;
  /** The orders not in Zoho when `items` began to be read (see `pendingOrderUnits`). */
  pendingAtRead?: OrdersNotInZoho;
}

/** Claimed-but-unsent order units per Zoho item. */
export async function pendingUnitsByItem(bc: BigCommerceClient, storeHash: string, priority: Priority, pendingAtRead?: OrdersNotInZoho): Promise<Map<string, number>> {
  const { byRef } = await pendingOrderUnits(bc, storeHash, priority, pendingAtRead);
  if (byRef.size === 0) return new Map();
  const refs = [...byRef.keys()].map((ref) => {
    const [kind, id] = ref.split(':');
    return { kind: kind as 'product' | 'variant', id: Number(id) };
  });
  return pendingByItem(byRef, await loadItemsByBigCommerceId(storeHash, refs.filter((r) => r.id > 0)));
}

export async function writeFromZoho(input: FromZohoInput): Promise<StockPlan & { written: number; failed: number }> {
  const { storeHash, items, complete } = input;
  const ids = complete ? undefined : items.map((i) => i.item_id);
  const twoWay = input.settings.method === 'twoway' && !input.dryRun;
  // Two-way: orders BigCommerce placed since the last look are on the ledger (and pending) before any level is judged.
  if (twoWay) await catchUpOrderMoves(input.bc, storeHash, orderLocation(input.settings.locations), input.priority); // its calls count in the caller's bc.callCount
  const [targets, known, pending] = await Promise.all([
    loadTargets(storeHash, ids),
    loadKnownLevels(storeHash, ids),
    pendingUnitsByItem(input.bc, storeHash, input.priority, input.pendingAtRead),
  ]);
  let plan = planStock({ items, targets, known, pending, settings: input.settings });
  if (twoWay && input.zoho) plan = await withCorrectionsFirst(input, input.zoho, plan, items, targets, pending);
  if (input.dryRun) {
    for (const op of plan.ops) {
      if (op.kind === 'skip') await input.reporter.record({ entity: 'stock', operation: 'skip', zohoId: op.zohoItemId, name: op.name, reason: op.reason });
      else if (op.kind === 'unchanged') await input.reporter.record({ entity: 'stock', operation: 'unchanged', zohoId: op.zohoItemId });
      else {
        await input.reporter.record({
          entity: 'stock',
          operation: 'update',
          zohoId: op.zohoItemId,
          name: op.name,
          sku: op.target.sku,
          bigcommerceId: `${op.target.kind} ${op.target.id} @ location ${op.locationId}`,
          reason: `would set ${op.previous ?? 'unknown'} → ${op.quantity}`,
        });
      }
    }
    return { ...plan, written: 0, failed: 0 };
  }
  const applied = await applyStock(plan.ops, { storeHash, bc: input.bc, reporter: input.reporter, priority: input.priority, heartbeat: input.heartbeat, recordUnchanged: input.recordUnchanged, relative: twoWay });
  return { ...plan, ...applied };
}

/**
 * Two-way: an absolute write replaces whatever BigCommerce holds, so a level the merchant changed
 * whose event has not been flushed yet (its webhook in flight, or the scheduled run writing
 * first) would be overwritten and the correction never reach Zoho. Before writing levels the app
 * wrote before, it reads them (between two reads of the orders) and posts any correction first;
 * the corrected items are read from Zoho again and planned anew. Levels never written have no
 * ledger, so they are written as before.
 */
async function withCorrectionsFirst(input: FromZohoInput, zoho: ZohoClient, plan: StockPlan, items: ZohoStockItem[], targets: Map<string, StockTarget>, pending: Map<string, number>): Promise<StockPlan> {
  const refs = new Map<string, { kind: 'product' | 'variant'; id: number }>();
  for (const op of plan.ops) {
    if (op.kind === 'set' && op.previous !== undefined) refs.set(`${op.target.kind}:${op.target.id}`, { kind: op.target.kind, id: op.target.id });
  }
  if (refs.size === 0) return plan;
  // writeFromZoho read the orders just before it planned.
  const corrected = await pushBigCommerceChanges({ storeHash: input.storeHash, refs: [...refs.values()], settings: input.settings, zoho, bc: input.bc, reporter: input.reporter, ordersCaughtUp: true });
  if (corrected.size === 0) return plan;
  const fresh = await withLocations(zoho, await readZohoItemDetails(zoho, [...corrected], input.priority), input.settings.locations, input.priority);
  input.reporter.addApiCalls('zoho', fresh.calls);
  const freshIds = new Set(fresh.items.map((i) => i.item_id));
  const ids = [...new Set(items.map((i) => i.item_id))];
  const known = await loadKnownLevels(input.storeHash, ids);
  // Items Zoho no longer answers for keep their first plan (without the corrected ones' stale ops).
  const kept = items.filter((i) => !freshIds.has(i.item_id));
  return planStock({ items: [...kept, ...fresh.items], targets, known, pending, settings: input.settings });
}
