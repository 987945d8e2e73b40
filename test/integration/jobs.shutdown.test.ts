import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JOB_EVENTS, TEST_SLEEP_JOB, WorkerProcesses, until } from '../support/workerProcesses.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

/**
 * Real worker processes: a running job keeps its lock (touched while it runs), and SIGTERM
 * stops a worker within its grace, the jobs it could not finish released for another worker.
 */
let h: TestHarness;
let workers: WorkerProcesses;

beforeAll(async () => {
  h = await startTestHarness({ zoho: {} });
}, 120_000);
afterEach(() => workers?.killAll());
afterAll(async () => h?.close());

const events = () => mongoose.connection.db!.collection(TEST_JOB_EVENTS);
const jobs = () => mongoose.connection.db!.collection('jobs');
const sleepJob = async (ms: number) => String((await h.agenda.now(TEST_SLEEP_JOB, { ms })).attrs._id);
const eventsOf = (jobId: string, event: string) => events().find({ jobId, event }).toArray();
const exited = (child: ChildProcess) => (child.exitCode !== null ? Promise.resolve([child.exitCode]) : once(child, 'exit'));

describe('SIGTERM', () => {
  it('lets a job finish within the grace, releases the one that does not, and exits within the grace', async () => {
    workers = new WorkerProcesses(h);
    // A lock lifetime far longer than the test: only the release can hand the job on so soon.
    const env = { SHUTDOWN_GRACE_MS: '2000', TEST_LOCK_LIFETIME_MS: '60000' };
    const first = await workers.start(env);
    const long = await sleepJob(120_000);
    const short = await sleepJob(1_000);
    await until(async () => (await eventsOf(long, 'start')).length + (await eventsOf(short, 'start')).length === 2, 15_000, 'both jobs to start');

    const sent = Date.now();
    first.kill('SIGTERM');
    const [code] = await exited(first);
    const took = Date.now() - sent;
    expect(code).toBe(0);
    expect(took).toBeLessThan(2_000 + 2_000);

    // The short one finished and its run was recorded (a done one-off job is removed).
    expect(await eventsOf(short, 'finish')).toHaveLength(1);
    expect(await jobs().countDocuments({ _id: new mongoose.Types.ObjectId(short) })).toBe(0);
    // The long one is unlocked and due now, not left locked for a minute.
    const left = await jobs().findOne({ _id: new mongoose.Types.ObjectId(long) });
    expect(left?.lockedAt ?? null).toBeNull();
    expect(left?.nextRunAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await eventsOf(long, 'finish')).toHaveLength(0);

    // So another worker takes it at once.
    const second = await workers.start(env);
    await until(async () => (await eventsOf(long, 'start')).length === 2, 10_000, 'the released job to start on the other worker');
    const starts = await eventsOf(long, 'start');
    expect(starts.map((e) => e.pid)).toEqual([first.pid, second.pid]);
  }, 90_000);
});

describe('a job longer than its lock lifetime', () => {
  it('is never started by a second worker while the first runs it', async () => {
    workers = new WorkerProcesses(h);
    // Locks last 1.5 s; the job runs 6 s, four lifetimes, with both workers polling.
    const env = { TEST_LOCK_LIFETIME_MS: '1500' };
    await Promise.all([workers.start(env), workers.start(env)]);
    const job = await sleepJob(6_000);
    await until(async () => (await eventsOf(job, 'finish')).length > 0, 30_000, 'the job to finish');
    // Give a late takeover every chance to show.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await eventsOf(job, 'start')).toHaveLength(1);
    expect(await eventsOf(job, 'finish')).toHaveLength(1);
    expect(await jobs().countDocuments({ _id: new mongoose.Types.ObjectId(job) })).toBe(0);
  }, 90_000);
});
