import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agenda } from 'agenda';
import mongoose from 'mongoose';
import request from 'supertest';
import { expect } from 'vitest';
import { createApp } from '../../server/app.js';
import type { AppContext } from '../../server/context.js';
import { SyncRun, StockDirty, StockFlush } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { defineJobs } from '../../server/jobs/definitions.js';
import { defaultSettings, type Settings } from '../../server/settings/schema.js';
import { saveSettings } from '../../server/settings/service.js';
import { executeRun } from '../../server/sync/executeRun.js';
import '../../server/sync/index.js';
import { requestRun } from '../../server/sync/runs.js';
import { createAdjustment, serializeAdjustment } from '../../sandbox/zoho/api/inventoryadjustments.js';
import type { AddStoreOptions, SimStore } from '../../sandbox/bigcommerce/state.js';
import { seedBigCommerce } from '../../sandbox/seed.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { ZOHO_DEMO, seedZoho } from '../../sandbox/zoho/seed.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * A store for the stock tests: the demo data on both simulators, Zoho connected, products synced
 * (so items are linked), and — for the real-time tests — the app listening on a port with a
 * worker of its own, so that webhooks travel over HTTP and jobs run through Agenda.
 */
export interface StockWorld {
  h: TestHarness;
  store: SimStore;
  org: ZohoOrg;
  session: string;
  /** The app's context, its jobs on the world's worker. */
  ctx: AppContext;
  /** Where the listening app is reached (webhook destinations point here). */
  url: string;
  worker: Agenda;
  close(): Promise<void>;
}

export interface StockWorldOptions {
  /** A harness the caller prepared (its limits, contracts attached); by default a fresh one. */
  harness?: TestHarness;
  /** The store's BigCommerce plan (price lists need Enterprise). */
  plan?: AddStoreOptions['plan'];
}

export async function startStockWorld(storeHash: string, options: StockWorldOptions = {}): Promise<StockWorld> {
  const h = options.harness ?? (await startTestHarness({ zoho: {} }));
  // Deliveries retry fast: a webhook refused once must not hold a test for a minute.
  h.bigcommerce.deliveries.configure({ retryDelaysMs: [50, 100, 200] });
  h.zoho!.deliveries.configure({ retryDelaysMs: [50, 100, 200] });
  const store = h.bigcommerce.state.addStore(storeHash, { accessToken: 'bc-token', ...(options.plan ? { plan: options.plan } : {}) });
  seedBigCommerce(h.bigcommerce.state, store);
  seedZoho(h.zoho!.state);
  const org = h.zoho!.state.organizations.get(ZOHO_DEMO.organizationId)!;
  const { session } = await connectZohoStore(h, storeHash, { organization: { id: org.id, email: ZOHO_DEMO.userEmail } });

  // Polling every second: faster polling floods the embedded database's `jobs` collection.
  const worker = createAgenda(mongoose.connection.db!, { name: `stock-${storeHash}`, processEvery: 1000 });
  await worker.ready;
  const ctx: AppContext = { ...h.ctx, jobs: agendaJobQueue(worker) };
  defineJobs(worker, ctx);
  const server: Server = await new Promise((resolve) => {
    const s = createApp(ctx).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    h,
    store,
    org,
    session,
    ctx,
    url,
    worker,
    async close() {
      await worker.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    },
  };
}

/** A flow run as "Sync now" starts it, executed at once. */
export async function syncNow(w: StockWorld, flow: 'products' | 'stock', options: { dryRun?: boolean } = {}) {
  const { runId } = await requestRun(w.ctx, { storeHash: w.store.hash, flow, trigger: 'manual', dryRun: options.dryRun });
  await executeRun(w.ctx, runId);
  return (await SyncRun.findById(runId).lean())!;
}

export async function updateStockSettings(w: StockWorld, stock: Partial<Settings['stock']>): Promise<Settings> {
  const settings = defaultSettings();
  return saveSettings(w.store.hash, { ...settings, stock: { ...settings.stock, ...stock } });
}

/** Zoho's workflow rules for the stock modules, delivering to the listening app as the merchant would set them up. */
export async function addZohoWorkflowRules(w: StockWorld, modules: ('item' | 'inventory_adjustment' | 'salesorder' | 'invoice')[]): Promise<void> {
  const res = await request(w.h.app).get('/api/zoho/webhook').set('authorization', `Bearer ${w.session}`);
  expect(res.status).toBe(200);
  const setup = res.body as { url: string; headers: Record<string, string>; bodies: Record<string, Record<string, string>> };
  const url = `${w.url}${new URL(setup.url).pathname}`;
  for (const module of modules) {
    w.h.zoho!.state.addWorkflowWebhook(w.org.id, { module, url, headers: setup.headers, body: setup.bodies[module]! });
  }
}

/** A stock change made in Zoho Inventory (an adjustment at a location), raising its workflow event. */
export function adjustInZoho(w: StockWorld, itemId: string, quantity: number, locationId?: string) {
  const adjustment = createAdjustment(w.org, {
    date: w.org.today(),
    reason: 'Stocktake',
    adjustment_type: 'quantity',
    ...(locationId ? { location_id: locationId } : {}),
    line_items: [{ item_id: itemId, quantity_adjusted: quantity }],
  });
  w.org.emit('inventory_adjustment', 'create', serializeAdjustment(w.org, adjustment));
  return adjustment;
}

/** Jobs queued or running (a job that failed for good stays in the collection without a next run). */
const jobsLeft = () =>
  mongoose.connection.db!.collection('jobs').countDocuments({
    name: { $in: ['zoho.event', 'bigcommerce.inventory', 'stock.flush'] },
    $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }],
  });

/**
 * Waits until every webhook was delivered, every job ran and no flush is pending: the state the
 * assertions are about, however long the machine takes to get there.
 */
export async function settle(w: StockWorld, deadlineMs = 45_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    await Promise.all([w.h.bigcommerce.deliveries.settle(), w.h.zoho!.deliveries.settle()]);
    const busy = (await jobsLeft()) + (await StockFlush.countDocuments({ _id: w.store.hash })) + (await StockDirty.countDocuments({ storeHash: w.store.hash }));
    if (busy === 0) {
      // One more look after the last job: a job's end may have started a delivery.
      await Promise.all([w.h.bigcommerce.deliveries.settle(), w.h.zoho!.deliveries.settle()]);
      if ((await jobsLeft()) === 0) return;
    }
    if (Date.now() > deadline) {
      const jobs = await mongoose.connection.db!.collection('jobs').find({}).toArray();
      const summary = jobs.map((j) => `${j.name} next=${j.nextRunAt?.toISOString?.()} locked=${j.lockedAt?.toISOString?.()} fail=${j.failReason ?? ''}`);
      throw new Error(`not settled after ${deadlineMs} ms: ${await jobsLeft()} job(s) left\n${summary.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** BigCommerce's on-hand level of a product or variant at a location, from the simulator. */
export function bcLevel(store: SimStore, target: { sku: string }, locationId = 1): number {
  const product = [...store.products.values()].find((p) => p.sku === target.sku);
  if (product) return store.stock.get(`${locationId}|product:${product.id}`) ?? 0;
  const variant = [...store.variants.values()].find((v) => v.sku === target.sku);
  if (!variant) throw new Error(`no SKU ${target.sku}`);
  return store.stock.get(`${locationId}|variant:${variant.id}`) ?? 0;
}

/** Zoho's available-for-sale figure of an item (what the default setting sells from). */
export function zohoAvailable(org: ZohoOrg, sku: string): number {
  const item = [...org.items.values()].find((i) => i.sku === sku)!;
  let available = 0;
  for (const location of org.locations.values()) {
    const c = org.stock.cell(item.item_id, location.location_id);
    available += Math.min(c.accounting - c.committedAccounting, c.physical - c.committedPhysical);
  }
  return available;
}

export const zohoItem = (org: ZohoOrg, sku: string) => [...org.items.values()].find((i) => i.sku === sku)!;

/** Absolute inventory adjustments BigCommerce served for the store. */
/** The app's stock writes: absolute levels, and (two-way, levels it wrote before) relative adjustments. */
export const bcStockWrites = (store: SimStore) => (store.calls.get('PUT /v3/inventory/adjustments/absolute') ?? 0) + (store.calls.get('POST /v3/inventory/adjustments/relative') ?? 0);
