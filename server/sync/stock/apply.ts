import { BATCH_LIMITS, chunk, inSerialLane, type InventoryLevel } from '../../bigcommerce/batches.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError, BigCommerceAuthError } from '../../bigcommerce/errors.js';
import type { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { rememberLevels } from './levels.js';
import type { StockOperation } from './plan.js';
import type { StockTarget } from './types.js';

/**
 * Applies a stock plan: changed levels in absolute adjustments of up to 2,000 items, one request
 * at a time per store, then the levels written are remembered (StockLevel) in bulk.
 */
export const ADJUSTMENT_REASON = 'Zoho Inventory stock sync';

type SetOp = Extract<StockOperation, { kind: 'set' }>;

export interface ApplyStockContext {
  storeHash: string;
  bc: BigCommerceClient;
  reporter: RunReporter;
  priority: Priority;
  heartbeat: () => Promise<void>;
  /** False when the read covered far more items than the events named (a flush that read everything). */
  recordUnchanged?: boolean;
  /** When the plan's orders were read: a level found unchanged is remembered as of then (orders placed since count against it). */
  plannedAt?: Date;
}

const levelFor = (target: StockTarget, locationId: number, quantity: number): InventoryLevel =>
  target.kind === 'variant' ? { location_id: locationId, variant_id: target.id, quantity } : { location_id: locationId, product_id: target.id, quantity };

const errorText = (error: unknown) => (error instanceof BigCommerceApiError ? `${error.title}${error.errors ? `: ${JSON.stringify(error.errors)}` : ''}` : String(error));

/**
 * One batch, and on a 422 its halves: BigCommerce refuses a whole adjustment for one bad item
 * (a product that stopped tracking stock, a deleted variant) without saying which, so halving
 * finds the bad ones in a few calls instead of losing the other 1,999 levels.
 */
async function sendLevels(a: ApplyStockContext, ops: SetOp[]): Promise<Map<SetOp, string | undefined>> {
  const outcome = new Map<SetOp, string | undefined>();
  const body = { reason: ADJUSTMENT_REASON, items: ops.map((op) => levelFor(op.target, op.locationId, op.quantity)) };
  try {
    await inSerialLane(a.bc, 'inventory-adjustments', () =>
      a.bc.request('PUT', '/v3/inventory/adjustments/absolute', { body, priority: a.priority, idempotent: true }),
    );
    for (const op of ops) outcome.set(op, undefined);
  } catch (error) {
    if (error instanceof BigCommerceAuthError) throw error;
    if (error instanceof BigCommerceApiError && error.status === 422 && ops.length > 1) {
      const half = Math.ceil(ops.length / 2);
      for (const part of [ops.slice(0, half), ops.slice(half)]) for (const [op, e] of await sendLevels(a, part)) outcome.set(op, e);
    } else {
      for (const op of ops) outcome.set(op, `BigCommerce refused the level: ${errorText(error)}`);
    }
  }
  return outcome;
}

export async function applyStock(ops: StockOperation[], a: ApplyStockContext): Promise<{ written: number; failed: number }> {
  const sets = ops.filter((op): op is SetOp => op.kind === 'set');
  const remembered: { op: Extract<StockOperation, { kind: 'set' | 'unchanged' }> }[] = [];
  let failed = 0;
  for (const op of ops) {
    if (op.kind === 'skip') await a.reporter.record({ entity: 'stock', operation: 'skip', zohoId: op.zohoItemId, sku: op.sku, name: op.name, reason: op.reason });
    else if (op.kind === 'unchanged') {
      if (a.recordUnchanged !== false) await a.reporter.record({ entity: 'stock', operation: 'unchanged', zohoId: op.zohoItemId });
      // The level stays, but Zoho's own figure moved (an order reached Zoho meanwhile): remember it.
      if (op.refresh) remembered.push({ op });
    }
  }
  for (const batch of chunk(sets, BATCH_LIMITS.inventoryItems)) {
    const outcome = await sendLevels(a, batch);
    for (const op of batch) {
      const error = outcome.get(op);
      const bigcommerceId = `${op.target.kind} ${op.target.id} @ location ${op.locationId}`;
      if (error) {
        failed++;
        await a.reporter.record({ entity: 'stock', operation: 'fail', zohoId: op.zohoItemId, sku: op.target.sku, name: op.name, bigcommerceId, reason: error });
      } else {
        remembered.push({ op });
        await a.reporter.record({
          entity: 'stock',
          operation: 'update',
          zohoId: op.zohoItemId,
          sku: op.target.sku,
          name: op.name,
          bigcommerceId,
          reason: `${op.previous ?? 'unknown'} → ${op.quantity}`,
        });
      }
    }
    await a.heartbeat();
  }
  await rememberLevels(
    a.storeHash,
    remembered.map(({ op }) => ({
      zohoItemId: op.zohoItemId,
      locationId: op.locationId,
      target: op.target,
      quantity: op.quantity,
      zohoQuantity: op.zohoQuantity,
      basis: op.basis,
      ...(op.kind === 'unchanged' && a.plannedAt ? { at: a.plannedAt } : {}),
    })),
  );
  return { written: sets.length - failed, failed };
}
