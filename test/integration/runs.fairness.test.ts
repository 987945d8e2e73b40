import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../server/context.js';
import { Schedule, SyncRun, scheduleId } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda, type AppAgenda } from '../../server/jobs/agenda.js';
import { defineJobs, scheduleRecurringJobs } from '../../server/jobs/definitions.js';
import type { Flow } from '../../server/sync/flows.js';
import { requestRun } from '../../server/sync/runs.js';
import { clearStoreSchedules } from '../../server/sync/scheduler.js';
import { runShutdownReleases } from '../../server/shutdown.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { until } from '../support/workerProcesses.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * Fairness between stores (issue #18): two stores whose runs crawl (their BigCommerce quota is
 * spent for the next five minutes) have more runs queued than the worker has `sync.run` slots, yet
 * a third store's scheduled run starts within 30 seconds of being due. The worker has five slots,
 * as many as before the per-store cap, so it is the cap and the turns that let the third store
 * in, not more room.
 */
const BUSY = ['fairbusya', 'fairbusyb'];
const QUIET = 'fairquiet';
/**
 * Flows whose runs cannot end without BigCommerce: with the demo data a stock or fulfilment run
 * may have nothing to send and end at once, and with even one call a window an orders run could
 * end on it, leaving fewer long runs than slots (and a test that no longer needs the cap).
 */
const FLOWS: Flow[] = ['products', 'orders', 'contacts'];
const DUE_WITHIN_MS = 30_000;

let h: TestHarness;
let worker: AppAgenda;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  seedZoho(h.zoho!.state);
  for (const storeHash of [...BUSY, QUIET]) {
    seedBigCommerce(h.bigcommerce.state, h.bigcommerce.state.addStore(storeHash, { accessToken: 'bc-token' }));
    // The busy stores have the demo catalog and orders to work through.
    await connectZohoStore(h, storeHash, BUSY.includes(storeHash) ? { organization: { id: ZOHO_DEMO.organizationId, email: ZOHO_DEMO.userEmail } } : {});
    // Only the runs the test asks for: the quiet store's one schedule is made due below.
    await clearStoreSchedules(storeHash);
  }
  for (const storeHash of BUSY) h.bigcommerce.rateLimit.configure({ quota: 0, windowMs: 300_000 }, storeHash);

  worker = createAgenda(mongoose.connection.db!, { name: 'fairness-worker', processEvery: 1_000 });
  await worker.ready;
  const ctx: AppContext = { ...h.ctx, config: { ...h.ctx.config, syncRuns: { concurrency: 5, perStore: 2 } }, jobs: agendaJobQueue(worker) };
  defineJobs(worker, ctx);
  await scheduleRecurringJobs(worker);
}, 120_000);

afterAll(async () => {
  await worker?.stopJobs(0);
  await runShutdownReleases();
  await h?.close();
});

describe('fairness between stores', () => {
  it("two stores' long runs do not stop a third store's scheduled run from starting within 30 seconds", async () => {
    for (const storeHash of BUSY) for (const flow of FLOWS) await requestRun(h.ctx, { storeHash, flow, trigger: 'manual' });
    await worker.start();
    // From here on, the most runs each busy store has running at once.
    const mostRunning = new Map<string, number>();
    const sampleBusy = async () => {
      let total = 0;
      for (const storeHash of BUSY) {
        const running = await SyncRun.countDocuments({ storeHash, status: 'running' });
        mostRunning.set(storeHash, Math.max(mostRunning.get(storeHash) ?? 0, running));
        total += running;
      }
      return total;
    };
    // The busy stores' runs hold the worker first.
    await until(async () => (await sampleBusy()) >= 4, 20_000, 'the busy stores to start running');

    const dueAt = new Date();
    await Schedule.create({ _id: scheduleId(QUIET, 'orders'), storeHash: QUIET, task: 'orders', spec: JSON.stringify({ every: '1h' }), nextRunAt: dueAt });
    const started = async () => (await SyncRun.findOne({ storeHash: QUIET, trigger: 'schedule', startedAt: { $exists: true } }).lean())?.startedAt;
    await until(async () => (await sampleBusy(), (await started()) !== undefined), DUE_WITHIN_MS + 5_000, "the quiet store's scheduled run to start");

    expect((await started())!.getTime() - dueAt.getTime()).toBeLessThan(DUE_WITHIN_MS);
    // Each busy store had its two slots, no more.
    expect(Object.fromEntries(mostRunning)).toEqual(Object.fromEntries(BUSY.map((storeHash) => [storeHash, 2])));
    // The busy stores are still at it: all six of their runs, more than the worker's five slots, were long the whole time.
    expect(await SyncRun.countDocuments({ storeHash: { $in: BUSY }, status: { $in: ['queued', 'running'] } })).toBe(BUSY.length * FLOWS.length);
  }, 120_000);
});
