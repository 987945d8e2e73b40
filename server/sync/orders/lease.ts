import { OrderSync, orderSyncId, type OrderSyncDoc } from '../../db/models/index.js';
import { claimLease, type Lease, type LeaseKind } from '../lease.js';
import { orderProcessing } from './options.js';

/**
 * One worker per order at a time, through the lease module: the first worker inserts the
 * order's document (a unique _id, so concurrent deliveries race on it and one wins); later ones
 * take the lease when it is free or lapsed. A worker that finds the order busy sets `recheck`,
 * and the holder looks at the order once more before letting go, so that an event arriving
 * mid-work is never lost.
 */
export const ORDER_LEASE: LeaseKind = {
  name: 'order',
  model: OrderSync,
  ownerField: 'leaseOwner',
  untilField: 'leaseUntil',
  recheckField: 'recheck',
  leaseMs: () => orderProcessing.leaseMs,
};

export async function claimOrder(storeHash: string, orderId: number, owner: string): Promise<{ lease: Lease; doc: OrderSyncDoc } | undefined> {
  const _id = orderSyncId(storeHash, orderId);
  const lease = await claimLease(ORDER_LEASE, _id, owner, { storeHash, orderId, status: 'waiting', step: 'new', claimedAt: new Date() });
  if (!lease) return undefined;
  const doc = await OrderSync.findById(_id).lean<OrderSyncDoc>();
  return doc ? { lease, doc } : undefined;
}
