import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * The lines of a BigCommerce order the app has claimed but not yet put into Zoho
 * (`<store>:<orderId>`), read once from BigCommerce and kept while the order waits: stock
 * sent to BigCommerce subtracts them, so a sync never hands back stock already sold.
 */
const lineSchema = new Schema(
  {
    productId: { type: Number, required: true },
    variantId: { type: Number },
    sku: { type: String },
    quantity: { type: Number, required: true },
  },
  { _id: false },
);

const stockOrderLinesSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    orderId: { type: Number, required: true },
    lines: { type: [lineSchema], default: [] },
    readAt: { type: Date, required: true },
  },
  { versionKey: false },
);
stockOrderLinesSchema.index({ storeHash: 1 });

export const stockOrderLinesId = (storeHash: string, orderId: number) => `${storeHash}:${orderId}`;
export type StockOrderLinesDoc = InferSchemaType<typeof stockOrderLinesSchema> & { _id: string };
export const StockOrderLines = model('StockOrderLines', stockOrderLinesSchema, 'stockOrderLines');
