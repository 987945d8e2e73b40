import { ShipmentSync, shipmentSyncId } from '../../db/models/index.js';
import { fulfilmentOptions } from './options.js';

/**
 * One worker per Zoho shipment at a time. The first worker inserts the shipment's document (a
 * unique _id: concurrent deliveries about one shipment, e.g. its package and shipment-order
 * events, race on it and one wins); later ones take the lease by compare-and-set when it is
 * free or lapsed. A worker that finds the shipment busy sets `recheck`, and the holder reads
 * the shipment once more before letting go, so an edit arriving mid-work is never lost.
 */
const FREE = new Date(0);
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

export interface ClaimInput {
  storeHash: string;
  zohoShipmentId: string;
  salesorderId: string;
  orderId: number;
}

/** True when this worker now holds the shipment. */
export async function claimShipment(input: ClaimInput, owner: string): Promise<boolean> {
  const _id = shipmentSyncId(input.storeHash, input.zohoShipmentId);
  const now = new Date();
  try {
    await ShipmentSync.create({
      _id,
      storeHash: input.storeHash,
      zohoShipmentId: input.zohoShipmentId,
      salesorderId: input.salesorderId,
      orderId: input.orderId,
      status: 'pending',
      claimedAt: now,
      leaseOwner: owner,
      leaseUntil: new Date(now.getTime() + fulfilmentOptions.leaseMs),
      recheck: false,
    });
    return true;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  if (await takeLease(_id, owner)) return true;
  // Busy: ask the holder to look again; it may have let go in between, so try once more.
  await ShipmentSync.updateOne({ _id, leaseUntil: { $gte: now } }, { $set: { recheck: true } });
  return takeLease(_id, owner);
}

async function takeLease(_id: string, owner: string): Promise<boolean> {
  const now = new Date();
  const taken = await ShipmentSync.updateOne(
    { _id, $or: [{ leaseUntil: { $lt: now } }, { leaseUntil: { $exists: false } }] },
    { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + fulfilmentOptions.leaseMs), recheck: false } },
  );
  return taken.modifiedCount === 1;
}

/** Extends the lease before a write; false when it lapsed and another worker took it. */
export async function renewShipmentLease(_id: string, owner: string): Promise<boolean> {
  const renewed = await ShipmentSync.updateOne({ _id, leaseOwner: owner }, { $set: { leaseUntil: new Date(Date.now() + fulfilmentOptions.leaseMs) } });
  return renewed.matchedCount === 1;
}

/**
 * Lets go of the shipment, unless another event came meanwhile: then the lease is kept,
 * `recheck` is answered, and the caller looks at the shipment once more.
 */
export async function releaseShipment(_id: string, owner: string): Promise<'released' | 'recheck' | 'lost'> {
  const released = await ShipmentSync.updateOne({ _id, leaseOwner: owner, recheck: { $ne: true } }, { $set: { leaseUntil: FREE }, $unset: { leaseOwner: 1 } });
  if (released.modifiedCount === 1) return 'released';
  const again = await ShipmentSync.updateOne(
    { _id, leaseOwner: owner, recheck: true },
    { $set: { recheck: false, leaseUntil: new Date(Date.now() + fulfilmentOptions.leaseMs) } },
  );
  return again.modifiedCount === 1 ? 'recheck' : 'lost';
}
