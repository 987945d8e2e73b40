import { Schema, model } from 'mongoose';

/**
 * "One run per store and flow at a time", enforced by a unique key of our own
 * (`<storeHash>:<flow>`): whoever inserts it owns the flow until it deletes it. A holder that
 * stops beating its heart (a killed worker) can be replaced by compare-and-set.
 */
const runLockSchema = new Schema(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    heartbeatAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const runLockId = (storeHash: string, flow: string) => `${storeHash}:${flow}`;
export const RunLock = model('RunLock', runLockSchema, 'runLocks');
