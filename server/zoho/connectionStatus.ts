import { ZohoConnection } from '../db/models/index.js';

/**
 * Whether the store's Zoho Inventory organization is connected and usable: what webhook intake
 * asks before queueing work that needs Zoho (an event for a store that is not connected yet is
 * recorded as ignored instead).
 */
export async function isZohoConnected(storeHash: string): Promise<boolean> {
  return (await ZohoConnection.exists({ _id: storeHash, status: 'connected' })) !== null;
}
