import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A record whose stock must be looked at again by the store's next real-time flush
 * (`<store>:<source>:<kind>:<id>`): a Zoho item, a Zoho record that moves stock (adjustment,
 * sales order, invoice…), or a BigCommerce product or variant whose level changed. Many events
 * about one record make one entry: that is the coalescing.
 */
const stockDirtySchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    source: { type: String, enum: ['zoho', 'bigcommerce'], required: true },
    /** Zoho module (`item`, `inventory_adjustment`…) or BigCommerce `product` / `variant`. */
    kind: { type: String, required: true },
    recordId: { type: String, required: true },
    /** The first event since the last flush: what real-time latency is measured from. */
    firstMarkedAt: { type: Date, required: true },
    markedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
stockDirtySchema.index({ storeHash: 1 });

export const stockDirtyId = (storeHash: string, source: 'zoho' | 'bigcommerce', kind: string, recordId: string) => `${storeHash}:${source}:${kind}:${recordId}`;
export type StockDirtyDoc = InferSchemaType<typeof stockDirtySchema> & { _id: string };
export const StockDirty = model('StockDirty', stockDirtySchema, 'stockDirty');
