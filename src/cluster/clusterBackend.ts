/**
 * Entry point of the lazily loaded cluster bundle (dist/cluster.js, see esbuild.mjs): the
 * extension requires it when the Nodes view first needs a cluster, so activation never pays for
 * @kubernetes/client-node. No `vscode` import here: this layer is tested under plain Node.
 */

import * as l10n from '@vscode/l10n';

import type { ClientNode } from './clientAdapter';
import type { ClusterBackend, ClusterConnection, ConnectOptions, KubeconfigOptions, KubeconfigResult } from './clusterTypes';
import { LiveClusterConnection } from './connection';
import { resolveKubeconfig } from './kubeconfig';

export type * from './clusterTypes';

/**
 * client-node is ESM-only. In the bundle esbuild inlines this import; compiled by tsc for the
 * tests (CommonJS, module node16) it stays a real dynamic import, which may load ESM.
 */
export async function loadClient(): Promise<ClientNode> {
  return await import('@kubernetes/client-node');
}

export const backend: ClusterBackend = {
  setL10nBundle(contents: Record<string, string> | undefined): void {
    if (contents) {
      l10n.config({ contents });
    }
  },
  readKubeconfig(options: KubeconfigOptions): KubeconfigResult {
    const resolved = resolveKubeconfig(options);
    return resolved.ok ? { ok: true, identity: resolved.value.identity } : resolved;
  },
  connect(options: ConnectOptions): ClusterConnection {
    return new LiveClusterConnection(options, loadClient);
  },
};
