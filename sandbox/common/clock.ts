/** The simulators' notion of time: real by default; tests may move it by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that starts at real time and moves only when told (and with real time, if `follow`). */
export class ManualClock implements Clock {
  private offset = 0;
  advance(ms: number): void {
    this.offset += ms;
  }
  now(): number {
    return Date.now() + this.offset;
  }
}
