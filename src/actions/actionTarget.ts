/**
 * What an action is about, captured when the operator clicks (the cluster and each node as the
 * server had it then), and the check made again after they confirm: an action never lands on
 * another cluster or on a node that was replaced while the dialog was open. No `vscode` import.
 */
import type { NodeFacts } from '../cluster/clusterTypes';
import { parseProviderId } from '../domain/providerId';
import { NODE_ACTIONS, type NodeActionKind } from './nodeActionKinds';

export { serverHost } from '../domain/serverUrl';

/** The cluster an action was asked for: the kubeconfig context and its API server. */
export interface ClusterRef {
  readonly context: string;
  readonly server: string;
  /** The kubeconfig's cluster entry name, for the `az aks` command. */
  readonly clusterEntry?: string;
}

/** One node as it was when the operator clicked. */
export interface ActionTarget {
  readonly node: string;
  readonly uid: string;
  readonly providerID?: string;
  /** Label `kubernetes.azure.com/agentpool`, from the watched model. */
  readonly pool?: string;
  readonly unschedulable: boolean;
  /** The Ready condition's status as the view showed it (`True`, `False`, `Unknown`). */
  readonly ready?: string;
}

export type Refusal =
  | { readonly kind: 'no-cluster' }
  | { readonly kind: 'context-switched'; readonly from: ClusterRef; readonly to: ClusterRef }
  | { readonly kind: 'node-gone'; readonly node: string }
  | { readonly kind: 'node-replaced'; readonly node: string; readonly was: string; readonly now: string }
  | { readonly kind: 'provider-changed'; readonly node: string; readonly was?: string; readonly now?: string }
  /** The connection's client talks to another API server than the one the dialog named. */
  | { readonly kind: 'server-changed'; readonly confirmed: string; readonly now?: string };

/** A node checked again just before acting on it: as the server has it now, or why not to act (text for the operator, a word for the log). */
export type Rechecked = { readonly facts: NodeFacts } | { readonly problem: string; readonly log: string };

/** Why an action does not apply to a node at all (said before any dialog). */
export type Inapplicable =
  | { readonly kind: 'already-cordoned' }
  | { readonly kind: 'not-cordoned' }
  | { readonly kind: 'no-azure-target'; readonly reason: string }
  | { readonly kind: 'not-scale-set' }
  | { readonly kind: 'no-pool' };

/** Why the cluster now is not the one the action was asked for; undefined when it still is. */
export function clusterChange(captured: ClusterRef, now: ClusterRef | undefined): Refusal | undefined {
  if (!now) {
    return { kind: 'no-cluster' };
  }
  return now.context !== captured.context || now.server !== captured.server
    ? { kind: 'context-switched', from: captured, to: now }
    : undefined;
}

/** Why the node now is not the one the action was asked for (`now` undefined: the server says 404). */
export function nodeChange(target: ActionTarget, now: NodeFacts | undefined): Refusal | undefined {
  if (!now) {
    return { kind: 'node-gone', node: target.node };
  }
  if (now.uid !== target.uid) {
    return { kind: 'node-replaced', node: target.node, was: target.uid, now: now.uid };
  }
  if ((now.providerID ?? '') !== (target.providerID ?? '')) {
    return { kind: 'provider-changed', node: target.node, was: target.providerID, now: now.providerID };
  }
  return undefined;
}

/** `https://host:6443/` and `https://host:6443` are one server (client-node drops the trailing slash). */
export function sameServer(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Why `kind` does not apply to the node; undefined when it does. Every Azure action needs a
 * scale-set instance (deleteMachines names machines of a VMSS pool: an availability-set VM has
 * none), and Delete Machine the node's pool: checked before the dialog, never after it.
 */
export function inapplicable(kind: NodeActionKind, t: ActionTarget): Inapplicable | undefined {
  if (kind === 'cordon' && t.unschedulable) {
    return { kind: 'already-cordoned' };
  }
  if (kind === 'uncordon' && !t.unschedulable) {
    return { kind: 'not-cordoned' };
  }
  if (NODE_ACTIONS[kind].side !== 'azure') {
    return undefined;
  }
  const parsed = parseProviderId(t.providerID);
  if (!parsed.ok) {
    return { kind: 'no-azure-target', reason: parsed.reason };
  }
  if (parsed.target.kind !== 'vmss') {
    return { kind: 'not-scale-set' };
  }
  if (kind === 'deleteMachine' && !t.pool) {
    return { kind: 'no-pool' };
  }
  return undefined;
}

/**
 * Whether the pods a drain left are deleted at once (grace period 0): only when the dialog said so
 * (the node was not Ready then) and the node, read again just before deleting, is still not
 * Ready. A kubelet that came back stops them gracefully; grace 0 would let a replacement start
 * while the old containers still run.
 */
export function deleteAtOnce(shownAtOnce: boolean, now: NodeFacts): boolean {
  return shownAtOnce && now.ready !== 'True';
}
