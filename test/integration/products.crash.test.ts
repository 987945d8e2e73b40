import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecord, SyncRun } from '../../server/db/models/index.js';
import { projectRoot } from '../../server/paths.js';
import { requestRun } from '../../server/sync/runs.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { connectZohoStore } from './zoho.helpers.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * A worker killed (SIGKILL) in the middle of a products run, and another started: the run
 * finishes with every item in BigCommerce exactly once, as an uninterrupted run would.
 */
const STORE = 'crashstore';
const ITEMS = 150;
let h: TestHarness;
let store: SimStore;
const workers: ChildProcess[] = [];

function startWorker(): Promise<ChildProcess> {
  const { config } = h.ctx;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/workerProcess.ts'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MONGODB_URI: h.dbUri,
      APP_URL: config.appUrl,
      BC_CLIENT_ID: config.bigcommerce.clientId,
      BC_CLIENT_SECRET: config.bigcommerce.clientSecret,
      BC_LOGIN_URL: config.bigcommerce.loginUrl,
      BC_API_URL: config.bigcommerce.apiUrl,
      ZOHO_CLIENT_ID: config.zoho.clientId,
      ZOHO_CLIENT_SECRET: config.zoho.clientSecret,
      ZOHO_ACCOUNTS_URL: config.zoho.accountsUrl,
      ZOHO_API_URL: config.zoho.apiUrl,
      SESSION_SECRET: config.sessionSecret,
      ENCRYPTION_KEY: config.encryptionKey.toString('base64'),
      LOG_LEVEL: 'warn',
    },
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line === 'worker ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
  store = h.bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  const { org } = await connectZohoStore(h, STORE);
  for (let i = 0; i < ITEMS; i++) createItem(org, { name: `Crash item ${i}`, sku: `CRASH-${i}`, rate: 10 + i });
  // Slow BigCommerce down so that the kill lands mid-run.
  h.bigcommerce.faults.set({ latencyMs: 60 });
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h?.close();
});

describe('a worker killed mid-run', () => {
  it('is taken over by another worker and leaves no duplicate product', async () => {
    const { runId } = await requestRun(h.ctx, { storeHash: STORE, flow: 'products', trigger: 'manual' });
    const first = await startWorker();
    const created = () => [...store.products.values()].filter((p) => p.sku.startsWith('CRASH-')).length;
    await until(() => created() >= 8, 60_000, 'the first worker to create some products');
    first.kill('SIGKILL');
    const atKill = created();
    expect(atKill).toBeLessThan(ITEMS);

    await startWorker();
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
