/**
 * A wait that an abort signal ends early: resolves true when the time passed, false when the
 * signal aborted first (or had already). A non-finite `ms` waits for the signal only.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const end = (elapsed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(elapsed);
    };
    const onAbort = (): void => end(false);
    const timer = Number.isFinite(ms) ? setTimeout(() => end(true), ms) : undefined;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
