import { hostname } from 'node:os';
import { Agenda, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { ObjectId, type Collection, type Db } from 'mongodb';
import type { JobQueue } from '../context.js';
import type { Logger } from '../logger.js';
import { waitAtMost } from '../shutdown.js';

/**
 * Agenda on the app's own database (mongoose's connection, built after it has connected:
 * Agenda's constructor does not catch connection errors).
 *
 * A job held by a crashed process is taken over once its lock lapses, so the lock lifetime is
 * one minute (not Agenda's ten). A running job keeps its lock by touching it (see AppAgenda),
 * so a job longer than that is never handed to a second worker while it runs. One-off jobs are
 * removed when done because every query on the embedded database reads the whole collection.
 */
export const JOB_LOCK_LIFETIME_MS = 60_000;
export const JOBS_COLLECTION = 'jobs';
/** How often a worker polls for due jobs. */
export const PROCESS_EVERY_MS = 5_000;
/** A worker's room for every job but flow runs; `defineJobs` adds the flow runs' own slots. */
export const OTHER_JOBS_CONCURRENCY = 20;

export interface AgendaOptions {
  /** Written in each job this worker locks (`lastModifiedBy`): unique per process. */
  name?: string;
  processEvery?: number;
  /** Tests shorten it to see a killed worker's job taken over in seconds. */
  lockLifetimeMs?: number;
  /** Where a failed touch or an error of Agenda's own is told. */
  logger?: Logger;
}

type JobProcessor = (job: Job) => Promise<void>;
type CallbackProcessor = (job: Job, done: (error?: Error) => void) => void;
type DefineOptions = Parameters<Agenda['define']>[2];

/** A job this process is running: its lock is touched until it ends or is released. */
interface Held {
  job: Job;
  timer: NodeJS.Timeout;
  touching: Promise<void>;
  released: boolean;
  done: Promise<void>;
}

/** What became of the jobs that were running when the worker stopped. */
export interface JobsStopped {
  /** Finished within the grace. */
  finished: number;
  /** Still running at its end: unlocked, due at once, for another worker to run. */
  released: string[];
}

const never = new Promise<never>(() => {});

/**
 * Agenda whose every job definition keeps the job's lock while it runs, and which stops
 * cleanly: `define` wraps each handler so that it touches its job every third of the lock
 * lifetime until it ends (Agenda hands a job whose lock lapsed to another worker, even while
 * the first still runs it), and `stopJobs` lets running jobs finish within a grace and
 * releases the rest.
 */
export class AppAgenda extends Agenda {
  private readonly held = new Set<Held>();
  private finished = 0;

  constructor(
    private readonly jobsCollection: Collection,
    config: ConstructorParameters<typeof Agenda>[0],
    private readonly log?: Logger,
  ) {
    super(config);
  }

  override define<DATA = unknown>(name: string, processor: (job: Job<DATA>, done: (error?: Error) => void) => void, options?: DefineOptions): void;
  override define<DATA = unknown>(name: string, processor: (job: Job<DATA>) => Promise<void>, options?: DefineOptions): void;
  override define(name: string, processor: JobProcessor | CallbackProcessor, options?: DefineOptions): void {
    const run: JobProcessor =
      processor.length >= 2
        ? (job) => new Promise<void>((resolve, reject) => (processor as CallbackProcessor)(job, (error) => (error ? reject(error) : resolve())))
        : (processor as JobProcessor);
    const lockLifetimeMs = options?.lockLifetime ?? this.attrs.defaultLockLifetime;
    super.define(name, (job: Job) => this.runHoldingLock(job, run, lockLifetimeMs), options);
  }

  /**
   * Agenda 6 polls on a plain interval without waiting for the previous poll: once the database
   * answers slower than `processEvery` (the embedded one under load does), polls pile up, each
   * a round of findAndModify per job name, until the driver's pool is exhausted and every query
   * of the process (job touches, lease renewals) waits behind them, so locks lapse and work
   * stops. A poll that finds the last one still running is skipped instead.
   */
  override async start(): Promise<void> {
    await super.start();
    const processor = (this as unknown as { jobProcessor?: { process(): Promise<void> } }).jobProcessor;
    if (!processor || (processor as { oneScanAtATime?: boolean }).oneScanAtATime) return;
    const scan = processor.process.bind(processor);
    let scanning: Promise<void> | undefined;
    processor.process = () => (scanning ??= scan().finally(() => (scanning = undefined)));
    (processor as { oneScanAtATime?: boolean }).oneScanAtATime = true;
  }

  private async runHoldingLock(job: Job, processor: JobProcessor, lockLifetimeMs: number): Promise<void> {
    let finish!: () => void;
    const held: Held = {
      job,
      released: false,
      touching: Promise.resolve(),
      done: new Promise<void>((resolve) => (finish = resolve)),
      timer: setInterval(() => {
        held.touching = job.touch().catch((error: unknown) => this.log?.warn({ err: error, job: job.attrs.name }, 'job lock not renewed'));
      }, Math.max(50, Math.floor(lockLifetimeMs / 3))),
    };
    this.held.add(held);
    try {
      await processor(job);
    } catch (error) {
      if (!held.released) throw error;
    } finally {
      clearInterval(held.timer);
      // A touch landing after Agenda records the end would lock the job again.
      await held.touching;
      this.held.delete(held);
      if (!held.released) this.finished++;
      finish();
    }
    // Released at shutdown: another worker owns the job now, so Agenda must not record this
    // run's end (it would unlock, reschedule or remove the job under the new holder).
    if (held.released) await never;
  }

  /**
   * Shutdown: stops taking jobs (and unlocks those taken but not started), waits up to
   * `graceMs` for the running ones, then releases those still running: no more touches, and
   * their lock is cleared with the job due now, so another worker takes each at once instead
   * of after its lock lapses. Whatever they still do here is fenced by their leases.
   */
  async stopJobs(graceMs: number): Promise<JobsStopped> {
    const graceEnds = Date.now() + graceMs;
    const finishedBefore = this.finished;
    await this.stop(false);
    // A job whose start was under way when the runner stopped joins the wait.
    while (this.held.size > 0 && Date.now() < graceEnds) {
      await waitAtMost(Promise.all([...this.held].map((h) => h.done)), graceEnds - Date.now());
    }

    const left = [...this.held];
    for (const h of left) {
      h.released = true;
      clearInterval(h.timer);
    }
    await Promise.all(left.map((h) => h.touching));
    const ids = left.map((h) => new ObjectId(String(h.job.attrs._id)));
    const mine = { lastModifiedBy: this.attrs.name };
    if (ids.length) await this.jobsCollection.updateMany({ _id: { $in: ids }, ...mine }, { $set: { lockedAt: null, nextRunAt: new Date() } });
    // A job locked by a poll that was under way when the worker stopped, and never started.
    await this.jobsCollection.updateMany({ ...mine, lockedAt: { $ne: null } }, { $set: { lockedAt: null } });
    return { finished: this.finished - finishedBefore, released: ids.map(String) };
  }
}

export function createAgenda(db: Db, options: AgendaOptions = {}): AppAgenda {
  const agenda = new AppAgenda(
    db.collection(JOBS_COLLECTION),
    {
      backend: new MongoBackend({ mongo: db, collection: JOBS_COLLECTION }),
      // Unique across hosts (containers all run as pid 1): shutdown releases the jobs locked under it.
      name: options.name ?? `${hostname()}-${process.pid}`,
      // A job due now wakes the workers at once (wakeups.ts): the poll only finds jobs that came
      // due later (retries, recurring jobs, runs waiting a turn), and each poll is a findAndModify
      // per job name on the same write lane as every job's lock, touch and removal.
      processEvery: options.processEvery ?? PROCESS_EVERY_MS,
      defaultLockLifetime: options.lockLifetimeMs ?? JOB_LOCK_LIFETIME_MS,
      defaultConcurrency: 5,
      maxConcurrency: OTHER_JOBS_CONCURRENCY,
      removeOnComplete: true,
    },
    options.logger,
  );
  // Agenda emits 'error' (a failed lock or poll) and an EventEmitter without a listener throws it.
  if (options.logger) agenda.on('error', (error: unknown) => options.logger!.warn({ err: error }, 'job runner error'));
  return agenda;
}

/** Every job's data names its store (`storeHash`), which is how a store's jobs are found. */
export function agendaJobQueue(agenda: Agenda): JobQueue {
  return {
    enqueue: async (name, data) => {
      await agenda.now(name, data);
    },
    cancelStoreJobs: (storeHash) => agenda.cancel({ data: { storeHash } }),
  };
}
