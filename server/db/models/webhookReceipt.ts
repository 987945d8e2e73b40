import { Schema, model } from 'mongoose';

/**
 * One webhook delivery, recorded once. The _id is the delivery's natural key
 * ("<source>:<storeHash>:<dedupe key>"), so a redelivery's insert fails with a duplicate-key
 * error: that, not a check-then-insert, is what makes intake exactly-once under concurrency.
 * Receipts the app cannot use are kept too (status "ignored" with a note, or "unreadable" for a
 * Zoho body that is not a JSON object) so the merchant can see them.
 */
const webhookReceiptSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: { type: String, enum: ['bigcommerce', 'zoho'], required: true },
    storeHash: { type: String, required: true },
    /** BigCommerce scope (store/order/created) or Zoho module/event (salesorder, item…). */
    topic: { type: String, required: true },
    /** The record the event is about (order id, item id…), when the body names one. */
    resourceId: { type: String },
    status: { type: String, enum: ['queued', 'ignored', 'unreadable', 'processed', 'failed'], required: true },
    note: { type: String },
    receivedAt: { type: Date, required: true },
    payload: { type: Schema.Types.Mixed },
    /**
     * A `queued` receipt: the job it queued ({name, data}), and when it was last queued (or
     * last found still waiting for that job). The sweep (jobs/receiptSweep.ts) looks at those
     * queued more than five minutes ago and queues the job again when it is gone.
     */
    job: { type: Schema.Types.Mixed },
    queuedAt: { type: Date },
    /** How often the sweep or a redelivery queued it again. */
    requeues: { type: Number },
  },
  { versionKey: false },
);
webhookReceiptSchema.index({ storeHash: 1, source: 1, receivedAt: -1 });
// Pruning.
webhookReceiptSchema.index({ receivedAt: 1 });
// The sweep's query: queued receipts by when they were queued.
webhookReceiptSchema.index({ status: 1, queuedAt: 1 });

export const WebhookReceipt = model('WebhookReceipt', webhookReceiptSchema, 'webhookReceipts');
