/**
 * Per-store state kept in memory (rate limiters, budgets, tokens), bounded: at most `max` entries,
 * the least recently used idle one evicted to make room, and any entry idle for `idleMs` evicted
 * when the map is next written. An entry that is busy (`busy(key, value)`: calls queued or in
 * flight, counts not yet written, a refresh under way) is never evicted: the map then holds more
 * than `max` until it is idle. `evicted` is told of each eviction (to leave a share, flush counts).
 *
 * Not lru-cache: it evicts at its bound whatever the entry, and what matters here is that a busy
 * entry stays (two limiters for one store would pace it twice as fast).
 */
export interface StoreLruOptions<K, V> {
  max: number;
  /** Entries not read or written for this long are dropped (when idle); 0: only the bound evicts. */
  idleMs?: number;
  busy?: (key: K, value: V) => boolean;
  evicted?: (key: K, value: V) => void;
  now?: () => number;
}

/** Entries per map: far more stores than one deployment serves at once, few enough to stay small. */
export const STORE_LRU_MAX = 1_000;
/** Per-store pacing state goes stale long before this. */
export const STORE_LRU_IDLE_MS = 30 * 60_000;

export class StoreLru<K, V> {
  /** In order of use, least recent first (a Map iterates in insertion order). */
  private readonly entries = new Map<K, { value: V; usedAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: StoreLruOptions<K, V>) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.usedAt = this.now();
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, usedAt: this.now() });
    this.evict();
  }

  /** The value, or one made now and kept. */
  getOrCreate(key: K, create: () => V): V {
    const found = this.get(key);
    if (found !== undefined) return found;
    const value = create();
    this.set(key, value);
    return value;
  }

  /** Forgets an entry, busy or not (disconnect, uninstall): `evicted` is not told. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }

  values(): V[] {
    return [...this.entries.values()].map((e) => e.value);
  }

  private evict(): void {
    const { max, idleMs = 0, busy, evicted } = this.options;
    const staleBefore = idleMs > 0 ? this.now() - idleMs : -Infinity;
    let over = this.entries.size - max;
    for (const [key, entry] of this.entries) {
      if (over <= 0 && entry.usedAt > staleBefore) break; // the rest are newer still
      if (busy?.(key, entry.value)) continue;
      this.entries.delete(key);
      over--;
      evicted?.(key, entry.value);
    }
  }
}
