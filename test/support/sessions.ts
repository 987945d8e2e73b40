import { signSessionToken } from '../../server/auth/sessionToken.js';
import type { AppContext } from '../../server/context.js';
import { encryptSecret } from '../../server/crypto.js';
import { Store, StoreUser, ZohoConnection, storeUserId } from '../../server/db/models/index.js';

/**
 * An installed store and its owner straight in the database (the install itself is covered by
 * lifecycle.test.ts), and a panel session token for them.
 */
export async function installedStoreSession(ctx: AppContext, storeHash: string, userId = '1'): Promise<string> {
  await Store.updateOne(
    { _id: storeHash },
    { $set: { status: 'installed', accessTokenSealed: encryptSecret('bc-token', ctx.config.encryptionKey), installedAt: new Date() } },
    { upsert: true },
  );
  await StoreUser.updateOne({ _id: storeUserId(storeHash, userId) }, { $set: { storeHash, userId, role: 'owner' } }, { upsert: true });
  return signSessionToken({ storeHash, userId }, ctx.config.sessionSecret);
}

/** Marks a store's Zoho organization as connected (the OAuth dance is covered by zoho.connection tests). */
export async function markZohoConnected(ctx: AppContext, storeHash: string): Promise<void> {
  await ZohoConnection.updateOne(
    { _id: storeHash },
    {
      $set: {
        status: 'connected',
        dc: 'com',
        accountsServer: 'https://accounts.zoho.com',
        apiBase: 'https://www.zohoapis.com/inventory/v1',
        organizationId: '1000',
        webhookKey: `key-${storeHash}`,
        webhookSecretSealed: encryptSecret('secret', ctx.config.encryptionKey),
      },
    },
    { upsert: true },
  );
}
