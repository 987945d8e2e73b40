import type { AppContext } from '../context.js';
import { ContactClaim, OrderSync, RunRecord, StockOrderMove, Store, StoreSettings, SyncRun, WebhookReceipt } from '../db/models/index.js';
import { getSettings } from '../settings/service.js';
import { defaultSettings } from '../settings/schema.js';
import { expiredRuns, expiredStoreRuns, oldReceipts, recordsOfRuns, settledOrderMoves, storesKeepingOtherHistory, uninstalledStores } from '../db/hotQueries.js';

/** Each delete holds its collection on the embedded database: prune in small chunks. */
const CHUNK = 300;
const RECEIPT_DAYS = 30;
/**
 * Two-way stock's ledger rows (StockOrderMove) of orders settled this long ago. A row does two
 * things: while its order holds units Zoho has not moved (not invoiced yet) it counts them as
 * pending, and it remembers whether the order held stock when last read, so that a later change
 * (a cancellation, a reinstatement) is told apart from the first sight of an order. So a row that
 * still counts pending units is never pruned, however old. One that holds nothing or whose units
 * Zoho has moved matters only if its order changes status again; BigCommerce lets a merchant do
 * that at any time, so "never" cannot be proven, but an order untouched for 90 days is past the
 * return and cancellation windows stores offer, and every level the app wrote since already
 * counts its movement. Should one still change, the ledger sees it as a new order: at worst one
 * correction for its units reaches Zoho, with its reason, in Activity.
 */
const ORDER_MOVE_DAYS = 90;
const DAY_MS = 86_400_000;

async function deleteInChunks(ids: string[], remove: (chunk: string[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await remove(ids.slice(i, i + CHUNK));
}

/**
 * The daily `maintenance.prune` job: runs (and their per-record outcomes) older than each store's
 * `history.keepRunsDays`, webhook receipts older than 30 days, and stock ledger rows of orders
 * settled 90 days ago (ORDER_MOVE_DAYS says why they no longer matter). No TTL indexes (FerretDB 1.24
 * has none), so this is how history stays bounded.
 */
export async function pruneHistory(ctx: AppContext, now = new Date()): Promise<{ runs: number; receipts: number; orderMoves: number }> {
  // Only what is due is read: the few stores that keep history for other than the default time,
  // the runs older than the default, and each shorter-keeping store's own older runs.
  const fallback = defaultSettings().history.keepRunsDays;
  const keepDays = new Map<string, number>();
  for (const doc of await StoreSettings.find(storesKeepingOtherHistory.filter(fallback), { values: 1 }).lean()) {
    const days = (doc.values as { history?: { keepRunsDays?: number } })?.history?.keepRunsDays;
    if (typeof days === 'number') keepDays.set(doc._id, days);
  }
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const expired = (await SyncRun.find(expiredRuns.filter(before(fallback)), { storeHash: 1, queuedAt: 1 }).lean())
    .filter((run) => run.queuedAt < before(Math.max(fallback, keepDays.get(run.storeHash) ?? fallback)))
    .map((run) => run._id);
  for (const [storeHash, days] of keepDays) {
    if (days >= fallback) continue;
    for (const run of await SyncRun.find(expiredStoreRuns.filter(storeHash, before(days)), { _id: 1, queuedAt: 1 }).lean()) {
      if (run.queuedAt >= before(fallback)) expired.push(run._id);
    }
  }
  await deleteInChunks(expired, async (chunk) => {
    await RunRecord.deleteMany(recordsOfRuns.filter(chunk));
    await SyncRun.deleteMany({ _id: { $in: chunk } });
  });
  const receipts = (await WebhookReceipt.find(oldReceipts.filter(new Date(now.getTime() - RECEIPT_DAYS * DAY_MS)), { _id: 1 }).lean()).map((r) => r._id);
  await deleteInChunks(receipts, (chunk) => WebhookReceipt.deleteMany({ _id: { $in: chunk } }));
  const orderMoves = (await StockOrderMove.find(settledOrderMoves.filter(new Date(now.getTime() - ORDER_MOVE_DAYS * DAY_MS)), { _id: 1 }).lean()).map((m) => m._id);
  await deleteInChunks(orderMoves, (chunk) => StockOrderMove.deleteMany({ _id: { $in: chunk } }));
  ctx.logger.info({ runs: expired.length, receipts: receipts.length, orderMoves: orderMoves.length }, 'history pruned');
  return { runs: expired.length, receipts: receipts.length, orderMoves: orderMoves.length };
}

/**
 * Customers' personal data (names, e-mails; addresses are never stored) is erased once a store
 * has been uninstalled for `history.keepPersonalDataDays`, leaving ids and amounts for the
 * history. Part of the daily `maintenance.prune` job; done once per uninstall.
 */
export async function erasePersonalData(ctx: AppContext, now = new Date()): Promise<string[]> {
  const stores = await Store.find(uninstalledStores.filter(), { uninstalledAt: 1, personalDataErasedAt: 1 }).lean();
  const erased: string[] = [];
  for (const store of stores) {
    if (!store.uninstalledAt || (store.personalDataErasedAt && store.personalDataErasedAt >= store.uninstalledAt)) continue;
    const { keepPersonalDataDays } = (await getSettings(store._id)).history;
    if (now.getTime() - store.uninstalledAt.getTime() < keepPersonalDataDays * DAY_MS) continue;
    await OrderSync.updateMany({ storeHash: store._id }, { $unset: { email: 1, customerName: 1 } });
    await ContactClaim.deleteMany({ storeHash: store._id });
    await RunRecord.updateMany({ storeHash: store._id, entity: { $in: ['order', 'contact'] } }, { $unset: { name: 1 } });
    await Store.updateOne({ _id: store._id }, { $set: { personalDataErasedAt: now } });
    erased.push(store._id);
  }
  if (erased.length) ctx.logger.info({ stores: erased }, 'personal data erased after uninstall');
  return erased;
}
