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
import type { AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { startApp } from '../../server/start.js';
import { configureZohoRuntime, type ZohoRuntimeOverrides } from '../../server/zoho/runtime.js';
import { TEST_JOB_EVENTS, TEST_SLEEP_JOB } from './workerProcesses.js';

const lockLifetimeMs = Number(process.env.TEST_LOCK_LIFETIME_MS ?? 3_000);
// TEST_ROLE=web starts the web role instead (PORT, APP_URL from the environment); TEST_ZOHO_RUNTIME
// (JSON) scales Zoho's limits and timeouts down as configureZohoRuntime does in-process.
const config = loadConfig({ ...process.env, ROLE: process.env.TEST_ROLE === 'web' ? 'web' : 'worker' });
if (process.env.TEST_ZOHO_RUNTIME) configureZohoRuntime({ config, logger: createLogger(config.logLevel) } as AppContext, JSON.parse(process.env.TEST_ZOHO_RUNTIME) as ZohoRuntimeOverrides);
const app = await startApp(config, { lockLifetimeMs, processEvery: 200, name: `worker-${process.pid}` });
app.agenda.define<{ ms: number }>(TEST_SLEEP_JOB, async (job) => {
  const events = mongoose.connection.db!.collection(TEST_JOB_EVENTS);
  const mark = (event: string) => events.insertOne({ jobId: String(job.attrs._id), event, pid: process.pid, at: new Date() });
  await mark('start');
  await new Promise((resolve) => setTimeout(resolve, job.attrs.data.ms));
  await mark('finish');
});
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
