import { exponential } from 'agenda';
import type { AppContext } from '../context.js';
import { JOB_LOCK_LIFETIME_MS, OTHER_JOBS_CONCURRENCY, type AppAgenda } from './agenda.js';
import { executeRun } from '../sync/executeRun.js';
import '../sync/index.js';
import { erasePersonalData, pruneHistory } from '../sync/prune.js';
import { RUN_JOB, type RunJobData } from '../sync/runs.js';
import { runDueSchedules } from '../sync/scheduler.js';
import { ZOHO_EVENT_JOB } from '../zoho/webhookIntake.js';
import { ENSURE_WEBHOOKS_JOB, runEnsureWebhooksJob } from '../bigcommerce/webhooks.js';
import { INVENTORY_EVENT_JOB, ORDER_EVENT_JOB, type BigCommerceEventJobData } from '../bigcommerce/webhookDelivery.js';
import { handleOrderEvent, handleOrderJob } from '../sync/orders/jobs.js';
import { ORDER_PROCESS_JOB, ORDER_RETRY_JOB, useRetryScheduler, type OrderJobData } from '../sync/orders/retryScheduler.js';
import { STOCK_FLUSH_JOB, STOCK_SWEEP_JOB, type StockFlushJobData } from '../sync/stock/coalesce.js';
import { handleBigCommerceInventoryEvent } from '../sync/stock/events.js';
import { runStockFlushJob, sweepStockFlushes } from '../sync/stock/flush.js';
import { handleZohoEvent, type ZohoEventData } from './zohoEvents.js';
import { ALERT_EMAIL_JOB, sendAlertEmails } from '../alerts/email.js';
import { RECEIPT_SWEEP_JOB, sweepStuckReceipts } from './receiptSweep.js';

export const SCHEDULER_TICK_JOB = 'scheduler.tick';
export const PRUNE_JOB = 'maintenance.prune';
/** A due run starts within this (plus the job poll, 5 s): the tick reads only due schedules, through their index. */
export const SCHEDULER_TICK_EVERY = '15 seconds';
/** How long a run of a store at its cap waits before it asks for a slot again. */
export const RUN_TURN_WAIT_MS = 10_000;

/**
 * Every job the worker runs, by name. Handlers stay thin: the work lives in server/sync.
 * AppAgenda keeps each job's lock while it runs (a touch every third of the lock lifetime).
 */
export function defineJobs(agenda: AppAgenda, ctx: AppContext, options: { lockLifetimeMs?: number } = {}): void {
  // A run renews its lease three times per lock lifetime.
  const heartbeatMs = Math.min(20_000, Math.floor((options.lockLifetimeMs ?? JOB_LOCK_LIFETIME_MS) / 3));
  // Flow runs: many slots (a run mostly waits on its store's quota), at most `perStore` of one
  // store's at once. A run of a store at its cap goes back to the queue, due a little later,
  // behind the other stores' due runs: stores take turns at the slots instead of one store's
  // backlog holding them all. The other jobs (orders, stock in real time, webhooks) keep the
  // room they had beside these slots, so flow runs never delay them.
  const { concurrency, perStore } = ctx.config.syncRuns;
  agenda.maxConcurrency(concurrency + OTHER_JOBS_CONCURRENCY);
  // Each store's runs executing on this worker.
  const running = new Map<string, number>();
  agenda.define<RunJobData>(
    RUN_JOB,
    async (job) => {
      const { storeHash, runId } = job.attrs.data;
      const mine = running.get(storeHash) ?? 0;
      if (mine >= perStore) {
        // A one-off job its handler gave a next run is kept (and unlocked), not removed.
        job.schedule(new Date(Date.now() + RUN_TURN_WAIT_MS));
        return;
      }
      running.set(storeHash, mine + 1);
      try {
        await executeRun(ctx, runId, { heartbeatMs });
      } finally {
        const left = running.get(storeHash)! - 1;
        if (left) running.set(storeHash, left);
        else running.delete(storeHash);
      }
    },
    { concurrency },
  );
  agenda.define<ZohoEventData>(
    ZOHO_EVENT_JOB,
    async (job) => {
      await handleZohoEvent(ctx, job.attrs.data);
    },
    // Zoho down or out of budget: keep trying, up to a half-hour apart, for well over 48 hours.
    { backoff: exponential({ delay: 30_000, factor: 2, maxDelay: 30 * 60_000, maxRetries: 120 }) },
  );
  // Orders: the intake's event, a retry asked from the panel, and a waiting order's scheduled retry.
  agenda.define<BigCommerceEventJobData>(ORDER_EVENT_JOB, async (job) => {
    await handleOrderEvent(ctx, job.attrs.data);
  });
  agenda.define<OrderJobData>(ORDER_PROCESS_JOB, async (job) => {
    await handleOrderJob(ctx, job.attrs.data, 'manual');
  });
  agenda.define<OrderJobData>(ORDER_RETRY_JOB, async (job) => {
    await handleOrderJob(ctx, job.attrs.data, 'retry');
  });
  useRetryScheduler(async (at, data) => {
    await agenda.schedule(at, ORDER_RETRY_JOB, data);
  });
  agenda.define<{ storeHash: string }>(
    ENSURE_WEBHOOKS_JOB,
    async (job) => {
      await runEnsureWebhooksJob(ctx, job.attrs.data);
    },
    // BigCommerce unreachable at install or load: repair the hooks a little later.
    { backoff: exponential({ delay: 60_000, factor: 2, maxDelay: 60 * 60_000, maxRetries: 12 }) },
  );
  // Stock in real time: BigCommerce stock changes (two-way), the coalesced flush, and the sweep of flushes no job took.
  agenda.define<BigCommerceEventJobData>(
    INVENTORY_EVENT_JOB,
    async (job) => {
      await handleBigCommerceInventoryEvent(ctx, job.attrs.data);
    },
    { backoff: exponential({ delay: 30_000, factor: 2, maxDelay: 30 * 60_000, maxRetries: 20 }) },
  );
  agenda.define<StockFlushJobData>(STOCK_FLUSH_JOB, async (job) => {
    await runStockFlushJob(ctx, job.attrs.data);
  });
  agenda.define(STOCK_SWEEP_JOB, async () => {
    await sweepStockFlushes(ctx);
  }, { concurrency: 1 });
  // Webhook receipts still queued five minutes on whose job was lost: queued again.
  agenda.define(RECEIPT_SWEEP_JOB, async () => {
    await sweepStuckReceipts(ctx);
  }, { concurrency: 1 });
  agenda.define(SCHEDULER_TICK_JOB, async () => {
    await runDueSchedules(ctx);
  }, { concurrency: 1 });
  agenda.define(ALERT_EMAIL_JOB, async () => {
    await sendAlertEmails(ctx, new Date());
  }, { concurrency: 1 });
  agenda.define(PRUNE_JOB, async () => {
    await pruneHistory(ctx);
    await erasePersonalData(ctx);
  }, { concurrency: 1 });
}

/** The recurring jobs; Agenda keeps one of each however many workers call this. */
export async function scheduleRecurringJobs(agenda: AppAgenda): Promise<void> {
  await agenda.every(SCHEDULER_TICK_EVERY, SCHEDULER_TICK_JOB);
  await agenda.every('1 minute', STOCK_SWEEP_JOB);
  await agenda.every('1 minute', RECEIPT_SWEEP_JOB);
  await agenda.every('5 minutes', ALERT_EMAIL_JOB);
  await agenda.every('0 4 * * *', PRUNE_JOB, undefined, { timezone: 'UTC' });
}
