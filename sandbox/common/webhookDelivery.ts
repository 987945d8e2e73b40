/**
 * Delivers webhooks the way the platforms do: POST with the registered headers, retried on
 * anything but 2xx with backoff; plus fault injection for duplicated and reordered deliveries.
 */
export interface DeliveryOptions {
  /** Backoff before retry n (1-based), in ms; BigCommerce starts at 60 s. Scaled down in tests. */
  retryDelaysMs?: number[];
  /** 0..1: share of deliveries sent twice. */
  duplicateRate?: number;
  /** Hold deliveries and send each batch in random order (ms window; 0 = off). */
  reorderWindowMs?: number;
}

export interface DeliveryRecord {
  url: string;
  body: unknown;
  attempts: number;
  statuses: number[];
  delivered: boolean;
}

export class WebhookDeliverer {
  private options: Required<DeliveryOptions> = { retryDelaysMs: [60_000, 120_000, 240_000], duplicateRate: 0, reorderWindowMs: 0 };
  private held: (() => void)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private pending = new Set<Promise<void>>();
  readonly log: DeliveryRecord[] = [];

  configure(options: DeliveryOptions): void {
    this.options = { ...this.options, ...options };
  }

  send(url: string, headers: Record<string, string>, body: unknown): void {
    const copies = Math.random() < this.options.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const go = () => this.track(this.attempt({ url, body, attempts: 0, statuses: [], delivered: false }, headers));
      if (this.options.reorderWindowMs > 0) this.hold(go);
      else go();
    }
  }

  /** Runs `fn` after `delayMs` (a delivery raised a little later); `settle()` waits for it too. */
  later(delayMs: number, fn: () => void): void {
    this.track(new Promise<void>((resolve) => setTimeout(() => {
      try {
        fn();
      } finally {
        resolve();
      }
    }, Math.max(0, delayMs))));
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  async settle(): Promise<void> {
    while (this.pending.size > 0 || this.held.length > 0) {
      if (this.held.length > 0) this.flushHeld();
      await Promise.allSettled([...this.pending]);
    }
  }

  private hold(go: () => void) {
    this.held.push(go);
    this.holdTimer ??= setTimeout(() => this.flushHeld(), this.options.reorderWindowMs);
  }

  private flushHeld() {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const batch = this.held.splice(0).sort(() => Math.random() - 0.5);
    for (const go of batch) go();
  }

  private track(promise: Promise<void>) {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async attempt(record: DeliveryRecord, headers: Record<string, string>): Promise<void> {
    this.log.push(record);
    for (;;) {
      record.attempts++;
      let status = 0;
      try {
        const res = await fetch(record.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(record.body),
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      record.statuses.push(status);
      if (status >= 200 && status < 300) {
        record.delivered = true;
        return;
      }
      const delay = this.options.retryDelaysMs[record.attempts - 1];
      if (delay === undefined) return;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
