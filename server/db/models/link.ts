import { Schema, model } from 'mongoose';

/**
 * A Zoho record and its BigCommerce twin ("<store>:<entity>:<zohoId>"), with the hash of what
 * was last written: an unchanged hash means no write. Loaded once per run.
 */
const linkSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    entity: { type: String, required: true },
    zohoId: { type: String, required: true },
    bigcommerceId: { type: String, required: true },
    /** The BigCommerce product of a variant link. */
    bigcommerceParentId: { type: String },
    sku: { type: String },
    hash: { type: String, default: '' },
    hidden: { type: Boolean, default: false },
    /** Products: the Zoho image last uploaded (its id and name), so it is downloaded only when it changes. */
    imageKey: { type: String },
    /** Products: a hash of that image's bytes (a renamed but identical image is not uploaded again). */
    imageHash: { type: String },
    /** Products: the BigCommerce image the app uploaded, deleted when Zoho's image is replaced. */
    bigcommerceImageId: { type: String },
    updatedAt: { type: Date },
  },
  { versionKey: false },
);
linkSchema.index({ storeHash: 1, entity: 1 });

export const linkId = (storeHash: string, entity: string, zohoId: string) => `${storeHash}:${entity}:${zohoId}`;
export const Link = model('Link', linkSchema, 'links');
