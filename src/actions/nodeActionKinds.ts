/**
 * The node actions and what sets them apart: which side runs them (the API server or Azure), and
 * which are destructive (the confirming button then names the action and the node).
 * No `vscode` import: the pure parts of src/actions are unit-tested under plain Node.
 */

export type NodeActionKind = 'cordon' | 'uncordon' | 'drain' | 'restart' | 'reimage' | 'redeploy' | 'deleteMachine';

/** Through the API server (Kubernetes RBAC) or through Azure Resource Manager (Azure roles). */
export type ActionSide = 'cluster' | 'azure';

export interface NodeActionSpec {
  readonly kind: NodeActionKind;
  readonly side: ActionSide;
  /** Evicts pods, wipes a disk, moves a VM to another host or removes a machine. */
  readonly destructive: boolean;
}

export const NODE_ACTIONS: Readonly<Record<NodeActionKind, NodeActionSpec>> = {
  cordon: { kind: 'cordon', side: 'cluster', destructive: false },
  uncordon: { kind: 'uncordon', side: 'cluster', destructive: false },
  drain: { kind: 'drain', side: 'cluster', destructive: true },
  restart: { kind: 'restart', side: 'azure', destructive: false },
  reimage: { kind: 'reimage', side: 'azure', destructive: true },
  redeploy: { kind: 'redeploy', side: 'azure', destructive: true },
  deleteMachine: { kind: 'deleteMachine', side: 'azure', destructive: true },
};

/** Drain gives up on evictions after this long (as the issue asks), then offers to delete what remains. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 5 * 60_000;
