import { randomUUID } from 'node:crypto';
import { RunRecord, SyncRun, type SyncRunDoc } from '../db/models/index.js';

/** What a flow did to one record; `unchanged` is only counted, never stored. */
export type RecordOperation = 'create' | 'adopt' | 'update' | 'show' | 'hide' | 'unchanged' | 'skip' | 'conflict' | 'fail';

export interface RecordOutcome {
  entity: string;
  operation: RecordOperation;
  zohoId?: string;
  bigcommerceId?: string;
  sku?: string;
  name?: string;
  reason?: string;
}

export type RunCounts = { created: number; updated: number; hidden: number; unchanged: number; skipped: number; failed: number };

/** Which count an operation adds to. */
export const countOf: Record<RecordOperation, keyof RunCounts> = {
  create: 'created',
  adopt: 'updated',
  update: 'updated',
  show: 'updated',
  hide: 'hidden',
  unchanged: 'unchanged',
  skip: 'skipped',
  conflict: 'failed',
  fail: 'failed',
};

/** The stored result of an operation. */
export const resultOf = (operation: RecordOperation) =>
  operation === 'skip' ? 'skipped' : operation === 'conflict' ? 'conflict' : operation === 'fail' ? 'failed' : 'ok';

const RECORD_BATCH = 200;
const PROGRESS_EVERY_MS = 1_000;

/**
 * Collects a run's counts and per-record outcomes and writes them in batches (one insertMany per
 * 200 records, progress at most once a second): every write costs on the embedded database.
 */
export class RunReporter {
  readonly counts: RunCounts;
  readonly apiCalls = { bigcommerce: 0, zoho: 0 };
  private pending: RecordOutcome[] = [];
  private progress: { done: number; total?: number } = { done: 0 };
  private lastProgressWrite = 0;

  /**
   * `incremental`: several workers add to one run (the hourly webhook run), so counts are
   * added with $inc instead of set.
   */
  constructor(
    private readonly run: Pick<SyncRunDoc, '_id' | 'storeHash'> & { counts?: Partial<RunCounts> },
    private readonly options: { incremental?: boolean } = {},
  ) {
    const c = options.incremental ? {} : (run.counts ?? {});
    this.counts = {
      created: c.created ?? 0,
      updated: c.updated ?? 0,
      hidden: c.hidden ?? 0,
      unchanged: c.unchanged ?? 0,
      skipped: c.skipped ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async record(outcome: RecordOutcome): Promise<void> {
    this.counts[countOf[outcome.operation]]++;
    if (outcome.operation !== 'unchanged') this.pending.push(outcome);
    if (this.pending.length >= RECORD_BATCH) await this.flushRecords();
  }

  addApiCalls(platform: 'bigcommerce' | 'zoho', calls: number): void {
    this.apiCalls[platform] += calls;
  }

  async setProgress(done: number, total?: number): Promise<void> {
    this.progress = { done, total };
    if (Date.now() - this.lastProgressWrite >= PROGRESS_EVERY_MS) await this.save();
  }

  /** Saves where a killed run resumes, with everything recorded so far (so nothing is counted twice). */
  async checkpoint(value: unknown): Promise<void> {
    await this.save({ checkpoint: value });
  }

  async save(extra: Record<string, unknown> = {}): Promise<void> {
    await this.flushRecords();
    this.lastProgressWrite = Date.now();
    const calls = { 'apiCalls.bigcommerce': this.takeCalls('bigcommerce'), 'apiCalls.zoho': this.takeCalls('zoho') };
    if (this.options.incremental) {
      const added = Object.fromEntries(Object.entries(this.counts).map(([k, v]) => [`counts.${k}`, v]));
      for (const key of Object.keys(this.counts) as (keyof RunCounts)[]) this.counts[key] = 0;
      await SyncRun.updateOne({ _id: this.run._id }, { $set: extra, $inc: { ...added, ...calls } });
      return;
    }
    await SyncRun.updateOne({ _id: this.run._id }, { $set: { counts: this.counts, progress: this.progress, ...extra }, $inc: calls });
  }

  /** Failures recorded since the last save (incremental runs judge each batch of work by it). */
  get failedSoFar(): number {
    return this.counts.failed;
  }

  private takeCalls(platform: 'bigcommerce' | 'zoho'): number {
    const n = this.apiCalls[platform];
    this.apiCalls[platform] = 0;
    return n;
  }

  private async flushRecords(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0);
    const at = new Date();
    await RunRecord.insertMany(
      batch.map((o) => ({ _id: randomUUID(), runId: this.run._id, storeHash: this.run.storeHash, ...o, result: resultOf(o.operation), at })),
      { ordered: false },
    );
  }
}
