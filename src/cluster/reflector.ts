/**
 * One resource kept in the model by list-then-watch: a paged relist that replaces the model's
 * state at once (no flicker), then a watch from the list's resourceVersion, tracking the version
 * through objects and bookmarks. Which resources, and how each is listed: resources.ts.
 */

import type { ClusterModel, WatchType } from '../domain/clusterModel';
import { field } from '../domain/nodeProjection';
import type { Logger } from './clusterTypes';

export interface ListQuery {
  readonly limit: number;
  readonly _continue?: string;
}

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

/** How reflectors reach the API; clientAdapter.ts implements it with client-node. */
export interface ResourceApi {
  listNodes(query: ListQuery, signal: AbortSignal): Promise<ListPage>;
  listEvents(query: ListQuery & { fieldSelector?: string }, signal: AbortSignal): Promise<ListPage>;
  watch(path: string, query: WatchQuery, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<{ abort(): void }>;
}

export interface ResourceSpec {
  /** Plural, for logs: "nodes". */
  readonly name: string;
  /** Watch path. */
  readonly path: string;
  readonly fieldSelector?: string;
  /** One page of the list. */
  list(api: ResourceApi, query: ListQuery, signal: AbortSignal): Promise<ListPage>;
  apply(model: ClusterModel, type: WatchType, raw: unknown): void;
  replace(model: ClusterModel, raws: readonly unknown[]): void;
  /** A copy without the bulky parts the model never reads, so a relist holds little between pages. */
  slim(raw: unknown): unknown;
}

export type WatchEnd = 'expired' | 'closed';

/** A watch ERROR event other than 410, as an error with the Status' code. */
class WatchStatusError extends Error {
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

export class Reflector {
  /** The version to watch from: the last list's, then each object's and bookmark's. */
  resourceVersion: string | undefined;
  private listed = 0;

  constructor(
    readonly spec: ResourceSpec,
    private readonly model: ClusterModel,
    private readonly log: Logger,
    private readonly pageSize: number,
  ) {}

  /**
   * How many objects were listed: what the model holds after the last relist or, while a relist
   * that reports progress runs, how many it has listed so far (for the 'loading' state).
   */
  get count(): number {
    return this.listed;
  }

  /**
   * Lists every page, then replaces the model's state at once. `onProgress` is called after each
   * page but the last, once `count` includes it.
   */
  async relist(api: ResourceApi, signal: AbortSignal, onProgress?: () => void): Promise<void> {
    const started = Date.now();
    const slimmed: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    let resourceVersion: string | undefined;
    do {
      const page = await this.spec.list(api, { limit: this.pageSize, _continue: token }, signal);
      signal.throwIfAborted();
      pages++;
      for (const item of page.items) {
        slimmed.push(this.spec.slim(item));
      }
      // Continuations read the first page's snapshot: its resourceVersion is the list's.
      resourceVersion ??= page.metadata?.resourceVersion;
      token = page.metadata?._continue || undefined;
      if (token && onProgress) {
        this.listed = slimmed.length;
        onProgress();
      }
    } while (token);
    this.spec.replace(this.model, slimmed);
    this.resourceVersion = resourceVersion;
    this.listed = slimmed.length;
    this.log.info(`Listed ${slimmed.length} ${this.spec.name} in ${pages} page${pages === 1 ? '' : 's'} (${Date.now() - started} ms, resourceVersion ${resourceVersion ?? '?'})`);
  }

  /**
   * Watches from the current resourceVersion until the watch ends: 'expired' (410, relist),
   * 'closed' (server timeout or clean close: watch again). Rejects on any other error, and on abort.
   */
  watch(api: ResourceApi, signal: AbortSignal, timeoutSeconds: number): Promise<WatchEnd> {
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
      api.watch(this.spec.path, {
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
