import type { AppContext } from '../context.js';
import { WebhookReceipt } from '../db/models/index.js';
import { isFulfilmentModule, syncFulfilmentFromEvent } from '../sync/fulfilment/realtime.js';
import { syncProductFromWebhook } from '../sync/products/realtime.js';
import { markZohoStockEvent } from '../sync/stock/events.js';

export interface ZohoEventData {
  storeHash: string;
  receiptId: string;
  module: string;
  recordId?: string;
}

/**
 * The `zoho.event` job: one Zoho workflow delivery, routed to the flow it concerns. Modules no
 * flow handles yet are marked so in the receipt, where the merchant can see them.
 */
export async function handleZohoEvent(ctx: AppContext, data: ZohoEventData): Promise<void> {
  const { storeHash, receiptId, module, recordId } = data;
  let note: string | undefined;
  // Stock first (it only marks the record for the next flush), then the flow that owns the module.
  const stock: { marked: boolean; note?: string } = recordId ? await markZohoStockEvent(ctx, storeHash, module, recordId) : { marked: false };
  if ((module === 'item' || module === 'itemgroup') && recordId) {
    await syncProductFromWebhook(ctx, storeHash, module, recordId);
  } else if (isFulfilmentModule(module) && recordId) {
    ({ note } = await syncFulfilmentFromEvent(ctx, storeHash, module, recordId));
  } else if (!stock.marked) {
    note = stock.note ?? `No flow of this version acts on Zoho ${module} events yet.`;
  }
  // Marked for the stock flush: the event was used, whatever another flow made of it.
  if (stock.marked) note = undefined;
  await WebhookReceipt.updateOne({ _id: receiptId }, { $set: note ? { status: 'ignored', note } : { status: 'processed' } });
}
