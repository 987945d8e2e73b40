import type { AppContext } from '../context.js';
import { decryptSecret } from '../crypto.js';
import { Store } from '../db/models/index.js';
import { BigCommerceClient, type BigCommerceClientOptions } from './client.js';
import { apiUsage } from './usage.js';

/** The store has no usable API token (never installed, uninstalled, or sealed under another key). */
export class StoreNotConnectedError extends Error {
  override readonly name = 'StoreNotConnectedError';
  constructor(
    readonly storeHash: string,
    reason: string,
  ) {
    super(`BigCommerce store ${storeHash} cannot be called: ${reason}`);
  }
}

/** Options every client the factory makes starts from (tests shorten the timeout to give up on a held answer). */
let clientDefaults: Partial<Pick<BigCommerceClientOptions, 'timeoutMs' | 'retry'>> = {};

export function configureBigCommerceClients(defaults: Partial<Pick<BigCommerceClientOptions, 'timeoutMs' | 'retry'>> = {}): void {
  clientDefaults = { ...defaults };
}

/**
 * A client for one store: its sealed token unsealed, the process-wide rate limiter of the
 * store, and every call counted in the store's daily API usage.
 */
export async function bigcommerceClientFor(
  ctx: AppContext,
  storeHash: string,
  options: Partial<Omit<BigCommerceClientOptions, 'storeHash' | 'accessToken' | 'apiUrl'>> = {},
): Promise<BigCommerceClient> {
  const store = await Store.findById(storeHash, { status: 1, accessTokenSealed: 1 }).lean();
  if (!store || store.status !== 'installed' || !store.accessTokenSealed) {
    throw new StoreNotConnectedError(storeHash, 'the app is not installed in it');
  }
  let accessToken: string;
  try {
    accessToken = decryptSecret(store.accessTokenSealed, ctx.config.encryptionKey);
  } catch {
    throw new StoreNotConnectedError(storeHash, 'its API token cannot be unsealed (was ENCRYPTION_KEY changed?); reinstall the app');
  }
  return new BigCommerceClient({
    storeHash,
    accessToken,
    apiUrl: ctx.config.bigcommerce.apiUrl,
    logger: ctx.logger,
    ...clientDefaults,
    ...options,
    onCall: (event) => {
      apiUsage.record(storeHash, 'bigcommerce', { throttled: event.throttled });
      options.onCall?.(event);
    },
  });
}
