import { ApiUsage, apiUsageId, utcDay } from '../db/models/index.js';

/**
 * Counts API calls per store, platform and UTC day in `apiUsage`. Counting is batched in memory
 * and flushed every few seconds (and at shutdown), because every write costs a full-collection
 * pass on the embedded database: a busy sync makes hundreds of calls, not hundreds of writes.
 * A crash loses at most one interval of counts, which only the usage chart reads.
 * Usable for both platforms (the Zoho client can record through the same recorder).
 */
type Platform = 'bigcommerce' | 'zoho';

interface PendingCount {
  storeHash: string;
  platform: Platform;
  day: string;
  calls: number;
  throttled: number;
}

export const USAGE_FLUSH_INTERVAL_MS = 5_000;

export class ApiUsageRecorder {
  private pending = new Map<string, PendingCount>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly flushEveryMs = USAGE_FLUSH_INTERVAL_MS) {}

  /** One call made (a retry is a call too: it spends quota). */
  record(storeHash: string, platform: Platform, outcome: { throttled?: boolean } = {}, at = new Date()): void {
    const day = utcDay(at);
    const id = apiUsageId(storeHash, platform, day);
    const entry = this.pending.get(id) ?? { storeHash, platform, day, calls: 0, throttled: 0 };
    entry.calls++;
    if (outcome.throttled) entry.throttled++;
    this.pending.set(id, entry);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.flushEveryMs).unref();
  }

  /** Writes what was counted since the last flush: one upsert per store, platform and day. */
  flush(): Promise<void> {
    // One flush at a time, so that a failed batch merged back is not written twice.
    this.flushing ??= this.writePending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Shutdown: no more timer; the last counts written. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const failed: [string, PendingCount][] = [];
    for (const [id, count] of batch) {
      try {
        await upsertCount(id, count);
      } catch {
        failed.push([id, count]);
      }
    }
    for (const [id, count] of failed) {
      const current = this.pending.get(id);
      if (current) {
        current.calls += count.calls;
        current.throttled += count.throttled;
      } else {
        this.pending.set(id, count);
      }
    }
    if (failed.length > 0) throw new Error(`could not write API usage for ${failed.length} store-day(s); kept for the next flush`);
  }
}

async function upsertCount(id: string, count: PendingCount): Promise<void> {
  const update = {
    $inc: { calls: count.calls, throttled: count.throttled },
    $setOnInsert: { storeHash: count.storeHash, platform: count.platform, day: count.day },
  };
  try {
    await ApiUsage.updateOne({ _id: id }, update, { upsert: true });
  } catch (error) {
    // Two processes upserting the day's first count: the loser's insert collides; the row exists now.
    if ((error as { code?: number }).code !== 11000) throw error;
    await ApiUsage.updateOne({ _id: id }, { $inc: update.$inc });
  }
}

/** The process's recorder: clients record into it; the entry point stops it at shutdown. */
export const apiUsage = new ApiUsageRecorder();
