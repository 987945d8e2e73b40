import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrderSync } from '../../server/db/models/index.js';
import { claimLease, leaseOptions, LeaseLost, takeLease, type LeaseKind } from '../../server/sync/lease.js';
import { runShutdownReleases } from '../../server/shutdown.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * The one lease module, on the real database: taken by compare-and-set, renewed by heartbeat,
 * every write fenced, a margin for clocks that differ, a failed renewal stops the work.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let leaseMs = 400;
const KIND: LeaseKind = { name: 'order', model: OrderSync, ownerField: 'leaseOwner', untilField: 'leaseUntil', recheckField: 'recheck', leaseMs: () => leaseMs };
let n = 0;
const newOrder = () => {
  n++;
  return { _id: `leasestore:${n}`, doc: { storeHash: 'leasestore', orderId: n, status: 'waiting', step: 'new', claimedAt: new Date() } };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(() => db?.close());
afterEach(() => {
  leaseMs = 400;
});

describe('the lease module', () => {
  it('five workers claiming one unit at once: exactly one holds it', async () => {
    const { _id, doc } = newOrder();
    const leases = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => claimLease(KIND, _id, owner, doc)));
    expect(leases.filter(Boolean)).toHaveLength(1);
  });

  it('a holder whose lease lapsed and was taken over writes nothing: its write throws LeaseLost', async () => {
    const { _id, doc } = newOrder();
    const first = (await claimLease(KIND, _id, 'first', doc))!;
    await OrderSync.updateOne({ _id }, { $set: { leaseUntil: new Date(Date.now() - leaseOptions.clockSkewMs - 1) } });
    const second = await takeLease(KIND, _id, 'second');
    expect(second).toBeDefined();
    await expect(first.write({ $set: { status: 'done' } })).rejects.toBeInstanceOf(LeaseLost);
    await expect(first.check()).rejects.toBeInstanceOf(LeaseLost);
    expect((await OrderSync.findById(_id).lean())?.status).toBe('waiting');
    await second!.write({ $set: { status: 'done' } });
    expect((await OrderSync.findById(_id).lean())?.status).toBe('done');
  });

  it('is not taken while it lapsed by less than the clock margin, and is once past it', async () => {
    const { _id, doc } = newOrder();
    await claimLease(KIND, _id, 'holder', doc);
    await OrderSync.updateOne({ _id }, { $set: { leaseUntil: new Date(Date.now() - leaseOptions.clockSkewMs / 2) } });
    expect(await takeLease(KIND, _id, 'taker')).toBeUndefined();
    await OrderSync.updateOne({ _id }, { $set: { leaseUntil: new Date(Date.now() - leaseOptions.clockSkewMs - 1) } });
    expect(await takeLease(KIND, _id, 'taker')).toBeDefined();
  });

  it('a kept-alive lease outlives its length; without the heartbeat another worker takes it', async () => {
    leaseMs = 150;
    const kept = newOrder();
    const holder = (await claimLease(KIND, kept._id, 'holder', kept.doc))!.keepAlive();
    const left = newOrder();
    await claimLease(KIND, left._id, 'holder', left.doc);
    await sleep(leaseMs * 3 + leaseOptions.clockSkewMs);
    expect(await takeLease(KIND, kept._id, 'taker')).toBeUndefined();
    expect(await takeLease(KIND, left._id, 'taker')).toBeDefined();
    await holder.check();
    expect(await holder.release()).toBe('released');
  });

  it('a shutdown lets go of every lease still held: another worker takes it at once, and the old holder writes nothing', async () => {
    leaseMs = 60_000;
    const { _id, doc } = newOrder();
    const holder = (await claimLease(KIND, _id, 'stopping', doc))!.keepAlive();
    expect(await takeLease(KIND, _id, 'next')).toBeUndefined();
    expect(await runShutdownReleases()).toBeGreaterThanOrEqual(1);
    expect(await takeLease(KIND, _id, 'next')).toBeDefined();
    await expect(holder.write({ $set: { status: 'done' } })).rejects.toBeInstanceOf(LeaseLost);
  });

  it('a failed renewal marks the lease lost: the next check and write refuse', async () => {
    const { _id, doc } = newOrder();
    const lease = (await claimLease(KIND, _id, 'holder', doc))!;
    await OrderSync.updateOne({ _id }, { $set: { leaseOwner: 'someone-else' } });
    expect(await lease.renew()).toBe(false);
    expect(lease.isLost).toBe(true);
    await expect(lease.check()).rejects.toBeInstanceOf(LeaseLost);
    await expect(lease.write({ $set: { status: 'done' } })).rejects.toBeInstanceOf(LeaseLost);
  });

  it('a check close to the end of the lease renews it first (a create is never sent on a lease about to lapse)', async () => {
    leaseMs = 300;
    const { _id, doc } = newOrder();
    const lease = (await claimLease(KIND, _id, 'holder', doc))!;
    const before = (await OrderSync.findById(_id).lean())!.leaseUntil!.getTime();
    await sleep(leaseMs - leaseOptions.clockSkewMs / 2);
    await lease.check();
    expect((await OrderSync.findById(_id).lean())!.leaseUntil!.getTime()).toBeGreaterThan(before);
  });

  it('a worker that finds it busy asks the holder to look again; the holder keeps it for one more pass', async () => {
    const { _id, doc } = newOrder();
    const holder = (await claimLease(KIND, _id, 'holder', doc))!;
    expect(await claimLease(KIND, _id, 'other', doc)).toBeUndefined();
    expect(await holder.release()).toBe('recheck');
    expect(await holder.release()).toBe('released');
    expect(await claimLease(KIND, _id, 'other', doc)).toBeDefined();
  });
});
