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
import { bcLimiters } from '../../server/bigcommerce/rateLimiter.js';
import { startApp } from '../../server/start.js';
import { configureZohoRuntime, zohoRuntime, type ZohoRuntimeOverrides } from '../../server/zoho/runtime.js';
import { TEST_JOB_EVENTS, TEST_SLEEP_JOB } from './workerProcesses.js';

const lockLifetimeMs = Number(process.env.TEST_LOCK_LIFETIME_MS ?? 3_000);
// Tests poll for jobs often to see them taken in a blink; TEST_PROCESS_EVERY_MS sets production's pace.
const processEvery = Number(process.env.TEST_PROCESS_EVERY_MS ?? 200);
// TEST_ROLE=web starts the web role instead (PORT, APP_URL from the environment); TEST_ZOHO_RUNTIME
// (JSON) scales Zoho's limits and timeouts down as configureZohoRuntime does in-process.
const config = loadConfig({ ...process.env, ROLE: process.env.TEST_ROLE === 'web' ? 'web' : 'worker' });
if (process.env.TEST_ZOHO_RUNTIME) configureZohoRuntime({ config, logger: createLogger(config.logLevel) } as AppContext, JSON.parse(process.env.TEST_ZOHO_RUNTIME) as ZohoRuntimeOverrides);
const app = await startApp(config, { lockLifetimeMs, processEvery, name: `worker-${process.pid}` });
app.agenda.define<{ ms: number }>(TEST_SLEEP_JOB, async (job) => {
  const events = mongoose.connection.db!.collection(TEST_JOB_EVENTS);
  const mark = (event: string) => events.insertOne({ jobId: String(job.attrs._id), event, pid: process.pid, at: new Date() });
  await mark('start');
  await new Promise((resolve) => setTimeout(resolve, job.attrs.data.ms));
  await mark('finish');
});
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
// Diagnostics for stalls (the chaos benchmark prints them when a run does not settle): SIGUSR2
// prints the jobs this worker runs, its database pool (an exhausted pool stalls everything), and
// where its Zoho and BigCommerce calls wait. It reads private state: a diagnostic, not an API.
process.on('SIGUSR2', () => {
  const agenda = app.agenda as unknown as { held: Set<{ job: { attrs: { name: string; data: unknown; lastRunAt?: Date } } }> };
  const runtime = zohoRuntime({ config } as AppContext) as unknown as { limiters: { keys(): Iterable<string>; get(k: string): Record<string, unknown> } };
  const limiters = [...runtime.limiters.keys()].map((key) => {
    const l = runtime.limiters.get(key) as unknown as { inFlight: number; waiting: number; held: boolean; pausedUntil: number; releases: number[]; sharedBy: number };
    return { key, inFlight: l.inFlight, waiting: l.waiting, held: l.held, pausedForMs: l.pausedUntil - Date.now(), window: l.releases.length, sharedBy: l.sharedBy };
  });
  const client = mongoose.connection.getClient() as unknown as { topology?: { s: { servers: Map<string, { pool: Record<string, unknown> }> } } };
  const pools = [...(client.topology?.s.servers.values() ?? [])].map((srv) => {
    const pool = srv.pool as { totalConnectionCount: number; availableConnectionCount: number; waitQueueSize: number; currentCheckedOutCount: number };
    return { total: pool.totalConnectionCount, available: pool.availableConnectionCount, waiting: pool.waitQueueSize, out: pool.currentCheckedOutCount };
  });
  const bc = [...(bcLimiters as unknown as { entries: Map<string, { value: { snapshot(): unknown } }> }).entries].map(([k, e]) => ({ k, ...(e.value.snapshot() as object) }));
  const resources = process.getActiveResourcesInfo().reduce<Record<string, number>>((n, r) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {});
  const running = [...agenda.held].map((h) => ({ name: h.job.attrs.name, data: h.job.attrs.data, since: h.job.attrs.lastRunAt }));
  process.stdout.write(`DUMP ${process.pid} ${JSON.stringify({ running, limiters, pools, bc, resources })}\n`);
});
// Figures for benchmarks (TEST_STATS_EVERY_MS): every so often a `STATS {json}` line with the
// database commands this process sent since it started, by name, and their answer times by
// command and collection (the driver's command monitoring: MONGODB_URI must carry
// monitorCommands=true), its peak memory so far and the CPU time it used (ms).
if (process.env.TEST_STATS_EVERY_MS) {
  const commands: Record<string, number> = {};
  // Each command's answer time, by command and collection: [count, total ms].
  const timing: Record<string, [number, number]> = {};
  const started = new Map<number, string>();
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (event: { commandName: string; requestId: number; command: Record<string, unknown> }) => {
    commands[event.commandName] = (commands[event.commandName] ?? 0) + 1;
    const target = event.command[event.commandName];
    started.set(event.requestId, `${event.commandName} ${typeof target === 'string' ? target : ''}`.trim());
  });
  const answered = (event: { requestId: number; duration: number }) => {
    const key = started.get(event.requestId);
    if (key === undefined) return;
    started.delete(event.requestId);
    const t = (timing[key] ??= [0, 0]);
    t[0]++;
    t[1] += event.duration;
  };
  client.on('commandSucceeded', answered);
  client.on('commandFailed', answered);
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1_000).unref();
  const report = () => process.stdout.write(`STATS ${JSON.stringify({ pid: process.pid, role: config.role, commands, timing, peakRss: Math.max(peakRss, process.memoryUsage().rss), cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 })}\n`);
  setInterval(report, Number(process.env.TEST_STATS_EVERY_MS)).unref();
}
