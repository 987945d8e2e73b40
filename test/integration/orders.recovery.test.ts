import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSync, OrdersCursor, SyncRun, ZohoConnection } from '../../server/db/models/index.js';
import { defaultSettings } from '../../server/settings/schema.js';
import { saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import type { BigCommerceEventJobData } from '../../server/bigcommerce/webhookDelivery.js';
import { handleOrderEvent, handleOrderJob } from '../../server/sync/orders/jobs.js';
import { useRetryScheduler } from '../../server/sync/orders/retryScheduler.js';
import { requestRun } from '../../server/sync/runs.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import { updateOrder } from '../../sandbox/bigcommerce/orders.js';
import { deliver, eventsOf, orderState, placeOrder, startOrdersWorld, stopOrdersWorld, until, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * Never lost: orders that arrive while Zoho is down wait and are all invoiced once it is back,
 * none twice; an order whose webhook never came is found by the reconciliation; history from
 * before the connection stays out unless a backfill date asks for it.
 */
let world: OrdersWorld;

beforeAll(async () => {
  world = await startOrdersWorld('recostore');
  // No Agenda worker here: the tests run the queued jobs and the reconciliation themselves.
  useRetryScheduler((at, data) => world.h.agenda.schedule(at, 'orders.retry', data).then(() => undefined));
});
afterAll(async () => stopOrdersWorld(world));

/** The queued jobs of a name (their data), taken off the queue. */
async function takeJobs(name: string): Promise<Record<string, unknown>[]> {
  const jobs = mongoose.connection.db!.collection('jobs');
  const found = await jobs.find({ name, 'data.storeHash': world.storeHash }).toArray();
  await jobs.deleteMany({ _id: { $in: found.map((j) => j._id) } });
  return found.map((j) => j.data as Record<string, unknown>);
}

const BURST = 30;
const statuses = async (ids: number[]) => (await OrderSync.find({ storeHash: world.storeHash, orderId: { $in: ids } }, { status: 1 }).lean()).map((d) => d.status);

async function reconcile() {
  const { runId } = await requestRun(world.h.ctx, { storeHash: world.storeHash, flow: 'orders', trigger: 'reconcile' });
  await executeRun(world.h.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

describe('Zoho down during a burst', () => {
  it(`${BURST} orders arriving while Zoho answers 503 all wait, then are invoiced exactly once after it recovers`, async () => {
    world.h.zoho!.faults.set({ errorRate: 1, errorStatus: 503 });
    // Ten customers, three orders each: contacts are claimed under the outage too.
    const orders = Array.from({ length: BURST }, (_, i) => placeOrder(world, { email: `burst${i % 10}@example.com`, firstName: `Burst${i % 10}` }));
    const ids = orders.map((o) => o.id);
    await Promise.all(orders.map((o) => deliver(world, eventsOf(world, o.id)[0])));
    // This test is the worker: it runs the jobs intake queued, all at once.
    await Promise.all((await takeJobs('bigcommerce.order')).map((data) => handleOrderEvent(world.h.ctx, data as BigCommerceEventJobData)));

    expect(await statuses(ids)).toEqual(Array(BURST).fill('waiting'));
    const waiting = await orderState(world, ids[0]!);
    expect(waiting).toMatchObject({ status: 'waiting', lastError: { message: expect.stringMatching(/Zoho is unavailable/) } });
    expect(world.org.invoices.size).toBe(0);
    // Each waiting order has its retry on the job queue.
    const retries = await takeJobs('orders.retry');
    expect(new Set(retries.map((r) => r.orderId))).toEqual(new Set(ids));

    world.h.zoho!.faults.clear();
    // Even with every scheduled retry lost, the reconciliation sweeps the due ones.
    await until(async () => {
      await reconcile();
      return (await statuses(ids)).every((s) => s === 'done');
    }, 'every order done', 60_000);

    for (const [n, id] of ids.entries()) {
      const zoho = zohoRecords(world.org, id, `burst${n % 10}@example.com`);
      expect(zoho.salesOrders, `sales orders of ${id}`).toHaveLength(1);
      expect(zoho.invoices, `invoices of ${id}`).toHaveLength(1);
      expect(zoho.payments, `payments of ${id}`).toHaveLength(1);
    }
    expect(world.org.invoices.size).toBe(BURST);
    for (let c = 0; c < 10; c++) expect(zohoRecords(world.org, 0, `burst${c}@example.com`).contacts, `contacts of burst${c}`).toHaveLength(1);
    const done = await orderState(world, ids[0]!);
    expect(done).toMatchObject({ status: 'done', attempts: 0 });
    expect(done!.lastError?.message).toBeUndefined();
  }, 90_000);
});

describe('reconciliation', () => {
  it('finds an order whose webhook never came, and leaves it alone the next time', async () => {
    const lost = placeOrder(world, { email: 'lost@example.com' });
    const run = await reconcile();
    expect(run.status, run.message ?? '').toBe('succeeded');
    expect(await orderState(world, lost.id)).toMatchObject({ status: 'done', lastRunId: run._id });
    expect(zohoRecords(world.org, lost.id, 'lost@example.com').invoices).toHaveLength(1);
    expect(run.counts.created).toBe(1);
    expect((await OrdersCursor.findById(world.storeHash).lean())?.modifiedSince).toBeInstanceOf(Date);

    const zohoWrites = world.h.zoho!.state.callCount('POST ');
    const again = await reconcile();
    expect(again.counts.created).toBe(0);
    expect(world.h.zoho!.state.callCount('POST ')).toBe(zohoWrites);
  });

  it('leaves orders placed before Zoho was connected out, until a backfill date brings them in', async () => {
    const old = placeOrder(world, { email: 'history@example.com' });
    const stored = world.store.orders.get(old.id)!;
    stored.dateCreated = Date.now() - 10 * 86_400_000;
    // Shipped long after it was placed: BigCommerce lists it as modified now.
    updateOrder(world.h.bigcommerce.state, world.store, stored, { status_id: 2 });
    await reconcile();
    expect(await orderState(world, old.id)).toMatchObject({ status: 'ignored', note: expect.stringMatching(/before Zoho Inventory was connected/) });
    expect(zohoRecords(world.org, old.id, 'history@example.com').invoices).toHaveLength(0);

    const settings = defaultSettings();
    settings.orders.backfillFrom = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    await saveSettings(world.storeHash, settings);
    await reconcile();
    expect(await orderState(world, old.id)).toMatchObject({ status: 'done' });
    expect(zohoRecords(world.org, old.id, 'history@example.com').invoices).toHaveLength(1);
    await saveSettings(world.storeHash, defaultSettings());
  });
});

describe('Zoho’s daily budget spent', () => {
  it('an order waits for tomorrow’s budget (visible as waiting, not failed), and goes through when the budget is back', async () => {
    await ZohoConnection.updateOne({ _id: world.storeHash }, { $set: { budgetExhaustedUntil: new Date(Date.now() + 3_600_000) } });
    configureZohoRuntime(world.h.ctx, { perInterval: 100_000, intervalMs: 1_000, transientPauseMs: 5, tokens: { pollMs: 10 }, budget: { flushMs: 20 } });
    const order = placeOrder(world, { email: 'budget@example.com' });
    const result = await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual');
    expect(result?.status).toBe('waiting');
    const state = (await orderState(world, order.id))!;
    expect(state.lastError?.message).toMatch(/daily API limit/);
    // Not before the budget is back (an hour from now here; tomorrow in real life).
    expect(state.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);

    await ZohoConnection.updateOne({ _id: world.storeHash }, { $unset: { budgetExhaustedUntil: 1 } });
    configureZohoRuntime(world.h.ctx, { perInterval: 100_000, intervalMs: 1_000, transientPauseMs: 5, tokens: { pollMs: 10 }, budget: { flushMs: 20 } });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
  });
});
