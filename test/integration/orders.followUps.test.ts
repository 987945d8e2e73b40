import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrderSync, OrdersCursor, SyncRun, orderSyncId } from '../../server/db/models/index.js';
import { leaseOptions } from '../../server/sync/lease.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { useRetryScheduler, type OrderJobData } from '../../server/sync/orders/retryScheduler.js';
import { executeRun } from '../../server/sync/executeRun.js';
import { requestRun } from '../../server/sync/runs.js';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { orderState, placeOrder, startOrdersWorld, stopOrdersWorld, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * An event that finds its order held by another worker is written down (the order's `recheck`
 * flag and a follow-up job) and acted on when the holder lets go or dies, whatever the order's
 * status; and the reconciliation never moves its cursor past an order it could not look at.
 */
let world: OrdersWorld;
const scheduled: { at: Date; data: OrderJobData }[] = [];

beforeAll(async () => {
  world = await startOrdersWorld('followstore');
  useRetryScheduler(async (at, data) => {
    scheduled.push({ at, data });
  });
});
afterAll(() => stopOrdersWorld(world));
afterEach(() => {
  scheduled.length = 0;
});

const job = (orderId: number) => handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId }, 'manual');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An invoiced order whose worker died holding it (its lease stands for `ms` more), then
 * cancelled in BigCommerce: the cancellation's event finds the order busy.
 */
async function cancelWhileDeadHolderHoldsIt(email: string, ms: number) {
  const order = placeOrder(world, { email, statusId: 7 });
  expect((await job(order.id))?.status).toBe('done');
  await OrderSync.updateOne({ _id: orderSyncId(world.storeHash, order.id) }, { $set: { leaseOwner: 'dead-worker', leaseUntil: new Date(Date.now() + ms) } });
  updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(order.id)!, { status_id: 5 });
  expect((await job(order.id))?.status).toBe('busy');
  return order;
}

describe('a follow-up outlives the worker that held the order', () => {
  it('a done order cancelled while a dead worker holds it: the follow-up voids its invoice once the lease lapses', async () => {
    const order = await cancelWhileDeadHolderHoldsIt('follow-cancel@example.com', 300);
    expect((await orderState(world, order.id))?.recheck).toBe(true);
    const followUp = scheduled.find((s) => s.data.orderId === order.id);
    expect(followUp).toBeDefined();
    expect(followUp!.at.getTime()).toBeGreaterThanOrEqual(Date.now() + 300 - 50);

    await sleep(300 + leaseOptions.clockSkewMs + 50);
    expect((await handleOrderJob(world.h.ctx, followUp!.data, 'retry'))?.status).toBe('cancelled');
    const zoho = zohoRecords(world.org, order.id, 'follow-cancel@example.com');
    expect(zoho.invoices.map((i) => i.status)).toEqual(['void']);
  });

  it('the reconciliation picks up an order of any status whose holder died with an event to look at', async () => {
    const order = await cancelWhileDeadHolderHoldsIt('follow-sweep@example.com', 200);
    // The follow-up job is lost too; only the flag on the order remains.
    scheduled.length = 0;
    await sleep(200 + leaseOptions.clockSkewMs + 50);
    // The cursor is past the order already: only the sweep can find it.
    await OrdersCursor.updateOne({ _id: world.storeHash }, { $set: { modifiedSince: new Date(Date.now() + 60_000) } }, { upsert: true });
    const { runId } = await requestRun(world.h.ctx, { storeHash: world.storeHash, flow: 'orders', trigger: 'manual' });
    await executeRun(world.h.ctx, runId);
    expect((await SyncRun.findById(runId).lean())?.status).not.toBe('failed');
    expect((await orderState(world, order.id))?.status).toBe('cancelled');
    expect((await orderState(world, order.id))?.recheck).toBe(false);
  });
});

describe('the reconciliation’s cursor', () => {
  it('stops before an order another worker held during the pass, so the next pass looks at it', async () => {
    const held = placeOrder(world, { email: 'cursor-held@example.com', statusId: 7 });
    expect((await job(held.id))?.status).toBe('done');
    // Cancelled while a live worker holds it; a later order comes a second after.
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(held.id)!, { status_id: 5 });
    await OrderSync.updateOne({ _id: orderSyncId(world.storeHash, held.id) }, { $set: { leaseOwner: 'live-worker', leaseUntil: new Date(Date.now() + 60_000) } });
    await sleep(1_100);
    const later = placeOrder(world, { email: 'cursor-later@example.com', statusId: 7 });
    await OrdersCursor.updateOne({ _id: world.storeHash }, { $set: { modifiedSince: new Date(Date.now() - 30_000) } }, { upsert: true });
    const pass = async () => {
      const { runId } = await requestRun(world.h.ctx, { storeHash: world.storeHash, flow: 'orders', trigger: 'manual' });
      await executeRun(world.h.ctx, runId);
    };

    await pass();
    const cursor = (await OrdersCursor.findById(world.storeHash).lean())!.modifiedSince!;
    // BigCommerce dates have whole seconds.
    const heldModified = Math.floor(world.store.orders.get(held.id)!.dateModified / 1000) * 1000;
    expect(cursor.getTime()).toBeLessThan(heldModified);
    // The later order was looked at all the same.
    expect((await orderState(world, later.id))?.status).toBe('done');

    // The holder lets go (without having seen the cancellation); the next pass finds it.
    await OrderSync.updateOne({ _id: orderSyncId(world.storeHash, held.id) }, { $set: { leaseUntil: new Date(0), recheck: false }, $unset: { leaseOwner: 1 } });
    await pass();
    expect((await orderState(world, held.id))?.status).toBe('cancelled');
  });

  it('an order changed in the same second as the held one, and read before it, does not carry the cursor onto it', async () => {
    const sibling = placeOrder(world, { email: 'cursor-sibling@example.com', statusId: 7 });
    const held = placeOrder(world, { email: 'cursor-held-same-second@example.com', statusId: 7 });
    expect((await job(sibling.id))?.status).toBe('done');
    expect((await job(held.id))?.status).toBe('done');
    updateOrder(world.h.bigcommerce.state, world.store, world.store.orders.get(held.id)!, { status_id: 5 });
    await OrderSync.updateOne({ _id: orderSyncId(world.storeHash, held.id) }, { $set: { leaseOwner: 'live-worker', leaseUntil: new Date(Date.now() + 60_000) } });
    // Both changed within one second (BigCommerce shows whole seconds), the sibling first, so it is read first.
    const second = Math.floor(Date.now() / 1000) * 1000 - 2_000;
    world.store.orders.get(sibling.id)!.dateModified = second + 100;
    world.store.orders.get(held.id)!.dateModified = second + 600;
    await OrdersCursor.updateOne({ _id: world.storeHash }, { $set: { modifiedSince: new Date(second - 10_000) } }, { upsert: true });

    const { runId } = await requestRun(world.h.ctx, { storeHash: world.storeHash, flow: 'orders', trigger: 'manual' });
    await executeRun(world.h.ctx, runId);
    const cursor = (await OrdersCursor.findById(world.storeHash).lean())!.modifiedSince!;
    expect(cursor.getTime()).toBeLessThan(second);
    await OrderSync.updateOne({ _id: orderSyncId(world.storeHash, held.id) }, { $set: { leaseUntil: new Date(0), recheck: false }, $unset: { leaseOwner: 1 } });
  });
});
