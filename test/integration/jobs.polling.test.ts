import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgenda, type AppAgenda } from '../../server/jobs/agenda.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * A worker's polls for due jobs never overlap: Agenda 6 polls on a plain interval, so a database
 * slower than the interval (the embedded one under load) used to pile polls up until the
 * driver's pool was exhausted and job touches and lease renewals waited behind them (the chaos
 * benchmark's stall at 100 orders). The database is made slow here by delaying each poll's
 * round of queries, the way a loaded server delays them.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let agenda: AppAgenda | undefined;
beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => {
  await agenda?.stop();
  await db?.close();
});

/** Agenda's query that finds and locks the next due job of a name (one per job, in turn, within a poll). */
interface PollingInternals {
  findAndLockNextJob(name: string, definition: unknown): Promise<unknown>;
}

describe('job polling', () => {
  it('starts no poll while the last one is still waiting on the database, and still runs due jobs', async () => {
    agenda = createAgenda(mongoose.connection.db!, { name: 'polling-test', processEvery: 50 });
    const ran: string[] = [];
    agenda.define<{ n: string }>('polling.test', async (job) => {
      ran.push(job.attrs.data.n);
    });
    await agenda.ready;
    await agenda.start();
    // The scan Agenda starts inside start() is its own; let it end before the database slows.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const processor = (agenda as unknown as { jobProcessor: PollingInternals }).jobProcessor;
    const findAndLock = processor.findAndLockNextJob.bind(processor);
    let inFlight = 0;
    let peak = 0;
    processor.findAndLockNextJob = async (name, definition) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return await findAndLock(name, definition);
      } finally {
        inFlight--;
      }
    };
    await agenda.now('polling.test', { n: 'a' });
    await agenda.now('polling.test', { n: 'b' });
    const deadline = Date.now() + 10_000;
    while (ran.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(ran.sort()).toEqual(['a', 'b']);
    // Within a poll a name's queries go one at a time; eight intervals fit in one slow query, so
    // without the guard eight polls would be waiting on the database at once.
    expect(peak).toBe(1);
  });
});
