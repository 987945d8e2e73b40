import { BATCH_LIMITS, chunk, inSerialLane, type InventoryLevel } from '../../bigcommerce/batches.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError, BigCommerceAuthError } from '../../bigcommerce/errors.js';
import type { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { readBigCommerceLevels, refKey } from './bigcommerceLevels.js';
import { moveLevels, refreshZohoFigures, rememberLevels } from './levels.js';
import type { StockOperation } from './plan.js';
import type { StockTarget } from './types.js';

/**
 * Applies a stock plan: changed levels in adjustments of up to 2,000 items, one request at a
 * time per store, then the levels written are remembered (StockLevel) in bulk.
 *
 * Absolute levels, except in two-way mode for levels the app wrote before: there an absolute
 * write would replace a merchant's edit that landed after the app's last read (BigCommerce has
 * no conditional write), so the app adds the difference from what its ledger expects instead
 * (`POST …/relative`); the edit survives and the next look finds it as a correction. A relative
 * adjustment is not safe to send twice, so it is never retried blind: an answer lost is settled
 * by reading the level back (moved to the planned level: made; else it is written absolutely).
 */
export const ADJUSTMENT_REASON = 'Zoho Inventory stock sync';

type SetOp = Extract<StockOperation, { kind: 'set' }>;
type Mode = 'absolute' | 'relative';
/** What became of one level: written, refused (why, and whether BigCommerce said 422), or not known (the answer was lost). */
type Outcome = { written: true } | { written: false; reason: string; invalid: boolean } | { written: 'unknown' };

export interface ApplyStockContext {
  storeHash: string;
  bc: BigCommerceClient;
  reporter: RunReporter;
  priority: Priority;
  heartbeat: () => Promise<void>;
  /** False when the read covered far more items than the events named (a flush that read everything). */
  recordUnchanged?: boolean;
  /** Two-way: levels the app wrote before are moved by relative adjustments. */
  relative?: boolean;
}

const levelFor = (target: StockTarget, locationId: number, quantity: number): InventoryLevel =>
  target.kind === 'variant' ? { location_id: locationId, variant_id: target.id, quantity } : { location_id: locationId, product_id: target.id, quantity };

const deltaOf = (op: SetOp) => op.quantity - op.previous!;

const errorText = (error: unknown) => (error instanceof BigCommerceApiError ? `${error.title}${error.errors ? `: ${JSON.stringify(error.errors)}` : ''}` : String(error));

/** A relative adjustment's failure that may have been applied: no answer (status 0), or a server error other than 503 (not processed). */
const answerLost = (error: unknown) => !(error instanceof BigCommerceApiError) || error.status === 0 || (error.status >= 500 && error.status !== 503);

/**
 * One batch, and on a 422 its halves: BigCommerce refuses a whole adjustment for one bad item
 * (a product that stopped tracking stock, a deleted variant) without saying which, so halving
 * finds the bad ones in a few calls instead of losing the other 1,999 levels.
 */
async function sendLevels(a: ApplyStockContext, ops: SetOp[], mode: Mode): Promise<Map<SetOp, Outcome>> {
  const outcome = new Map<SetOp, Outcome>();
  const items = ops.map((op) => levelFor(op.target, op.locationId, mode === 'absolute' ? op.quantity : deltaOf(op)));
  try {
    await inSerialLane(a.bc, 'inventory-adjustments', () =>
      mode === 'absolute'
        ? a.bc.request('PUT', '/v3/inventory/adjustments/absolute', { body: { reason: ADJUSTMENT_REASON, items }, priority: a.priority, idempotent: true })
        : a.bc.request('POST', '/v3/inventory/adjustments/relative', { body: { reason: ADJUSTMENT_REASON, items }, priority: a.priority, idempotent: false }),
    );
    for (const op of ops) outcome.set(op, { written: true });
  } catch (error) {
    if (error instanceof BigCommerceAuthError) throw error;
    const invalid = error instanceof BigCommerceApiError && error.status === 422;
    if (invalid && ops.length > 1) {
      const half = Math.ceil(ops.length / 2);
      for (const part of [ops.slice(0, half), ops.slice(half)]) for (const [op, e] of await sendLevels(a, part, mode)) outcome.set(op, e);
    } else if (mode === 'relative' && answerLost(error)) {
      for (const op of ops) outcome.set(op, { written: 'unknown' });
    } else {
      for (const op of ops) outcome.set(op, { written: false, reason: `BigCommerce refused the level: ${errorText(error)}`, invalid });
    }
  }
  return outcome;
}

/**
 * Relative adjustments, and what to write absolutely instead: a level whose adjustment BigCommerce
 * refused as invalid (below zero, an item never set absolutely) or whose answer was lost and
 * which the read back does not show at its planned level.
 */
async function sendRelative(a: ApplyStockContext, ops: SetOp[]): Promise<{ outcome: Map<SetOp, Outcome>; absolute: SetOp[] }> {
  const outcome = new Map<SetOp, Outcome>();
  const absolute: SetOp[] = [];
  const lost: SetOp[] = [];
  for (const batch of chunk(ops, BATCH_LIMITS.inventoryItems)) {
    for (const [op, result] of await sendLevels(a, batch, 'relative')) {
      if (result.written === 'unknown') lost.push(op);
      else if (result.written === false && result.invalid) absolute.push(op);
      else outcome.set(op, result);
    }
    await a.heartbeat();
  }
  if (lost.length > 0) {
    // The store's one writer holds the lease: only an order or a merchant's edit can have moved
    // these levels since. A level at its planned figure was made; any other is set absolutely
    // (losing at most an edit that landed in that moment, as an absolute write always could).
    const now = await readBigCommerceLevels(a.bc, lost.map((op) => op.target), a.priority);
    for (const op of lost) {
      if (now.get(refKey(op.target))?.get(op.locationId) === op.quantity) outcome.set(op, { written: true });
      else absolute.push(op);
    }
  }
  return { outcome, absolute };
}

export async function applyStock(ops: StockOperation[], a: ApplyStockContext): Promise<{ written: number; failed: number }> {
  const sets = ops.filter((op): op is SetOp => op.kind === 'set');
  const refreshed: Extract<StockOperation, { kind: 'unchanged' }>[] = [];
  let failed = 0;
  for (const op of ops) {
    if (op.kind === 'skip') await a.reporter.record({ entity: 'stock', operation: 'skip', zohoId: op.zohoItemId, sku: op.sku, name: op.name, reason: op.reason });
    else if (op.kind === 'unchanged') {
      if (a.recordUnchanged !== false) await a.reporter.record({ entity: 'stock', operation: 'unchanged', zohoId: op.zohoItemId });
      // The level stays, but Zoho's own figure moved (an order reached Zoho meanwhile): remember it.
      if (op.refresh) refreshed.push(op);
    }
  }
  const relative = new Set(a.relative ? sets.filter((op) => op.previous !== undefined) : []);
  const { outcome, absolute: insteadAbsolute } = await sendRelative(a, [...relative]);
  const moved = new Set([...relative].filter((op) => outcome.get(op)?.written === true));
  for (const batch of chunk([...sets.filter((op) => !relative.has(op)), ...insteadAbsolute], BATCH_LIMITS.inventoryItems)) {
    for (const [op, result] of await sendLevels(a, batch, 'absolute')) outcome.set(op, result);
    await a.heartbeat();
  }

  const written: SetOp[] = [];
  for (const op of sets) {
    const result = outcome.get(op)!;
    const bigcommerceId = `${op.target.kind} ${op.target.id} @ location ${op.locationId}`;
    if (result.written !== true) {
      failed++;
      const reason = result.written === false ? result.reason : 'BigCommerce did not answer';
      await a.reporter.record({ entity: 'stock', operation: 'fail', zohoId: op.zohoItemId, sku: op.target.sku, name: op.name, bigcommerceId, reason });
      continue;
    }
    if (!moved.has(op)) written.push(op);
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
  await rememberLevels(a.storeHash, written);
  await moveLevels(
    a.storeHash,
    [...moved].map((op) => ({ zohoItemId: op.zohoItemId, locationId: op.locationId, delta: deltaOf(op), zohoQuantity: op.zohoQuantity, basis: op.basis })),
  );
  await refreshZohoFigures(a.storeHash, refreshed);
  return { written: sets.length - failed, failed };
}
