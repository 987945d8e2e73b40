import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { JobQueue } from '../context.js';

/**
 * Agenda on the app's own database (mongoose's connection, built after it has connected:
 * Agenda's constructor does not catch connection errors).
 *
 * A job held by a crashed process is taken over once its lock lapses, so the lock lifetime is
 * one minute (not Agenda's ten); long jobs call job.touch(). One-off jobs are removed when done
 * because every query on the embedded database reads the whole collection.
 */
export const JOB_LOCK_LIFETIME_MS = 60_000;

export interface AgendaOptions {
  name?: string;
  processEvery?: number;
  /** Tests shorten it to see a killed worker's job taken over in seconds. */
  lockLifetimeMs?: number;
}

export function createAgenda(db: Db, options: AgendaOptions = {}): Agenda {
  return new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'jobs' }),
    name: options.name ?? `${process.pid}`,
    processEvery: options.processEvery ?? 2_000,
    defaultLockLifetime: options.lockLifetimeMs ?? JOB_LOCK_LIFETIME_MS,
    defaultConcurrency: 5,
    maxConcurrency: 20,
    removeOnComplete: true,
  });
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
