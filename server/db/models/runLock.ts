import { Schema, model } from 'mongoose';

/**
 * "One run per store and flow at a time", enforced by a unique key of our own
 * (`<storeHash>:<flow>`): whoever inserts it owns the flow for that run until it is deleted.
 * While the run executes, `owner` names the one execution working on it, kept by a lease
 * (`expiresAt`, renewed by heartbeats): a killed worker's lease lapses and another worker
 * takes the run over by compare-and-set, so two workers never apply the same run at once.
 */
const runLockSchema = new Schema(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    owner: { type: String, default: null },
    heartbeatAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const runLockId = (storeHash: string, flow: string) => `${storeHash}:${flow}`;
export const RunLock = model('RunLock', runLockSchema, 'runLocks');
