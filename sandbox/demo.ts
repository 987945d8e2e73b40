/**
 * `npm run demo`: the BigCommerce simulator (with its stand-in control panel) and the app on
 * the embedded database, wired together. Open the printed URL: the first visit installs the app.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../server/config.js';
import { startApp, type RunningApp } from '../server/start.js';
import { startBigCommerceSimulator, type RunningSimulator } from './bigcommerce/simulator.js';
import { demoSecrets } from './demoSecrets.js';
import { ensureClientBuilt } from './ensureClientBuilt.js';
import { freePort } from './freePort.js';
import { seedBigCommerce } from './seed.js';
import { ZOHO_DEMO } from './zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from './zoho/simulator.js';

export interface DemoOptions {
  /** App port (0: any free port). */
  appPort?: number;
  bigcommercePort?: number;
  zohoPort?: number;
  dataDir?: string;
  logLevel?: string;
}

export interface RunningDemo {
  appUrl: string;
  controlPanelUrl: string;
  app: RunningApp;
  bigcommerce: RunningSimulator;
  zoho: RunningZohoSimulator;
  stop(): Promise<void>;
}

const DEMO_CLIENT_ID = 'demo-client-id';
const DEMO_CLIENT_SECRET = 'demo-client-secret';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data');
  await ensureClientBuilt();
  const appPort = options.appPort || (await freePort());
  const appUrl = `http://127.0.0.1:${appPort}`;
  const bigcommerce = await startBigCommerceSimulator(
    { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, appUrl },
    options.bigcommercePort ?? 0,
  );
  seedBigCommerce(bigcommerce.state);
  // Zoho's stand-in, seeded with the demo organization; sign in on its consent page as ZOHO_DEMO.userEmail.
  const zoho = await startZohoSimulator({ clients: [ZOHO_DEMO.client], seed: true }, options.zohoPort ?? 0);
  const secrets = demoSecrets(dataDir);
  const config = loadConfig({
    PORT: String(appPort),
    APP_URL: appUrl,
    DATA_DIR: dataDir,
    BC_CLIENT_ID: DEMO_CLIENT_ID,
    BC_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    BC_LOGIN_URL: bigcommerce.url,
    BC_API_URL: bigcommerce.url,
    ZOHO_CLIENT_ID: ZOHO_DEMO.client.clientId,
    ZOHO_CLIENT_SECRET: ZOHO_DEMO.client.clientSecret,
    ZOHO_ACCOUNTS_URL: zoho.url,
    ZOHO_API_URL: zoho.apiUrl,
    SESSION_SECRET: secrets.sessionSecret,
    ENCRYPTION_KEY: secrets.encryptionKey,
    // The stand-in control panel frames the app from its own origin.
    CSP_FRAME_ANCESTORS: bigcommerce.url,
    LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? 'warn',
  });
  let app: RunningApp;
  try {
    app = await startApp(config);
  } catch (error) {
    await bigcommerce.close();
    await zoho.close();
    throw error;
  }
  return {
    appUrl,
    controlPanelUrl: `${bigcommerce.url}/manage/app`,
    app,
    bigcommerce,
    zoho,
    async stop() {
      await app.stop();
      await bigcommerce.close();
      await zoho.close();
    },
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === resolve(import.meta.dirname, 'demo');
if (isMain) {
  const port = Number(process.env.PORT ?? 3000);
  startDemo({ appPort: port, bigcommercePort: Number(process.env.BC_SANDBOX_PORT ?? 4001), zohoPort: Number(process.env.ZOHO_SANDBOX_PORT ?? 4002) }).then(
    (demo) => {
      console.log(`\nThe app is running at ${demo.appUrl} on the embedded database.`);
      console.log(`Open the sandbox BigCommerce control panel: ${demo.controlPanelUrl}`);
      console.log(`Connect Zoho from the panel; on the sandbox Zoho consent page sign in as ${ZOHO_DEMO.userEmail}.\n`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void demo.stop().then(() => process.exit(0)));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
