import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Schedule, SyncRun } from '../../server/db/models/index.js';
import { saveSettings } from '../../server/settings/service.js';
import { syncStoreSchedules } from '../../server/sync/scheduler.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { connectZohoStore } from './zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { WorkerProcesses, until } from '../support/workerProcesses.js';

/**
 * Two worker processes on one database: every due schedule starts one run, and no flow of the
 * store ever has two runs at once (our own lock, not only Agenda's).
 */
const STORE = 'twoworkers';
let h: TestHarness;
let workers: WorkerProcesses;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  workers = new WorkerProcesses(h);
  const store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  seedBigCommerce(h.bigcommerce.state, store);
  seedZoho(h.zoho!.state);
  await connectZohoStore(h, STORE, { organization: { id: ZOHO_DEMO.organizationId, email: ZOHO_DEMO.userEmail } });
  // Settings confirmed: the catalog flows are scheduled too.
  await saveSettings(STORE, {});
  await syncStoreSchedules(STORE);
}, 120_000);

afterAll(async () => {
  workers?.killAll();
  await h?.close();
});

describe('two workers, one database', () => {
  it('start each due scheduled run once', async () => {
    // Everything the store schedules is due now; both workers tick as they start.
    await Schedule.updateMany({ storeHash: STORE }, { $set: { nextRunAt: new Date(Date.now() - 1_000) } });
    const tasks = (await Schedule.find({ storeHash: STORE }).lean()).map((s) => s.task).filter((t) => t !== 'reconcile');
    await Promise.all([workers.start(), workers.start()]);

    const finished = async () => (await SyncRun.countDocuments({ storeHash: STORE, status: { $nin: ['queued', 'running'] } })) >= tasks.length;
    await until(finished, 90_000, 'the scheduled runs to finish');
    // Give a second, late tick every chance to start something twice.
    await new Promise((r) => setTimeout(r, 3_000));

    const runs = await SyncRun.find({ storeHash: STORE }).lean();
    expect(runs.every((r) => r.trigger === 'schedule' || r.trigger === 'reconcile')).toBe(true);
    // Every due schedule started its flow, and no trigger started a flow twice. The reconciliation
    // (due too) asks for the flows it compares: it joins a run still queued, while one already
    // finished (a worker starts the runs a tick queues at once) runs again; which of the two
    // triggers a joined run carries depends on the order the tick read them.
    expect([...new Set(runs.map((r) => r.flow))].sort()).toEqual([...tasks].sort());
    for (const trigger of ['schedule', 'reconcile']) {
      const flows = runs.filter((r) => r.trigger === trigger).map((r) => r.flow);
      expect(flows.length).toBe(new Set(flows).size);
    }
    const next = await Schedule.find({ storeHash: STORE }).lean();
    expect(next.every((s) => s.nextRunAt.getTime() > Date.now())).toBe(true);
  }, 150_000);
});
