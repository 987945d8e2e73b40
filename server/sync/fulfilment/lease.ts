import { ShipmentSync, shipmentSyncId } from '../../db/models/index.js';
import { claimLease, type Lease, type LeaseKind } from '../lease.js';
import { fulfilmentOptions } from './options.js';

/**
 * One worker per Zoho shipment at a time, through the lease module: the first worker inserts
 * the shipment's document (a unique _id: concurrent deliveries about one shipment, e.g. its
 * package and shipment-order events, race on it and one wins); later ones take the lease when
 * it is free or lapsed. A worker that finds the shipment busy sets `recheck`, and the holder
 * reads the shipment once more before letting go, so an edit arriving mid-work is never lost.
 */
export const SHIPMENT_LEASE: LeaseKind = {
  name: 'shipment',
  model: ShipmentSync,
  ownerField: 'leaseOwner',
  untilField: 'leaseUntil',
  recheckField: 'recheck',
  leaseMs: () => fulfilmentOptions.leaseMs,
};

export interface ClaimInput {
  storeHash: string;
  zohoShipmentId: string;
  salesorderId: string;
  orderId: number;
}

/** The shipment's lease, when this worker now holds it. */
export function claimShipment(input: ClaimInput, owner: string): Promise<Lease | undefined> {
  const { storeHash, zohoShipmentId, salesorderId, orderId } = input;
  return claimLease(SHIPMENT_LEASE, shipmentSyncId(storeHash, zohoShipmentId), owner, { storeHash, zohoShipmentId, salesorderId, orderId, status: 'pending', claimedAt: new Date() });
}
