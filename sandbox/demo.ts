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
import { startSmtpSink, type RunningSmtpSink, type SunkMail } from './smtpSink.js';
import { ZOHO_DEMO } from './zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from './zoho/simulator.js';

export interface DemoOptions {
  /** App port (0: any free port). */
  appPort?: number;
  bigcommercePort?: number;
  zohoPort?: number;
  dataDir?: string;
  logLevel?: string;
  /** The local SMTP sink that receives the alert e-mails (0: any free port). */
  smtpPort?: number;
  /** Called with each alert e-mail the app sends. */
  onMail?(mail: SunkMail): void;
}

export interface RunningDemo {
  appUrl: string;
  controlPanelUrl: string;
  app: RunningApp;
  bigcommerce: RunningSimulator;
  zoho: RunningZohoSimulator;
  /** What the app e-mailed (its SMTP_URL points here). */
  mail: RunningSmtpSink;
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
  const mail = await startSmtpSink({ port: options.smtpPort ?? 0, onMail: options.onMail });
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
    // Alert e-mails go to the local sink; their link opens the stand-in control panel.
    SMTP_URL: mail.url,
    ALERT_FROM: 'Zoho Inventory connector <alerts@demo.example>',
    ALERT_PANEL_URL: `${bigcommerce.url}/manage/app?store={store_hash}`,
  });
  let app: RunningApp;
  try {
    app = await startApp(config);
  } catch (error) {
    await bigcommerce.close();
    await zoho.close();
    await mail.close();
    throw error;
  }
  return {
    appUrl,
    controlPanelUrl: `${bigcommerce.url}/manage/app`,
    app,
    bigcommerce,
    zoho,
    mail,
    async stop() {
      await app.stop();
      await bigcommerce.close();
      await zoho.close();
      await mail.close();
    },
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === resolve(import.meta.dirname, 'demo');
if (isMain) {
  const port = Number(process.env.PORT ?? 3000);
  startDemo({
    appPort: port,
    bigcommercePort: Number(process.env.BC_SANDBOX_PORT ?? 4001),
    zohoPort: Number(process.env.ZOHO_SANDBOX_PORT ?? 4002),
    smtpPort: Number(process.env.SMTP_SINK_PORT ?? 4025),
    onMail: (mail) => console.log(`\n--- Alert e-mail to ${mail.to.join(', ')}: ${mail.subject}\n${mail.text.trim()}\n---`),
  }).then(
    (demo) => {
      console.log(`\nThe app is running at ${demo.appUrl} on the embedded database.`);
      console.log(`Open the sandbox BigCommerce control panel: ${demo.controlPanelUrl}`);
      console.log(`Connect Zoho from the panel; on the sandbox Zoho consent page sign in as ${ZOHO_DEMO.userEmail}.`);
      console.log(`Alert e-mails go to a local SMTP sink (${demo.mail.url}) and are printed here.\n`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void demo.stop().then(() => process.exit(0)));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
