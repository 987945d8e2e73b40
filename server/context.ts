import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** What the app's jobs must offer the web side (Agenda behind it; see jobs/queue.ts). */
export interface JobQueue {
  /** Queues a one-off job to run as soon as a worker is free; its data must name the store. */
  enqueue(name: string, data: { storeHash: string } & Record<string, unknown>): Promise<void>;
  /** Cancels every queued or scheduled job of one store (uninstall). */
  cancelStoreJobs(storeHash: string): Promise<number>;
}

/** Everything a service needs, built once by the entry point (or a test) and passed down. */
export interface AppContext {
  config: Config;
  logger: Logger;
  jobs: JobQueue;
}
