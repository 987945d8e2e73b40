/**
 * A worker process for crash tests: the real app with ROLE=worker on the test's database and
 * simulators (all from the environment), with a short job lock so that a job held by a killed
 * worker is taken over in seconds rather than a minute (TEST_LOCK_LIFETIME_MS sets another).
 *
 * It also runs `test.sleep` jobs ({ms}: wait that long), which write when they start and finish
 * (TEST_JOB_EVENTS), for the shutdown and lock tests.
 */
import mongoose from 'mongoose';
import { loadConfig } from '../../server/config.js';
import { startApp } from '../../server/start.js';
import { TEST_JOB_EVENTS, TEST_SLEEP_JOB } from './workerProcesses.js';

const lockLifetimeMs = Number(process.env.TEST_LOCK_LIFETIME_MS ?? 3_000);
const app = await startApp(loadConfig({ ...process.env, ROLE: 'worker' }), { lockLifetimeMs, processEvery: 200, name: `worker-${process.pid}` });
app.agenda.define<{ ms: number }>(TEST_SLEEP_JOB, async (job) => {
  const events = mongoose.connection.db!.collection(TEST_JOB_EVENTS);
  const mark = (event: string) => events.insertOne({ jobId: String(job.attrs._id), event, pid: process.pid, at: new Date() });
  await mark('start');
  await new Promise((resolve) => setTimeout(resolve, job.attrs.data.ms));
  await mark('finish');
});
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
