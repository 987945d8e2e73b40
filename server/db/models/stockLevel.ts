import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * What the app last knows BigCommerce holds of one Zoho item at one BigCommerce location
 * (`<store>:<zohoItemId>:<bcLocationId>`): the level it wrote (or, after a two-way correction,
 * the level the merchant set), and the Zoho quantity that level came from. Loaded once per run:
 * an unchanged level is not written again, and a BigCommerce inventory event that reports exactly
 * this level is the echo of the app's own write.
 */
const stockLevelSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    zohoItemId: { type: String, required: true },
    bigcommerceLocationId: { type: Number, required: true },
    /** What the level was written to: a product-tracked product or a variant. */
    targetKind: { type: String, enum: ['product', 'variant'], required: true },
    targetId: { type: Number, required: true },
    sku: { type: String },
    /** The level BigCommerce holds as far as the app knows. */
    quantity: { type: Number, required: true },
    /** Zoho's quantity for this location before claimed-but-unsent orders were subtracted. */
    zohoQuantity: { type: Number, required: true },
    /** Which Zoho figure that was (quantity setting, Zoho locations): a settings change is not a change in Zoho. */
    basis: { type: String },
    /**
     * The ledger: units orders moved in BigCommerce since this level was written (negative: taken;
     * positive: put back). BigCommerce should hold `quantity + orderMoves`; anything else is the
     * merchant's correction.
     */
    orderMoves: { type: Number },
    /**
     * When BigCommerce last held exactly `quantity` (an absolute write, or the read a correction
     * came from): order movements after it count. A relative write keeps it (it replaced nothing).
     * Rows written before it existed use `updatedAt`.
     */
    baselineAt: { type: Date },
    /** When the app last wrote or re-read this level. */
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
stockLevelSchema.index({ storeHash: 1 });

export const stockLevelId = (storeHash: string, zohoItemId: string, bigcommerceLocationId: number) => `${storeHash}:${zohoItemId}:${bigcommerceLocationId}`;
export type StockLevelDoc = InferSchemaType<typeof stockLevelSchema> & { _id: string };
export const StockLevel = model('StockLevel', stockLevelSchema, 'stockLevels');
