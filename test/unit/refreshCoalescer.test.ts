import * as assert from 'node:assert/strict';
import { RefreshBatch, RefreshCoalescer, type Clock } from '../../src/domain/refreshCoalescer';

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

describe('RefreshCoalescer', () => {
  it('batches a burst into one refresh naming every changed node', () => {
    const clock = new ManualClock();
    const batches: RefreshBatch[] = [];
    const c = new RefreshCoalescer((b) => batches.push(b), 250, 30, clock);
    c.push({ nodes: ['a'], full: false });
    c.push({ nodes: ['b', 'a'], full: false });
    clock.advance(29);
    assert.equal(batches.length, 0);
    clock.advance(1);
    assert.equal(batches.length, 1);
    assert.deepEqual([...batches[0].nodes].sort(), ['a', 'b']);
    assert.equal(batches[0].full, false);
  });

  it('refreshes at most once per interval under steady churn, losing no node', () => {
    const clock = new ManualClock();
    const batches: RefreshBatch[] = [];
    const c = new RefreshCoalescer((b) => batches.push(b), 250, 30, clock);
    // 1,000 changes a second for 10 s.
    for (let i = 0; i < 10_000; i++) {
      c.push({ nodes: [`n${i % 5000}`], full: false });
      clock.advance(1);
    }
    clock.advance(1000);
    assert.ok(batches.length <= 10 * 4 + 1, `${batches.length} refreshes in 10 s`);
    assert.ok(batches.length >= 10 * 3, 'still refreshes regularly');
    const seen = new Set(batches.flatMap((b) => [...b.nodes]));
    assert.equal(seen.size, 5000);
  });

  it('carries a full redraw, and flushNow delivers at once', () => {
    const clock = new ManualClock();
    const batches: RefreshBatch[] = [];
    const c = new RefreshCoalescer((b) => batches.push(b), 250, 30, clock);
    c.push({ nodes: [], full: true });
    c.flushNow();
    assert.equal(batches.length, 1);
    assert.equal(batches[0].full, true);
    c.flushNow();
    assert.equal(batches.length, 1, 'nothing pending, nothing delivered');
    c.push({ nodes: ['x'], full: false });
    c.dispose();
    clock.advance(1000);
    assert.equal(batches.length, 1, 'disposed: no late refresh');
  });
});
