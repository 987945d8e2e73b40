import { startBenchSimulators } from './simulators.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import type { AppContext } from '../../server/context.js';
import { connectMongoose } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { SyncRun } from '../../server/db/models/index.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { createItemGroup } from '../../sandbox/zoho/api/itemgroups.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { installedStoreSession } from '../support/sessions.js';
import { connectThroughPanel } from '../support/zohoConnect.js';

/**
 * Products flow at scale, against both simulators with their real limits (BigCommerce's quota
 * raised for 10,000 items, as a Pro store or a quota increase would have it): API calls against
 * the lower bound, wall time against the rate-limit floor, peak memory, and the unchanged re-sync.
 */
interface Figures {
  items: number;
  pass: 'first sync' | 'unchanged re-sync';
  bigcommerceCalls: number;
  bigcommerceLowerBound: number;
  zohoCalls: number;
  zohoLowerBound: number;
  bigcommerceWrites: number;
  seconds: number;
  floorSeconds: number;
  peakRssMb: number;
  /** RSS before the run, with both simulators loaded: the run's own share is the difference. */
  baselineRssMb: number;
}

const ZOHO_PAGE = 200;
const zohoApiCalls = (zoho: { state: { calls: Map<string, number> } }) =>
  [...zoho.state.calls.entries()].filter(([k]) => k.includes('/inventory/v1/')).reduce((n, [, c]) => n + c, 0);

async function benchSize(items: number, quota: number, windowMs: number): Promise<Figures[]> {
    const { bigcommerce, zoho, config } = await startBenchSimulators();
  bigcommerce.rateLimit.configure({ quota, windowMs });
  const store = bigcommerce.state.addStore('bench', { accessToken: 'bc-token' });
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: { enqueue: async () => {}, cancelStoreJobs: async () => 0 } };
  const org = zoho.state.addOrganization({ name: 'Bench', dataCenter: 'us', plan: 'premium' });
  zoho.state.addUser({ email: 'bench@example.com', dataCenter: 'us', organizationIds: [org.id] });
  const session = await installedStoreSession(ctx, 'bench');
  await connectThroughPanel(createApp(ctx), zoho, session, org.id, 'bench@example.com');

  // 10 % of the items in groups of five variants.
  const grouped = Math.round(items * 0.1);
  for (let i = 0; i < items - grouped; i++) createItem(org, { name: `Item ${i}`, sku: `B-${i}`, rate: 10 + (i % 50) });
  for (let g = 0; g < grouped / 5; g++) {
    createItemGroup(org, {
      group_name: `Group ${g}`,
      unit: 'pcs',
      attribute_name1: 'Size',
      items: ['XS', 'S', 'M', 'L', 'XL'].map((size) => ({ name: `Group ${g} ${size}`, sku: `G-${g}-${size}`, rate: 20, purchase_rate: 8, attribute_option_name1: size })),
    });
  }
  const groups = grouped / 5;

  const figures: Figures[] = [];
  for (const pass of ['first sync', 'unchanged re-sync'] as const) {
    const callsBefore = store.totalCalls();
    const writesBefore = [...store.calls.entries()].filter(([k]) => !k.startsWith('GET')).reduce((n, [, c]) => n + c, 0);
    const zohoBefore = zohoApiCalls(zoho);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    const started = performance.now();
    const { runId } = await requestRun(ctx, { storeHash: 'bench', flow: 'products', trigger: 'manual' });
    await executeRun(ctx, runId);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const run = await SyncRun.findById(runId).lean();
    if (run?.status !== 'succeeded') throw new Error(`bench run ended ${run?.status}: ${run?.message}`);
    const bigcommerceCalls = store.totalCalls() - callsBefore;
    const writes = [...store.calls.entries()].filter(([k]) => !k.startsWith('GET')).reduce((n, [, c]) => n + c, 0) - writesBefore;
    const zohoCalls = zohoApiCalls(zoho) - zohoBefore;
    // Lower bounds: every Zoho list page once; BigCommerce: its read pages (first run only: adoption) + one call per new product.
    const zohoLowerBound = Math.ceil(items / ZOHO_PAGE) + Math.ceil(groups / ZOHO_PAGE);
    const creates = pass === 'first sync' ? items - grouped + groups : 0;
    const bigcommerceLowerBound = pass === 'first sync' ? 1 + creates : 0;
    const floorSeconds = Math.max((bigcommerceLowerBound / quota) * (windowMs / 1000), zohoLowerBound * 0.6);
    figures.push({ items, pass, bigcommerceCalls, bigcommerceLowerBound, zohoCalls, zohoLowerBound, bigcommerceWrites: writes, seconds, floorSeconds, peakRssMb: peak / 2 ** 20, baselineRssMb: baseline / 2 ** 20 });
  }
  await bigcommerce.close();
  await zoho.close();
  return figures;
}

export async function benchCatalog(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-bench-'));
  const db = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: 'benchcatalog' });
  await connectMongoose(process.env.MONGODB_URI ?? db!.uri);
  const sizes = (process.env.BENCH_ITEMS ?? '1000,10000').split(',').map(Number);
  const all: Figures[] = [];
  try {
    for (const items of sizes) {
      await mongoose.connection.dropDatabase();
      await connectMongoose(process.env.MONGODB_URI ?? db!.uri);
      // Standard plan quota at 1,000 items; raised (1,500 per 30 s) at 10,000 so a run takes minutes.
      const quota = items > 1000 ? 1500 : 150;
      all.push(...(await benchSize(items, quota, 30_000)));
    }
  } finally {
    await mongoose.disconnect();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('items\tpass\t\t\tBC calls (bound)\tZoho calls (bound)\tBC writes\ttime s (floor)\tRSS MB: before → peak');
  for (const f of all) {
    console.log(
      `${f.items}\t${f.pass.padEnd(18)}\t${f.bigcommerceCalls} (${f.bigcommerceLowerBound})\t\t${f.zohoCalls} (${f.zohoLowerBound})\t\t${f.bigcommerceWrites}\t\t${f.seconds.toFixed(1)} (${f.floorSeconds.toFixed(1)})\t${f.baselineRssMb.toFixed(0)} → ${f.peakRssMb.toFixed(0)}`,
    );
  }
  writeFileSync('bench-catalog.json', JSON.stringify(all, null, 2));
  console.log('written to bench-catalog.json');
}
