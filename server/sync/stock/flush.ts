import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import type { AppContext } from '../../context.js';
import { Link, StockDirty, StockFlush, StockState, type StockDirtyDoc } from '../../db/models/index.js';
import { getSettings } from '../../settings/service.js';
import type { Settings } from '../../settings/schema.js';
import { ZOHO_PAGE_SIZE, zohoClientFor } from '../../zoho/client.js';
import { ZohoAuthError, ZohoBudgetExhausted } from '../../zoho/errors.js';
import { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { withWebhookRun } from '../webhookRun.js';
import { ensureFlush, type StockFlushJobData } from './coalesce.js';
import { writeFromZoho } from './fromZoho.js';
import { stockRealtime } from './options.js';
import { readAllZohoStock, readZohoItemDetails, withLocations } from './read.js';
import { resolveRecordItems, type RecordRef } from './records.js';
import { pushBigCommerceChanges } from './twoWay.js';
import { takeStockWriter } from './writer.js';
import type { Lease } from '../lease.js';
import { dueStockFlushes } from '../../db/hotQueries.js';

/**
 * The real-time flush: everything marked since the last one, in one go, inside the store's
 * hourly webhook run. BigCommerce corrections first (two-way), then Zoho's changes: the items
 * named by events and those moved by the records named (read in batches through
 * `GET /itemdetails`, or the whole list when that costs fewer calls), one BigCommerce batch.
 */
export interface FlushReport {
  runId: string;
  records: number;
  zohoItemsRead: number;
  written: number;
  /** How the changed items were found. */
  read: 'none' | 'details' | 'all';
  /** From the earliest event of the flush to its end. */
  oldestEventMs: number;
}

type Claim = { claimedAt: Date; windowMs?: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `stock.flush` job: waits out the window of its claim, then flushes. While events keep
 * coming (a claim made during its flush), it flushes the store's next claim too once that
 * window closes, for up to `chainMs`: the next claim's own job, queued by a web process, reaches
 * a worker through the wake-ups (a quarter second) or its poll (5 s), and may then wait for one
 * of the worker's flush slots. That job then finds its claim taken.
 */
export async function runStockFlushJob(ctx: AppContext, data: StockFlushJobData, touch: () => Promise<void> = async () => {}): Promise<FlushReport | undefined> {
  let claim: ClaimDoc | null = await StockFlush.findById(data.storeHash).lean();
  if (!claim || claim.claimedAt.getTime() !== Date.parse(data.claimedAt)) return undefined;
  const chainEnds = Date.now() + stockRealtime.chainMs;
  let report: FlushReport | undefined;
  for (; claim; claim = Date.now() < chainEnds ? await nextClaim(data.storeHash) : null) {
    for (let wait = claim.dueAt.getTime() - Date.now(); wait > 0; wait = claim.dueAt.getTime() - Date.now()) {
      await sleep(Math.min(wait, 10_000));
      if (wait > 10_000) await touch();
    }
    try {
      report = (await flushStock(ctx, data.storeHash, claim)) ?? report;
    } catch (error) {
      // Already taken care of: the records were marked again and a later flush claimed (a failed
      // Agenda job would only stay behind in the jobs collection, which every query reads).
      ctx.logger.warn({ err: error, storeHash: data.storeHash }, 'stock flush failed; it will be tried again');
      return undefined;
    }
  }
  return report;
}

type ClaimDoc = Claim & { dueAt: Date; windowMs: number };

/** The store's next claim, made within one base window (a burst goes on); none past that, or one whose window is the sweep's to wait. */
async function nextClaim(storeHash: string): Promise<ClaimDoc | null> {
  for (const until = Date.now() + stockRealtime.baseWindowMs; ; await sleep(stockRealtime.lookEveryMs)) {
    const claim = await StockFlush.findById(storeHash).lean();
    if (claim) return claim.windowMs > stockRealtime.maxInJobWaitMs ? null : claim;
    if (Date.now() >= until) return null;
  }
}

/** The `stock.flush.sweep` job: claims past due that no job took (long windows, lost jobs); only due claims are read (an index on `dueAt`). */
export async function sweepStockFlushes(ctx: AppContext, now = new Date()): Promise<number> {
  let flushed = 0;
  for (const claim of await StockFlush.find(dueStockFlushes.filter(now)).lean()) {
    const grace = claim.windowMs > stockRealtime.maxInJobWaitMs ? 0 : stockRealtime.sweepGraceMs;
    if (claim.dueAt.getTime() + grace > now.getTime()) continue;
    try {
      // The sweep does not wait for a busy writer: the claim comes back later.
      if (await flushStock(ctx, claim._id, claim, { waitForWriterMs: 0 })) flushed++;
    } catch (error) {
      ctx.logger.warn({ err: error, storeHash: claim._id }, 'stock flush failed');
    }
  }
  return flushed;
}

/**
 * Takes the store's writer lease, then the claim (deleting it: only one taker wins), then the
 * marked records (deleted before anything is read, so an event marked meanwhile is either read
 * now or claims the next flush), and processes them. On failure the records are marked again and
 * a later flush claimed.
 */
export async function flushStock(ctx: AppContext, storeHash: string, claim?: Claim, options: { waitForWriterMs?: number } = {}): Promise<FlushReport | undefined> {
  const settings = await getSettings(storeHash);
  // One writer per store. A flush that finds another writing (the flush before it, still at work
  // when this window closed) waits for it, its claim still in place so that the events meanwhile
  // join it; a writer held longer than a job should wait (the scheduled run), or a flush without
  // a claim, leaves it for later: its records stay marked, nothing is read. Coming back after the
  // failure delay (30 s) instead held every event of a busy store that long.
  const kind = settings.stock.method === 'twoway' ? 'twoway' : 'flush';
  const claimed = claim && { _id: storeHash, claimedAt: claim.claimedAt };
  const writer = await takeStockWriterWithin(storeHash, kind, claimed ? (options.waitForWriterMs ?? stockRealtime.maxInJobWaitMs) : 0, async () => Boolean(claimed && (await StockFlush.exists(claimed))));
  if (!writer) {
    if (claimed && (await StockFlush.deleteOne(claimed)).deletedCount !== 1) return undefined;
    await ensureFlush(ctx, storeHash, { delayMs: stockRealtime.retryDelayMs }).catch(() => undefined);
    return undefined;
  }
  try {
    if (claimed && (await StockFlush.deleteOne(claimed)).deletedCount !== 1) return undefined;
    return await flushHoldingWriter(ctx, storeHash, settings, writer);
  } finally {
    await writer.release().catch(() => undefined);
  }
}

/** The writer lease, looked for every `lookEveryMs` for up to `waitMs` while still wanted; undefined if another writer kept it. */
async function takeStockWriterWithin(storeHash: string, kind: 'flush' | 'twoway', waitMs: number, wanted: () => Promise<boolean>): Promise<Lease | undefined> {
  for (const until = Date.now() + waitMs; ; await sleep(stockRealtime.lookEveryMs)) {
    const writer = await takeStockWriter(storeHash, kind);
    if (writer || Date.now() >= until || !(await wanted())) return writer;
  }
}

async function flushHoldingWriter(ctx: AppContext, storeHash: string, settings: Settings, writer: Lease): Promise<FlushReport | undefined> {
  const dirty = await StockDirty.find({ storeHash }).lean();
  if (dirty.length === 0) return undefined;
  await StockDirty.deleteMany({ _id: { $in: dirty.map((d) => d._id) } });

  if (!settings.stock.enabled || settings.stock.method === 'scheduled') return undefined;
  let report: Omit<FlushReport, 'runId'> | undefined;
  try {
    const runId = await withWebhookRun(storeHash, 'stock', async (reporter) => {
      report = await processDirty(ctx, storeHash, settings, dirty, reporter, writer);
    });
    await StockState.updateOne({ _id: storeHash }, { $set: { lastFlushAt: new Date() } }, { upsert: true });
    const done = { runId, ...report! };
    ctx.logger.info({ storeHash, ...done }, 'stock flushed');
    return done;
  } catch (error) {
    if (error instanceof ZohoAuthError) throw error; // nothing to retry until the merchant reconnects
    await remark(dirty);
    const delayMs = error instanceof ZohoBudgetExhausted ? Math.max(stockRealtime.retryDelayMs, error.retryAt - Date.now()) : stockRealtime.retryDelayMs;
    await ensureFlush(ctx, storeHash, { delayMs }).catch(() => undefined);
    throw error;
  }
}

async function remark(dirty: StockDirtyDoc[]): Promise<void> {
  await StockDirty.insertMany(dirty, { ordered: false }).catch(() => undefined); // duplicates: marked again meanwhile
}

async function processDirty(ctx: AppContext, storeHash: string, settings: Settings, dirty: StockDirtyDoc[], reporter: RunReporter, writer: Lease): Promise<Omit<FlushReport, 'runId'>> {
  const zoho = await zohoClientFor(ctx, storeHash);
  const bc = await bigcommerceClientFor(ctx, storeHash);
  const oldest = Math.min(...dirty.map((d) => d.firstMarkedAt.getTime()));
  const state = await StockState.findById(storeHash, { ownAdjustmentIds: 1, window: 1 }).lean();
  const own = new Set(state?.ownAdjustmentIds ?? []);

  const itemIds = new Set(dirty.filter((d) => d.source === 'zoho' && d.kind === 'item').map((d) => d.recordId));
  const records: RecordRef[] = dirty
    .filter((d) => d.source === 'zoho' && d.kind !== 'item' && !(d.kind === 'inventory_adjustment' && own.has(d.recordId)))
    .map((d) => ({ module: d.kind, recordId: d.recordId }));
  const bcRefs = dirty.filter((d) => d.source === 'bigcommerce').map((d) => ({ kind: d.kind as 'product' | 'variant', id: Number(d.recordId) }));

  if (settings.stock.method === 'twoway' && bcRefs.length > 0) {
    await writer.check();
    await pushBigCommerceChanges({ storeHash, refs: bcRefs, settings: settings.stock, zoho, bc, reporter });
  }

  let read: FlushReport['read'] = 'none';
  let zohoItemsRead = 0;
  let written = 0;
  if (itemIds.size > 0 || records.length > 0) {
    const zohoBefore = zoho.callsMade;
    const bcBefore = bc.callCount;
    // Reading each record costs a call; past a point, the whole list (200 items a call) is cheaper.
    const linked = await Link.countDocuments({ storeHash, entity: { $in: ['product', 'variant'] } });
    const listCost = Math.max(1, Math.ceil(linked / ZOHO_PAGE_SIZE));
    const detailsCost = records.length + Math.ceil((itemIds.size + records.length) / stockRealtime.itemDetailsBatch);
    let everything = records.length > 0 && listCost <= detailsCost;
    if (!everything && records.length > 0) {
      const resolved = await resolveRecordItems(zoho, records);
      for (const id of resolved.itemIds) itemIds.add(id);
      // A record that could not be read (deleted) moved stock somewhere: read everything.
      everything = resolved.unresolved > 0;
    }
    const raw = everything ? await readAllZohoStock(zoho, Priority.realtime) : await readZohoItemDetails(zoho, [...itemIds], Priority.realtime);
    const stock = await withLocations(zoho, raw, settings.stock.locations, Priority.realtime);
    read = everything ? 'all' : 'details';
    // Items just corrected are written too: read after the adjustment, their Zoho figure may also
    // hold a receipt BigCommerce has not been told of (the correction only moved Zoho).
    const items = stock.items;
    zohoItemsRead = stock.items.length;
    await writer.check();
    const result = await writeFromZoho({
      storeHash,
      items,
      complete: everything,
      settings: settings.stock,
      bc,
      reporter,
      priority: Priority.realtime,
      heartbeat: () => writer.check(),
      recordUnchanged: !everything,
      zoho,
    });
    written = result.written;
    reporter.addApiCalls('zoho', zoho.callsMade - zohoBefore);
    reporter.addApiCalls('bigcommerce', bc.callCount - bcBefore);
  }
  if (state?.window?.message) await reporter.save({ message: state.window.message });
  return { records: dirty.length, zohoItemsRead, written, read, oldestEventMs: Date.now() - oldest };
}
