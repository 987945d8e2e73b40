import { Schema, model, type InferSchemaType } from 'mongoose';
import { FLOWS, RUN_STATUSES, TRIGGERS } from '../../sync/flows.js';

const counts = {
  created: { type: Number, default: 0 },
  updated: { type: Number, default: 0 },
  hidden: { type: Number, default: 0 },
  unchanged: { type: Number, default: 0 },
  skipped: { type: Number, default: 0 },
  failed: { type: Number, default: 0 },
};

/**
 * One run of one flow for one store: what the panel's history shows. Webhook-driven work is
 * grouped into one run per store, flow and hour: such a run's _id is
 * "<store>:<flow>:webhook:<YYYY-MM-DDTHH>", so inserting it is the claim.
 */
const syncRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    flow: { type: String, enum: FLOWS, required: true },
    trigger: { type: String, enum: TRIGGERS, required: true },
    status: { type: String, enum: RUN_STATUSES, required: true },
    dryRun: { type: Boolean, default: false },
    queuedAt: { type: Date, required: true },
    startedAt: { type: Date },
    finishedAt: { type: Date },
    counts: { type: counts, default: () => ({}) },
    apiCalls: { bigcommerce: { type: Number, default: 0 }, zoho: { type: Number, default: 0 } },
    progress: { done: { type: Number, default: 0 }, total: { type: Number } },
    /** A sentence for the merchant: why it was skipped, what failed. */
    message: { type: String },
    /** Where a killed run resumes (flow-specific: a page, a cursor). */
    checkpoint: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
syncRunSchema.index({ storeHash: 1, queuedAt: -1 });
// The panel's runs list filtered by flow or status, and pruning: see server/db/hotQueries.ts.
syncRunSchema.index({ storeHash: 1, flow: 1, queuedAt: -1 });
syncRunSchema.index({ storeHash: 1, status: 1, queuedAt: -1 });
syncRunSchema.index({ queuedAt: 1 });

export type SyncRunDoc = InferSchemaType<typeof syncRunSchema> & { _id: string };
export const SyncRun = model('SyncRun', syncRunSchema, 'syncRuns');
