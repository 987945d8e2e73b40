import { Schema, model } from 'mongoose';

/**
 * The `state` of one OAuth authorize round trip (Zoho's), bound to the store and user who
 * started it. Single use: the callback claims it with findOneAndDelete, so two callbacks with
 * the same state cannot both succeed. Short-lived; expired ones are pruned when new ones are
 * made (no TTL indexes on the embedded database).
 */
const oauthStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    provider: { type: String, enum: ['zoho'], required: true },
    storeHash: { type: String, required: true },
    userId: { type: String, required: true },
    /** The data center the merchant chose. */
    dc: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);

export const OAuthState = model('OAuthState', oauthStateSchema, 'oauthStates');
