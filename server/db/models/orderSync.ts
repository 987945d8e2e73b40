import { Schema, model, type InferSchemaType } from 'mongoose';

/** Where a BigCommerce order stands on its way to Zoho; the panel's order list filters on these. */
export const ORDER_SYNC_STATUSES = ['ignored', 'waiting', 'held', 'done', 'failed', 'cancelled'] as const;
export type OrderSyncStatus = (typeof ORDER_SYNC_STATUSES)[number];

/** The last step an order completed: a retry resumes after it. */
export const ORDER_STEPS = ['new', 'contact', 'salesorder', 'invoice', 'sent', 'payment', 'done'] as const;
export type OrderStep = (typeof ORDER_STEPS)[number];

const lineLinkSchema = new Schema(
  {
    /** The Zoho sales order's line_item_id (fulfilment packs these). */
    zohoLineItemId: { type: String, required: true },
    /** BigCommerce's order_product_id (fulfilment ships these). */
    orderProductId: { type: Number, required: true },
    orderAddressId: { type: Number },
    sku: { type: String },
    quantity: { type: Number },
  },
  { _id: false },
);

const creditedLineSchema = new Schema(
  { orderProductId: { type: Number, required: true }, quantity: { type: Number, required: true }, amount: { type: Number, required: true } },
  { _id: false },
);

/** A Zoho credit note for money refunded in BigCommerce (setting `orders.creditNotes`). */
const creditNoteSchema = new Schema(
  {
    number: { type: String, required: true },
    amount: { type: Number, required: true },
    creditnoteId: { type: String },
    /** Zoho's refund of the credit note (money out), made when the invoice was paid through the app. */
    refundId: { type: String },
    /** The lines planned for it (kept so that a retry sends the very same credit note). */
    lines: { type: [Schema.Types.Mixed], default: undefined },
    covers: { type: [creditedLineSchema], default: undefined },
    /** When the create (and the refund) was last sent: a retry looks it up in Zoho first. */
    intentAt: { type: Date },
    refundIntentAt: { type: Date },
    /** Zoho refused to record the refund for good: left to the merchant (the note says so). */
    refundError: { type: String },
    createdAt: { type: Date },
  },
  { _id: false },
);

/**
 * One BigCommerce order's sync state, keyed `<storeHash>:<orderId>`: inserting it is the claim
 * that makes an order's Zoho records exactly-once. Each Zoho id is written the moment Zoho
 * answers; an `intents` timestamp is written just before each create, so that a retry after a
 * crash looks the record up in Zoho instead of creating it again. `leaseOwner`/`leaseUntil`
 * keep one worker on an order at a time; `recheck` tells the holder a newer event arrived.
 */
const orderSyncSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    orderId: { type: Number, required: true },
    status: { type: String, enum: ORDER_SYNC_STATUSES, required: true },
    step: { type: String, enum: ORDER_STEPS, default: 'new' },
    /** Why it was ignored or cancelled, or what a done order's merchant should know. */
    note: { type: String },
    /** What BigCommerce said the order was, at the last read. */
    bc: {
      statusId: { type: Number },
      status: { type: String },
      dateCreated: { type: Date },
      dateModified: { type: Date },
      paymentStatus: { type: String },
      paymentMethod: { type: String },
      currency: { type: String },
      /** The storefront (channel) the order came from. */
      channelId: { type: Number },
      refundedAmount: { type: Number },
    },
    /** How the order's money was booked in Zoho (currency.ts): its currency, Zoho's, and the rate used. */
    booking: {
      kind: { type: String, enum: ['base', 'convert', 'foreign'] },
      code: { type: String },
      base: { type: String },
      /** BigCommerce's: units of the order's currency per unit of Zoho's. */
      rate: { type: Number },
    },
    /** Lower-cased billing e-mail: the panel searches it; the contact is found by it. */
    email: { type: String },
    customerName: { type: String },
    amounts: {
      subtotal: { type: Number },
      shipping: { type: Number },
      discount: { type: Number },
      tax: { type: Number },
      total: { type: Number },
    },
    zoho: {
      contactId: { type: String },
      salesorderId: { type: String },
      salesorderNumber: { type: String },
      /** Zoho's total of the sales order: the invoice that bills it has the same (a lost invoice create is recognised by it). */
      salesorderTotal: { type: Number },
      invoiceId: { type: String },
      invoiceNumber: { type: String },
      invoiceTotal: { type: Number },
      invoiceSent: { type: Boolean },
      paymentId: { type: String },
      invoiceVoided: { type: Boolean },
      salesorderVoided: { type: Boolean },
    },
    /** When a create was last sent to Zoho (absent: never sent, so no look-up is needed first). */
    intents: {
      contact: { type: Date },
      salesorder: { type: Date },
      invoice: { type: Date },
      payment: { type: Date },
    },
    lineMap: { type: [lineLinkSchema], default: undefined },
    /** The first shipping address (fulfilment ships against it). */
    orderAddressId: { type: Number },
    /** Edited in BigCommerce after it was invoiced: what differs (Zoho's records are left as they are). */
    edited: {
      at: { type: Date },
      differences: { type: [String], default: undefined },
    },
    /**
     * Refunds credited in Zoho: the money and units credited so far, the credit notes made, and
     * the one being made (`pending`: planned and saved before its create, so a retry sends the same).
     */
    refunds: {
      credited: { type: Number },
      lines: { type: [creditedLineSchema], default: undefined },
      creditNotes: { type: [creditNoteSchema], default: undefined },
      pending: { type: creditNoteSchema, default: undefined },
    },
    held: {
      reason: { type: String },
      skus: { type: [String], default: undefined },
    },
    attempts: { type: Number, default: 0 },
    /** Start of the current run of failures: retries go on for at least 48 hours from here. */
    firstFailureAt: { type: Date },
    nextAttemptAt: { type: Date },
    lastError: { message: String, code: Number, at: Date },
    /** The webhook run (or reconciliation run) that last touched the order. */
    lastRunId: { type: String },
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    recheck: { type: Boolean, default: false },
    claimedAt: { type: Date, required: true },
    doneAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
orderSyncSchema.index({ storeHash: 1, orderId: -1 });
// The reconciliation's due sweep (one index per branch of its $or), pending orders for stock, the
// alerts and the panel's order list filtered by status: see server/db/hotQueries.ts.
orderSyncSchema.index({ storeHash: 1, status: 1, nextAttemptAt: 1 });
orderSyncSchema.index({ storeHash: 1, recheck: 1 });
orderSyncSchema.index({ storeHash: 1, status: 1, orderId: -1 });
orderSyncSchema.index({ storeHash: 1, 'edited.at': -1 });

export const orderSyncId = (storeHash: string, orderId: number) => `${storeHash}:${orderId}`;
export type OrderSyncDoc = InferSchemaType<typeof orderSyncSchema> & { _id: string; createdAt: Date; updatedAt: Date };
export const OrderSync = model('OrderSync', orderSyncSchema, 'orderSyncs');

/**
 * Where the orders reconciliation resumes, per store: orders modified since `modifiedSince` are
 * listed. It starts at the Zoho connection (or the backfill date), never at the store's birth.
 */
const ordersCursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    modifiedSince: { type: Date, required: true },
    /** Orders placed before this are history (not imported): fixed when Zoho is first connected, so a reconnect does not move it. */
    importFrom: { type: Date },
    /** The backfill date (settings) already read, so a new earlier one triggers one more pass. */
    backfillFrom: { type: String },
    updatedAt: { type: Date },
  },
  { versionKey: false },
);

export const OrdersCursor = model('OrdersCursor', ordersCursorSchema, 'ordersCursors');
