import { randomUUID } from 'node:crypto';
import { StockWriter } from '../../db/models/index.js';
import { claimLease, type Lease, type LeaseKind } from '../lease.js';

/**
 * One writer per store: a flush (and its two-way corrections) or the scheduled run's writing
 * phase holds the store's stock-writer lease while it writes, so that levels read at different
 * times never overwrite each other and a correction is never posted twice.
 */
export const stockWriterOptions = { leaseMs: 60_000, pollMs: 1_000 };

const STOCK_WRITER_LEASE: LeaseKind = {
  name: 'stock writer',
  model: StockWriter,
  ownerField: 'owner',
  untilField: 'until',
  leaseMs: () => stockWriterOptions.leaseMs,
};

export type StockWriterKind = 'flush' | 'twoway' | 'run';

/** The store's writer lease, kept alive, when free; undefined while another writer holds it. */
export async function takeStockWriter(storeHash: string, kind: StockWriterKind, runId?: string): Promise<Lease | undefined> {
  const since = new Date();
  const lease = await claimLease(STOCK_WRITER_LEASE, storeHash, randomUUID(), { kind, since, ...(runId ? { runId } : {}) });
  if (!lease) return undefined;
  await lease.write({ $set: { kind, since, ...(runId ? { runId } : {}) }, ...(runId ? {} : { $unset: { runId: 1 } }) });
  return lease.keepAlive();
}

/** Waits for the writer lease (the scheduled run does), calling `whileWaiting` between looks. */
export async function waitForStockWriter(storeHash: string, kind: StockWriterKind, runId: string | undefined, whileWaiting: () => Promise<void>): Promise<Lease> {
  for (;;) {
    const lease = await takeStockWriter(storeHash, kind, runId);
    if (lease) return lease;
    await whileWaiting();
    await new Promise((resolve) => setTimeout(resolve, stockWriterOptions.pollMs));
  }
}

/** Who writes the store's stock now, for the panel. */
export async function currentStockWriter(storeHash: string): Promise<{ kind: StockWriterKind; runId?: string; since: Date } | null> {
  const doc = await StockWriter.findOne({ _id: storeHash, owner: { $exists: true }, until: { $gt: new Date() } }).lean();
  if (!doc?.kind || !doc.since) return null;
  return { kind: doc.kind as StockWriterKind, ...(doc.runId ? { runId: doc.runId } : {}), since: doc.since };
}
