/**
 * One resource kept in the model by list-then-watch: a paged relist that replaces the model's
 * state at once (no flicker), then a watch from the list's resourceVersion, tracking the version
 * through objects and bookmarks.
 */

import type { ClusterModel, WatchType } from '../domain/clusterModel';
import { field } from '../domain/nodeProjection';
import type { Logger } from './clusterTypes';

export interface ListPage {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string };
}

export interface WatchQuery {
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number;
  fieldSelector?: string;
}

/** How a reflector reaches the API; the connection supplies it with client-node underneath. */
export interface ResourceClient {
  list(query: { limit: number; _continue?: string; fieldSelector?: string }, signal: AbortSignal): Promise<ListPage>;
  watch(path: string, query: WatchQuery, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<{ abort(): void }>;
}

export interface ResourceSpec {
  /** Plural, for logs: "nodes". */
  readonly name: string;
  /** Watch path. */
  readonly path: string;
  readonly fieldSelector?: string;
  apply(model: ClusterModel, type: WatchType, raw: unknown): void;
  replace(model: ClusterModel, raws: readonly unknown[]): void;
  /** A copy without the bulky parts the model never reads, so a relist holds little between pages. */
  slim(raw: unknown): unknown;
}

export type WatchEnd = 'expired' | 'closed';

/** A watch ERROR event other than 410, as an error with the Status' code. */
export class WatchStatusError extends Error {
  readonly statusCode: number | undefined;
  readonly body: string;

  constructor(status: unknown) {
    const code = field(status, 'code');
    const message = field(status, 'message');
    super(typeof message === 'string' ? message : 'watch ERROR event');
    this.name = 'WatchStatusError';
    this.statusCode = typeof code === 'number' ? code : undefined;
    this.body = JSON.stringify(status);
  }
}

export interface RelistResult {
  readonly count: number;
  readonly pages: number;
  readonly ms: number;
}

export class Reflector {
  /** The version to watch from: the last list's, then each object's and bookmark's. */
  resourceVersion: string | undefined;
  /** Objects held by the model from this resource after the last relist (for progress reports). */
  count = 0;

  constructor(
    readonly spec: ResourceSpec,
    private readonly model: ClusterModel,
    private readonly log: Logger,
    private readonly pageSize: number,
  ) {}

  /** Lists every page, then replaces the model's state at once. */
  async relist(client: ResourceClient, signal: AbortSignal, onProgress: (listed: number) => void): Promise<RelistResult> {
    const started = Date.now();
    const slimmed: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    let resourceVersion: string | undefined;
    do {
      const page = await client.list({ limit: this.pageSize, _continue: token, fieldSelector: this.spec.fieldSelector }, signal);
      signal.throwIfAborted();
      pages++;
      for (const item of page.items) {
        slimmed.push(this.spec.slim(item));
      }
      // Continuations read the first page's snapshot: its resourceVersion is the list's.
      resourceVersion ??= page.metadata?.resourceVersion;
      token = page.metadata?._continue || undefined;
      if (token) {
        onProgress(slimmed.length);
      }
    } while (token);
    this.spec.replace(this.model, slimmed);
    this.resourceVersion = resourceVersion;
    this.count = slimmed.length;
    const result = { count: slimmed.length, pages, ms: Date.now() - started };
    this.log.info(`Listed ${result.count} ${this.spec.name} in ${pages} page${pages === 1 ? '' : 's'} (${result.ms} ms, resourceVersion ${resourceVersion ?? '?'})`);
    return result;
  }

  /**
   * Watches from the current resourceVersion until the watch ends: 'expired' (410, relist),
   * 'closed' (server timeout or clean close: watch again). Rejects on any other error, and on abort.
   */
  watch(client: ResourceClient, signal: AbortSignal, timeoutSeconds: number): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve, reject) => {
      let expired = false;
      let statusError: WatchStatusError | undefined;
      let handle: { abort(): void } | undefined;
      let settled = false;
      const finish = (fn: () => void): void => {
        if (!settled) {
          settled = true;
          signal.removeEventListener('abort', onAbort);
          fn();
        }
      };
      const onAbort = (): void => {
        handle?.abort();
        finish(() => reject(signal.reason));
      };
      const onEvent = (type: string, object: unknown): void => {
        if (settled) {
          return;
        }
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          this.spec.apply(this.model, type, object);
          this.track(object);
        } else if (type === 'BOOKMARK') {
          this.track(object);
        } else if (type === 'ERROR') {
          if (field(object, 'code') === 410) {
            expired = true;
          } else {
            statusError = new WatchStatusError(object);
          }
        }
      };
      const onDone = (err: unknown): void => {
        finish(() => {
          if (expired) {
            resolve('expired');
          } else if (statusError) {
            reject(statusError);
          } else if (err) {
            reject(err);
          } else {
            resolve('closed');
          }
        });
      };
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      client.watch(this.spec.path, {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        ...(this.spec.fieldSelector ? { fieldSelector: this.spec.fieldSelector } : {}),
      }, onEvent, onDone).then((h) => {
        handle = h;
        if (settled) {
          h.abort();
        }
      }, (err: unknown) => finish(() => reject(err)));
    });
  }

  private track(object: unknown): void {
    const rv = field(field(object, 'metadata'), 'resourceVersion');
    if (typeof rv === 'string' && rv.length > 0) {
      this.resourceVersion = rv;
    }
  }
}

/** Nodes without images, volumes and managedFields: a node's image list alone can be tens of kB. */
export function slimNode(raw: unknown): unknown {
  const metadata = field(raw, 'metadata');
  const status = field(raw, 'status');
  return {
    metadata: withoutKeys(metadata, ['managedFields', 'ownerReferences']),
    spec: field(raw, 'spec'),
    status: withoutKeys(status, ['images', 'volumesAttached', 'volumesInUse', 'daemonEndpoints', 'config']),
  };
}

/** Events without managedFields. */
export function slimEvent(raw: unknown): unknown {
  return withoutKeys(raw, [], ['metadata', ['managedFields']]);
}

function withoutKeys(obj: unknown, drop: readonly string[], nested?: [string, readonly string[]]): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return obj;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (drop.includes(key)) {
      continue;
    }
    copy[key] = nested && key === nested[0] ? withoutKeys(value, nested[1]) : value;
  }
  return copy;
}
