import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One BigCommerce order as two-way stock's ledger knows it (`<store>:<orderId>`): its lines and
 * whether it holds their units out of BigCommerce's stock as last read (every status but
 * Incomplete and Cancelled). Read from BigCommerce's orders from the order's first event on,
 * before the orders flow claims it: a change of `holds` is an order movement (a sale takes the
 * units, a cancellation puts them back), never a merchant's correction.
 */
const lineSchema = new Schema(
  {
    productId: { type: Number, required: true },
    variantId: { type: Number },
    quantity: { type: Number, required: true },
  },
  { _id: false },
);

const stockOrderMoveSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    orderId: { type: Number, required: true },
    lines: { type: [lineSchema], default: [] },
    holds: { type: Boolean, required: true },
    statusId: { type: Number, required: true },
    /** BigCommerce's date_modified of the order when last read. */
    modifiedAt: { type: Date, required: true },
    seenAt: { type: Date, required: true },
    /** Zoho has moved the order's stock (its invoice exists) or never will (the orders flow ignores it): no longer pending. */
    inZoho: { type: Boolean },
  },
  { versionKey: false },
);
// A store's orders holding units Zoho has not moved (every two-way flush): invoiced ones, the many, are left out by the index.
stockOrderMoveSchema.index({ storeHash: 1, holds: 1, inZoho: 1 });
// Pruning: rows of orders whose last change is old.
stockOrderMoveSchema.index({ modifiedAt: 1 });

export const stockOrderMoveId = (storeHash: string, orderId: number) => `${storeHash}:${orderId}`;
export type StockOrderMoveDoc = InferSchemaType<typeof stockOrderMoveSchema> & { _id: string };
export const StockOrderMove = model('StockOrderMove', stockOrderMoveSchema, 'stockOrderMoves');
