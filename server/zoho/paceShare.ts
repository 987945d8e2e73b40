import { ZohoPaceMember, zohoPaceMemberId } from '../db/models/index.js';
import type { Logger } from '../logger.js';

/**
 * How many processes spend one Zoho organization's calls right now, so that each limiter
 * paces itself to its share: Zoho's 100 calls a minute (and its calls in flight) are the
 * organization's, however many web and worker processes make them. A process counts from its
 * first call until `activeMs` after its last: while it calls it renews its member document every
 * `heartbeatMs` and reads how many members are current; idle, it removes its document so the
 * others grow back to the whole.
 *
 * One database write and one count per heartbeat, none per call. The first call of an idle
 * process waits for one heartbeat (it must know its share before spending any of it), and one
 * more when others are calling (so that they count it). What they spent in the current window
 * before they learned of it can still overrun Zoho's minute once: Zoho's 44 then pauses everyone.
 */
export interface PaceShareOptions {
  heartbeatMs: number;
  /** A member not seen for this long no longer counts (a killed process drops out by itself). */
  activeMs: number;
}

/** Heartbeats scale with Zoho's window (tests shrink a minute to a second). */
export const paceShareOptionsFor = (intervalMs: number): PaceShareOptions => {
  const heartbeatMs = Math.min(5_000, Math.max(50, Math.round(intervalMs / 4)));
  return { heartbeatMs, activeMs: intervalMs + 2 * heartbeatMs };
};

/** Stale members of an organization are swept every this many heartbeats. */
const SWEEP_EVERY = 20;

export class PaceShare {
  private timer: NodeJS.Timeout | undefined;
  private first: Promise<void> | undefined;
  private lastUse = 0;
  private beats = 0;
  private readonly _id: string;

  constructor(
    private readonly orgKey: string,
    processId: string,
    private readonly options: PaceShareOptions,
    /** Told the number of active processes (this one included) at each heartbeat. */
    private readonly onMembers: (members: number) => void,
    private readonly logger: Logger,
  ) {
    this._id = zohoPaceMemberId(orgKey, processId);
  }

  /**
   * A call is about to be queued. Answers a promise the first call of an idle process waits
   * for (its share becomes known); afterwards undefined.
   */
  use(): Promise<void> | undefined {
    this.lastUse = Date.now();
    if (this.timer) return this.first;
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
    this.first = this.beat()
      // Others were calling: one heartbeat for them to count this process before it starts.
      .then((members) => (members > 1 ? new Promise<void>((resolve) => setTimeout(resolve, this.options.heartbeatMs).unref()) : undefined))
      .finally(() => {
        this.first = undefined;
      });
    return this.first;
  }

  /** Leaves the organization's count (idle, or the process stops). */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await ZohoPaceMember.deleteOne({ _id: this._id }).catch(() => undefined);
  }

  /** Renews this process's membership and answers the organization's member count (1 when unknown). */
  private async beat(): Promise<number> {
    const now = Date.now();
    if (now - this.lastUse > this.options.activeMs) {
      await this.leave();
      return 1;
    }
    try {
      await ZohoPaceMember.updateOne({ _id: this._id }, { $set: { orgKey: this.orgKey, seenAt: new Date(now) } }, { upsert: true });
      const since = new Date(now - this.options.activeMs);
      if (++this.beats % SWEEP_EVERY === 0) await ZohoPaceMember.deleteMany({ orgKey: this.orgKey, seenAt: { $lt: since } });
      const members = await ZohoPaceMember.countDocuments({ orgKey: this.orgKey, seenAt: { $gte: since } });
      this.onMembers(Math.max(1, members));
      return members;
    } catch (error) {
      // The database unreachable: keep the last share (Zoho's 44 still stops an overrun).
      this.logger.warn({ err: error, orgKey: this.orgKey }, 'zoho pace share not renewed');
      return 1;
    }
  }
}
