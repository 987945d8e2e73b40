import { ApiUsage, ZohoConnection, apiUsageId, utcDay } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import type { Priority } from '../sync/priority.js';
import { ZohoBudgetExhausted } from './errors.js';

/**
 * A store's daily Zoho call budget. Zoho's limit is the organization's, and several stores
 * (one merchant's storefronts) may share one organization: calls are counted per store (the
 * panel's chart) and per organization (`org:<id>`, the budget). Zoho sends no "calls left"
 * header, so the app counts its own calls in ApiUsage (one document per UTC day, shared by every process) and
 * keeps a reserve for urgent work: when what is left falls below a priority's reserve, calls
 * of that priority are refused with ZohoBudgetExhausted, which flows show as "waiting for
 * budget"; orders keep going until Zoho itself says 45.
 *
 * Increments are batched (every `flushEvery` calls or `flushMs`), and each flush reads back
 * the day's total, which is how calls made by other processes are seen.
 */
export interface BudgetOptions {
  /** Share of the daily budget each priority must leave untouched. */
  reserve: Record<Priority, number>;
  flushEvery: number;
  flushMs: number;
}

export const DEFAULT_BUDGET_OPTIONS: BudgetOptions = {
  reserve: { realtime: 0, reconcile: 0.1, scheduled: 0.25 },
  flushEvery: 20,
  flushMs: 2_000,
};

/** The usage key of an organization's day (beside the stores' own: `org:<id>`). */
export const orgUsageKey = (organizationId: string) => `org:${organizationId}`;

const nextUtcMidnight = (now: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

export class DailyBudget {
  private day = utcDay();
  /** The day's total as last read from the database (every process's calls). */
  private counted = 0;
  private pendingCalls = 0;
  private pendingThrottled = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private exhaustedUntil = 0;

  constructor(
    private readonly storeHash: string,
    /** Calls per UTC day (plan, learned or configured). */
    private limit: number,
    private readonly logger: Logger,
    private readonly options: BudgetOptions = DEFAULT_BUDGET_OPTIONS,
    /** The Zoho organization whose limit this is; none yet (connecting): the store's own count. */
    readonly organizationId?: string,
  ) {}

  /** The usage document the budget is counted in: the organization's, shared by its stores. */
  private get poolKey(): string {
    return this.organizationId ? orgUsageKey(this.organizationId) : this.storeHash;
  }

  /** Seeds from the database: today's count and a 45 another process already met. */
  async load(exhaustedUntil?: Date | null): Promise<void> {
    this.rollDay();
    const [own, pool] = await Promise.all([
      ApiUsage.findById(apiUsageId(this.storeHash, 'zoho', this.day)).lean(),
      this.organizationId ? ApiUsage.findById(apiUsageId(this.poolKey, 'zoho', this.day)).lean() : undefined,
    ]);
    // A store counted before its organization was (an upgrade, a first connect): the larger is true.
    this.counted = Math.max(own?.calls ?? 0, pool?.calls ?? 0);
    this.noteExhaustedUntil(exhaustedUntil);
  }

  /** A 45 met by another process (read from the connection document). */
  noteExhaustedUntil(at: Date | null | undefined): void {
    this.exhaustedUntil = Math.max(this.exhaustedUntil, at?.getTime() ?? 0);
  }

  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Calls spent today as far as this process knows. */
  get used(): number {
    this.rollDay();
    return this.counted + this.pendingCalls;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Throws ZohoBudgetExhausted when a call of this priority must not be made now. */
  check(priority: Priority): void {
    const now = Date.now();
    if (now < this.exhaustedUntil) {
      throw new ZohoBudgetExhausted('Zoho’s daily API limit for this organization is reached; work resumes tomorrow.', this.exhaustedUntil, true);
    }
    const keep = Math.ceil(this.limit * this.options.reserve[priority]);
    if (this.remaining <= keep) {
      throw new ZohoBudgetExhausted(
        `Today’s Zoho API budget is nearly spent (${this.used} of ${this.limit}); the rest is kept for orders and stock. Waiting for tomorrow.`,
        nextUtcMidnight(now),
        false,
      );
    }
  }

  /** One call Zoho answered (counted by Zoho), or one it refused with 429 (not counted). */
  record(kind: 'call' | 'throttled'): void {
    this.rollDay();
    if (kind === 'call') this.pendingCalls++;
    else this.pendingThrottled++;
    if (this.pendingCalls + this.pendingThrottled >= this.options.flushEvery) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /**
   * Zoho said 45: nothing more today. What we counted is what the plan really allows (or what
   * is left after other apps on the same organization), so a lower figure becomes the budget.
   */
  async exhausted(): Promise<ZohoBudgetExhausted> {
    await this.flush();
    const until = nextUtcMidnight(Date.now());
    this.exhaustedUntil = until;
    const learned = this.used > 0 && this.used < this.limit ? this.used : undefined;
    if (learned) this.limit = learned;
    // Every store on the organization has met it, not only this one.
    await ZohoConnection.updateMany(
      this.organizationId ? { organizationId: this.organizationId } : { _id: this.storeHash },
      {
        $set: {
          budgetExhaustedUntil: new Date(until),
          ...(learned ? { dailyBudget: learned, budgetSource: 'learned' } : {}),
          lastError: { code: 45, message: 'Zoho’s daily API limit was reached.', at: new Date() },
        },
      },
    );
    this.logger.warn({ storeHash: this.storeHash, used: this.used, learned }, 'zoho daily limit reached');
    return new ZohoBudgetExhausted('Zoho’s daily API limit for this organization is reached; work resumes tomorrow.', until, true);
  }

  /** Every count written: forgetting it loses nothing (the next one loads the day's total). */
  get idle(): boolean {
    return this.pendingCalls + this.pendingThrottled === 0 && !this.flushing;
  }

  /** Writes the pending counts and reads back the day's total. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.pendingCalls + this.pendingThrottled > 0 ? this.flush() : undefined));
    clearTimeout(this.timer);
    this.timer = undefined;
    const calls = this.pendingCalls;
    const throttled = this.pendingThrottled;
    if (calls === 0 && throttled === 0) return Promise.resolve();
    const day = this.day;
    this.flushing = (async () => {
      try {
        const count = (key: string) =>
          ApiUsage.findOneAndUpdate(
            { _id: apiUsageId(key, 'zoho', day) },
            { $inc: { calls, throttled }, $setOnInsert: { storeHash: key, platform: 'zoho', day } },
            { upsert: true, returnDocument: 'after' },
          ).lean();
        const own = await count(this.storeHash);
        const doc = this.organizationId ? await count(this.poolKey) : own;
        // Only now are they part of `counted`: until then `used` counts them as pending.
        if (day === this.day) {
          this.pendingCalls -= calls;
          this.pendingThrottled -= throttled;
          // The organization's count includes this store's, unless the store counted before it had one.
          this.counted = Math.max(doc?.calls ?? 0, own?.calls ?? 0, this.counted);
        }
      } catch (error) {
        this.logger.warn({ err: error, storeHash: this.storeHash }, 'zoho usage not saved; will retry');
        if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.flushMs).unref();
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private rollDay(): void {
    const today = utcDay();
    if (today === this.day) return;
    // Pending calls of yesterday are lost to the count: harmless, the new day starts at zero.
    this.day = today;
    this.counted = 0;
    this.pendingCalls = 0;
    this.pendingThrottled = 0;
  }
}
