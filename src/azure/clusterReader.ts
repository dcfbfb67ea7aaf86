/**
 * The managed cluster whose node resource group is the node's (compared case-insensitively: the
 * providerID has `mc_…`, the cluster `MC_…`), found by listing the subscription's clusters; when
 * the list is refused (Reader on resource groups only) or does not have it, by managedClusters.get
 * on the names AKS's default `MC_<group>_<cluster>_<region>` carries. Then the node's pool
 * (agentPools.get, or the cluster's own agentPoolProfiles when that fails). The pool read starts
 * with the list, on the cluster those names guess, and is kept only when the cluster found is
 * that one: a diagnosis then waits for one answer instead of two in a row (docs/BENCHMARKS.md).
 * That early read is a bet, so it costs the diagnosis nothing when lost: aborted once the guess is
 * wrong, never retried, never logged, and a 401 on it does not use the one fresh token (a failed
 * early read on the right cluster is made again as an ordinary read, which retries and refreshes).
 */
import * as l10n from '@vscode/l10n';
import type { AzureProblem, ClusterFacts, NodeTarget, PoolFacts, Section } from '../domain/diagnosis';
import { poolFromScaleSet, sameResourceGroup } from '../domain/providerId';
import type { ArmSession, CallResult } from './armCall';
import { collect } from './armCall';
import { cut, refusedOn } from './problems';

const MAX_CLUSTERS = 2000;
/** Ways to split `<group>_<cluster>` tried with managedClusters.get (both names may hold `_`). */
const MAX_NAME_GUESSES = 3;

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

function resourceGroupOf(id: string | undefined): string | undefined {
  return id ? /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] : undefined;
}

/**
 * The (resource group, cluster) pairs a default node resource group name can stand for:
 * `MC_rg-aks_aks-demo_westeurope` → `rg-aks` / `aks-demo`. Both names may contain `_` (the
 * region does not), so each split is a guess, the last `_` first; none for a custom name.
 */
export function clusterNameGuesses(nodeResourceGroup: string): { readonly resourceGroup: string; readonly name: string }[] {
  const m = /^MC_(.+)_([a-z0-9]+)$/i.exec(nodeResourceGroup);
  if (!m) {
    return [];
  }
  const middle = m[1];
  const guesses: { resourceGroup: string; name: string }[] = [];
  for (let i = middle.lastIndexOf('_'); i > 0 && guesses.length < MAX_NAME_GUESSES; i = middle.lastIndexOf('_', i - 1)) {
    const resourceGroup = middle.slice(0, i);
    const name = middle.slice(i + 1);
    if (name !== '') {
      guesses.push({ resourceGroup, name });
    }
  }
  return guesses;
}

type Found = { readonly ok: true; readonly cluster: ClusterModel; readonly listed?: number } | Extract<CallResult<never>, { ok: false }>;

/** The cluster by the names in the node resource group, when one of them answers and owns that group. */
async function getByName(session: ArmSession, target: NodeTarget): Promise<Found | undefined> {
  let firstFailure: Extract<CallResult<never>, { ok: false }> | undefined;
  for (const guess of clusterNameGuesses(target.resourceGroup)) {
    const got = await session.call<ClusterModel>('managed cluster', (c, abortSignal) =>
      c.containers.managedClusters.get(guess.resourceGroup, guess.name, { abortSignal }));
    if (got.ok) {
      if (sameResourceGroup(got.value.nodeResourceGroup, target.resourceGroup)) {
        return { ok: true, cluster: got.value };
      }
    } else if (got.cancelled) {
      return got;
    } else if (got.problem.kind !== 'not-found') {
      firstFailure ??= got;
    }
  }
  return firstFailure;
}

/** The list first (it needs Reader on the subscription), then a get by name when the list is refused or lacks the cluster. */
async function findCluster(session: ArmSession, target: NodeTarget): Promise<Found | { readonly ok: true; readonly cluster?: undefined; readonly listed: number }> {
  const listed = await session.call<ClusterModel[]>('managed clusters', (c, abortSignal) =>
    collect(c.containers.managedClusters.list({ abortSignal }), MAX_CLUSTERS));
  if (!listed.ok && (listed.cancelled || listed.problem.kind !== 'forbidden')) {
    return listed;
  }
  const inList = listed.ok ? listed.value.find((c) => sameResourceGroup(c.nodeResourceGroup, target.resourceGroup)) : undefined;
  if (inList) {
    return { ok: true, cluster: inList, listed: listed.ok ? listed.value.length : undefined };
  }
  const byName = await getByName(session, target);
  if (byName?.ok || byName?.cancelled) {
    return byName;
  }
  if (!listed.ok) {
    // Refused both ways: the get's scope (the cluster's resource group) is the narrower role to ask for.
    const list = listRefusal(listed.problem, target.subscriptionId);
    return byName ? withListRefusal(byName, list) : { ok: false, problem: list };
  }
  return { ok: true, listed: listed.value.length };
}

/** The list is read over the subscription (the SDK's pager drops Azure's message, which said so). */
function listRefusal(problem: AzureProblem, subscriptionId: string): AzureProblem {
  const scope = `/subscriptions/${subscriptionId}`;
  return problem.missingRole?.scope === scope ? problem : refusedOn(problem, scope,
    l10n.t('Not allowed to list the managed clusters of subscription {0} ({1}).', subscriptionId, problem.code ?? '403'));
}

/** The get's refusal, saying that the subscription-wide list was refused as well. */
function withListRefusal(failure: Extract<CallResult<never>, { ok: false }>, list: AzureProblem): Extract<CallResult<never>, { ok: false }> {
  return failure.problem.kind === 'forbidden'
    ? { ok: false, problem: { ...failure.problem, message: l10n.t('{0} Listing the subscription\'s clusters was refused too.', failure.problem.message) } }
    : { ok: false, problem: list };
}

function readPool(session: ArmSession, resourceGroup: string, cluster: string, pool: string): Promise<CallResult<PoolModel>> {
  return session.call<PoolModel>('agent pool', (c, abortSignal) => c.containers.agentPools.get(resourceGroup, cluster, pool, { abortSignal }));
}

/** The pool read on the cluster the node resource group's name guesses, started before the cluster is known. */
interface EarlyPool {
  readonly resourceGroup: string;
  readonly name: string;
  /** The pool, or undefined when the read failed (for any reason: it is read again, the ordinary way). */
  readonly answer: Promise<PoolModel | undefined>;
  readonly controller: AbortController;
}

function readPoolEarly(session: ArmSession, guess: { readonly resourceGroup: string; readonly name: string }, pool: string): EarlyPool {
  const controller = new AbortController();
  // Its failure is caught inside the call, so the session neither retries it, nor refreshes the token for it, nor logs it.
  const answer = session.call<PoolModel | undefined>('agent pool (guessed cluster)', async (c, abortSignal) => {
    try {
      return await c.containers.agentPools.get(guess.resourceGroup, guess.name, pool, { abortSignal: AbortSignal.any([abortSignal, controller.signal]) });
    } catch {
      return undefined;
    }
  }).then((got) => (got.ok ? got.value : undefined));
  return { ...guess, answer, controller };
}

function isCluster(early: EarlyPool, resourceGroup: string, name: string): boolean {
  return early.resourceGroup.toLowerCase() === resourceGroup.toLowerCase() && early.name.toLowerCase() === name.toLowerCase();
}

export async function readCluster(session: ArmSession, target: NodeTarget, poolLabel: string | undefined): Promise<Section<ClusterFacts>> {
  const poolName = poolLabel || (target.kind === 'vmss' ? poolFromScaleSet(target.scaleSet) : undefined);
  const guess = poolName ? clusterNameGuesses(target.resourceGroup)[0] : undefined;
  const early = guess && poolName ? readPoolEarly(session, guess, poolName) : undefined;
  const found = await findCluster(session, target);
  const guessedRight = early !== undefined && found.ok && found.cluster?.name !== undefined && found.cluster.id !== undefined
    && isCluster(early, resourceGroupOf(found.cluster.id) ?? '', found.cluster.name);
  if (!guessedRight) {
    early?.controller.abort();
  }
  if (!found.ok) {
    return found.cancelled ? { state: 'skipped', reason: found.problem.message } : { state: 'error', problem: found.problem };
  }
  const cluster = found.cluster;
  if (!cluster?.name || !cluster.id) {
    return {
      state: 'gone',
      message: l10n.t('No managed cluster in subscription {0} has the node resource group {1} ({2} clusters listed).',
        target.subscriptionId, target.resourceGroup, found.listed ?? 0),
    };
  }
  const clusterGroup = resourceGroupOf(cluster.id) ?? '';
  let pool: PoolFacts | undefined;
  if (poolName) {
    const name = cluster.name;
    // The early answer is the same request as the one below only when the guess names the cluster found.
    const earlyPool = guessedRight ? await early?.answer : undefined;
    const got: CallResult<PoolModel> = earlyPool ? { ok: true, value: earlyPool } : await readPool(session, clusterGroup, name, poolName);
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
