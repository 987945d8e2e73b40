import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.js';
import { decryptSecret, encryptSecret, randomToken } from '../crypto.js';
import { Store } from '../db/models/index.js';

/**
 * The per-store secret that authenticates BigCommerce's webhook deliveries. BigCommerce sends
 * a hook's custom `headers` with every delivery, so each hook carries the store's secret in
 * this header; intake compares its sha256 with the one on the Store document.
 */
export const WEBHOOK_SECRET_HEADER = 'X-Webhook-Secret';

export const hashWebhookSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Constant-time comparison of a presented secret with the stored hash. */
export function webhookSecretMatches(presented: string, storedHash: string | undefined | null): boolean {
  if (!storedHash || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const given = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(given, Buffer.from(storedHash, 'hex'));
}

/**
 * The store's secret, made on first use. Kept sealed (its hooks must be re-sent the same value
 * on every repair) and hashed (intake never decrypts). Two processes making it at once: the
 * conditional update lets one win and the other reads the winner's.
 */
export async function webhookSecretFor(ctx: AppContext, storeHash: string): Promise<string> {
  const key = ctx.config.encryptionKey;
  const existing = await Store.findById(storeHash, { webhookSecretSealed: 1 }).lean();
  if (!existing) throw new Error(`store ${storeHash} is not known`);
  if (existing.webhookSecretSealed) {
    try {
      return decryptSecret(existing.webhookSecretSealed, key);
    } catch {
      // Sealed under another ENCRYPTION_KEY: replace it (the hooks are updated with the new one).
      ctx.logger.warn({ storeHash }, 'webhook secret could not be unsealed; making a new one');
    }
  }
  const secret = randomToken(32);
  const claimed = await Store.updateOne(
    { _id: storeHash, webhookSecretSealed: existing.webhookSecretSealed ?? { $exists: false } },
    { $set: { webhookSecretSealed: encryptSecret(secret, key), webhookSecretHash: hashWebhookSecret(secret) } },
  );
  if (claimed.modifiedCount === 1) return secret;
  const winner = await Store.findById(storeHash, { webhookSecretSealed: 1 }).lean();
  if (!winner?.webhookSecretSealed) throw new Error(`store ${storeHash} has no webhook secret`);
  return decryptSecret(winner.webhookSecretSealed, key);
}
