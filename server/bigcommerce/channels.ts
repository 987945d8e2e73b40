import type { AppContext } from '../context.js';
import { Priority } from '../sync/priority.js';
import type { BigCommerceClient } from './client.js';
import { StoreLru } from '../storeLru.js';
import { bigcommerceClientFor } from './clientFactory.js';

/** `/v3/channels` (channels.v3.yml, ChannelWithoutCurrencies): the fields the app reads. */
export interface BcChannel {
  id: number;
  name: string;
  type?: string;
  platform?: string;
  status?: string;
}

/** A channel as the panel shows it. */
export interface ChannelInfo {
  id: number;
  name: string;
}

/** Every channel of the store (storefronts, marketplaces, POS…); channel 1 is the store's own storefront. */
export async function listChannels(client: BigCommerceClient): Promise<ChannelInfo[]> {
  const channels: ChannelInfo[] = [];
  // A merchant is waiting on the panel.
  for await (const page of client.paginateV3<BcChannel>('/channels', { priority: Priority.realtime })) {
    for (const c of page) if (typeof c.id === 'number') channels.push({ id: c.id, name: String(c.name ?? '') });
  }
  return channels.sort((a, b) => a.id - b.id);
}

/** How long a store's channel list is reused, and how many stores' lists a process keeps. */
export const CHANNELS_TTL_MS = 5 * 60_000;
const MAX_CACHED_STORES = 200;

interface CacheEntry {
  at: number;
  channels: Promise<ChannelInfo[]>;
  /** The list once read: what a stale entry still answers with while it is read again. */
  known?: ChannelInfo[];
  refreshing?: boolean;
}
const cache = new StoreLru<string, CacheEntry>({ max: MAX_CACHED_STORES });

/**
 * The store's channels, read at most every few minutes per store (the panel's order list asks
 * on every poll). The cache is bounded: past MAX_CACHED_STORES the least recently used entry
 * goes. A failed read is not kept, so the next request asks again.
 *
 * `stale: 'serve'` (the order list, which only names the channels): a list past its time is
 * answered at once and read again in the background, so no poll of the list waits on
 * BigCommerce once the store's channels were read. The settings (GET /api/channels) wait for
 * a fresh list.
 */
export function storeChannels(ctx: AppContext, storeHash: string, options: { stale?: 'serve' } = {}): Promise<ChannelInfo[]> {
  const now = Date.now();
  const hit = cache.get(storeHash);
  if (hit && now - hit.at < CHANNELS_TTL_MS) return hit.channels;
  if (hit?.known && options.stale === 'serve') {
    if (!hit.refreshing) {
      hit.refreshing = true;
      read(ctx, storeHash, now).catch(() => (hit.refreshing = false));
    }
    return Promise.resolve(hit.known);
  }
  return read(ctx, storeHash, now);
}

function read(ctx: AppContext, storeHash: string, now: number): Promise<ChannelInfo[]> {
  const channels = bigcommerceClientFor(ctx, storeHash).then(listChannels);
  const entry: CacheEntry = { at: now, channels };
  // A stale entry keeps answering until this read succeeds.
  if (!cache.get(storeHash)?.known) cache.set(storeHash, entry);
  channels.then(
    (list) => {
      entry.known = list;
      cache.set(storeHash, entry);
    },
    () => {
      if (cache.get(storeHash) === entry) cache.delete(storeHash);
    },
  );
  return channels;
}

/** Forget cached channel lists (one store's, or all: tests). */
export function forgetChannels(storeHash?: string): void {
  for (const key of storeHash === undefined ? cache.keys() : [storeHash]) cache.delete(key);
}
