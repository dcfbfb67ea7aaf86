/**
 * Polling for the vscode tier: the extension host updates the tree, panels and settings
 * asynchronously, so tests wait on what they check rather than sleeping a fixed time.
 */

/** Resolves with the probe's first value that is neither undefined nor false; a probe that throws is retried. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined && value !== false) {
        return value;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
