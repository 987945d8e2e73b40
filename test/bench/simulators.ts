import type { OrderInput } from '../../sandbox/bigcommerce/orders.js';
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

/**
 * A paid-by-card order of one buyer (billing and one flat-rate shipping address from the e-mail)
 * for the benchmarks' simulator stores: `lines` are name, SKU, quantity and unit price.
 */
export function benchOrderInput(email: string, lines: { name: string; sku: string; quantity: number; price: number }[], extra: Partial<OrderInput> = {}): OrderInput {
  const billing = { first_name: 'Bench', last_name: email.split('@')[0]!, email, street_1: '1 Bench Way', city: 'London', zip: 'N1 1AA', country: 'United Kingdom', country_iso2: 'GB', phone: '555-0100' };
  return {
    status_id: 11,
    billing_address: billing,
    shipping_addresses: [{ ...billing, shipping_method: 'Flat Rate', cost_ex_tax: 5, cost_inc_tax: 5 }],
    products: lines.map(({ name, sku, quantity, price }) => ({ name, sku, quantity, price_ex_tax: price, price_inc_tax: price })),
    payment_method: 'Credit Card',
    ...extra,
  };
}
