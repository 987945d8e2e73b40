import { benchOrderInput, startBenchSimulators } from './simulators.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import { webhookSecretFor, WEBHOOK_SECRET_HEADER } from '../../server/bigcommerce/webhookSecret.js';
import type { AppContext } from '../../server/context.js';
import { connectMongoose } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { OrderSync, ZohoConnection, orderSyncId } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { defineJobs } from '../../server/jobs/definitions.js';
import '../../server/sync/index.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import { installedStoreSession } from '../support/sessions.js';
import { connectThroughPanel } from '../support/zohoConnect.js';

/**
 * Orders flow against both simulators answering every call after 100 ms, with Zoho's real
 * limits (100 calls a minute per organization, 10 in flight): the real app listening on HTTP,
 * its real Agenda worker in the same process, webhooks POSTed by this bench as BigCommerce would.
 *
 * Latency is measured from the moment the webhook is POSTed (receipt) to the moment the
 * invoice exists in the Zoho simulator (polled every 20 ms, so ±20 ms).
 *
 * BENCH_ORDERS_MINUTE_MS scales "a minute" (Zoho's window, the app's limiter and the steady
 * rate alike, so every ratio holds); default 60,000 = real. BENCH_ORDERS_STEADY / _BURST size the runs
 * (0 skips one), BENCH_ORDERS_OUT names the JSON file.
 */
const MINUTE_MS = Number(process.env.BENCH_ORDERS_MINUTE_MS ?? 60_000);
const STEADY = Number(process.env.BENCH_ORDERS_STEADY ?? 30);
const BURST = Number(process.env.BENCH_ORDERS_BURST ?? 300);
const ZOHO_PER_MINUTE = 100;
const OUT = process.env.BENCH_ORDERS_OUT ?? 'bench-orders.json';
const STORE = 'benchorders';
const SKUS = ['BO-MUG', 'BO-TEE'] as const;

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN);
const fx = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  minuteMs: number;
  callsPerOrder: { newCustomer: number; returningCustomer: number; foreignCurrency: number };
  steady: { orders: number; perMinute: number; invoiceMs: { p50: number; p95: number; p99: number; max: number }; intakeMs: { p50: number; p99: number; max: number } };
  burst: { orders: number; invoices: number; seconds: number; zohoCallsAccepted: number; zohoCallsRejected429: number; floorSeconds: number; ratioToFloor: number; duplicateSalesOrders: number; duplicateInvoices: number; missingInvoices: number };
}

export async function benchOrders(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-bench-'));
  const db = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: 'benchorders' });
  await connectMongoose(process.env.MONGODB_URI ?? db!.uri);
  await mongoose.connection.dropDatabase();
  await connectMongoose(process.env.MONGODB_URI ?? db!.uri);

    const { bigcommerce, zoho, config } = await startBenchSimulators({ limits: { minuteWindowMs: MINUTE_MS } });
  // BigCommerce's quota raised (a Pro store): this bench measures the Zoho side, BigCommerce's pacing is the catalog bench's.
  bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
  bigcommerce.faults.set({ latencyMs: 100 });
  zoho.faults.set({ latencyMs: 100 });
  const store = bigcommerce.state.addStore(STORE, { accessToken: 'bc-token' });
  const agenda = createAgenda(mongoose.connection.db!, { name: 'bench-orders' });
  await agenda.ready;
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: agendaJobQueue(agenda) };
  if (MINUTE_MS !== 60_000) configureZohoRuntime(ctx, { intervalMs: MINUTE_MS });
  defineJobs(agenda, ctx);
  await agenda.start();

  const app = createApp(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const org = zoho.state.addOrganization({ name: 'Bench', dataCenter: 'us', plan: 'premium' });
  zoho.state.addUser({ email: 'bench@example.com', dataCenter: 'us', organizationIds: [org.id] });
  const session = await installedStoreSession(ctx, STORE);
  await connectThroughPanel(app, zoho, session, org.id, 'bench@example.com');
  // Orders placed from now on count: the connection is a minute old.
  await ZohoConnection.updateOne({ _id: STORE }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
  createItem(org, { name: 'Bench Mug', sku: SKUS[0], rate: 10 });
  createItem(org, { name: 'Bench Tee', sku: SKUS[1], rate: 30 });
  const secret = await webhookSecretFor(ctx, STORE);

  // Zoho API calls as the simulator answered them: accepted, and refused with 429.
  const zohoCalls = { accepted: 0, rejected: 0 };
  zoho.exchangeListeners.add((x) => {
    if (!x.path.includes('/inventory/v1/')) return;
    if (x.status === 429) zohoCalls.rejected++;
    else zohoCalls.accepted++;
  });

  // When each order's invoice first appeared in Zoho (by reference = the BigCommerce order id).
  const invoiceSeenAt = new Map<string, number>();
  const watcher = setInterval(() => {
    const now = performance.now();
    for (const inv of org.invoices.values()) if (!invoiceSeenAt.has(inv.reference_number)) invoiceSeenAt.set(inv.reference_number, now);
  }, 20);

  const place = (email: string, currency?: string) => {
    const input = benchOrderInput(
      email,
      [
        { name: 'Bench Mug', sku: SKUS[0], quantity: 2, price: 10 },
        { name: 'Bench Tee', sku: SKUS[1], quantity: 1, price: 30 },
      ],
      currency ? { default_currency_code: currency } : {},
    );
    return bigcommerce.state.placeOrder(store, input);
  };
  /** POSTs the order's store/order/created event to the app's intake; returns when it was sent and how long intake took. */
  const deliver = async (orderId: number) => {
    const event = store.events.find((e) => e.data.id === orderId && e.scope === 'store/order/created');
    if (!event) throw new Error(`no created event for order ${orderId}`);
    const sentAt = performance.now();
    const res = await fetch(`${appUrl}/webhooks/bigcommerce`, { method: 'POST', headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: secret }, body: JSON.stringify(event) });
    const intakeMs = performance.now() - sentAt;
    if (res.status !== 200) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
    return { sentAt, intakeMs };
  };
  const waitFor = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`bench timed out waiting for ${what}`);
      await sleep(20);
    }
  };
  const orderDone = (orderId: number) => async () => (await OrderSync.findById(orderSyncId(STORE, orderId), { status: 1 }).lean())?.status === 'done';

  try {
    // Calls per order, each order alone: a new customer, then the same customer again.
    const callsFor = async (email: string, currency?: string) => {
      const before = zohoCalls.accepted;
      const order = place(email, currency);
      await deliver(order.id);
      await waitFor(orderDone(order.id), `order ${order.id} done`, 60_000);
      return zohoCalls.accepted - before;
    };
    const newCustomer = await callsFor('first@example.com');
    const returningCustomer = await callsFor('first@example.com');
    // A new customer paying in EUR on the USD store and organization (booked converted, the default).
    store.currencyRates.set('EUR', 0.8);
    const foreignCurrency = await callsFor('euro@example.com', 'EUR');
    console.log(`Zoho calls per order: new customer ${newCustomer}, returning ${returningCustomer}, new customer in EUR ${foreignCurrency}`);

    // (a) Steady: STEADY orders, 10 a minute, each from a new customer.
    const gapMs = MINUTE_MS / 10;
    const steadyRuns: { id: number; sentAt: number; intakeMs: number }[] = [];
    for (let i = 0; i < STEADY; i++) {
      const order = place(`steady${i}@example.com`);
      steadyRuns.push({ id: order.id, ...(await deliver(order.id)) });
      if (i < STEADY - 1) await sleep(gapMs);
    }
    await waitFor(() => steadyRuns.every((r) => invoiceSeenAt.has(String(r.id))), 'steady invoices', 10 * MINUTE_MS);
    const invoiceMs = steadyRuns.map((r) => invoiceSeenAt.get(String(r.id))! - r.sentAt).sort((a, b) => a - b);
    const intakeMs = steadyRuns.map((r) => r.intakeMs).sort((a, b) => a - b);
    await waitFor(async () => (await Promise.all(steadyRuns.map((r) => orderDone(r.id)()))).every(Boolean), 'steady orders done', 10 * MINUTE_MS);
    console.log(`steady: ${STEADY} orders, invoice p50 ${fx(quantile(invoiceMs, 0.5), 0)} ms`);

    // (b) Burst: BURST orders from distinct new customers, all delivered at once.
    const burstIds = Array.from({ length: BURST }, (_, i) => place(`burst${i}@example.com`).id);
    const callsBefore = { ...zohoCalls };
    const burstStart = performance.now();
    await Promise.all(burstIds.map((id) => deliver(id)));
    const floorGuessMs = ((BURST * Math.max(newCustomer, 1)) / ZOHO_PER_MINUTE) * MINUTE_MS;
    await waitFor(() => burstIds.every((id) => invoiceSeenAt.has(String(id))), 'burst invoices', 3 * floorGuessMs + 60_000).catch((e) => console.log(String(e)));
    const lastInvoice = burstIds.length ? Math.max(...burstIds.map((id) => invoiceSeenAt.get(String(id)) ?? NaN)) : NaN;
    const seconds = (lastInvoice - burstStart) / 1000;
    // Let the burst's orders finish (payments after the invoice) so the calls used are all counted.
    await waitFor(async () => (await OrderSync.countDocuments({ storeHash: STORE, status: 'done' })) >= BURST + STEADY + 3, 'burst orders done', 3 * floorGuessMs + 60_000).catch((e) => console.log(String(e)));
    const accepted = zohoCalls.accepted - callsBefore.accepted;
    const rejected = zohoCalls.rejected - callsBefore.rejected;
    // The floor counts the calls made up to the last invoice would be fairer, but all the burst's accepted calls are what Zoho's limit paces.
    const floorSeconds = (accepted / ZOHO_PER_MINUTE) * (MINUTE_MS / 1000);

    const refs = new Set(burstIds.map(String));
    const perRef = (records: Iterable<{ reference_number: string }>) => {
      const counts = new Map<string, number>();
      for (const r of records) if (refs.has(r.reference_number)) counts.set(r.reference_number, (counts.get(r.reference_number) ?? 0) + 1);
      return counts;
    };
    const soCounts = perRef(org.salesOrders.values());
    const invCounts = perRef(org.invoices.values());
    const extra = (counts: Map<string, number>) => [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

    const figures: Figures = {
      minuteMs: MINUTE_MS,
      callsPerOrder: { newCustomer, returningCustomer, foreignCurrency },
      steady: {
        orders: STEADY,
        perMinute: 10,
        invoiceMs: { p50: quantile(invoiceMs, 0.5), p95: quantile(invoiceMs, 0.95), p99: quantile(invoiceMs, 0.99), max: invoiceMs.at(-1) ?? NaN },
        intakeMs: { p50: quantile(intakeMs, 0.5), p99: quantile(intakeMs, 0.99), max: intakeMs.at(-1) ?? NaN },
      },
      burst: {
        orders: BURST,
        invoices: invCounts.size,
        seconds,
        zohoCallsAccepted: accepted,
        zohoCallsRejected429: rejected,
        floorSeconds,
        ratioToFloor: seconds / floorSeconds,
        duplicateSalesOrders: extra(soCounts),
        duplicateInvoices: extra(invCounts),
        missingInvoices: BURST - invCounts.size,
      },
    };
    const f = figures;
    console.log(`\n"a minute" = ${MINUTE_MS / 1000} s${MINUTE_MS === 60_000 ? '' : ' (scaled)'}; both simulators answer after 100 ms; Zoho ${ZOHO_PER_MINUTE} calls/minute, 10 in flight`);
    console.log('measure\t\t\t\t\tvalue');
    console.log(`Zoho calls/order, new customer\t\t${f.callsPerOrder.newCustomer}`);
    console.log(`Zoho calls/order, returning customer\t${f.callsPerOrder.returningCustomer}`);
    console.log(`Zoho calls/order, new customer in EUR\t${f.callsPerOrder.foreignCurrency}`);
    console.log(`steady ${STEADY} @ 10/min: webhook → invoice\tp50 ${fx(f.steady.invoiceMs.p50, 0)} ms, p95 ${fx(f.steady.invoiceMs.p95, 0)} ms, p99 ${fx(f.steady.invoiceMs.p99, 0)} ms, max ${fx(f.steady.invoiceMs.max, 0)} ms`);
    console.log(`steady: intake (POST round trip)\tp50 ${fx(f.steady.intakeMs.p50, 1)} ms, p99 ${fx(f.steady.intakeMs.p99, 1)} ms, max ${fx(f.steady.intakeMs.max, 1)} ms`);
    console.log(`burst ${BURST}: last invoice after\t\t${fx(f.burst.seconds, 1)} s (floor ${fx(f.burst.floorSeconds, 1)} s for ${f.burst.zohoCallsAccepted} calls; ×${fx(f.burst.ratioToFloor, 2)})`);
    console.log(`burst: 429s from Zoho\t\t\t${f.burst.zohoCallsRejected429}`);
    console.log(`burst: invoices / duplicates\t\t${f.burst.invoices} of ${BURST}; duplicate sales orders ${f.burst.duplicateSalesOrders}, duplicate invoices ${f.burst.duplicateInvoices}`);
    writeFileSync(OUT, JSON.stringify(figures, null, 2));
    console.log(`written to ${OUT}`);
  } finally {
    clearInterval(watcher);
    await agenda.stop();
    await new Promise((r) => server.close(r));
    await bigcommerce.close();
    await zoho.close();
    await mongoose.disconnect();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
