import { loadConfig, type Config } from '../../server/config.js';
import { startBigCommerceSimulator, type RunningSimulator } from '../../sandbox/bigcommerce/simulator.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import type { ZohoSimulatorOptions } from '../../sandbox/zoho/state.js';

/** The Zoho OAuth client every benchmark registers with the simulator. */
export const BENCH_ZOHO_CLIENT = { clientId: '1000.BENCH', clientSecret: 'bench-secret' };

/** Both simulators, and the app's configuration pointing at them: what every benchmark starts from. */
export async function startBenchSimulators(zohoOptions: Omit<ZohoSimulatorOptions, 'clients'> = {}): Promise<{ bigcommerce: RunningSimulator; zoho: RunningZohoSimulator; config: Config }> {
  const bigcommerce = await startBigCommerceSimulator({ clientId: 'bench-bc', clientSecret: 'bench-bc-secret', appUrl: 'http://app.bench' });
  const zoho = await startZohoSimulator({ clients: [BENCH_ZOHO_CLIENT], ...zohoOptions });
  const config = loadConfig({
    APP_URL: 'http://app.bench',
    BC_CLIENT_ID: 'bench-bc',
    BC_CLIENT_SECRET: 'bench-bc-secret',
    BC_LOGIN_URL: bigcommerce.url,
    BC_API_URL: bigcommerce.url,
    ZOHO_CLIENT_ID: BENCH_ZOHO_CLIENT.clientId,
    ZOHO_CLIENT_SECRET: BENCH_ZOHO_CLIENT.clientSecret,
    ZOHO_ACCOUNTS_URL: zoho.url,
    ZOHO_API_URL: zoho.apiUrl,
    SESSION_SECRET: 'b'.repeat(40),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  return { bigcommerce, zoho, config };
}
