import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecord, SyncRun } from '../../server/db/models/index.js';
import { requestRun } from '../../server/sync/runs.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { connectZohoStore } from './zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { WorkerProcesses, until } from '../support/workerProcesses.js';

/**
 * A worker killed (SIGKILL) in the middle of a products run, and another started: the run
 * finishes with every item in BigCommerce exactly once, as an uninterrupted run would.
 */
const STORE = 'crashstore';
const ITEMS = 150;
let h: TestHarness;
let store: SimStore;
let workers: WorkerProcesses;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  workers = new WorkerProcesses(h);
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  const { org } = await connectZohoStore(h, STORE);
  for (let i = 0; i < ITEMS; i++) createItem(org, { name: `Crash item ${i}`, sku: `CRASH-${i}`, rate: 10 + i });
  // Slow BigCommerce down so that the kill lands mid-run.
  h.bigcommerce.faults.set({ latencyMs: 60 });
}, 120_000);

afterAll(async () => {
  workers?.killAll();
  await h?.close();
});

describe('a worker killed mid-run', () => {
  it('is taken over by another worker and leaves no duplicate product', async () => {
    const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow: 'products', trigger: 'manual' });
    const first = await workers.start();
    const created = () => [...store.products.values()].filter((p) => p.sku.startsWith('CRASH-')).length;
    await until(() => created() >= 8, 60_000, 'the first worker to create some products');
    first.kill('SIGKILL');
    const atKill = created();
    expect(atKill).toBeLessThan(ITEMS);

    await workers.start();
    await until(async () => ['succeeded', 'partial', 'failed'].includes((await SyncRun.findById(runId).lean())?.status ?? ''), 90_000, 'the run to finish');

    const run = await SyncRun.findById(runId).lean();
    const problems = await RunRecord.find({ runId, result: { $ne: 'ok' } }).lean();
    expect(problems.map((p) => `${p.sku}: ${p.reason}`)).toEqual([]);
    expect(run?.status, String(run?.message)).toBe('succeeded');
    const skus = [...store.products.values()].map((p) => p.sku).filter((s) => s.startsWith('CRASH-'));
    expect(skus).toHaveLength(ITEMS);
    expect(new Set(skus).size).toBe(ITEMS);
  }, 180_000);
});
