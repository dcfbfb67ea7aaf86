import * as assert from 'node:assert/strict';
import { RefreshCoalescer, type Clock } from '../../src/domain/refreshCoalescer';

/** A clock the test advances by hand. */
class ManualClock implements Clock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number { return this.time; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void { this.timers = this.timers.filter((t) => t.id !== handle); }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) { break; }
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}

/** A clock whose timers fire `earlyMs` before they are due, as real timers sometimes do. */
class EarlyClock extends ManualClock {
  constructor(private readonly earlyMs: number) {
    super();
  }
  override setTimeout(fn: () => void, ms: number): unknown {
    // Never earlier than 1 ms from now: a real timer always lets time pass.
    return super.setTimeout(fn, Math.max(1, ms - this.earlyMs));
  }
}

describe('RefreshCoalescer', () => {
  it('keeps the interval when its timer fires early', () => {
    const clock = new EarlyClock(6);
    const batches: number[] = [];
    const c = new RefreshCoalescer(() => batches.push(clock.now()), 250, 30, clock);
    for (let i = 0; i < 5_000; i++) {
      c.push();
      clock.advance(1);
    }
    clock.advance(1000);
    assert.ok(batches.length >= 15, `${batches.length} refreshes in 5 s`);
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i] - batches[i - 1] >= 250, `refreshes ${i - 1} and ${i} are ${batches[i] - batches[i - 1]} ms apart`);
    }
  });

  it('batches a burst into one refresh', () => {
    const clock = new ManualClock();
    const batches: number[] = [];
    const c = new RefreshCoalescer(() => batches.push(clock.now()), 250, 30, clock);
    c.push();
    c.push();
    clock.advance(29);
    assert.equal(batches.length, 0);
    clock.advance(1);
    assert.equal(batches.length, 1);
    clock.advance(1000);
    assert.equal(batches.length, 1, 'nothing after the burst');
  });

  it('refreshes at most once per interval under steady churn, and after the last change', () => {
    const clock = new ManualClock();
    const batches: number[] = [];
    const c = new RefreshCoalescer(() => batches.push(clock.now()), 250, 30, clock);
    // 1,000 changes a second for 10 s.
    for (let i = 0; i < 10_000; i++) {
      c.push();
      clock.advance(1);
    }
    clock.advance(1000);
    assert.ok(batches.length <= 10 * 4 + 1, `${batches.length} refreshes in 10 s`);
    assert.ok(batches.length >= 10 * 3, 'still refreshes regularly');
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i] - batches[i - 1] >= 250, `refreshes ${i - 1} and ${i} are ${batches[i] - batches[i - 1]} ms apart`);
    }
    assert.ok(batches[batches.length - 1] >= 10_000, 'the last change is delivered');
  });

  it('flushNow delivers at once', () => {
    const clock = new ManualClock();
    const batches: number[] = [];
    const c = new RefreshCoalescer(() => batches.push(clock.now()), 250, 30, clock);
    c.push();
    c.flushNow();
    assert.equal(batches.length, 1);
    c.flushNow();
    assert.equal(batches.length, 1, 'nothing pending, nothing delivered');
    c.push();
    c.dispose();
    clock.advance(1000);
    assert.equal(batches.length, 1, 'disposed: no late refresh');
  });
});
