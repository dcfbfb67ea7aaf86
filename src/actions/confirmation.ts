import * as vscode from 'vscode';
import { formatDuration, singleLine } from '../domain/format';
import type { ConfirmRequest } from './actionHost';
import { serverHost, type ActionTarget, type ClusterRef } from './actionTarget';
import { NODE_ACTIONS, type NodeActionKind } from './nodeActionKinds';

/**
 * The modal question before an action: which nodes, which cluster (context and API server host),
 * what will happen, and the equivalent command. Destructive actions are confirmed by a button
 * that names the action and the node ("Reimage aks-…-vmss000003"), never a generic OK.
 * Names come from the cluster: each is put on one line, so none can forge a line of the dialog.
 */
export function confirmation(kind: NodeActionKind, cluster: ClusterRef, targets: readonly ActionTarget[], commands: readonly string[], drainTimeoutMs: number): ConfirmRequest {
  const one = targets.length === 1 ? singleLine(targets[0].node) : undefined;
  const message = one ? questionForOne(kind, one) : questionForMany(kind, targets.length);
  const nodes = one
    ? [vscode.l10n.t('Node: {0} ({1})', one, statusWords(targets[0]))]
    : [vscode.l10n.t('Nodes ({0}):', targets.length), ...targets.map((t) => `  • ${singleLine(t.node)} (${statusWords(t)})`)];
  const detail = [
    clusterLine(cluster),
    ...nodes,
    '',
    whatHappens(kind, drainTimeoutMs),
    '',
    commands.length === 1 ? vscode.l10n.t('Equivalent command:') : vscode.l10n.t('Equivalent commands:'),
    ...commands.map(singleLine),
  ].join('\n');
  const verb = actionVerb(kind);
  const button = !NODE_ACTIONS[kind].destructive ? verb
    : one ? vscode.l10n.t('{0} {1}', verb, one) : vscode.l10n.t('{0} {1} nodes', verb, targets.length);
  return { message, detail, button };
}

/** The second, explicit choice after a drain timed out: delete the pods evictions could not move. */
export function deleteRemainingConfirmation(
  nodeName: string, cluster: ClusterRef, pods: readonly { namespace: string; name: string; budget?: string }[], timeoutMs: number, atOnce: boolean,
): ConfirmRequest {
  const node = singleLine(nodeName);
  const listed = pods.slice(0, 10).map((p) => `  • ${singleLine(`${p.namespace}/${p.name}`)}${p.budget ? ` (${vscode.l10n.t('PodDisruptionBudget {0}', singleLine(p.budget))})` : ''}`);
  if (pods.length > listed.length) {
    listed.push(`  • ${vscode.l10n.t('… and {0} more', pods.length - listed.length)}`);
  }
  return {
    message: pods.length === 1
      ? vscode.l10n.t('1 pod is still on {0} after {1}. Delete it?', node, formatDuration(timeoutMs))
      : vscode.l10n.t('{0} pods are still on {1} after {2}. Delete them?', pods.length, node, formatDuration(timeoutMs)),
    detail: [
      clusterLine(cluster),
      ...listed,
      '',
      vscode.l10n.t('Evictions did not complete (a PodDisruptionBudget refused them, or the node does not answer). Deleting a pod skips its disruption budget: its controller starts a replacement elsewhere. The node stays cordoned either way.'),
      atOnce
        ? vscode.l10n.t('The node is not Ready, so its kubelet cannot stop them: they are deleted at once (grace period 0), as "kubectl delete pod --force --grace-period=0" does.')
        : vscode.l10n.t('Each pod gets its own termination grace period.'),
    ].join('\n'),
    button: pods.length === 1 ? vscode.l10n.t('Delete 1 pod on {0}', node) : vscode.l10n.t('Delete {0} pods on {1}', pods.length, node),
  };
}

/**
 * The second, explicit choice when a drain found pods no controller manages (kubectl drain
 * refuses them without --force): evict them too, knowing nothing recreates them elsewhere.
 */
export function forceConfirmation(node: string, cluster: ClusterRef, pods: readonly { namespace: string; name: string }[], command: string): ConfirmRequest {
  // Names come from the cluster: one line each, so none can fake a line of the dialog.
  node = singleLine(node);
  const names = pods.map((p) => singleLine(`${p.namespace}/${p.name}`));
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
  return {
    message: pods.length === 1
      ? vscode.l10n.t('1 pod is not managed by a controller; nothing recreates it elsewhere: {0}. Evict it too?', shown)
      : vscode.l10n.t('{0} pods are not managed by a controller; nothing recreates them elsewhere: {1}. Evict them too?', pods.length, shown),
    detail: [
      clusterLine(cluster),
      vscode.l10n.t('Node: {0} (cordoned; nothing was evicted yet)', node),
      ...names.slice(0, 10).map((n) => `  • ${n}`),
      ...(names.length > 10 ? [`  • ${vscode.l10n.t('… and {0} more', names.length - 10)}`] : []),
      '',
      vscode.l10n.t('kubectl drain refuses these without --force. Evicted, they are gone for good (with their emptyDir data); the drain then evicts the other pods as before. Cancel leaves the node cordoned and every pod where it is.'),
      '',
      vscode.l10n.t('Equivalent command:'),
      singleLine(command),
    ].join('\n'),
    button: pods.length === 1
      ? vscode.l10n.t('Evict 1 Pod and Drain {0}', node)
      : vscode.l10n.t('Evict {0} Pods and Drain {1}', pods.length, node),
  };
}

/** `Cluster: context "aks-demo", API server …`: the kubeconfig's names, on one line. */
function clusterLine(cluster: ClusterRef): string {
  return vscode.l10n.t('Cluster: context "{0}", API server {1}', singleLine(cluster.context), singleLine(serverHost(cluster.server)));
}

/** The action's name as a button and log word: `Cordon`, `Reimage`, `Delete Machine`. */
export function actionVerb(kind: NodeActionKind): string {
  switch (kind) {
    case 'cordon': return vscode.l10n.t('Cordon');
    case 'uncordon': return vscode.l10n.t('Uncordon');
    case 'drain': return vscode.l10n.t('Drain');
    case 'restart': return vscode.l10n.t('Restart');
    case 'reimage': return vscode.l10n.t('Reimage');
    case 'redeploy': return vscode.l10n.t('Redeploy');
    case 'deleteMachine': return vscode.l10n.t('Delete Machine');
  }
}

/** kubectl's STATUS column: `NotReady,SchedulingDisabled`. */
function statusWords(target: ActionTarget): string {
  const ready = target.ready === 'True' ? 'Ready' : target.ready === 'False' ? 'NotReady' : 'Unknown';
  return target.unschedulable ? `${ready},SchedulingDisabled` : ready;
}

function questionForOne(kind: NodeActionKind, node: string): string {
  switch (kind) {
    case 'cordon': return vscode.l10n.t('Cordon node {0}?', node);
    case 'uncordon': return vscode.l10n.t('Uncordon node {0}?', node);
    case 'drain': return vscode.l10n.t('Drain node {0}?', node);
    case 'restart': return vscode.l10n.t('Restart the VM of node {0}?', node);
    case 'reimage': return vscode.l10n.t('Reimage the VM of node {0}?', node);
    case 'redeploy': return vscode.l10n.t('Redeploy the VM of node {0}?', node);
    case 'deleteMachine': return vscode.l10n.t('Delete the machine of node {0} from its pool?', node);
  }
}

function questionForMany(kind: NodeActionKind, count: number): string {
  switch (kind) {
    case 'cordon': return vscode.l10n.t('Cordon {0} nodes?', count);
    case 'uncordon': return vscode.l10n.t('Uncordon {0} nodes?', count);
    case 'drain': return vscode.l10n.t('Drain {0} nodes?', count);
    case 'restart': return vscode.l10n.t('Restart the VMs of {0} nodes?', count);
    case 'reimage': return vscode.l10n.t('Reimage the VMs of {0} nodes?', count);
    case 'redeploy': return vscode.l10n.t('Redeploy the VMs of {0} nodes?', count);
    case 'deleteMachine': return vscode.l10n.t('Delete the machines of {0} nodes from their pools?', count);
  }
}

function whatHappens(kind: NodeActionKind, drainTimeoutMs: number): string {
  switch (kind) {
    case 'cordon':
      return vscode.l10n.t('New pods are no longer scheduled on it (spec.unschedulable is set). Pods already running stay.');
    case 'uncordon':
      return vscode.l10n.t('Pods can be scheduled on it again (spec.unschedulable is cleared).');
    case 'drain':
      return vscode.l10n.t('The node is cordoned, then its pods are evicted through the Eviction API, a few at a time: DaemonSet and mirror pods stay, PodDisruptionBudgets are honoured, emptyDir data is lost. Pods no controller manages stop the drain before any eviction, and you are asked again about them. After {0}, you can choose to delete the pods that remain. The node stays cordoned afterwards.', formatDuration(drainTimeoutMs));
    case 'restart':
      return vscode.l10n.t('Its scale-set instance is restarted (the reboot auto-repair tries first). Pods on it stop until it is back; nothing is evicted first.');
    case 'reimage':
      return vscode.l10n.t('Its scale-set instance is reimaged: the OS disk is rebuilt from the image and everything written to it is lost. Pods on it stop; drain the node first to move them gracefully.');
    case 'redeploy':
      return vscode.l10n.t('Its scale-set instance is moved to another Azure host and started again; temporary disk data is lost. Pods on it stop; drain the node first to move them gracefully.');
    case 'deleteMachine':
      return vscode.l10n.t('The machine is removed from its agent pool (deleteMachines) and the node leaves the cluster; the pool count drops by one, so scale the pool back up (or let the autoscaler) for a replacement. Pods on it are not drained first.');
  }
}
