import { Schema, model } from 'mongoose';

/**
 * The one writer of a store's stock (`_id` = store hash): real-time flushes (with their two-way
 * corrections) and the scheduled run's writing phase hold it through the lease module, so that
 * no two of them write BigCommerce levels or post Zoho corrections at once. `kind`, `runId` and
 * `since` say who holds it, for the panel.
 */
const stockWriterSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String },
    until: { type: Date },
    kind: { type: String, enum: ['flush', 'twoway', 'run'] },
    runId: { type: String },
    since: { type: Date },
  },
  { versionKey: false },
);

export const StockWriter = model('StockWriter', stockWriterSchema, 'stockWriters');
