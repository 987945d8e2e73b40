import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Per store (`_id` = store hash): what the stock panel shows about real time. When Zoho's
 * webhooks were last heard from, since when a real-time method is on, the "silent webhook"
 * alert, the current coalescing window, and the Zoho adjustments the app itself made (their
 * webhooks are echoes and are not read back).
 */
const stockStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    lastZohoEventAt: { type: Date },
    lastBigCommerceEventAt: { type: Date },
    /** First time a stock run saw a real-time method: the "a day without webhooks" clock starts here. */
    realtimeSince: { type: Date },
    silent: {
      detectedAt: { type: Date },
      changedItems: { type: Number },
      message: { type: String },
    },
    window: {
      ms: { type: Number },
      message: { type: String },
      at: { type: Date },
    },
    lastFlushAt: { type: Date },
    /** Two-way stock's ledger read BigCommerce's orders modified up to here (server/sync/stock/orderMoves.ts). */
    ordersReadAt: { type: Date },
    /** When the ledger first looked: orders last changed before it are not its movements. */
    ordersLedgerSince: { type: Date },
    ownAdjustmentIds: { type: [String], default: undefined },
  },
  { versionKey: false },
);

export type StockStateDoc = InferSchemaType<typeof stockStateSchema> & { _id: string };
export const StockState = model('StockState', stockStateSchema, 'stockStates');
