import { Schema, model } from 'mongoose';

/**
 * API calls spent per store, platform and UTC day ("<storeHash>:<platform>:<YYYY-MM-DD>"):
 * what the panel's usage chart and the daily budgets read.
 */
const apiUsageSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    platform: { type: String, enum: ['bigcommerce', 'zoho'], required: true },
    day: { type: String, required: true },
    calls: { type: Number, default: 0 },
    /** Calls answered 429 (rate limited). */
    throttled: { type: Number, default: 0 },
  },
  { versionKey: false },
);
apiUsageSchema.index({ storeHash: 1, day: -1 });

export const apiUsageId = (storeHash: string, platform: 'bigcommerce' | 'zoho', day: string) => `${storeHash}:${platform}:${day}`;
export const utcDay = (at = new Date()) => at.toISOString().slice(0, 10);

export const ApiUsage = model('ApiUsage', apiUsageSchema, 'apiUsage');
