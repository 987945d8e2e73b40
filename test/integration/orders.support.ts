import type { Agenda } from 'agenda';
import mongoose from 'mongoose';
import request from 'supertest';
import { webhookSecretFor, WEBHOOK_SECRET_HEADER } from '../../server/bigcommerce/webhookSecret.js';
import { OrderSync, ZohoConnection, orderSyncId } from '../../server/db/models/index.js';
import { createAgenda } from '../../server/jobs/agenda.js';
import { defineJobs } from '../../server/jobs/definitions.js';
import { configureOrderProcessing, type OrderProcessingOptions } from '../../server/sync/orders/options.js';
import { useRetryScheduler } from '../../server/sync/orders/retryScheduler.js';
import { configureZohoRuntime } from '../../server/zoho/runtime.js';
import type { OrderInput } from '../../sandbox/bigcommerce/orders.js';
import type { SimStore } from '../../sandbox/bigcommerce/state.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * The orders tests' world: the real app, both simulators over HTTP, a store connected to its
 * own Zoho organization through the real routes, Zoho's limits and the app's retry timings
 * scaled down (a minute becomes a second; retries start after 50 ms), and Zoho items for the
 * SKUs the orders use.
 */
export interface OrdersWorld {
  h: TestHarness;
  storeHash: string;
  store: SimStore;
  org: ZohoOrg;
  session: string;
  /** The store's webhook secret (what its hooks carry). */
  secret: string;
}

export const SKUS = { mug: 'ORD-MUG', tee: 'ORD-TEE-RED-M' } as const;

export const FAST_ORDERS: Partial<OrderProcessingOptions> = { retryBaseMs: 50, retryMaxMs: 200, leaseMs: 3_000, contactWaitMs: 5_000, contactPollMs: 20, reconcileConcurrency: 4 };

/** Zoho's limits scaled down (a minute becomes a second); `requestTimeoutMs` for tests that hold answers back. */
export function fastZohoRuntime(h: TestHarness, overrides: { requestTimeoutMs?: number } = {}): void {
  configureZohoRuntime(h.ctx, { perInterval: 100_000, intervalMs: 1_000, rateLimitPauseMs: 20, concurrencyPauseMs: 10, transientPauseMs: 5, transientRetries: 1, tokens: { pollMs: 10 }, budget: { flushMs: 20 }, ...overrides });
}

export async function startOrdersWorld(storeHash: string): Promise<OrdersWorld> {
  const h = await startTestHarness({ storeHash: `${storeHash}sim`, zoho: { limits: { requestsPerMinute: 100_000, minuteWindowMs: 1_000 } } });
  fastZohoRuntime(h);
  configureOrderProcessing(FAST_ORDERS);
  // A big BigCommerce quota: the client's pacing (tested on its own) would otherwise space these tests' calls out.
  h.bigcommerce.rateLimit.configure({ quota: 100_000, windowMs: 30_000 });
  const store = h.bigcommerce.state.addStore(storeHash, { accessToken: 'bc-token' });
  const { session, org } = await connectZohoStore(h, storeHash, { plan: 'professional' });
  // Orders placed from now on count; the connection is a minute old.
  await ZohoConnection.updateOne({ _id: storeHash }, { $set: { connectedAt: new Date(Date.now() - 60_000) } });
  createItem(org, { name: 'Order Mug', sku: SKUS.mug, rate: 10 });
  createItem(org, { name: 'Order Tee Red M', sku: SKUS.tee, rate: 30 });
  const secret = await webhookSecretFor(h.ctx, storeHash);
  return { h, storeHash, store, org, session, secret };
}

export async function stopOrdersWorld(world: OrdersWorld | undefined): Promise<void> {
  configureOrderProcessing();
  useRetryScheduler(undefined);
  await world?.h.close();
}

/** A worker on the test's database (Agenda polling every 250 ms) running the real job definitions. */
export async function startWorker(world: OrdersWorld): Promise<Agenda> {
  const worker = createAgenda(mongoose.connection.db!, { name: 'orders-worker', processEvery: 250 });
  await worker.ready;
  defineJobs(worker, world.h.ctx);
  await worker.start();
  return worker;
}

export interface PlaceOrderOptions {
  email?: string;
  firstName?: string;
  lastName?: string;
  statusId?: number;
  lines?: { sku: string; quantity: number; price: number; name?: string }[];
  shippingCost?: number;
  paymentMethod?: string;
  /** The transactional currency (one of the store's `currencyRates`). */
  currency?: string;
  channelId?: number;
}

/** Places an order in the simulated store as a shopper would (custom lines carrying the SKUs). */
export function placeOrder(world: OrdersWorld, options: PlaceOrderOptions = {}) {
  const email = options.email ?? 'ada@example.com';
  const billing = { first_name: options.firstName ?? 'Ada', last_name: options.lastName ?? 'Lovelace', email, street_1: '1 Analytical Way', city: 'London', zip: 'N1 1AA', country: 'United Kingdom', country_iso2: 'GB', phone: '555-0100' };
  const lines = options.lines ?? [
    { sku: SKUS.mug, quantity: 2, price: 10 },
    { sku: SKUS.tee, quantity: 1, price: 30 },
  ];
  const input: OrderInput = {
    status_id: options.statusId ?? 11,
    billing_address: billing,
    shipping_addresses: [{ ...billing, street_1: '2 Difference Road', shipping_method: 'Flat Rate', cost_ex_tax: options.shippingCost ?? 5, cost_inc_tax: options.shippingCost ?? 5 }],
    products: lines.map((l) => ({ name: l.name ?? `Item ${l.sku}`, sku: l.sku, quantity: l.quantity, price_ex_tax: l.price, price_inc_tax: l.price })),
    payment_method: options.paymentMethod ?? 'Credit Card',
    ...(options.currency ? { default_currency_code: options.currency } : {}),
    ...(options.channelId ? { channel_id: options.channelId } : {}),
  };
  return world.h.bigcommerce.state.placeOrder(world.store, input);
}

/** The events the store raised about an order (as BigCommerce would deliver them). */
export const eventsOf = (world: OrdersWorld, orderId: number) => world.store.events.filter((e) => e.data.id === orderId && e.scope.startsWith('store/order/'));

/** Delivers one event to the app's webhook intake, as BigCommerce does (with the hook's secret header). */
export async function deliver(world: OrdersWorld, event: unknown) {
  const res = await request(world.h.app).post('/webhooks/bigcommerce').set(WEBHOOK_SECRET_HEADER, world.secret).send(event as object);
  if (res.status !== 200) throw new Error(`intake answered ${res.status}: ${res.text}`);
  return res.body as { received: boolean; outcome: string };
}

/** What Zoho holds for an order: records by the order's reference, and the customer's contacts. */
export function zohoRecords(org: ZohoOrg, orderId: number, email = 'ada@example.com') {
  const reference = String(orderId);
  return {
    contacts: [...org.contacts.values()].filter((c) => c.contact_persons.some((p) => p.email.toLowerCase() === email.toLowerCase())),
    salesOrders: [...org.salesOrders.values()].filter((s) => s.reference_number === reference),
    invoices: [...org.invoices.values()].filter((i) => i.reference_number === reference),
    payments: [...org.payments.values()].filter((p) => p.reference_number === reference),
  };
}

export const orderState = (world: OrdersWorld, orderId: number) => OrderSync.findById(orderSyncId(world.storeHash, orderId)).lean();

/** Waits for a condition of the system (never for a fixed time). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
