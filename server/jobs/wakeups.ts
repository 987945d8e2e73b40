import { BaseNotificationChannel, type JobId, type JobNotification } from 'agenda';
import type { Collection, Db } from 'mongodb';

export const WAKEUPS_COLLECTION = 'jobwakeups';
/** How often a worker looks for wake-ups: the most a web process's job waits before a worker sees it. */
export const WAKEUP_POLL_MS = 250;
/** A job due later than this is left to the workers' regular poll. */
const DUE_NOW_MS = 1_000;

interface WakeupDoc {
  /** The job name. */
  _id: string;
  /** Counts the jobs queued under that name: a worker that sees it change looks for them. */
  seq: number;
}

/**
 * Agenda's notification channel across processes, through the database: a job queued in one
 * process (the web process's order and stock jobs, which would wait for a worker's poll, every
 * five seconds) bumps a counter per job name; every worker reads those few counters four times
 * a second and looks for jobs of each name whose counter moved, each name on its own. The
 * process that queued the job is told at once as well, as Agenda's in-memory channel would.
 *
 * No change streams: the embedded database (FerretDB) has none, and Agenda's own cross-process
 * channels need Redis or PostgreSQL's LISTEN. A lost wake-up costs nothing but time: the
 * regular poll still finds the job.
 */
export class DatabaseWakeups extends BaseNotificationChannel {
  private readonly wakeups: Collection<WakeupDoc>;
  private timer: NodeJS.Timeout | undefined;
  private seen: Map<string, number> | undefined;
  private polling: Promise<void> | undefined;
  /** Names being looked for now → whether their counter moved again meanwhile. */
  private readonly waking = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    db: Db,
    private readonly pollMs = WAKEUP_POLL_MS,
  ) {
    super({ channelName: WAKEUPS_COLLECTION });
    this.wakeups = db.collection<WakeupDoc>(WAKEUPS_COLLECTION);
  }

  async connect(): Promise<void> {
    this.setState('connected');
    this.startPolling();
  }

  async disconnect(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await Promise.all([...this.waking.values()].map((w) => w.done));
    this.handlers.clear();
    this.setState('disconnected');
  }

  /** Only a process that runs jobs (it subscribes) reads the counters; the web process only bumps them. */
  override subscribe(handler: (notification: JobNotification) => void | Promise<void>): () => void {
    const unsubscribe = super.subscribe(handler);
    this.startPolling();
    return unsubscribe;
  }

  async publish(notification: JobNotification): Promise<void> {
    if (this._state !== 'connected') throw new Error('Cannot publish: the wake-up channel is not connected');
    if (notification.nextRunAt && notification.nextRunAt.getTime() > Date.now() + DUE_NOW_MS) return;
    await this.notifyHandlers(notification);
    await this.wakeups.updateOne({ _id: notification.jobName }, { $inc: { seq: 1 } }, { upsert: true });
  }

  private startPolling(): void {
    if (this.timer || this._state !== 'connected' || this.handlers.size === 0) return;
    this.timer = setInterval(() => {
      this.polling ??= this.poll()
        .catch((error: unknown) => void this.emit('error', error))
        .finally(() => (this.polling = undefined));
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    const counters = await this.wakeups.find({}).toArray();
    const before = this.seen;
    this.seen = new Map(counters.map((c) => [c._id, c.seq]));
    // The first read wakes every name once: a job queued after the worker's start-up scan and
    // before this read would otherwise wait for the regular poll.
    for (const { _id: jobName, seq } of counters) if (before?.get(jobName) !== seq) this.wake(jobName);
  }

  /**
   * Tells the handlers (Agenda looks for that name's due jobs) without waiting: a name with a
   * backlog to lock would otherwise hold up the other names' wake-ups and the next read of the
   * counters. A name moved again while it is looked for is looked for once more afterwards.
   */
  private wake(jobName: string): void {
    const current = this.waking.get(jobName);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false, done: Promise.resolve() };
    this.waking.set(jobName, state);
    state.done = this.lookFor(jobName, state);
  }

  private async lookFor(jobName: string, state: { again: boolean }): Promise<void> {
    try {
      do {
        state.again = false;
        await this.notifyHandlers({ jobId: jobName as JobId, jobName, nextRunAt: null, priority: 0, timestamp: new Date() });
      } while (state.again);
    } catch (error) {
      this.emit('error', error);
    } finally {
      this.waking.delete(jobName); // in the same turn as the last look at `again`: no wake-up slips between
    }
  }
}
