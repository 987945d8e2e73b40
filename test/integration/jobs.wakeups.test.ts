import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgenda, type AppAgenda } from '../../server/jobs/agenda.js';
import { DatabaseWakeups } from '../../server/jobs/wakeups.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * A job the web process queues starts on a worker at once, not at the worker's next poll: the
 * two share no memory, so the wake-up goes through the database. The worker here polls once a
 * minute, so only the wake-up can start the job within the test's few seconds.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
const started: AppAgenda[] = [];
let webWakeups: DatabaseWakeups | undefined;
beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => {
  for (const agenda of started) await agenda.stop(false);
  await webWakeups?.disconnect();
  await db?.close();
});

describe('wake-ups across processes', () => {
  it('a job queued by a process that runs no jobs starts on a worker well before the worker polls', async () => {
    const worker = createAgenda(mongoose.connection.db!, { name: 'wakeups-worker', processEvery: 60_000 });
    worker.notifyVia(new DatabaseWakeups(mongoose.connection.db!, 50));
    const ran: { n: string; at: number }[] = [];
    worker.define<{ n: string }>('wakeups.test', async (job) => {
      ran.push({ n: job.attrs.data.n, at: Date.now() });
    });
    await worker.start();
    started.push(worker);
    // The worker's first scan (at start) and its first read of the counters are behind it.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const web = createAgenda(mongoose.connection.db!, { name: 'wakeups-web' });
    webWakeups = new DatabaseWakeups(mongoose.connection.db!);
    web.notifyVia(webWakeups);
    await webWakeups.connect();
    await web.ready;

    for (const n of ['a', 'b']) {
      const queuedAt = Date.now();
      await web.now('wakeups.test', { n });
      const deadline = Date.now() + 10_000;
      while (!ran.some((r) => r.n === n) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const run = ran.find((r) => r.n === n);
      expect(run, `job ${n} ran`).toBeDefined();
      expect(run!.at - queuedAt).toBeLessThan(5_000);
    }
  });

  it('a job queued after the worker started but before its first read of the counters starts well before the worker polls', async () => {
    const db = mongoose.connection.db!;
    // The worker reads the counters every second: its first read comes a second after it starts.
    const worker = createAgenda(db, { name: 'wakeups-early-worker', processEvery: 60_000 });
    worker.notifyVia(new DatabaseWakeups(db, 1_000));
    let ranAt: number | undefined;
    worker.define('wakeups.early', async () => {
      ranAt = Date.now();
    });
    await worker.start();
    started.push(worker);
    // Past the worker's start-up scan, before its first read of the counters.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const web = createAgenda(db, { name: 'wakeups-early-web' });
    const wakeups = new DatabaseWakeups(db);
    web.notifyVia(wakeups);
    await wakeups.connect();
    await web.ready;
    const queuedAt = Date.now();
    await web.now('wakeups.early', {});
    const deadline = Date.now() + 10_000;
    while (ranAt === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await wakeups.disconnect();
    expect(ranAt, 'the job ran').toBeDefined();
    expect(ranAt! - queuedAt).toBeLessThan(5_000);
  });

  it('a job due later wakes nobody: the regular poll is when it is looked for', async () => {
    const wakeups = new DatabaseWakeups(mongoose.connection.db!);
    await wakeups.connect();
    const counters = () => mongoose.connection.db!.collection('jobwakeups').findOne({ _id: 'wakeups.later' as never });
    await wakeups.publish({ jobId: 'x' as never, jobName: 'wakeups.later', nextRunAt: new Date(Date.now() + 60_000), priority: 0, timestamp: new Date() });
    expect(await counters()).toBeNull();
    await wakeups.publish({ jobId: 'x' as never, jobName: 'wakeups.later', nextRunAt: new Date(), priority: 0, timestamp: new Date() });
    expect((await counters())?.seq).toBe(1);
    await wakeups.disconnect();
  });

  it("a job name slow to be looked for holds up neither another name's wake-up nor its own next one", async () => {
    const db = mongoose.connection.db!;
    const publisher = new DatabaseWakeups(db);
    const worker = new DatabaseWakeups(db, 50);
    await Promise.all([publisher.connect(), worker.connect()]);
    const woken: string[] = [];
    let release!: () => void;
    const slowFill = new Promise<void>((resolve) => (release = resolve));
    // The worker's look for `slow` jobs takes until the test releases it (a backlog of them, say).
    worker.subscribe(async ({ jobName }) => {
      woken.push(jobName);
      if (jobName === 'wakeups.slow') await slowFill;
    });
    const wake = (jobName: string) => publisher.publish({ jobId: 'x' as never, jobName, nextRunAt: new Date(), priority: 0, timestamp: new Date() });
    const count = (jobName: string) => woken.filter((name) => name === jobName).length;
    const waitFor = async (what: () => boolean, label: string) => {
      const deadline = Date.now() + 10_000;
      while (!what() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(what(), label).toBe(true);
    };
    // The worker's first read of the counters only learns where they stand.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await wake('wakeups.slow');
    await waitFor(() => count('wakeups.slow') === 1, 'the slow name woken');
    await wake('wakeups.fast');
    await waitFor(() => count('wakeups.fast') === 1, 'the other name woken while the slow one is looked for');
    // Queued again while its look goes on: looked for again once that look ends, not lost and not doubled.
    await wake('wakeups.slow');
    await wake('wakeups.slow');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count('wakeups.slow')).toBe(1);
    release();
    await waitFor(() => count('wakeups.slow') === 2, 'the slow name woken again');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count('wakeups.slow')).toBe(2);
    await Promise.all([publisher.disconnect(), worker.disconnect()]);
  });
});
