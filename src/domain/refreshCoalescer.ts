/**
 * Turns a stream of model changes into few view refreshes: under churn (a thousand updates a
 * second) the tree redraws at most once per interval, naming every node that changed since.
 */
import type { ClusterChange } from './clusterModel';

export interface RefreshBatch {
  /** Nodes that changed since the last refresh. */
  readonly nodes: ReadonlySet<string>;
  /** Something changed that needs a full redraw. */
  readonly full: boolean;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class RefreshCoalescer {
  private pending = new Set<string>();
  private full = false;
  private timer: unknown;
  private lastFlush = -Infinity;

  /**
   * @param flush called with the batched changes
   * @param minIntervalMs at least this long between two flushes (250 ms: at most 4 a second)
   * @param settleMs wait this long after the first change of a burst, so the burst lands in one flush
   */
  constructor(
    private readonly flush: (batch: RefreshBatch) => void,
    private readonly minIntervalMs = 250,
    private readonly settleMs = 30,
    private readonly clock: Clock = realClock,
  ) {}

  push(change: ClusterChange): void {
    if (change.full) {
      this.full = true;
    }
    for (const name of change.nodes) {
      this.pending.add(name);
    }
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
    this.run();
  }

  private run(): void {
    this.timer = undefined;
    if (this.pending.size === 0 && !this.full) {
      return;
    }
    const batch: RefreshBatch = { nodes: this.pending, full: this.full };
    this.pending = new Set();
    this.full = false;
    this.lastFlush = this.clock.now();
    this.flush(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending.clear();
  }
}
