/**
 * `npm run bench`: prints figures (speed, memory, API calls) for the parts whose cost matters.
 * Benchmarks measure; tests assert behaviour. Run one with `npm run bench -- <name>`.
 */
import { benchCatalog } from './catalog.js';
import { benchChaos } from './chaos.js';
import { benchDatabase } from './database.js';
import { benchOrders } from './orders.js';
import { benchStock } from './stock.js';
import { benchStockProperty } from './stockProperty.js';
import { benchTenants } from './tenants.js';

const benches: Record<string, () => Promise<void>> = {
  database: benchDatabase,
  catalog: benchCatalog,
  orders: benchOrders,
  stock: benchStock,
  chaos: benchChaos,
  'stock-property': benchStockProperty,
  tenants: benchTenants,
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  await run();
}
