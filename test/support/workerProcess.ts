/**
 * A worker process for crash tests: the real app with ROLE=worker on the test's database and
 * simulators (all from the environment), with a short job lock so that a job held by a killed
 * worker is taken over in seconds rather than a minute.
 */
import { loadConfig } from '../../server/config.js';
import { startApp } from '../../server/start.js';

const app = await startApp(loadConfig({ ...process.env, ROLE: 'worker' }), { lockLifetimeMs: 3_000, processEvery: 200, name: `worker-${process.pid}` });
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
