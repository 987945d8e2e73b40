import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { Settings } from '../../settings/schema.js';
import type { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { applyStock } from './apply.js';
import { loadKnownLevels } from './levels.js';
import { pendingByItem, pendingOrderUnits } from './pendingOrders.js';
import { catchUpOrderMoves, orderLocation } from './orderMoves.js';
import { planStock, type StockPlan } from './plan.js';
import { loadItemsByBigCommerceId, loadTargets } from './read.js';
import type { ZohoStockItem } from './types.js';

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
  /** Two-way: the caller has just read BigCommerce's orders onto the ledger (orderMoves.ts). */
  ordersCaughtUp?: boolean;
}

/** Claimed-but-unsent order units per Zoho item. */
export async function pendingUnitsByItem(bc: BigCommerceClient, storeHash: string, priority: Priority): Promise<Map<string, number>> {
  const { byRef } = await pendingOrderUnits(bc, storeHash, priority);
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
  // Two-way: orders BigCommerce placed since the last look are on the ledger (and pending) before any level is judged.
  if (input.settings.method === 'twoway' && !input.dryRun && !input.ordersCaughtUp) {
    await catchUpOrderMoves(input.bc, storeHash, orderLocation(input.settings.locations), input.priority); // its calls count in the caller's bc.callCount
  }
  const [targets, known, pending] = await Promise.all([
    loadTargets(storeHash, ids),
    loadKnownLevels(storeHash, ids),
    pendingUnitsByItem(input.bc, storeHash, input.priority),
  ]);
  const plan = planStock({ items, targets, known, pending, settings: input.settings });
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
  const applied = await applyStock(plan.ops, { storeHash, bc: input.bc, reporter: input.reporter, priority: input.priority, heartbeat: input.heartbeat, recordUnchanged: input.recordUnchanged });
  return { ...plan, ...applied };
}
