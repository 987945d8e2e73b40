import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One BigCommerce store that installed the app, keyed by its store hash (a natural string
 * _id: the fastest lookup on both MongoDB and the embedded database). The API token is kept
 * only sealed (see crypto.ts) and is erased at uninstall; the document itself stays so that
 * the store's history survives a reinstall.
 */
const storeSchema = new Schema(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['installed', 'uninstalled'], required: true },
    accessTokenSealed: { type: String },
    scope: { type: String, default: '' },
    accountUuid: { type: String },
    ownerId: { type: String },
    ownerEmail: { type: String },
    installedAt: { type: Date },
    /** The last uninstall (kept across a reinstall, as history). */
    uninstalledAt: { type: Date },
    /** When customers' personal data was erased after an uninstall (see sync/prune.ts). */
    personalDataErasedAt: { type: Date },
    /** The per-store secret BigCommerce sends in every webhook delivery's header (bigcommerce/webhookSecret.ts), sealed. */
    webhookSecretSealed: { type: String },
    /** sha256 (hex) of that secret: what webhook intake compares, without decrypting anything. */
    webhookSecretHash: { type: String },
    /** The last check of the store's webhook registrations, and what went wrong if it failed. */
    webhooksCheckedAt: { type: Date },
    webhooksError: { type: String },
  },
  { timestamps: true, versionKey: false },
);
storeSchema.index({ status: 1 });

export type StoreDoc = InferSchemaType<typeof storeSchema> & { _id: string };
export const Store = model('Store', storeSchema, 'stores');
