import { priorityRank, type Priority } from '../sync/priority.js';

/**
 * One Zoho organization's pace, in this process: at most `perInterval` calls in any sliding
 * `intervalMs` and `concurrency` in flight, most urgent first, divided by the number of
 * processes spending the organization's calls now (paceShare.ts tells it).
 *
 * A call's slot in the window is given back `intervalMs` after its response arrived (not after
 * it was sent): Zoho counts a call when it receives it, which is before we see the answer, so
 * this is never faster than Zoho's own window however the network delays requests.
 */
export interface RateLimits {
  perInterval: number;
  intervalMs: number;
  concurrency: number;
}

interface Waiting {
  start: () => void;
}

/** Where the limiter learns its share: `use` at each call (a promise the first call waits for). */
export interface ShareSource {
  use(): Promise<void> | undefined;
  leave(): Promise<void>;
}

export class OrgCallLimiter {
  private readonly queues: Record<Priority, Waiting[]> = { realtime: [], reconcile: [], scheduled: [] };
  private readonly order = (Object.keys(priorityRank) as Priority[]).sort((a, b) => priorityRank[b] - priorityRank[a]);
  /** When each finished call's window slot comes back (ascending). */
  private releases: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Highest number of calls seen in flight at once (tests read it). */
  peakInFlight = 0;
  /** Processes spending this organization's calls now, this one included. */
  private members = 1;
  /** Nothing starts until the share is known (the first call after being idle). */
  private held = false;
  private share: ShareSource | undefined;

  constructor(private limits: RateLimits) {}

  /** Paces to a share of the organization's limits from now on. */
  shareWith(source: ShareSource): void {
    this.share = source;
  }

  /** Processes sharing the organization's pace, as last counted (1: this one alone). */
  get sharedBy(): number {
    return this.members;
  }

  setMembers(members: number): void {
    this.members = Math.max(1, members);
    this.pump();
  }

  /** Calls of this process in the window now: in flight, or answered less than `intervalMs` ago. */
  spent(): number {
    const now = Date.now();
    return this.inFlight + this.releases.filter((at) => at > now).length;
  }

  /** The organization's whole window (every process's calls together). */
  orgPerInterval(): number {
    return this.limits.perInterval;
  }

  /** Stops counting this process in the organization's share (shutdown, disconnect). */
  async leave(): Promise<void> {
    await this.share?.leave();
  }

  private get perInterval(): number {
    return Math.max(1, Math.floor(this.limits.perInterval / this.members));
  }

  private get concurrency(): number {
    return Math.max(1, Math.floor(this.limits.concurrency / this.members));
  }

  setConcurrency(concurrency: number): void {
    this.limits = { ...this.limits, concurrency };
    this.pump();
  }

  /** Zoho said slow down (44 / 1070): nothing new starts before `until`. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.pump();
  }

  /** Runs `fn` when a slot is free; `front` puts a retried call ahead of its priority's queue. */
  run<T>(priority: Priority, fn: () => Promise<T>, front = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = {
        start: () => {
          this.inFlight++;
          this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
          fn()
            .then(resolve, reject)
            .finally(() => {
              this.inFlight--;
              this.releases.push(Date.now() + this.limits.intervalMs);
              this.pump();
            });
        },
      };
      if (front) this.queues[priority].unshift(entry);
      else this.queues[priority].push(entry);
      const gate = this.share?.use();
      if (gate && !this.held) {
        this.held = true;
        void gate.finally(() => {
          this.held = false;
          this.pump();
        });
      }
      this.pump();
    });
  }

  /**
   * Nothing queued, in flight, paused or counted in the window: forgetting it loses nothing (it
   * leaves the organization's share first).
   */
  get idle(): boolean {
    const now = Date.now();
    return this.inFlight === 0 && this.waiting === 0 && !this.held && this.pausedUntil <= now && this.releases.every((at) => at <= now);
  }

  get waiting(): number {
    return this.order.reduce((n, p) => n + this.queues[p].length, 0);
  }

  private pump(): void {
    const now = Date.now();
    while (this.releases.length > 0 && this.releases[0]! <= now) this.releases.shift();
    if (this.held) return;
    for (;;) {
      const next = this.order.map((p) => this.queues[p]).find((q) => q.length > 0);
      if (!next) return;
      if (this.inFlight >= this.concurrency) return; // a finishing call pumps again
      if (now < this.pausedUntil) return this.wakeAt(this.pausedUntil);
      if (this.inFlight + this.releases.length >= this.perInterval) {
        // Full: the oldest slot comes back at releases[0], or a call in flight finishes first.
        if (this.releases.length > 0) this.wakeAt(this.releases[0]!);
        return;
      }
      next.shift()!.start();
    }
  }

  private wakeAt(at: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, at - Date.now()));
    // Waiting calls must not keep a process that is shutting down alive.
    this.timer.unref();
  }
}
