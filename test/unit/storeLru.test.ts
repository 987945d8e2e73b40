import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreLru, STORE_LRU_MAX } from '../../server/storeLru.js';
import { rateLimiterFor } from '../../server/bigcommerce/rateLimiter.js';
import { ZohoRuntime } from '../../server/zoho/runtime.js';
import { OrgCallLimiter } from '../../server/zoho/limiter.js';
import { DailyBudget } from '../../server/zoho/budget.js';
import { DEFAULT_TOKEN_OPTIONS, ZohoTokenManager } from '../../server/zoho/tokens.js';
import { ZohoConnection } from '../../server/db/models/index.js';
import { encryptSecret } from '../../server/crypto.js';
import type { AppContext } from '../../server/context.js';
import type { Config } from '../../server/config.js';
import type { Logger } from '../../server/logger.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;
const encryptionKey = Buffer.alloc(32, 7);
const config = { encryptionKey } as unknown as Config;
const others = (n: number, prefix = 'other') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

afterEach(() => vi.restoreAllMocks());

describe('StoreLru', () => {
  it('evicts the least recently used idle entry past its bound, and never a busy one', () => {
    const busy = new Set(['a']);
    const evicted: string[] = [];
    const lru = new StoreLru<string, number>({ max: 3, busy: (k) => busy.has(k), evicted: (k) => evicted.push(k) });
    for (const k of ['a', 'b', 'c']) lru.set(k, 1);
    lru.get('b'); // c is now the least recently used idle entry
    lru.set('d', 1);
    expect(evicted).toEqual(['c']);
    expect(lru.keys().sort()).toEqual(['a', 'b', 'd']);
    // Every entry busy: the map grows past its bound rather than drop one.
    busy.add('b').add('d').add('e');
    lru.set('e', 1);
    expect(lru.size).toBe(4);
    busy.clear();
    lru.set('f', 1);
    expect(lru.size).toBe(3);
  });

  it('drops entries idle for idleMs when written, unless busy', () => {
    let now = 0;
    const lru = new StoreLru<string, number>({ max: 100, idleMs: 1_000, busy: (k) => k === 'busy', now: () => now });
    lru.set('busy', 1);
    lru.set('old', 1);
    now = 500;
    lru.set('recent', 1);
    now = 1_200;
    lru.set('new', 1);
    expect(lru.keys()).toEqual(['busy', 'recent', 'new']);
  });
});

describe('per-store state is bounded', () => {
  it('BigCommerce: an idle store’s limiter is evicted, one with a call in flight is kept', async () => {
    const api = 'https://api.lru.test';
    const busy = rateLimiterFor(api, 'busy');
    await busy.acquire('realtime'); // in flight until released
    const idle = rateLimiterFor(api, 'idle');
    for (const store of others(STORE_LRU_MAX - 1)) rateLimiterFor(api, store);
    expect(rateLimiterFor(api, 'busy')).toBe(busy);
    expect(rateLimiterFor(api, 'idle')).not.toBe(idle);
    busy.release(undefined);
  });

  it('Zoho: an idle organization’s limiter is evicted (leaving its share), a paused one is kept', () => {
    const left = vi.spyOn(OrgCallLimiter.prototype, 'leave').mockResolvedValue();
    const runtime = new ZohoRuntime({ config, logger } as AppContext);
    const busy = runtime.limiterFor('busy', 'free');
    busy.pauseUntil(Date.now() + 60_000); // Zoho said slow down: forgetting that would overrun
    const idle = runtime.limiterFor('idle', 'free');
    for (const org of others(STORE_LRU_MAX - 1)) runtime.limiterFor(org, 'free');
    expect(left).toHaveBeenCalledTimes(1);
    expect(runtime.limiterFor('busy', 'free')).toBe(busy);
    expect(runtime.limiterFor('idle', 'free')).not.toBe(idle);
  });

  it('Zoho: an idle store’s budget is evicted, one with counts not yet written is kept', async () => {
    vi.spyOn(DailyBudget.prototype, 'load').mockResolvedValue();
    vi.spyOn(DailyBudget.prototype, 'flush').mockResolvedValue();
    const runtime = new ZohoRuntime({ config, logger } as AppContext);
    const connection = { plan: 'free' };
    const busy = await runtime.budgetFor('busy', connection);
    busy.record('call'); // counted, not written yet
    const idle = await runtime.budgetFor('idle', connection);
    for (const store of others(STORE_LRU_MAX - 1)) await runtime.budgetFor(store, connection);
    expect(await runtime.budgetFor('busy', connection)).toBe(busy);
    expect(await runtime.budgetFor('idle', connection)).not.toBe(idle);
  });

  it('Zoho: an idle store’s token is forgotten, one being refreshed is kept', async () => {
    let hang: (() => void) | undefined;
    const doc = (storeHash: string, expiresInMs: number) => ({
      _id: storeHash,
      status: 'connected',
      refreshTokenSealed: 'sealed',
      accessTokenSealed: encryptSecret(`token-${storeHash}`, encryptionKey),
      tokenVersion: 1,
      accessTokenExpiresAt: new Date(Date.now() + expiresInMs),
    });
    let busyReads = 0;
    vi.spyOn(ZohoConnection, 'findById').mockImplementation(((storeHash: string) => ({
      lean: () => {
        if (storeHash !== 'busy') return Promise.resolve(doc(storeHash, 3_600_000));
        // The busy store's token lapses at once; reading its next one waits (a refresh under way).
        if (++busyReads === 1) return Promise.resolve(doc(storeHash, 20));
        return new Promise((resolve) => (hang = () => resolve({ ...doc(storeHash, 3_600_000), tokenVersion: 2 })));
      },
    })) as never);
    const tokens = new ZohoTokenManager(config, logger, { ...DEFAULT_TOKEN_OPTIONS, expiryMarginMs: 0 });
    const cache = (tokens as unknown as { cache: StoreLru<string, unknown> }).cache;
    await tokens.get('busy');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const refreshing = tokens.get('busy'); // lapsed: refreshed, in flight
    await vi.waitFor(() => expect(hang).toBeDefined());
    await tokens.get('idle'); // used after the busy one: the busy one is the least recently used
    for (const store of others(STORE_LRU_MAX - 1)) await tokens.get(store);
    expect(cache.has('busy')).toBe(true);
    expect(cache.has('idle')).toBe(false);
    hang!();
    expect((await refreshing).version).toBe(2);
  });
});
