import type { Model, UpdateQuery } from 'mongoose';
import { releaseAtShutdown } from '../shutdown.js';

/**
 * The one lease module: every unit of work that must not run twice at once (an order, a
 * shipment, a flow run, a contact claim) is held by a lease kept in its own document.
 *
 * - Taken by compare-and-set: a document whose lease is free or lapsed is taken by one worker.
 * - Renewed by heartbeat while held (`keepAlive`); a renewal that fails marks the lease lost and
 *   the work stops at its next write or check.
 * - Fenced: `write` conditions every update on still holding the lease and throws LeaseLost
 *   when it does not; `check` is called right before each external create.
 * - Expiry allows for clocks that differ between hosts by up to `clockSkewMs` (the embedded
 *   database has no server clock in expressions): a taker waits until the lease lapsed that
 *   long ago by its own clock, and a holder counts its lease as ending that long before its
 *   deadline by its clock. A lease is therefore never held by two workers at once while their
 *   clocks differ by less than the margin.
 */
export const leaseOptions = {
  /** Production: 10 s. Tests shorten it (LEASE_CLOCK_SKEW_MS) so that takeovers do not wait. */
  clockSkewMs: Number(process.env.LEASE_CLOCK_SKEW_MS ?? 10_000),
};

export function configureLeases(options: Partial<typeof leaseOptions> = {}): void {
  leaseOptions.clockSkewMs = options.clockSkewMs ?? Number(process.env.LEASE_CLOCK_SKEW_MS ?? 10_000);
}

/** Where a kind of document keeps its lease, and how long one lasts. */
export interface LeaseKind {
  /** For messages: "order", "shipment"… */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>;
  ownerField: string;
  untilField: string;
  /** A flag another worker sets to ask the holder to look once more before letting go. */
  recheckField?: string;
  leaseMs: () => number;
  /** Further conditions under which the document counts as free to take (e.g. not yet executing). */
  alsoFree?: Record<string, unknown>[];
}

/** The lease was lost (it lapsed and another worker took it, or a renewal failed): stop the work. */
export class LeaseLost extends Error {
  constructor(kind: LeaseKind, _id: string) {
    super(`Another worker took this ${kind.name} over (its lease ${_id} lapsed).`);
    this.name = 'LeaseLost';
  }
}

const FREE = new Date(0);
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

export class Lease {
  private lost = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private unregister: (() => void) | undefined;

  constructor(
    readonly kind: LeaseKind,
    readonly _id: string,
    readonly owner: string,
    /** Until when this holder counts the lease as its own (its deadline less the margin). */
    private validUntil: number,
  ) {}

  /** The filter that fences a write: this document, still held by this owner. */
  get fence(): Record<string, unknown> {
    return { _id: this._id, [this.kind.ownerField]: this.owner };
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** Updates the document only while the lease is held; throws LeaseLost otherwise. */
  async write(update: UpdateQuery<unknown>, filter: Record<string, unknown> = {}): Promise<void> {
    if (this.lost) throw new LeaseLost(this.kind, this._id);
    const result = await this.kind.model.updateOne({ ...filter, ...this.fence }, update);
    if (result.matchedCount === 0) {
      // Either the lease is gone or the extra filter did not match: only the first is a loss.
      if (Object.keys(filter).length === 0 || !(await this.kind.model.exists(this.fence))) {
        this.lost = true;
        throw new LeaseLost(this.kind, this._id);
      }
    }
  }

  /** Extends the lease; false (and the lease counts as lost) when it is no longer ours. */
  async renew(): Promise<boolean> {
    if (this.lost) return false;
    const started = Date.now();
    const until = new Date(started + this.kind.leaseMs());
    const result = await this.kind.model.updateOne(this.fence, { $set: { [this.kind.untilField]: until } });
    if (result.matchedCount !== 1) {
      this.lost = true;
      return false;
    }
    this.validUntil = until.getTime() - leaseOptions.clockSkewMs;
    return true;
  }

  /**
   * Right before an external create: the lease is ours and has time left beyond the clock
   * margin (renewed now if it has not); throws LeaseLost otherwise.
   */
  async check(): Promise<void> {
    if (this.lost) throw new LeaseLost(this.kind, this._id);
    const spare = this.kind.leaseMs() / 3;
    if (Date.now() + spare < this.validUntil) return;
    if (!(await this.renew())) throw new LeaseLost(this.kind, this._id);
  }

  /**
   * Renews the lease every third of its length until released; a failed renewal marks it lost.
   * While kept alive, a shutdown lets go of it (another worker takes the work at once; what still
   * runs here is fenced out).
   */
  keepAlive(): this {
    this.stopHeartbeat();
    this.unregister = releaseAtShutdown(() => this.letGo());
    const every = Math.max(50, Math.floor(this.kind.leaseMs() / 3));
    this.heartbeat = setInterval(() => {
      this.renew().then(
        (held) => {
          if (!held) this.stopHeartbeat();
        },
        () => undefined, // the database unreachable: the next renewal or write decides
      );
    }, every);
    this.heartbeat.unref();
    return this;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.unregister?.();
    this.unregister = undefined;
  }

  /** Lets go whatever is pending (a shutdown): the next taker reads the latest state anyway. */
  async letGo(): Promise<void> {
    this.stopHeartbeat();
    if (this.lost) return;
    this.lost = true;
    await this.kind.model.updateOne(this.fence, { $set: { [this.kind.untilField]: FREE }, $unset: { [this.kind.ownerField]: 1 } });
  }

  /**
   * Lets go, unless another worker asked for a second look meanwhile (`recheckField`): then
   * the lease is kept, renewed, and 'recheck' answered so the holder looks once more.
   */
  async release(extra: UpdateQuery<unknown> = {}): Promise<'released' | 'recheck' | 'lost'> {
    this.stopHeartbeat();
    if (this.lost) return 'lost';
    const { ownerField, untilField, recheckField, model } = this.kind;
    const notAsked = recheckField ? { [recheckField]: { $ne: true } } : {};
    const released = await model.updateOne({ ...this.fence, ...notAsked }, mergeUpdate(extra, { $set: { [untilField]: FREE }, $unset: { [ownerField]: 1 } }));
    if (released.matchedCount === 1) return 'released';
    if (recheckField) {
      const again = await model.updateOne({ ...this.fence, [recheckField]: true }, { $set: { [recheckField]: false, [untilField]: new Date(Date.now() + this.kind.leaseMs()) } });
      if (again.matchedCount === 1) {
        this.keepAlive();
        return 'recheck';
      }
    }
    this.lost = true;
    return 'lost';
  }

  /** Stops renewing without letting go (a shutdown that leaves the lease to lapse is a crash). */
  abandon(): void {
    this.stopHeartbeat();
  }
}

function mergeUpdate(a: UpdateQuery<unknown>, b: { $set: Record<string, unknown>; $unset: Record<string, unknown> }): UpdateQuery<unknown> {
  const first = a as Record<string, Record<string, unknown> | undefined>;
  return { ...a, $set: { ...(first.$set ?? {}), ...b.$set }, $unset: { ...(first.$unset ?? {}), ...b.$unset } };
}

function leaseFor(kind: LeaseKind, _id: string, owner: string, until: Date): Lease {
  return new Lease(kind, _id, owner, until.getTime() - leaseOptions.clockSkewMs);
}

/**
 * Takes the lease of an existing document when it is free, lapsed (by more than the clock
 * margin), already ours, or free by the kind's own rule; undefined while another holds it.
 */
export async function takeLease(kind: LeaseKind, _id: string, owner: string, filter: Record<string, unknown> = {}): Promise<Lease | undefined> {
  const now = Date.now();
  const until = new Date(now + kind.leaseMs());
  const lapsed = new Date(now - leaseOptions.clockSkewMs);
  const free = [
    { [kind.untilField]: { $lt: lapsed } },
    { [kind.untilField]: { $exists: false } },
    { [kind.ownerField]: owner },
    ...(kind.alsoFree ?? []),
  ];
  const taken = await kind.model.updateOne(
    { ...filter, _id, $or: free },
    { $set: { [kind.ownerField]: owner, [kind.untilField]: until, ...(kind.recheckField ? { [kind.recheckField]: false } : {}) } },
  );
  return taken.matchedCount === 1 ? leaseFor(kind, _id, owner, until) : undefined;
}

/**
 * Claims a unit of work: inserts its document holding the lease (a unique _id: concurrent
 * claims race on it and one wins), else takes the lease of the existing one. While another
 * holds it, sets the recheck flag (the holder looks once more before letting go) and tries
 * once more, since the holder may have let go in between.
 */
export async function claimLease(kind: LeaseKind, _id: string, owner: string, newDocument: Record<string, unknown>): Promise<Lease | undefined> {
  const now = Date.now();
  const until = new Date(now + kind.leaseMs());
  try {
    await kind.model.create({ ...newDocument, _id, [kind.ownerField]: owner, [kind.untilField]: until, ...(kind.recheckField ? { [kind.recheckField]: false } : {}) });
    return leaseFor(kind, _id, owner, until);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const taken = await takeLease(kind, _id, owner);
  if (taken || !kind.recheckField) return taken;
  await kind.model.updateOne({ _id, [kind.ownerField]: { $exists: true, $ne: owner } }, { $set: { [kind.recheckField]: true } });
  return takeLease(kind, _id, owner);
}
