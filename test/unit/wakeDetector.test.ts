import * as assert from 'node:assert/strict';
import { WAKE_CHECK_INTERVAL_MS, WAKE_LATE_MS, WakeDetector, type WakeGap } from '../../src/cluster/wakeDetector';

/** A clock the test moves, and a timer that ticks when the test says (as the event loop would after each interval). */
function manualClock(start = Date.UTC(2026, 11, 1, 18, 0, 0)) {
  let now = start;
  let tick: (() => void) | undefined;
  let disposed = 0;
  return {
    now: () => now,
    every: (_ms: number, fn: () => void) => {
      tick = fn;
      return { dispose: () => { disposed++; tick = undefined; } };
    },
    /** The wall clock moves `ms`, then the timer fires. */
    advance(ms: number): void {
      now += ms;
      tick?.();
    },
    get running(): boolean { return tick !== undefined; },
    get disposals(): number { return disposed; },
  };
}

describe('WakeDetector', () => {
  it('stays quiet while ticks come on time, or a little late (a busy event loop)', () => {
    const clock = manualClock();
    const gaps: WakeGap[] = [];
    const detector = new WakeDetector((g) => gaps.push(g), clock);
    detector.start();
    for (let i = 0; i < 100; i++) {
      clock.advance(WAKE_CHECK_INTERVAL_MS);
    }
    clock.advance(WAKE_CHECK_INTERVAL_MS + WAKE_LATE_MS); // late, but not past the threshold
    assert.deepEqual(gaps, []);
  });

  it('reports a tick that comes far later than scheduled as a wake, from the last tick before to the first after', () => {
    const clock = manualClock();
    const gaps: WakeGap[] = [];
    const detector = new WakeDetector((g) => gaps.push(g), clock);
    detector.start();
    clock.advance(WAKE_CHECK_INTERVAL_MS);
    const before = clock.now();
    clock.advance(65 * 60_000);
    assert.deepEqual(gaps, [{ asleepFrom: before, awokeAt: before + 65 * 60_000 }]);
    // The next tick on time is no second wake.
    clock.advance(WAKE_CHECK_INTERVAL_MS);
    assert.equal(gaps.length, 1);
  });

  it('counts from start(), and reports each sleep once', () => {
    const clock = manualClock();
    const gaps: WakeGap[] = [];
    const detector = new WakeDetector((g) => gaps.push(g), { ...clock, intervalMs: 1000, lateMs: 5000 });
    clock.advance(60 * 60_000); // before start: nothing runs
    detector.start();
    const started = clock.now();
    clock.advance(1000 + 5000 + 1);
    clock.advance(1000);
    clock.advance(2 * 60 * 60_000);
    assert.deepEqual(gaps.map((g) => g.awokeAt - g.asleepFrom), [6001, 2 * 60 * 60_000]);
    assert.equal(gaps[0].asleepFrom, started);
  });

  it('a clock set back is no wake', () => {
    const clock = manualClock();
    const gaps: WakeGap[] = [];
    new WakeDetector((g) => gaps.push(g), clock).start();
    clock.advance(-3 * 60 * 60_000);
    clock.advance(WAKE_CHECK_INTERVAL_MS);
    assert.deepEqual(gaps, []);
  });

  it('dispose stops the timer; start twice keeps one timer', () => {
    const clock = manualClock();
    const detector = new WakeDetector(() => assert.fail('no wake after dispose'), clock);
    detector.start();
    detector.start();
    assert.ok(clock.running);
    detector.dispose();
    assert.equal(clock.disposals, 1);
    assert.ok(!clock.running);
    clock.advance(24 * 60 * 60_000);
  });

  it('by default runs on a real timer, which dispose stops', async () => {
    let ticks = 0;
    const detector = new WakeDetector(() => undefined, { intervalMs: 5, now: () => { ticks++; return Date.now(); } });
    detector.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    detector.dispose();
    const after = ticks;
    assert.ok(after >= 3, `${after} reads of the clock`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(ticks, after, 'no tick after dispose');
  });
});
