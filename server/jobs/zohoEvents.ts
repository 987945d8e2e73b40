import type { AppContext } from '../context.js';
import { WebhookReceipt } from '../db/models/index.js';
import { syncProductFromWebhook } from '../sync/products/realtime.js';

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
  if ((module === 'item' || module === 'itemgroup') && recordId) {
    await syncProductFromWebhook(ctx, storeHash, module, recordId);
  } else {
    note = `No flow of this version acts on Zoho ${module} events yet.`;
  }
  await WebhookReceipt.updateOne({ _id: receiptId }, { $set: note ? { status: 'ignored', note } : { status: 'processed' } });
}
