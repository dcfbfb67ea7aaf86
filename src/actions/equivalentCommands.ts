/**
 * The `kubectl` or `az` command that does what a node action does, shown in its confirmation so
 * the operator sees the same operation they would type. Names come from the cluster (untrusted):
 * every one is shell-quoted. No `vscode` import.
 */
import { parseProviderId } from '../domain/providerId';
import { shellQuote } from '../domain/shellQuote';
import type { NodeActionKind } from './nodeActionKinds';

export interface CommandTarget {
  readonly node: string;
  readonly providerID?: string;
  /** Label `kubernetes.azure.com/agentpool`. */
  readonly pool?: string;
}

export interface CommandCluster {
  /** The kubeconfig context the action runs against. */
  readonly context: string;
  /** The kubeconfig's cluster entry name (`az aks get-credentials` names it after the managed cluster). */
  readonly clusterEntry?: string;
}

/** Placeholders for what a providerID does not say; the operator fills them in. */
const UNKNOWN = { resourceGroup: '<resource-group>', cluster: '<cluster-name>', scaleSet: '<scale-set>', instance: '<instance-id>', pool: '<nodepool-name>' };

/**
 * One command per line: kubectl takes every node at once, `az` one instance or machine per line.
 * `force`: the drain evicts pods no controller manages too (the second choice after kubectl's refusal).
 */
export function equivalentCommands(
  kind: NodeActionKind, targets: readonly CommandTarget[], cluster: CommandCluster, drainTimeoutMs: number, options: { readonly force?: boolean } = {},
): string[] {
  const nodes = targets.map((t) => shellQuote(t.node)).join(' ');
  const kubectl = `kubectl --context ${shellQuote(cluster.context)}`;
  switch (kind) {
    case 'cordon':
    case 'uncordon':
      return [`${kubectl} ${kind} ${nodes}`];
    case 'drain':
      return [`${kubectl} drain ${nodes} --ignore-daemonsets --delete-emptydir-data${options.force ? ' --force' : ''} --timeout=${Math.max(1, Math.round(drainTimeoutMs / 1000))}s`];
    case 'restart':
    case 'reimage':
    case 'redeploy':
      return targets.map((t) => vmssCommand(kind, t));
    case 'deleteMachine':
      return targets.map((t) => deleteMachinesCommand(t, cluster));
  }
}

function vmssCommand(operation: 'restart' | 'reimage' | 'redeploy', target: CommandTarget): string {
  const parsed = parseProviderId(target.providerID);
  const vmss = parsed.ok && parsed.target.kind === 'vmss' ? parsed.target : undefined;
  return [
    `az vmss ${operation}`,
    `--resource-group ${vmss ? shellQuote(vmss.resourceGroup) : UNKNOWN.resourceGroup}`,
    `--name ${vmss ? shellQuote(vmss.scaleSet) : UNKNOWN.scaleSet}`,
    `--instance-ids ${vmss ? shellQuote(vmss.instanceId) : UNKNOWN.instance}`,
  ].join(' ');
}

function deleteMachinesCommand(target: CommandTarget, cluster: CommandCluster): string {
  const parsed = parseProviderId(target.providerID);
  const owner = parsed.ok ? managedClusterOf(parsed.target.resourceGroup, cluster.clusterEntry) : undefined;
  return [
    'az aks nodepool delete-machines',
    `--resource-group ${owner ? shellQuote(owner.resourceGroup) : UNKNOWN.resourceGroup}`,
    `--cluster-name ${owner ? shellQuote(owner.name) : UNKNOWN.cluster}`,
    `--nodepool-name ${target.pool ? shellQuote(target.pool) : UNKNOWN.pool}`,
    `--machine-names ${shellQuote(target.node)}`,
  ].join(' ');
}

/**
 * The managed cluster's resource group and name, read from AKS's default node resource group
 * `MC_<group>_<cluster>_<region>`. Both names may hold `_`: the split whose cluster name is the
 * kubeconfig's cluster entry wins, else the last `_` before the region. Undefined for a custom
 * node resource group name (the command then shows placeholders).
 */
export function managedClusterOf(nodeResourceGroup: string, clusterEntry?: string): { resourceGroup: string; name: string } | undefined {
  const m = /^MC_(.+)_([a-z0-9]+)$/i.exec(nodeResourceGroup);
  if (!m) {
    return undefined;
  }
  const middle = m[1];
  const entry = clusterEntry?.replace(/-admin$/, '');
  let fallback: { resourceGroup: string; name: string } | undefined;
  for (let i = middle.lastIndexOf('_'); i > 0; i = middle.lastIndexOf('_', i - 1)) {
    const split = { resourceGroup: middle.slice(0, i), name: middle.slice(i + 1) };
    if (split.name === '') {
      continue;
    }
    if (entry && split.name.toLowerCase() === entry.toLowerCase()) {
      // The cloud provider lower-cases the group in providerIDs: the kubeconfig keeps the name's case.
      return { resourceGroup: split.resourceGroup, name: entry };
    }
    fallback ??= split;
  }
  return fallback;
}
