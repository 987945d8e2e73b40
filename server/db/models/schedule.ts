import { Schema, model } from 'mongoose';

/**
 * When each store's flow (or reconciliation) runs next. The scheduler advances `nextRunAt` by
 * compare-and-set, so with any number of workers each slot starts exactly one run.
 */
const scheduleSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    /** A flow name, or "reconcile". */
    task: { type: String, required: true },
    /** The schedule it was computed from (JSON), so a changed setting recomputes it. */
    spec: { type: String, required: true },
    nextRunAt: { type: Date, required: true },
    /** > 1 when the interval was stretched to fit the Zoho plan's daily budget (the panel says so). */
    stretch: { type: Number, default: 1 },
  },
  { versionKey: false },
);
scheduleSchema.index({ nextRunAt: 1 });

export const scheduleId = (storeHash: string, task: string) => `${storeHash}:${task}`;
export const Schedule = model('Schedule', scheduleSchema, 'schedules');
