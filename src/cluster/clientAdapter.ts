/**
 * Everything that calls @kubernetes/client-node's API: its types, and one client per credential
 * cache that makes the reflectors' list calls with an abort signal and a timeout, and their
 * watches through watchStream.ts with the same KubeConfig.
 *
 * client-node is ESM-only: this CommonJS code may name its types (with resolution-mode) but must
 * load it with `import()` (see loadClient in clusterBackend.ts).
 */

import type { ListPage, ListQuery, ResourceApi, WatchQuery } from './reflector';
import { openWatch } from './watchStream';

export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
type KubeConfig = InstanceType<ClientNode['KubeConfig']>;
type CoreV1Api = InstanceType<ClientNode['CoreV1Api']>;
export type ClientLoader = () => Promise<ClientNode>;

export interface ApiClientSettings {
  /** Per list request. */
  readonly requestTimeoutMs: number;
  /** No data at all on a watch for this long: watchStream.ts ends it. */
  readonly watchIdleMs: number;
}

/**
 * client-node's API objects for one KubeConfig. client-node caches exec credentials in the
 * KubeConfig until they expire, so fresh credentials mean a new ApiClient.
 */
export class ApiClient implements ResourceApi {
  private readonly core: CoreV1Api;

  constructor(private readonly k8s: ClientNode, readonly kc: KubeConfig, private readonly settings: ApiClientSettings) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  async listNodes(query: ListQuery, signal: AbortSignal): Promise<ListPage> {
    const page = await this.core.listNode({ limit: query.limit, _continue: query._continue }, this.callOptions(signal));
    return { items: page.items, metadata: page.metadata };
  }

  async listEvents(query: ListQuery & { fieldSelector?: string }, signal: AbortSignal): Promise<ListPage> {
    const page = await this.core.listEventForAllNamespaces(
      { fieldSelector: query.fieldSelector, limit: query.limit, _continue: query._continue }, this.callOptions(signal));
    return { items: page.items, metadata: page.metadata };
  }

  watch(path: string, query: WatchQuery, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<{ abort(): void }> {
    // Our own request (not client-node's Watch): a bad line ends the watch, and the idle timer is ours.
    return openWatch(this.kc, path, { ...query }, onEvent, onDone, { idleMs: this.settings.watchIdleMs });
  }

  /** The caller's signal, or a timeout: client-node has none of its own. */
  private callOptions(signal: AbortSignal): Parameters<CoreV1Api['listNode']>[1] {
    return withSignal(this.k8s, AbortSignal.any([signal, AbortSignal.timeout(this.settings.requestTimeoutMs)]));
  }
}

/** Per-call options that hand the request an AbortSignal. */
function withSignal(k8s: ClientNode, signal: AbortSignal): Parameters<CoreV1Api['listNode']>[1] {
  return {
    middleware: [{
      pre: (ctx) => {
        ctx.setSignal(signal);
        return new k8s.Observable(Promise.resolve(ctx));
      },
      post: (response) => new k8s.Observable(Promise.resolve(response)),
    }],
    middlewareMergeStrategy: 'append',
  };
}
