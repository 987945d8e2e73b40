/**
 * How a waiting order's next attempt is put on the job queue. The worker installs Agenda's
 * `schedule` here (jobs/definitions.ts); without it (a web-only process), the reconciliation
 * picks due orders up instead, so an order is never dropped either way.
 */
export const ORDER_PROCESS_JOB = 'orders.process';
export const ORDER_RETRY_JOB = 'orders.retry';

export interface OrderJobData {
  storeHash: string;
  orderId: number;
  /** For a scheduled retry: the nextAttemptAt it was scheduled for (a later failure supersedes it); absent for a check after a busy order's lease. */
  at?: string;
  [key: string]: unknown;
}

export type RetryScheduler = (at: Date, data: OrderJobData) => Promise<void>;

let scheduler: RetryScheduler | undefined;

export function useRetryScheduler(next: RetryScheduler | undefined): void {
  scheduler = next;
}

export async function scheduleRetry(at: Date, data: OrderJobData): Promise<boolean> {
  if (!scheduler) return false;
  await scheduler(at, data);
  return true;
}
