import type { Server } from 'node:http';
import { createApp } from './app.js';
import { apiUsage } from './bigcommerce/usage.js';
import type { Config } from './config.js';
import { openDatabase } from './db/connection.js';
import { agendaJobQueue, createAgenda, type AgendaOptions, type AppAgenda } from './jobs/agenda.js';
import { defineJobs, scheduleRecurringJobs } from './jobs/definitions.js';
import { DatabaseWakeups } from './jobs/wakeups.js';
import { createLogger } from './logger.js';
import { runShutdownReleases, waitAtMost } from './shutdown.js';
import { zohoRuntime } from './zoho/runtime.js';

/**
 * Starts the app for a configuration. ROLE=web serves callbacks, webhooks and the panel;
 * ROLE=worker runs jobs; ROLE=all (default) does both in one process.
 */
export interface RunningApp {
  config: Config;
  url: string;
  /** The job runner (tests define jobs of their own on it). */
  agenda: AppAgenda;
  stop(): Promise<void>;
}

export async function startApp(config: Config, jobOptions: AgendaOptions = {}): Promise<RunningApp> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  const agenda = createAgenda(database.connection.db!, { logger, ...jobOptions });
  // A job queued in any process starts at once instead of at a worker's next poll (every five
  // seconds): the process that queued it is told directly, the workers through the database.
  const wakeups = new DatabaseWakeups(database.connection.db!);
  agenda.notifyVia(wakeups);
  // A worker's job runner connects the channel when it starts; the web process only publishes.
  if (config.role === 'web') await wakeups.connect();
  await agenda.ready;
  const ctx = { config, logger, jobs: agendaJobQueue(agenda) };
  defineJobs(agenda, ctx, { lockLifetimeMs: jobOptions.lockLifetimeMs });

  let server: Server | undefined;
  let url = '';
  if (config.role !== 'worker') {
    const app = createApp(ctx);
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, '0.0.0.0', () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : config.appUrl;
    logger.info({ url, appUrl: config.appUrl, role: config.role }, 'web server listening');
  }
  if (config.role !== 'web') {
    await scheduleRecurringJobs(agenda);
    await agenda.start();
    logger.info({ role: config.role }, 'job worker started');
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({ graceMs: config.shutdownGraceMs }, 'shutting down');
      const graceEnds = Date.now() + config.shutdownGraceMs;
      // No new connections from now on; requests under way finish within the grace too.
      const httpClosed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (config.role !== 'web') {
        // Stop taking jobs, let the running ones finish within the grace, release the rest.
        await agenda.stopJobs(config.shutdownGraceMs).then(
          ({ finished, released }) => released.length && logger.warn({ finished, released }, 'jobs still running after the grace were released to another worker'),
          (error: unknown) => logger.error({ err: error }, 'jobs not released: another worker takes them when their locks lapse'),
        );
      }
      // Leases held by work still under way here: another worker may take it at once.
      await runShutdownReleases();
      // API usage is counted in memory and written in batches: write the last of it.
      await Promise.allSettled([apiUsage.stop(), zohoRuntime(ctx).flush(), zohoRuntime(ctx).leaveAll()]);
      await waitAtMost(httpClosed, graceEnds - Date.now());
      server?.closeAllConnections();
      await httpClosed;
      if (config.role === 'web') await wakeups.disconnect();
      await database.close();
      logger.info('stopped');
    })());
  return { config, url, agenda, stop };
}
