import { Schema, model } from 'mongoose';

/**
 * The claim on a store's next real-time stock flush (`_id` = store hash). The first event of a
 * window inserts it and queues the one flush job; later events find it taken (duplicate key)
 * and only mark their records. The flush deletes it before reading, so an event arriving
 * during a flush claims the next one. `dueAt` is when the window closes.
 */
const stockFlushSchema = new Schema(
  {
    _id: { type: String, required: true },
    dueAt: { type: Date, required: true },
    claimedAt: { type: Date, required: true },
    /** The window chosen for this flush, and why it is wider than usual (budget running low). */
    windowMs: { type: Number, required: true },
  },
  { versionKey: false },
);
stockFlushSchema.index({ dueAt: 1 });

export const StockFlush = model('StockFlush', stockFlushSchema, 'stockFlushes');
