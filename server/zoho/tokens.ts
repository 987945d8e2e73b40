import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { decryptSecret, encryptSecret } from '../crypto.js';
import { ZohoConnection, type ZohoConnectionDoc } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import { ZohoApiError, ZohoAuthError } from './errors.js';
import { refreshAccessToken } from './oauth.js';
import { StoreLru, STORE_LRU_IDLE_MS, STORE_LRU_MAX } from '../storeLru.js';

/**
 * Zoho access tokens, shared by every process through the connection document.
 *
 * Zoho allows 10 refreshes per 10 minutes per refresh token, so a refresh is single-flight
 * twice over: in a process, callers share one promise per store; across processes, the one
 * that wins a compare-and-set on the document (`tokenVersion` unchanged and no live lease)
 * refreshes while the others poll until the new token (a higher `tokenVersion`) appears.
 */
export interface AccessToken {
  token: string;
  /** tokenVersion of the document the token came from: a renew names the version it found stale. */
  version: number;
  expiresAt: number;
}

export interface TokenOptions {
  /** Refresh this long before Zoho's expiry, so no call leaves with a token about to lapse. */
  expiryMarginMs: number;
  /** How long a refresher holds the lease before another process may try. */
  leaseMs: number;
  /** How often a waiting process re-reads the document. */
  pollMs: number;
  /** Our own cap on refreshes per store in ten minutes (Zoho's is 10). */
  maxRefreshesPerWindow: number;
  refreshWindowMs: number;
}

export const DEFAULT_TOKEN_OPTIONS: TokenOptions = {
  expiryMarginMs: 5 * 60_000,
  leaseMs: 30_000,
  pollMs: 100,
  maxRefreshesPerWindow: 5,
  refreshWindowMs: 10 * 60_000,
};

const NO_LEASE = new Date(0);

export class ZohoTokenManager {
  /** In flight: one entry per refresh under way, gone when it ends (bounded by the calls waiting). */
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  /** Tokens of stores in use: an idle store's is forgotten (read again from its document), never while it refreshes. */
  private readonly cache = new StoreLru<string, AccessToken>({ max: STORE_LRU_MAX, idleMs: STORE_LRU_IDLE_MS, busy: (storeHash) => this.inFlight.has(storeHash) });
  /** Refreshes this process made (tests and logs; the simulator counts the real ones). */
  refreshes = 0;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly options: TokenOptions = DEFAULT_TOKEN_OPTIONS,
  ) {}

  /** A token that is valid for at least the expiry margin. */
  async get(storeHash: string): Promise<AccessToken> {
    const cached = this.cache.get(storeHash);
    if (cached && cached.expiresAt - this.options.expiryMarginMs > Date.now()) return cached;
    return this.shared(storeHash, cached?.version ?? -1);
  }

  /** After Zoho refused `stale` (401 / code 57): a newer token, refreshed once for everyone. */
  async renew(storeHash: string, stale: AccessToken): Promise<AccessToken> {
    const cached = this.cache.get(storeHash);
    if (cached && cached.version > stale.version) return cached;
    if (cached?.version === stale.version) this.cache.delete(storeHash);
    return this.shared(storeHash, stale.version);
  }

  /** Drops what this process remembers of a store (disconnect). */
  forget(storeHash: string): void {
    this.cache.delete(storeHash);
  }

  private async shared(storeHash: string, staleVersion: number): Promise<AccessToken> {
    for (;;) {
      const running = this.inFlight.get(storeHash);
      if (!running) break;
      const token = await running;
      if (token.version > staleVersion) return token;
    }
    const promise = this.obtain(storeHash, staleVersion).finally(() => this.inFlight.delete(storeHash));
    this.inFlight.set(storeHash, promise);
    return promise;
  }

  private async obtain(storeHash: string, staleVersion: number): Promise<AccessToken> {
    const giveUpAt = Date.now() + 2 * this.options.leaseMs;
    for (;;) {
      const doc = await ZohoConnection.findById(storeHash).lean();
      if (!doc || !doc.refreshTokenSealed) throw new ZohoAuthError('Zoho Inventory is not connected for this store.');
      if (doc.status === 'needs_reconnect') throw new ZohoAuthError('Zoho Inventory needs reconnecting: the connection was revoked or expired.');
      const now = Date.now();
      const version = doc.tokenVersion ?? 0;
      const expiresAt = doc.accessTokenExpiresAt?.getTime() ?? 0;
      if (doc.accessTokenSealed && version > staleVersion && expiresAt - this.options.expiryMarginMs > now) {
        return this.remember(storeHash, { token: decryptSecret(doc.accessTokenSealed, this.config.encryptionKey), version, expiresAt });
      }
      const leaseId = randomUUID();
      const claimed = await ZohoConnection.updateOne(
        { _id: storeHash, tokenVersion: version, refreshLeaseUntil: { $lte: new Date(now) } },
        { $set: { refreshLeaseUntil: new Date(now + this.options.leaseMs), refreshLeaseOwner: leaseId } },
      );
      if (claimed.modifiedCount === 1) return this.refresh(storeHash, doc, leaseId);
      if (Date.now() > giveUpAt) throw new ZohoApiError(0, -1, 'Timed out waiting for another process to refresh the Zoho token.');
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  /** We hold the lease: refresh, publish the new token, release. */
  private async refresh(
    storeHash: string,
    doc: Pick<ZohoConnectionDoc, 'accountsServer' | 'refreshTokenSealed' | 'tokenVersion' | 'recentRefreshes'>,
    leaseId: string,
  ): Promise<AccessToken> {
    const mine = { _id: storeHash, refreshLeaseOwner: leaseId };
    const release = () => ZohoConnection.updateOne(mine, { $set: { refreshLeaseUntil: NO_LEASE }, $unset: { refreshLeaseOwner: 1 } });
    const now = Date.now();
    const recent = (doc.recentRefreshes ?? []).filter((at) => at.getTime() > now - this.options.refreshWindowMs);
    if (recent.length >= this.options.maxRefreshesPerWindow) {
      await release();
      // Zoho would start refusing (and may lock the token): wait for the window to move on.
      throw new ZohoApiError(429, -1, 'Zoho tokens were refreshed too often in the last ten minutes; calls resume shortly.');
    }
    let fresh;
    try {
      fresh = await refreshAccessToken(this.config, doc.accountsServer, decryptSecret(doc.refreshTokenSealed!, this.config.encryptionKey));
    } catch (error) {
      if (error instanceof ZohoAuthError) {
        // Only a dead refresh token ends the connection; everything else is retried later.
        await ZohoConnection.updateOne(mine, {
          $set: { status: 'needs_reconnect', refreshLeaseUntil: NO_LEASE, lastError: { code: error.code, message: error.message, at: new Date() } },
          $unset: { refreshLeaseOwner: 1, accessTokenSealed: 1 },
        });
        this.cache.delete(storeHash);
        this.logger.warn({ storeHash }, 'zoho refresh token refused: needs reconnecting');
      } else {
        await release();
      }
      throw error;
    }
    this.refreshes++;
    const version = (doc.tokenVersion ?? 0) + 1;
    const token: AccessToken = { token: fresh.access_token, version, expiresAt: Date.now() + fresh.expires_in * 1000 };
    const saved = await ZohoConnection.updateOne(mine, {
      $set: {
        accessTokenSealed: encryptSecret(token.token, this.config.encryptionKey),
        accessTokenExpiresAt: new Date(token.expiresAt),
        tokenVersion: version,
        refreshedAt: new Date(),
        recentRefreshes: [...recent, new Date()],
        refreshLeaseUntil: NO_LEASE,
      },
      $unset: { refreshLeaseOwner: 1 },
    });
    if (saved.matchedCount === 0) {
      // The lease lapsed and someone else refreshed, or the connection was removed meanwhile.
      this.logger.warn({ storeHash }, 'zoho token refreshed after the lease lapsed');
      const now = await ZohoConnection.findById(storeHash).lean();
      if (!now?.refreshTokenSealed) throw new ZohoAuthError('Zoho Inventory is not connected for this store.');
      return { ...token, version: now.tokenVersion ?? 0 };
    }
    this.logger.info({ storeHash, version }, 'zoho access token refreshed');
    return this.remember(storeHash, token);
  }

  private remember(storeHash: string, token: AccessToken): AccessToken {
    this.cache.set(storeHash, token);
    return token;
  }
}
