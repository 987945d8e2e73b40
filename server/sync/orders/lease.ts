import { OrderSync, orderSyncId, type OrderSyncDoc } from '../../db/models/index.js';
import { orderProcessing } from './options.js';

/**
 * One worker per order at a time. The first worker inserts the order's document (the claim
 * of the order: a unique _id, so concurrent deliveries race on it and one wins); later ones
 * take the lease by compare-and-set when it is free or lapsed. A worker that finds the order
 * busy sets `recheck`, and the holder looks at the order once more before letting go, so
 * that an event arriving mid-work is never lost.
 */
const FREE = new Date(0);

export async function claimOrder(storeHash: string, orderId: number, owner: string): Promise<OrderSyncDoc | undefined> {
  const _id = orderSyncId(storeHash, orderId);
  const now = new Date();
  const until = new Date(now.getTime() + orderProcessing.leaseMs);
  try {
    await OrderSync.create({ _id, storeHash, orderId, status: 'waiting', step: 'new', claimedAt: now, leaseOwner: owner, leaseUntil: until, recheck: false });
    return (await OrderSync.findById(_id).lean<OrderSyncDoc>()) ?? undefined;
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  if (await takeLease(_id, owner)) return (await OrderSync.findById(_id).lean<OrderSyncDoc>()) ?? undefined;
  // Busy: ask the holder to look again; it may have let go in between, so try once more.
  await OrderSync.updateOne({ _id, leaseUntil: { $gte: now } }, { $set: { recheck: true } });
  if (await takeLease(_id, owner)) return (await OrderSync.findById(_id).lean<OrderSyncDoc>()) ?? undefined;
  return undefined;
}

async function takeLease(_id: string, owner: string): Promise<boolean> {
  const now = new Date();
  const taken = await OrderSync.updateOne(
    { _id, leaseUntil: { $lt: now } },
    { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + orderProcessing.leaseMs), recheck: false } },
  );
  return taken.modifiedCount === 1;
}

/** Extends the lease; false when it is no longer ours (it lapsed and another worker took it). */
export async function renewLease(_id: string, owner: string): Promise<boolean> {
  const renewed = await OrderSync.updateOne({ _id, leaseOwner: owner }, { $set: { leaseUntil: new Date(Date.now() + orderProcessing.leaseMs) } });
  return renewed.matchedCount === 1;
}

/**
 * Lets go of the order, unless another event came meanwhile: then the lease is kept and
 * `recheck` is answered, and the caller processes the order once more.
 */
export async function releaseOrder(_id: string, owner: string): Promise<'released' | 'recheck' | 'lost'> {
  const released = await OrderSync.updateOne({ _id, leaseOwner: owner, recheck: { $ne: true } }, { $set: { leaseUntil: FREE }, $unset: { leaseOwner: 1 } });
  if (released.modifiedCount === 1) return 'released';
  const again = await OrderSync.updateOne(
    { _id, leaseOwner: owner, recheck: true },
    { $set: { recheck: false, leaseUntil: new Date(Date.now() + orderProcessing.leaseMs) } },
  );
  return again.modifiedCount === 1 ? 'recheck' : 'lost';
}
