import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import { DailyBudget, DEFAULT_BUDGET_OPTIONS, type BudgetOptions } from './budget.js';
import { OrgCallLimiter } from './limiter.js';
import { PaceShare, paceShareOptionsFor, type PaceShareOptions } from './paceShare.js';
import { concurrencyFor, DAILY_CALLS_BY_PLAN, PER_MINUTE_CALLS, type ZohoPlan } from './plans.js';
import { DEFAULT_TOKEN_OPTIONS, ZohoTokenManager, type TokenOptions } from './tokens.js';
import { StoreLru, STORE_LRU_IDLE_MS, STORE_LRU_MAX } from '../storeLru.js';

/** A store's budget while it loads, and once loaded. */
interface BudgetEntry {
  pending: Promise<DailyBudget>;
  loaded?: DailyBudget;
}

/**
 * What the Zoho side keeps per process: the shared token manager, one call limiter per
 * organization and one daily budget per store (counted against its organization's). Made once per app (its Config); tests scale
 * the limits down with configureZohoRuntime before the first call. Limiters and budgets of idle
 * organizations and stores are forgotten (bounded, least recently used first), never busy ones.
 */
export interface ZohoRuntimeOptions {
  /** Calls per organization per sliding window (Zoho: 100 per minute). */
  perInterval: number;
  intervalMs: number;
  /** Calls in flight per organization; by default the plan's (5 Free, 10 paid). */
  concurrency?: number;
  /** Pause after a 44 (per-minute limit) before the next call, and retries of one call. */
  rateLimitPauseMs: number;
  /** Pause after a 1070 (too many concurrent calls). */
  concurrencyPauseMs: number;
  maxRateLimitRetries: number;
  /** GETs that failed on the network or with 5xx are retried this often after this pause. */
  transientRetries: number;
  transientPauseMs: number;
  requestTimeoutMs: number;
  tokens: TokenOptions;
  budget: BudgetOptions;
  /** How processes learn their share of an organization's pace; by default scaled from `intervalMs`. */
  share?: PaceShareOptions;
}

export const DEFAULT_RUNTIME_OPTIONS: ZohoRuntimeOptions = {
  perInterval: PER_MINUTE_CALLS,
  intervalMs: 60_000,
  rateLimitPauseMs: 10_000,
  concurrencyPauseMs: 1_000,
  maxRateLimitRetries: 8,
  transientRetries: 2,
  transientPauseMs: 1_000,
  requestTimeoutMs: 30_000,
  tokens: DEFAULT_TOKEN_OPTIONS,
  budget: DEFAULT_BUDGET_OPTIONS,
};

export type ZohoRuntimeOverrides = Partial<Omit<ZohoRuntimeOptions, 'tokens' | 'budget'>> & {
  tokens?: Partial<TokenOptions>;
  budget?: Partial<BudgetOptions>;
};

export class ZohoRuntime {
  readonly options: ZohoRuntimeOptions;
  /** Names this process among those sharing an organization's pace. */
  readonly processId = randomUUID();
  readonly tokens: ZohoTokenManager;
  private readonly limiters = new StoreLru<string, OrgCallLimiter>({
    max: STORE_LRU_MAX,
    idleMs: STORE_LRU_IDLE_MS,
    busy: (_, limiter) => !limiter.idle,
    evicted: (_, limiter) => void limiter.leave().catch(() => undefined),
  });
  private readonly budgets = new StoreLru<string, BudgetEntry>({ max: STORE_LRU_MAX, idleMs: STORE_LRU_IDLE_MS, busy: (_, entry) => !entry.loaded?.idle });

  constructor(
    readonly ctx: AppContext,
    overrides: ZohoRuntimeOverrides = {},
  ) {
    this.options = {
      ...DEFAULT_RUNTIME_OPTIONS,
      ...overrides,
      tokens: { ...DEFAULT_RUNTIME_OPTIONS.tokens, ...overrides.tokens },
      budget: { ...DEFAULT_RUNTIME_OPTIONS.budget, ...overrides.budget },
    };
    this.tokens = new ZohoTokenManager(ctx.config, ctx.logger, this.options.tokens);
  }

  /** The limiter of an organization (a store without one yet is keyed by its hash), paced to this process's share. */
  limiterFor(key: string, plan: ZohoPlan): OrgCallLimiter {
    const concurrency = this.options.concurrency ?? concurrencyFor(plan);
    let limiter = this.limiters.get(key);
    if (!limiter) {
      const created = new OrgCallLimiter({ perInterval: this.options.perInterval, intervalMs: this.options.intervalMs, concurrency });
      created.shareWith(new PaceShare(key, this.processId, this.options.share ?? paceShareOptionsFor(this.options.intervalMs), (m) => created.setMembers(m), this.ctx.logger, created));
      limiter = created;
      this.limiters.set(key, limiter);
    } else {
      limiter.setConcurrency(concurrency);
    }
    return limiter;
  }

  /** The store's budget (counted against its organization's), seeded from the database once per process. */
  async budgetFor(
    storeHash: string,
    connection: { plan?: string | null; dailyBudget?: number | null; budgetExhaustedUntil?: Date | null },
    organizationId?: string,
  ): Promise<DailyBudget> {
    const limit = connection.dailyBudget ?? DAILY_CALLS_BY_PLAN[(connection.plan as ZohoPlan | undefined) ?? 'free'] ?? DAILY_CALLS_BY_PLAN.free;
    const key = `${storeHash}\n${organizationId ?? ''}`;
    let entry = this.budgets.get(key);
    if (!entry) {
      const budget = new DailyBudget(storeHash, limit, this.ctx.logger, this.options.budget, organizationId);
      const created: BudgetEntry = { pending: budget.load(connection.budgetExhaustedUntil).then(() => (created.loaded = budget)) };
      created.pending.catch(() => this.budgets.delete(key));
      this.budgets.set(key, (entry = created));
    }
    const budget = await entry.pending;
    budget.setLimit(limit);
    budget.noteExhaustedUntil(connection.budgetExhaustedUntil);
    return budget;
  }

  /** Forgets a store (disconnect, uninstall): its token, budget and limiter state. */
  forget(storeHash: string, organizationId?: string | null): void {
    this.tokens.forget(storeHash);
    for (const key of this.budgets.keys()) if (key.startsWith(`${storeHash}\n`)) this.budgets.delete(key);
    for (const key of [storeHash, organizationId]) {
      if (!key) continue;
      void this.limiters.get(key)?.leave();
      this.limiters.delete(key);
    }
  }

  /** The process stops: its calls leave every organization's share at once (others speed up now, not after the window). */
  async leaveAll(): Promise<void> {
    await Promise.allSettled(this.limiters.values().map((l) => l.leave()));
  }

  /** Writes pending usage counts (shutdown, tests). */
  async flush(): Promise<void> {
    const budgets = await Promise.allSettled(this.budgets.values().map((b) => b.pending));
    await Promise.all(budgets.map((b) => (b.status === 'fulfilled' ? b.value.flush() : undefined)));
  }
}

// Keyed by the configuration object, which every copy of an AppContext shares: a job that
// spreads the context into a new object still paces against the same limiter.
const runtimes = new WeakMap<Config, ZohoRuntime>();

/** The process's Zoho runtime for this app. */
export function zohoRuntime(ctx: AppContext): ZohoRuntime {
  let runtime = runtimes.get(ctx.config);
  if (!runtime) {
    runtime = new ZohoRuntime(ctx);
    runtimes.set(ctx.config, runtime);
  }
  return runtime;
}

/** Replaces the runtime with one of other limits (tests scale a minute down to a second). */
export function configureZohoRuntime(ctx: AppContext, overrides: ZohoRuntimeOverrides): ZohoRuntime {
  const runtime = new ZohoRuntime(ctx, overrides);
  runtimes.set(ctx.config, runtime);
  return runtime;
}
