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
 * One database write and one read per heartbeat, none per call. The first call of an idle
 * process waits for its first heartbeat (it must know its share before spending any of it).
 * When others are calling, each member's heartbeat also says what it has spent in the window:
 * if they have spent so much that this process's share would not fit beside it, it waits one
 * more heartbeat, so that they count it before it spends; otherwise it starts at once (a quiet
 * organization's next order does not wait 5 s because another worker took its last one). What
 * the others spend before they learn of it can still overrun Zoho's minute once: Zoho's 44 then
 * pauses everyone.
 */
/** What a heartbeat learns: processes calling the organization now (this one included), and what the others spent in the window. */
interface Members {
  count: number;
  othersSpent: number;
}

/** This process's side of the organization's pace: what it spent in the window, and the whole window's calls. */
export interface PaceSpend {
  spent(): number;
  orgPerInterval(): number;
}

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
    private readonly pace: PaceSpend,
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
      // Others were calling and busy: one heartbeat for them to count this process before it starts.
      .then((members) => (this.mustWaitToBeCounted(members) ? new Promise<void>((resolve) => setTimeout(resolve, this.options.heartbeatMs).unref()) : undefined))
      .finally(() => {
        this.first = undefined;
      });
    return this.first;
  }

  /** Whether the others, not yet counting this process, have spent too much of the window for its share to fit beside it. */
  private mustWaitToBeCounted(members: Members): boolean {
    if (members.count <= 1) return false;
    const share = Math.floor(this.pace.orgPerInterval() / members.count);
    return members.othersSpent + share > this.pace.orgPerInterval();
  }

  /** Leaves the organization's count (idle, or the process stops). */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await ZohoPaceMember.deleteOne({ _id: this._id }).catch(() => undefined);
  }

  /** Renews this process's membership and answers the organization's members (alone when unknown). */
  private async beat(): Promise<Members> {
    const now = Date.now();
    if (now - this.lastUse > this.options.activeMs) {
      await this.leave();
      return { count: 1, othersSpent: 0 };
    }
    try {
      await ZohoPaceMember.updateOne({ _id: this._id }, { $set: { orgKey: this.orgKey, seenAt: new Date(now), spent: this.pace.spent() } }, { upsert: true });
      const since = new Date(now - this.options.activeMs);
      if (++this.beats % SWEEP_EVERY === 0) await ZohoPaceMember.deleteMany({ orgKey: this.orgKey, seenAt: { $lt: since } });
      const current = await ZohoPaceMember.find({ orgKey: this.orgKey, seenAt: { $gte: since } }, { spent: 1 }).lean();
      const othersSpent = current.filter((m) => m._id !== this._id).reduce((sum, m) => sum + (m.spent ?? 0), 0);
      this.onMembers(Math.max(1, current.length));
      return { count: current.length, othersSpent };
    } catch (error) {
      // The database unreachable: keep the last share (Zoho's 44 still stops an overrun).
      this.logger.warn({ err: error, orgKey: this.orgKey }, 'zoho pace share not renewed');
      return { count: 1, othersSpent: 0 };
    }
  }
}
