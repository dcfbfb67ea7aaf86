/**
 * What the reflectors call, for one KubeConfig: list pages through listRequest.ts with an abort
 * signal and a timeout, and watches through watchStream.ts; both are our own requests, made with
 * everything the KubeConfig supplies (server, TLS, proxy, bearer or exec-plugin token). Also the
 * type of client-node itself, which the KubeConfig, credentials and node actions still use.
 *
 * client-node is ESM-only: this CommonJS code may name its types (with resolution-mode) but must
 * load it with `import()` (see loadClient in clusterBackend.ts).
 */

import { keepAliveAgent } from './kubeRequest';
import { listPage } from './listRequest';
import type { ListPage, ListQuery, ResourceApi, WatchQuery } from './reflector';
import { openWatch } from './watchStream';

export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
type KubeConfig = InstanceType<ClientNode['KubeConfig']>;
export type ClientLoader = () => Promise<ClientNode>;

export interface ApiClientSettings {
  /** Per list page request. */
  readonly requestTimeoutMs: number;
  /** No data at all on a watch for this long: watchStream.ts ends it. */
  readonly watchIdleMs: number;
}

/**
 * The reflectors' API for one KubeConfig. client-node caches exec credentials in the KubeConfig
 * until they expire, so fresh credentials mean a new ApiClient.
 */
export class ApiClient implements ResourceApi {
  private readonly agent = keepAliveAgent();

  constructor(readonly kc: KubeConfig, private readonly settings: ApiClientSettings) {}

  list(path: string, query: ListQuery, signal: AbortSignal, onItems: (items: readonly unknown[]) => void): Promise<ListPage> {
    return listPage(this.kc, this.agent, path, query, AbortSignal.any([signal, AbortSignal.timeout(this.settings.requestTimeoutMs)]), onItems);
  }

  watch(path: string, query: WatchQuery, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<{ abort(): void }> {
    // Our own request (not client-node's Watch): a bad line ends the watch, and the idle timer is ours.
    return openWatch(this.kc, path, { ...query }, onEvent, onDone, { idleMs: this.settings.watchIdleMs, agent: this.agent });
  }

  /**
   * Closes every connection, idle or in use (their requests fail): after a sleep, or when this
   * client is replaced. The agent stays usable; the next request opens a new connection.
   */
  resetConnections(): void {
    this.agent.destroy();
  }
}
