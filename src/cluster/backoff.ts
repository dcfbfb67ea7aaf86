/**
 * How long to wait before reconnecting: capped exponential backoff with jitter, and a sleep that a
 * refresh or dispose cuts short.
 */

export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The delay before attempt `attempt` (1 for the first retry): initialMs·2ⁿ capped at maxMs,
 * ±20 % jitter so many clients do not retry in step; at least the server's Retry-After (capped too).
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, { initialMs, maxMs }: BackoffSettings): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.round(base * (0.8 + 0.4 * Math.random()));
  return retryAfterMs !== undefined ? Math.max(jittered, Math.min(retryAfterMs, maxMs)) : jittered;
}

/** Resolves after ms (never, for Infinity), or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
