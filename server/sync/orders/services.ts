import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import type { AppContext } from '../../context.js';
import type { Settings } from '../../settings/schema.js';
import { getSettings } from '../../settings/service.js';
import type { ZohoClient } from '../../zoho/client.js';
import { zohoClientFor } from '../../zoho/client.js';
import type { OrderServices } from './process.js';

/**
 * The clients and settings an order needs, made once per job or run. The Zoho client is made
 * on first use: events that end as ignored or unchanged never touch Zoho.
 */
export async function orderServicesFor(ctx: AppContext, storeHash: string, settings?: Settings): Promise<OrderServices> {
  const bc = await bigcommerceClientFor(ctx, storeHash);
  let zoho: Promise<ZohoClient> | undefined;
  return {
    bc,
    zoho: () => {
      zoho ??= zohoClientFor(ctx, storeHash);
      // A failed connection lookup is not cached: the next step asks again.
      zoho.catch(() => (zoho = undefined));
      return zoho;
    },
    settings: (settings ?? (await getSettings(storeHash))).orders,
  };
}
