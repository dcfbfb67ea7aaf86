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

export { sleep } from '../domain/sleep';
