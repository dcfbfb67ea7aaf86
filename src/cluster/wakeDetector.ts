/**
 * Notices that the machine slept (a laptop lid closed, a VM paused): a timer that fires every few
 * seconds, and a wall clock that, on one tick, has moved far more than that. Timers do not run
 * while the machine sleeps, while the wall clock does; so a tick that comes much later than
 * scheduled is a wake. A watch may look alive after a sleep on a TCP connection that is gone, so
 * the connection relists instead of waiting for the watch's idle timer. No `vscode` import.
 */

import type { SleepGap } from '../domain/resumeNote';

/** The wall-clock time the machine was asleep (or at least ran no timers): from the last tick before to the first after. */
export type WakeGap = SleepGap;

export interface WakeOptions {
  /** How often the timer ticks. Default 5 s. */
  readonly intervalMs?: number;
  /** How much later than scheduled a tick must come to count as a wake. Default 30 s. */
  readonly lateMs?: number;
  /** The wall clock. Default Date.now (tests move it forward). */
  readonly now?: () => number;
  /** Runs `tick` every `ms` until disposed. Default setInterval, unref'd (a test may drive ticks itself). */
  readonly every?: (ms: number, tick: () => void) => { dispose(): void };
}

export const WAKE_CHECK_INTERVAL_MS = 5_000;
export const WAKE_LATE_MS = 30_000;

function everyInterval(ms: number, tick: () => void): { dispose(): void } {
  const timer = setInterval(tick, ms);
  // The check must never keep a process (the extension host's shutdown, a test run) alive.
  timer.unref?.();
  return { dispose: () => clearInterval(timer) };
}

export class WakeDetector {
  private readonly intervalMs: number;
  private readonly lateMs: number;
  private readonly now: () => number;
  private readonly every: NonNullable<WakeOptions['every']>;
  private timer: { dispose(): void } | undefined;
  private lastTick = 0;

  constructor(private readonly onWake: (gap: WakeGap) => void, options: WakeOptions = {}) {
    this.intervalMs = Math.max(1, options.intervalMs ?? WAKE_CHECK_INTERVAL_MS);
    this.lateMs = Math.max(0, options.lateMs ?? WAKE_LATE_MS);
    this.now = options.now ?? Date.now;
    this.every = options.every ?? everyInterval;
  }

  start(): void {
    if (this.timer) {
      return;
    }
    this.lastTick = this.now();
    this.timer = this.every(this.intervalMs, () => this.tick());
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private tick(): void {
    const now = this.now();
    const last = this.lastTick;
    this.lastTick = now;
    // A clock set back (NTP) is no sleep: the next tick counts from here.
    if (now - last > this.intervalMs + this.lateMs) {
      this.onWake({ asleepFrom: last, awokeAt: now });
    }
  }
}
