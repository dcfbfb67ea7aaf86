/**
 * Which nodes have an action running, per cluster: a second action on a busy node (an uncordon
 * or a reimage in the middle of a drain) is refused, naming the one that runs. Keyed by the API
 * server, so two kubeconfig contexts on one cluster share it. No `vscode` import.
 */
import type { ClusterRef } from './actionTarget';
import type { NodeActionKind } from './nodeActionKinds';

export interface RunningAction {
  readonly kind: NodeActionKind;
  readonly node: string;
}

export class BusyNodes {
  private readonly running = new Map<string, RunningAction>();

  /** The action running on one of `nodes`, if any. */
  runningOn(cluster: ClusterRef, nodes: readonly string[]): RunningAction | undefined {
    for (const node of nodes) {
      const running = this.running.get(key(cluster, node));
      if (running) {
        return running;
      }
    }
    return undefined;
  }

  /**
   * Marks every node busy with `kind`, or none when one already is (then that one's action).
   * `release` frees exactly what this claim took, once.
   */
  claim(cluster: ClusterRef, kind: NodeActionKind, nodes: readonly string[]): { readonly release: () => void } | { readonly running: RunningAction } {
    const running = this.runningOn(cluster, nodes);
    if (running) {
      return { running };
    }
    const claimed = new Map<string, RunningAction>();
    for (const node of nodes) {
      const entry = { kind, node };
      claimed.set(key(cluster, node), entry);
      this.running.set(key(cluster, node), entry);
    }
    return {
      release: () => {
        for (const [k, entry] of claimed) {
          if (this.running.get(k) === entry) {
            this.running.delete(k);
          }
        }
        claimed.clear();
      },
    };
  }
}

function key(cluster: ClusterRef, node: string): string {
  return `${cluster.server.replace(/\/+$/, '')}\n${node}`;
}
