import type { BigCommerceEventJobData } from '../../bigcommerce/webhookDelivery.js';
import type { AppContext } from '../../context.js';
import { WebhookReceipt } from '../../db/models/index.js';
import { getSettings } from '../../settings/service.js';
import { isFulfilmentModule } from '../fulfilment/realtime.js';
import { ensureFlush, markDirty } from './coalesce.js';
import { isStockModule } from './records.js';

/**
 * Where real-time stock events enter: a Zoho workflow event (routed from the `zoho.event` job)
 * or a BigCommerce inventory webhook (the `bigcommerce.inventory` job). Each only marks its
 * record and makes sure a flush is coming; the flush does the reading and writing.
 */

/** A Zoho event that concerns stock: marked when a real-time method is on. Returns why not otherwise. */
export async function markZohoStockEvent(ctx: AppContext, storeHash: string, module: string, recordId: string): Promise<{ marked: boolean; note?: string }> {
  if (!isStockModule(module)) return { marked: false };
  const { stock } = await getSettings(storeHash);
  if (!stock.enabled) return { marked: false, note: 'Stock sync is off.' };
  if (stock.method === 'scheduled') return { marked: false, note: 'Stock follows the schedule (method "scheduled"): real-time events are not needed.' };
  const now = new Date();
  await markDirty(storeHash, 'zoho', module, recordId, now);
  await ensureFlush(ctx, storeHash, { now, event: 'zoho' });
  return { marked: true };
}

/**
 * Zoho modules whose events only the stock flow acts on (adjustments, invoices, purchase
 * receives): items also go to the products flow, and sales orders, packages and shipments to
 * fulfilment, through the `zoho.event` job.
 */
export const onlyStockFollows = (module: string) => isStockModule(module) && module !== 'item' && !isFulfilmentModule(module);

/** What a BigCommerce inventory event is about: the variant for variant-tracked items, else the product. */
export function bigcommerceRefOf(data: Record<string, unknown>): { kind: 'product' | 'variant'; id: number } | undefined {
  const inventory = (data.inventory ?? {}) as { product_id?: unknown; variant_id?: unknown };
  const variantId = Number(inventory.variant_id);
  if (Number.isInteger(variantId) && variantId > 0) return { kind: 'variant', id: variantId };
  const productId = Number(inventory.product_id ?? (data.type === 'product' ? data.id : undefined));
  if (Number.isInteger(productId) && productId > 0) return { kind: 'product', id: productId };
  return undefined;
}

/** The `bigcommerce.inventory` job: a stock change in BigCommerce, for two-way stock. */
export async function handleBigCommerceInventoryEvent(ctx: AppContext, data: BigCommerceEventJobData): Promise<void> {
  const { stock } = await getSettings(data.storeHash);
  const ref = bigcommerceRefOf(data.data);
  let note: string | undefined;
  if (!stock.enabled || stock.method !== 'twoway') note = 'Stock changes made in BigCommerce go to Zoho only with two-way stock sync.';
  else if (!ref) note = 'The event names no product or variant.';
  else {
    const now = new Date();
    await markDirty(data.storeHash, 'bigcommerce', ref.kind, String(ref.id), now);
    await ensureFlush(ctx, data.storeHash, { now, event: 'bigcommerce' });
  }
  await WebhookReceipt.updateOne({ _id: data.receiptId }, { $set: note ? { status: 'ignored', note } : { status: 'processed' } });
}
