import type { Schema } from 'mongoose';
import type { Flow, RunStatus } from '../sync/flows.js';
import { AlertEmail, OrderSync, RunRecord, Schedule, StockFlush, StockOrderLines, StockOrderMove, Store, StoreSettings, SyncRun, WebhookReceipt, type OrderSyncStatus } from './models/index.js';

/**
 * The queries that run per tick, per sweep or per panel page, in one place: the code builds its
 * filter (and sort) from here, and test/unit/hotQueries.indexes.test.ts proves that an index
 * declared on the model's schema serves each of them (equality fields first, then the sort, then
 * the range: the ESR rule). The embedded database reads whole collections anyway; MongoDB would
 * scan a collection of every store's rows for a query no index serves.
 */
export interface HotQuery<A extends unknown[] = never[], F extends object = object> {
  name: string;
  model: { modelName: string; schema: Schema };
  filter: (...args: A) => F;
  sort?: Record<string, 1 | -1>;
  /**
   * Fields the index need not hold: read after the index scan, with why that scan stays small.
   * An example may name more (`examples[].residual`).
   */
  residual?: Record<string, string>;
  /** Arguments standing for every shape of filter the code sends. */
  examples: { args: A; residual?: Record<string, string> }[];
}

const hotQuery = <A extends unknown[], F extends object>(query: HotQuery<A, F>): HotQuery<A, F> => query;
const at = new Date('2026-01-01T00:00:00Z');
const UNFINISHED: RunStatus[] = ['queued', 'running'];

/** Scheduler tick (every 15 s): the schedules due now. */
export const dueSchedules = hotQuery({
  name: 'scheduler tick: due schedules',
  model: Schedule,
  filter: (now: Date) => ({ nextRunAt: { $lte: now } }),
  examples: [{ args: [at] }],
});

/** Stock flush sweep: the claims whose window has closed. */
export const dueStockFlushes = hotQuery({
  name: 'stock flush sweep: due claims',
  model: StockFlush,
  filter: (now: Date) => ({ dueAt: { $lte: now } }),
  examples: [{ args: [at] }],
});

/** Pruning: the stores whose history is kept for other than the default time (a few: most keep the default). */
export const storesKeepingOtherHistory = hotQuery({
  name: 'prune: stores with their own history length',
  model: StoreSettings,
  filter: (defaultDays: number) => ({ 'values.history.keepRunsDays': { $ne: defaultDays } }),
  examples: [{ args: [90] }],
});

/** Pruning: finished runs older than the default history (the stores keeping longer are left out after). */
export const expiredRuns = hotQuery({
  name: 'prune: expired runs',
  model: SyncRun,
  filter: (before: Date) => ({ queuedAt: { $lt: before }, status: { $nin: UNFINISHED } }),
  residual: { status: 'a run older than the history kept has long finished: nearly every row the date range reads matches' },
  examples: [{ args: [at] }],
});

/** Pruning: one store's finished runs older than its own, shorter history. */
export const expiredStoreRuns = hotQuery({
  name: "prune: a store's expired runs",
  model: SyncRun,
  filter: (storeHash: string, before: Date) => ({ storeHash, queuedAt: { $lt: before }, status: { $nin: UNFINISHED } }),
  residual: { status: 'a run older than the history kept has long finished: nearly every row the date range reads matches' },
  examples: [{ args: ['store', at] }],
});

/** Pruning: the per-record outcomes of the runs pruned. */
export const recordsOfRuns = hotQuery({
  name: 'prune: records of expired runs',
  model: RunRecord,
  filter: (runIds: string[]) => ({ runId: { $in: runIds } }),
  examples: [{ args: [['run-1', 'run-2']] }],
});

/** Pruning: webhook receipts older than 30 days. */
export const oldReceipts = hotQuery({
  name: 'prune: old webhook receipts',
  model: WebhookReceipt,
  filter: (before: Date) => ({ receivedAt: { $lt: before } }),
  examples: [{ args: [at] }],
});

/** Pruning: uninstalled stores whose personal data may be due for erasure. */
export const uninstalledStores = hotQuery({
  name: 'prune: uninstalled stores',
  model: Store,
  filter: () => ({ status: 'uninstalled' as const }),
  examples: [{ args: [] }],
});

/**
 * The orders reconciliation's due sweep: due retries, orders a dead worker claimed but never
 * recorded, and orders with an event still to look at. Each `$or` branch has its index (MongoDB
 * pushes `storeHash` into each); the union, at most the sweep's limit, is sorted in memory.
 */
export const dueOrderSyncs = hotQuery({
  name: 'orders reconciliation: due orders',
  model: OrderSync,
  filter: (storeHash: string, now: Date) => ({
    storeHash,
    leaseUntil: { $lt: now },
    $or: [{ status: 'waiting' as const, nextAttemptAt: { $lte: now } }, { status: 'waiting' as const, nextAttemptAt: { $exists: false } }, { recheck: true }],
  }),
  sort: { nextAttemptAt: 1 },
  residual: { leaseUntil: 'a lease lapses within minutes: nearly every order the branches read has none live' },
  examples: [{ args: ['store', at] }],
});

/** Webhook receipt sweep: receipts queued long ago, oldest first. */
export const stuckReceipts = hotQuery({
  name: 'webhook receipt sweep: stuck receipts',
  model: WebhookReceipt,
  filter: (queuedBefore: Date) => ({ status: 'queued' as const, queuedAt: { $lte: queuedBefore } }),
  sort: { queuedAt: 1 },
  examples: [{ args: [at] }],
});

/** Stock: orders that took stock in BigCommerce but are not in Zoho yet. */
export const ordersNotInZoho = hotQuery({
  name: 'stock: pending orders',
  model: OrderSync,
  filter: (storeHash: string, statuses: OrderSyncStatus[]) => ({ storeHash, status: { $in: statuses } }),
  examples: [{ args: ['store', ['waiting', 'held', 'failed']] }],
});

/** Stock: the order lines cached for those orders. */
export const storeOrderLines = hotQuery({
  name: 'stock: cached order lines',
  model: StockOrderLines,
  filter: (storeHash: string) => ({ storeHash }),
  examples: [{ args: ['store'] }],
});

/** Stock (two-way ledger): the store's orders that hold units Zoho has not moved yet (every flush, for the pending units). */
export const heldOrderMoves = hotQuery({
  name: 'stock: held orders not in Zoho (ledger)',
  model: StockOrderMove,
  filter: (storeHash: string) => ({ storeHash, holds: true as const, inZoho: { $ne: true } }),
  examples: [{ args: ['store'] }],
});

/** Pruning: ledger rows of orders settled long ago (server/sync/prune.ts says why they no longer matter). */
export const settledOrderMoves = hotQuery({
  name: 'prune: settled stock order moves',
  model: StockOrderMove,
  filter: (before: Date) => ({ modifiedAt: { $lt: before }, $or: [{ holds: false }, { inZoho: true }] }),
  residual: {
    holds: 'an order unchanged for months has nearly always given its units back or been invoiced: the date range reads few others',
    inZoho: 'as for holds',
  },
  examples: [{ args: [at] }],
});

/** Alerts: orders edited in BigCommerce after they were invoiced, latest first. */
export const editedOrders = hotQuery({
  name: 'alerts: edited orders',
  model: OrderSync,
  filter: (storeHash: string, since: Date) => ({ storeHash, 'edited.at': { $gte: since } }),
  sort: { 'edited.at': -1 },
  examples: [{ args: ['store', at] }],
});

/** Alerts: the store's latest webhook from a platform. */
export const latestReceipt = hotQuery({
  name: 'alerts: latest webhook receipt',
  model: WebhookReceipt,
  filter: (storeHash: string, source: 'zoho' | 'bigcommerce') => ({ storeHash, source }),
  sort: { receivedAt: -1 },
  examples: [{ args: ['store', 'zoho'] }],
});

/** Alerts: the store's webhooks from a platform that could not be read, in a recent window. */
export const unreadableReceipts = hotQuery({
  name: 'alerts: unreadable webhooks',
  model: WebhookReceipt,
  filter: (storeHash: string, source: 'zoho' | 'bigcommerce', since: Date) => ({ storeHash, source, status: 'unreadable' as const, receivedAt: { $gte: since } }),
  sort: { receivedAt: 1 },
  residual: { status: "the window (a day of one store's webhooks from one platform) bounds what the index reads" },
  examples: [{ args: ['store', 'zoho', at] }],
});

/** Alerts: the store's orders held or failed (counted by status). */
export const ordersByStatus = hotQuery({
  name: 'alerts: orders needing attention',
  model: OrderSync,
  filter: (storeHash: string, statuses: OrderSyncStatus[]) => ({ storeHash, status: { $in: statuses } }),
  examples: [{ args: ['store', ['held', 'failed']] }],
});

/** Alert e-mails: installed stores with an owner to write to. */
export const storesToAlert = hotQuery({
  name: 'alert e-mails: installed stores',
  model: Store,
  filter: () => ({ status: 'installed' as const, ownerEmail: { $exists: true } }),
  residual: { ownerEmail: 'every installed store has its owner e-mail from the install callback' },
  examples: [{ args: [] }],
});

/** Alert e-mails: a store's alerts not over yet. */
export const storeAlertEmails = hotQuery({
  name: "alert e-mails: a store's markers",
  model: AlertEmail,
  filter: (storeHash: string) => ({ storeHash }),
  examples: [{ args: ['store'] }],
});

export interface RunListQuery {
  flow?: Flow;
  status?: RunStatus;
  before?: Date;
}

/** The panel's run history, newest first. */
export const runList = hotQuery({
  name: 'panel: runs list',
  model: SyncRun,
  filter: (storeHash: string, { flow, status, before }: RunListQuery) => ({
    storeHash,
    ...(flow ? { flow } : {}),
    ...(status ? { status } : {}),
    ...(before ? { queuedAt: { $lt: before } } : {}),
  }),
  sort: { queuedAt: -1 },
  examples: [
    { args: ['store', {}] },
    { args: ['store', { before: at }] },
    { args: ['store', { flow: 'orders' }] },
    { args: ['store', { status: 'failed', before: at }] },
    { args: ['store', { flow: 'orders', status: 'failed' }], residual: { status: "read along one flow's runs of the store, newest first" } },
  ],
});

export interface OrderListFilter {
  status?: OrderSyncStatus;
  /** An order id, or part of an e-mail address. */
  q?: string;
  /** Orders with a smaller id than this. */
  before?: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The panel's order list, latest order first (server/sync/orders/queries.ts `listOrders`). */
export const orderList = hotQuery({
  name: 'panel: orders list',
  model: OrderSync,
  filter: (storeHash: string, query: OrderListFilter) => {
    const q = query.q?.trim();
    const search = !q ? {} : /^\d+$/.test(q) ? { orderId: Number(q) } : { email: { $regex: escapeRegex(q.toLowerCase()) } };
    return {
      storeHash,
      ...(query.status ? { status: query.status } : {}),
      ...search,
      ...(query.before ? { orderId: { $lt: query.before } } : {}),
    };
  },
  sort: { orderId: -1 },
  residual: { email: 'a substring search cannot use an index: read along the store’s orders, latest first, until a page is found' },
  examples: [
    { args: ['store', {}] },
    { args: ['store', { status: 'failed' }] },
    { args: ['store', { status: 'held', before: 100 }] },
    { args: ['store', { q: '123' }] },
    { args: ['store', { q: 'alice@' }] },
    { args: ['store', { before: 100 }] },
  ],
});

export const HOT_QUERIES: HotQuery<never[]>[] = [
  dueSchedules,
  dueStockFlushes,
  storesKeepingOtherHistory,
  expiredRuns,
  expiredStoreRuns,
  recordsOfRuns,
  oldReceipts,
  uninstalledStores,
  dueOrderSyncs,
  stuckReceipts,
  ordersNotInZoho,
  storeOrderLines,
  heldOrderMoves,
  settledOrderMoves,
  editedOrders,
  latestReceipt,
  unreadableReceipts,
  ordersByStatus,
  storesToAlert,
  storeAlertEmails,
  runList,
  orderList,
] as unknown as HotQuery<never[]>[];
