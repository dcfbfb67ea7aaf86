/**
 * One resource kept in the model by list-then-watch: a paged relist that replaces the model's
 * state at once (no flicker), then a watch from the list's resourceVersion, tracking the version
 * through objects and bookmarks. Which resources, and how each goes into the model: resources.ts.
 */

import type { ClusterModel, WatchType } from '../domain/clusterModel';
import { field } from '../domain/nodeProjection';
import { httpStatus } from './clientErrors';
import type { Logger } from './clusterTypes';

export interface ListQuery {
  readonly limit: number;
  readonly continueToken?: string;
  readonly fieldSelector?: string;
}

/** One page, once its items went to the caller (listRequest.ts): how many, and the list's metadata. */
export interface ListPage {
  readonly count: number;
  readonly resourceVersion?: string;
  readonly continueToken?: string;
}

export interface WatchQuery {
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number;
  fieldSelector?: string;
}

/** How reflectors reach the API; clientAdapter.ts implements it. */
export interface ResourceApi {
  /** One page; its raw items go to `onItems` a few at a time, and are not kept. */
  list(path: string, query: ListQuery, signal: AbortSignal, onItems: (items: readonly unknown[]) => void): Promise<ListPage>;
  watch(path: string, query: WatchQuery, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<{ abort(): void }>;
}

/**
 * A relist on its way into the model: each page is projected into model records as it arrives
 * (so no raw page outlives its projection), and the records replace the model's state at the end.
 */
export interface Relisting {
  add(raws: readonly unknown[]): void;
  commit(): void;
}

export interface ResourceSpec {
  /** Plural, for logs: "nodes". */
  readonly name: string;
  /** List and watch path. */
  readonly path: string;
  readonly fieldSelector?: string;
  apply(model: ClusterModel, type: WatchType, raw: unknown): void;
  relisting(model: ClusterModel): Relisting;
}

/**
 * How often a relist starts over after its continue token expired (410 mid-list: the server no
 * longer has the snapshot the first page came from) before the 410 is reported.
 */
const MAX_LIST_RESTARTS = 2;

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
   * page but the last, once `count` includes it. A continue token that expired mid-list (410)
   * starts the list over, from a fresh snapshot.
   */
  async relist(api: ResourceApi, signal: AbortSignal, onProgress?: () => void): Promise<void> {
    const started = Date.now();
    let restarts = 0;
    let batch = this.spec.relisting(this.model);
    let token: string | undefined;
    let pages = 0;
    let listed = 0;
    let resourceVersion: string | undefined;
    for (;;) {
      let page: ListPage;
      try {
        page = await this.listPage(api, token, batch, signal);
      } catch (err) {
        if (token === undefined || httpStatus(err) !== 410 || restarts >= MAX_LIST_RESTARTS || signal.aborted) {
          throw err;
        }
        restarts++;
        this.log.info(`The list of ${this.spec.name} expired after ${pages} page${pages === 1 ? '' : 's'} (410 Gone: the continue token is too old): listing again from the start`);
        batch = this.spec.relisting(this.model);
        token = undefined;
        pages = 0;
        listed = 0;
        resourceVersion = undefined;
        continue;
      }
      pages++;
      listed += page.count;
      // Continuations read the first page's snapshot: its resourceVersion is the list's.
      resourceVersion ??= page.resourceVersion;
      token = page.continueToken;
      if (!token) {
        break;
      }
      if (onProgress) {
        this.listed = listed;
        onProgress();
      }
    }
    batch.commit();
    this.resourceVersion = resourceVersion;
    this.listed = listed;
    this.log.info(`Listed ${listed} ${this.spec.name} in ${pages} page${pages === 1 ? '' : 's'} (${Date.now() - started} ms, resourceVersion ${resourceVersion ?? '?'})`);
  }

  /** One page into the batch: its items are projected as they are read, and dropped. */
  private async listPage(api: ResourceApi, continueToken: string | undefined, batch: Relisting, signal: AbortSignal): Promise<ListPage> {
    const page = await api.list(this.spec.path, {
      limit: this.pageSize,
      ...(continueToken ? { continueToken } : {}),
      ...(this.spec.fieldSelector ? { fieldSelector: this.spec.fieldSelector } : {}),
    }, signal, (items) => batch.add(items));
    signal.throwIfAborted();
    return page;
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
