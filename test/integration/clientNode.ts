/**
 * Loads the real @kubernetes/client-node (ESM-only) from these CommonJS-compiled tests.
 * With module node16, tsc keeps `import()` as a real dynamic import rather than turning it into require().
 */
export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });

export async function loadClientNode(): Promise<ClientNode> {
  return await import('@kubernetes/client-node');
}

export interface WatchEvent {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string; [key: string]: unknown };
}

export interface WatchRecorder {
  readonly events: WatchEvent[];
  /** Resolves with the error (or null) the watch ended with. */
  readonly ended: Promise<unknown>;
  readonly hasEnded: () => boolean;
  waitFor(predicate: (events: WatchEvent[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  abort(): void;
}

/** Runs client-node's Watch and records what arrives, so tests can wait for events in order. */
export async function recordWatch(
  k8s: ClientNode, kc: InstanceType<ClientNode['KubeConfig']>, path: string, query: Record<string, string | number | boolean | undefined>,
  configure?: (watch: InstanceType<ClientNode['Watch']>) => void,
): Promise<WatchRecorder> {
  const events: WatchEvent[] = [];
  const listeners = new Set<() => void>();
  let ended = false;
  let resolveEnded: (err: unknown) => void = () => undefined;
  const endedPromise = new Promise<unknown>((resolve) => {
    resolveEnded = resolve;
  });
  const notify = (): void => {
    for (const l of [...listeners]) {
      l();
    }
  };
  const watch = new k8s.Watch(kc);
  configure?.(watch);
  const controller = await watch.watch(path, query, (type, object) => {
    events.push({ type, object: object as WatchEvent['object'] });
    notify();
  }, (err) => {
    ended = true;
    resolveEnded(err ?? null);
    notify();
  });
  return {
    events,
    ended: endedPromise,
    hasEnded: () => ended,
    waitFor: (predicate, timeoutMs = 10_000, what = 'watch events') => new Promise<void>((resolve, reject) => {
      const listener = (): void => {
        if (predicate(events)) {
          listeners.delete(listener);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason ?? ''}`))}`));
      }, timeoutMs);
      listeners.add(listener);
      listener();
    }),
    abort: () => controller.abort(),
  };
}
