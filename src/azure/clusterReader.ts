/**
 * The managed cluster whose node resource group is the node's (compared case-insensitively: the
 * providerID has `mc_…`, the cluster `MC_…`), found by listing the subscription's clusters, and
 * the node's pool (agentPools.get, or the cluster's own agentPoolProfiles when that fails).
 */
import * as l10n from '@vscode/l10n';
import type { ClusterFacts, NodeTarget, PoolFacts, Section } from '../domain/diagnosis';
import { sameResourceGroup } from '../domain/providerId';
import type { ArmSession } from './armCall';
import { collect } from './armCall';
import { cut } from './problems';

const MAX_CLUSTERS = 2000;

interface PoolModel {
  readonly name?: string;
  readonly provisioningState?: string;
  readonly powerState?: { readonly code?: string };
  readonly count?: number;
  readonly vmSize?: string;
  readonly nodeImageVersion?: string;
  readonly mode?: string;
}
interface ClusterModel {
  readonly id?: string;
  readonly name?: string;
  readonly provisioningState?: string;
  readonly powerState?: { readonly code?: string };
  readonly kubernetesVersion?: string;
  readonly currentKubernetesVersion?: string;
  readonly nodeResourceGroup?: string;
  readonly networkProfile?: { readonly outboundType?: string };
  readonly identityProfile?: Record<string, { readonly clientId?: string; readonly objectId?: string; readonly resourceId?: string } | undefined>;
  readonly agentPoolProfiles?: readonly PoolModel[];
}

/** `aks-nodepool1-12345678-vmss` → `nodepool1`: AKS's scale-set naming, when the node has no pool label. */
export function poolFromScaleSet(scaleSet: string): string | undefined {
  return /^aks-([a-z0-9]{1,12})-\d+-vmss$/i.exec(scaleSet)?.[1];
}

function resourceGroupOf(id: string | undefined): string | undefined {
  return id ? /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] : undefined;
}

export async function readCluster(session: ArmSession, target: NodeTarget, poolLabel: string | undefined): Promise<Section<ClusterFacts>> {
  const listed = await session.call<ClusterModel[]>('managed clusters', (c, abortSignal) =>
    collect(c.containers.managedClusters.list({ abortSignal }), MAX_CLUSTERS));
  if (!listed.ok) {
    return listed.cancelled ? { state: 'skipped', reason: listed.problem.message } : { state: 'error', problem: listed.problem };
  }
  const cluster = listed.value.find((c) => sameResourceGroup(c.nodeResourceGroup, target.resourceGroup));
  if (!cluster?.name || !cluster.id) {
    return {
      state: 'gone',
      message: l10n.t('No managed cluster in subscription {0} has the node resource group {1} ({2} clusters listed).',
        target.subscriptionId, target.resourceGroup, listed.value.length),
    };
  }
  const clusterGroup = resourceGroupOf(cluster.id) ?? '';
  const poolName = poolLabel || (target.kind === 'vmss' ? poolFromScaleSet(target.scaleSet) : undefined);
  let pool: PoolFacts | undefined;
  if (poolName) {
    const name = cluster.name;
    const got = await session.call<PoolModel>('agent pool', (c, abortSignal) =>
      c.containers.agentPools.get(clusterGroup, name, poolName, { abortSignal }));
    const profile = cluster.agentPoolProfiles?.find((p) => p.name?.toLowerCase() === poolName.toLowerCase());
    pool = got.ok ? poolFacts(got.value, poolName) : profile ? poolFacts(profile, poolName) : undefined;
  }
  return { state: 'ok', value: clusterFacts(cluster, clusterGroup, pool) };
}

export function poolFacts(p: PoolModel, fallbackName: string): PoolFacts {
  return {
    name: cut(p.name, 100) ?? fallbackName,
    provisioningState: cut(p.provisioningState, 50),
    powerState: cut(p.powerState?.code, 50),
    count: typeof p.count === 'number' ? p.count : undefined,
    vmSize: cut(p.vmSize, 100),
    nodeImageVersion: cut(p.nodeImageVersion, 200),
    mode: cut(p.mode, 50),
  };
}

export function clusterFacts(c: ClusterModel, resourceGroup: string, pool: PoolFacts | undefined): ClusterFacts {
  const kubelet = c.identityProfile?.kubeletidentity;
  return {
    name: cut(c.name, 100) ?? '',
    resourceId: cut(c.id, 600) ?? '',
    resourceGroup,
    provisioningState: cut(c.provisioningState, 50),
    powerState: cut(c.powerState?.code, 50),
    kubernetesVersion: cut(c.currentKubernetesVersion ?? c.kubernetesVersion, 50),
    outboundType: cut(c.networkProfile?.outboundType, 50),
    nodeResourceGroup: cut(c.nodeResourceGroup, 100),
    kubeletIdentity: kubelet
      ? { clientId: cut(kubelet.clientId, 100), objectId: cut(kubelet.objectId, 100), resourceId: cut(kubelet.resourceId, 600) }
      : undefined,
    pool,
  };
}
