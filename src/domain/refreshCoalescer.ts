/**
 * Turns a stream of model changes into few view refreshes: under churn (a thousand updates a
 * second) the tree redraws at most once per interval. Views redraw what they show from the
 * model, so a refresh needs to know only that something changed, not what.
 */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  // Monotonic: a wall clock stepped by NTP would shorten (or stretch) the interval.
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class RefreshCoalescer {
  private pending = false;
  private timer: unknown;
  private lastFlush = -Infinity;

  /**
   * @param flush called once for every batch of changes
   * @param minIntervalMs at least this long between two flushes (250 ms: at most 4 a second)
   * @param settleMs wait this long after the first change of a burst, so the burst lands in one flush
   */
  constructor(
    private readonly flush: () => void,
    private readonly minIntervalMs = 250,
    private readonly settleMs = 30,
    private readonly clock: Clock = realClock,
  ) {}

  /** Something changed: a flush follows within the interval. */
  push(): void {
    this.pending = true;
    if (this.timer === undefined) {
      const sinceLast = this.clock.now() - this.lastFlush;
      const delay = Math.max(this.settleMs, this.minIntervalMs - sinceLast);
      this.timer = this.clock.setTimeout(() => this.run(), delay);
    }
  }

  /** Delivers what is pending now (e.g. before the view is disposed or for a manual refresh). */
  flushNow(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
    }
    this.run(true);
  }

  private run(now = false): void {
    this.timer = undefined;
    if (!this.pending) {
      return;
    }
    // Timers may fire a little early: never closer than the interval to the last flush.
    const early = this.minIntervalMs - (this.clock.now() - this.lastFlush);
    if (!now && early > 0) {
      this.timer = this.clock.setTimeout(() => this.run(), early);
      return;
    }
    this.pending = false;
    this.lastFlush = this.clock.now();
    this.flush();
  }

  dispose(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending = false;
  }
}
