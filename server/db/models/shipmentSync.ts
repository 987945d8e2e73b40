import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Where a Zoho shipment (shipment order) stands on its way to BigCommerce:
 * - `pending`: claimed, being written or waiting for a retry (see `lastError`);
 * - `synced`: BigCommerce has its shipment(s) (or already showed the items shipped: see `note`);
 * - `not_ours`: the sales order was not created by the app, so it is left alone (`note` says so);
 * - `failed`: BigCommerce refused it for good (`note`); a later event about it tries again.
 */
export const SHIPMENT_SYNC_STATUSES = ['pending', 'synced', 'not_ours', 'failed'] as const;
export type ShipmentSyncStatus = (typeof SHIPMENT_SYNC_STATUSES)[number];

const bcShipmentSchema = new Schema(
  {
    shipmentId: { type: Number, required: true },
    orderAddressId: { type: Number, required: true },
    items: { type: [{ orderProductId: Number, quantity: Number, _id: false }], default: [] },
  },
  { _id: false },
);

/**
 * One Zoho shipment, keyed `<storeHash>:<zohoShipmentId>`: inserting it is the claim that
 * makes its BigCommerce shipment exactly-once. `intent` is written just before a shipment is
 * posted, so that a retry after a crash looks in BigCommerce before posting again.
 * `leaseOwner`/`leaseUntil` keep one worker on a shipment at a time; `recheck` tells the holder
 * a newer event arrived while it worked.
 */
const shipmentSyncSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    zohoShipmentId: { type: String, required: true },
    status: { type: String, enum: SHIPMENT_SYNC_STATUSES, required: true },
    note: { type: String },
    salesorderId: { type: String },
    /** The BigCommerce order (absent for a sales order the app did not create). */
    orderId: { type: Number },
    /** What Zoho said at the last read: a change of any of these is worth a look. */
    zoho: {
      shipmentNumber: { type: String },
      salesorderNumber: { type: String },
      status: { type: String },
      trackingNumber: { type: String },
      deliveryMethod: { type: String },
    },
    /** What was last written to BigCommerce. */
    bigcommerce: {
      shipments: { type: [bcShipmentSchema], default: undefined },
      trackingNumber: { type: String },
      shippingProvider: { type: String },
      trackingCarrier: { type: String },
    },
    intent: { at: { type: Date }, trackingNumber: { type: String } },
    lastError: { message: String, at: Date },
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    recheck: { type: Boolean, default: false },
    claimedAt: { type: Date, required: true },
    syncedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
shipmentSyncSchema.index({ storeHash: 1, orderId: 1 });

export const shipmentSyncId = (storeHash: string, zohoShipmentId: string) => `${storeHash}:${zohoShipmentId}`;
export type ShipmentSyncDoc = InferSchemaType<typeof shipmentSyncSchema> & { _id: string; createdAt: Date; updatedAt: Date };
export const ShipmentSync = model('ShipmentSync', shipmentSyncSchema, 'shipmentSyncs');

/**
 * Where the fulfilment poll reads from, per store: packages shipped on or after `shippedSince`
 * (a Zoho date, YYYY-MM-DD, in the organization's time zone).
 */
const fulfilmentCursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    shippedSince: { type: String, required: true },
    updatedAt: { type: Date },
  },
  { versionKey: false },
);

export const FulfilmentCursor = model('FulfilmentCursor', fulfilmentCursorSchema, 'fulfilmentCursors');
