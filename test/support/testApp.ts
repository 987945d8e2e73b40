import { randomBytes } from 'node:crypto';
import type { Agenda } from 'agenda';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { agendaJobQueue, createAgenda } from '../../server/jobs/agenda.js';
import { startBigCommerceSimulator, type RunningSimulator } from '../../sandbox/bigcommerce/simulator.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import type { ZohoSimulatorOptions } from '../../sandbox/zoho/state.js';
import { connectTestDatabase } from './database.js';

export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789';
export const TEST_APP_URL = 'http://app.test';
export const TEST_ZOHO_CLIENT = { clientId: '1000.TESTZOHOCLIENT', clientSecret: 'test-zoho-client-secret' } as const;

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    APP_URL: TEST_APP_URL,
    BC_CLIENT_ID: TEST_CLIENT_ID,
    BC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestHarness {
  app: Express;
  ctx: AppContext;
  /** The test file's own database (for processes started by the test). */
  dbUri: string;
  agenda: Agenda;
  /** One simulated BigCommerce store per hash. */
  bigcommerce: RunningSimulator;
  /** The Zoho simulator, when asked for (`zoho` option): the app's ZOHO_ACCOUNTS_URL and ZOHO_API_URL. */
  zoho?: RunningZohoSimulator;
  close(): Promise<void>;
}

/**
 * The real app (supertest drives it) on a database of its own, with a BigCommerce simulator
 * over real HTTP as its login server.
 */
export async function startTestHarness(options: { storeHash?: string; zoho?: ZohoSimulatorOptions } = {}): Promise<TestHarness> {
  const db = await connectTestDatabase();
  const bigcommerce = await startBigCommerceSimulator({
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    appUrl: TEST_APP_URL,
    storeHash: options.storeHash ?? 'storea',
  });
  const zoho = options.zoho ? await startZohoSimulator({ clients: [TEST_ZOHO_CLIENT], ...options.zoho }) : undefined;
  const zohoEnv: Record<string, string> = zoho
    ? { ZOHO_CLIENT_ID: TEST_ZOHO_CLIENT.clientId, ZOHO_CLIENT_SECRET: TEST_ZOHO_CLIENT.clientSecret, ZOHO_ACCOUNTS_URL: zoho.url, ZOHO_API_URL: zoho.apiUrl }
    : {};
  const config = testConfig({ BC_LOGIN_URL: bigcommerce.url, BC_API_URL: bigcommerce.url, ...zohoEnv });
  const agenda = createAgenda(mongoose.connection.db!, { name: 'test' });
  await agenda.ready;
  const ctx: AppContext = { config, logger: pino({ level: 'silent' }), jobs: agendaJobQueue(agenda) };
  return {
    app: createApp(ctx),
    ctx,
    dbUri: db.uri,
    agenda,
    bigcommerce,
    zoho,
    async close() {
      await agenda.stop();
      await bigcommerce.close();
      await zoho?.close();
      await db.close();
    },
  };
}
