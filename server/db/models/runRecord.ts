import { Schema, model } from 'mongoose';

/** What a run did to one record (create, update, hide, skip, conflict…), pruned with its run. */
const runRecordSchema = new Schema(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    storeHash: { type: String, required: true },
    entity: { type: String, required: true },
    operation: { type: String, required: true },
    result: { type: String, enum: ['ok', 'failed', 'skipped', 'conflict'], required: true },
    zohoId: { type: String },
    bigcommerceId: { type: String },
    sku: { type: String },
    name: { type: String },
    reason: { type: String },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
runRecordSchema.index({ runId: 1 });
runRecordSchema.index({ storeHash: 1, sku: 1 });

export const RunRecord = model('RunRecord', runRecordSchema, 'runRecords');
