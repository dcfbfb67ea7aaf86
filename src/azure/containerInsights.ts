/**
 * Container Insights for one cluster (or one node): find the managed cluster from a node's
 * providerID, its Log Analytics workspace (setting, monitoring add-on, or data collection rule),
 * then read `KubeEvents` about nodes over N days with `@azure/monitor-query-logs`. Never rejects:
 * no workspace, no permission, throttling, a partial answer are each a problem in the result.
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { buildInsightsQuery, clampDays, mapInsightsRows, normalEventsCollected } from '../domain/containerInsightsQuery';
import type { AzureProblem, NodeTarget } from '../domain/diagnosis';
import { parseProviderId } from '../domain/providerId';
import { Settings, settingId } from '../ids';
import { ArmSession } from './armCall';
import type { AzureSettings, InsightsRequest, InsightsResult } from './azureTypes';
import { clusterNameGuesses, readCluster } from './clusterReader';
import type { RefreshableCredential } from './credentialTypes';
import { normalizeEndpoint } from './endpoints';
import {
  dataCollectionRuleWorkspace, invalidSettingProblem, noWorkspaceProblem, omsagentWorkspace, parseWorkspaceSetting,
  workspaceById, type ManagedClusterModel, type WorkspaceFound, type WorkspaceReader,
} from './insightsWorkspace';
import { queryWorkspace } from './logAnalyticsQuery';
import { classify } from './problems';
import { shareCredential } from './sharedCredential';
import { createWorkspaceClient } from './workspaceClient';

const DAY_MS = 86_400_000;

/** The cluster the rows were read for, beside the result: the copy command's filter reuses it. */
export interface InsightsCluster {
  readonly name: string;
  readonly resourceId: string;
  readonly resourceGroup: string;
}

/** The result with what the read learned on the way (the extra members are plain data). */
export interface ContainerInsightsResult extends InsightsResult {
  readonly cluster?: InsightsCluster;
  /** The KQL that was run. */
  readonly query?: string;
}

export interface ContainerInsightsOptions {
  /** Tests only: an HTTP client that trusts the stand-in's CA. */
  readonly httpClient?: HttpClient;
}

type ClusterRead = { readonly ok: true; readonly cluster: InsightsCluster; readonly model: ManagedClusterModel } | { readonly ok: false; readonly problem: AzureProblem; readonly cancelled?: boolean };

export async function readContainerInsights(
  request: InsightsRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  signal: AbortSignal,
  options: ContainerInsightsOptions = {},
): Promise<ContainerInsightsResult> {
  const target = parseProviderId(request.providerId);
  if (!target.ok) {
    return failed({
      kind: 'unknown',
      message: l10n.t('The node\'s providerID does not name an Azure VM: {0}.', target.reason),
      nextStep: l10n.t('Container Insights is read for AKS clusters: connect to an AKS cluster\'s context.'),
    });
  }
  const setting = parseWorkspaceSetting(request.workspace);
  if (setting.kind === 'invalid') {
    return failed(invalidSettingProblem(setting.text));
  }
  const t = target.target;
  const shared = shareCredential(credential as RefreshableCredential);
  const sessions = new Map<string, ArmSession>();
  const sessionFor = (subscriptionId: string): ArmSession => {
    const key = subscriptionId.toLowerCase();
    let session = sessions.get(key);
    if (!session) {
      session = new ArmSession(shared, subscriptionId, settings, signal, options.httpClient, t.resourceGroup);
      sessions.set(key, session);
    }
    return session;
  };
  try {
    const session = sessionFor(t.subscriptionId);
    const cluster = await findCluster(session, t);
    if (!cluster.ok && cluster.cancelled) {
      return failed(cluster.problem);
    }
    const readWorkspace: WorkspaceReader = async (id) => {
      const got = await sessionFor(id.subscriptionId).call('Log Analytics workspace', (_c, abortSignal) =>
        createWorkspaceClient(shared, id.subscriptionId, settings, options.httpClient).workspaces.get(id.resourceGroup, id.name, { abortSignal }));
      return got.ok ? { ok: true, customerId: got.value.customerId } : got;
    };

    let found: WorkspaceFound;
    if (setting.kind === 'customerId') {
      found = { ok: true, workspace: { customerId: setting.customerId, foundBy: 'setting' } };
    } else if (setting.kind === 'resourceId') {
      found = await workspaceById(readWorkspace, setting.id, 'setting');
    } else if (!cluster.ok) {
      found = cluster;
    } else {
      found = await discover(session, cluster, readWorkspace, sessionFor);
    }
    if (!found.ok) {
      return failed(found.problem, cluster.ok ? cluster.cluster : undefined);
    }
    // With the workspace named in the setting the managed cluster may be unreadable (no Reader on
    // it): the rows are still limited to this cluster, by what the node resource group and the
    // kubeconfig say, and never read for every cluster of a shared workspace.
    const filter = cluster.ok ? { cluster: cluster.cluster, clusterResourceId: cluster.cluster.resourceId } : filterWithoutCluster(t, request.clusterName);
    if (!filter) {
      const unread = cluster.ok ? undefined : cluster.problem;
      settings.log?.warn(`Container Insights: the managed cluster could not be read (${unread?.kind}) and nothing else names it; the workspace is not read.`);
      return { events: [], workspace: found.workspace, problem: unfilteredRefused(unread) };
    }
    if (!cluster.ok) {
      settings.log?.info(`Container Insights: the managed cluster could not be read (${cluster.problem.kind}); rows limited by ${filter.clusterResourceId ? 'the resource ID the node resource group names' : 'the kubeconfig\'s cluster name'}.`);
    }
    const clusterFound = filter.cluster;
    const days = clampDays(request.days);
    const built = buildInsightsQuery({ node: request.node, days, clusterResourceId: filter.clusterResourceId, clusterName: filter.clusterName });
    if (!built.ok) {
      // A node name a KQL literal cannot hold exactly: no query rather than one about another node.
      return failed(built.problem, clusterFound);
    }
    const kql = built.value;
    const outcome = await queryWorkspace(shared, {
      customerId: found.workspace.customerId,
      workspaceResourceId: found.workspace.resourceId,
      kql,
      startTime: new Date(request.now - days * DAY_MS),
      endTime: new Date(request.now),
    }, settings, signal, options.httpClient);
    if (!outcome.ok) {
      return { events: [], workspace: found.workspace, problem: outcome.problem, cluster: clusterFound, query: kql };
    }
    const events = mapInsightsRows(outcome.table, (_what, err) => settings.log?.warn(`Container Insights: a row could not be read: ${err instanceof Error ? err.name : typeof err}`));
    return {
      events,
      workspace: found.workspace,
      normalEventsCollected: normalEventsCollected(events),
      partial: outcome.partial,
      cluster: clusterFound,
      query: kql,
    };
  } catch (error) {
    // The readers turn failures into problems; this is for a bug in one, so the read still ends.
    return failed(classify(error, {
      endpoint: normalizeEndpoint(settings.resourceManagerEndpoint),
      subscriptionId: t.subscriptionId,
      timeoutMs: settings.requestTimeoutMs ?? 0,
    }));
  }
}

interface ClusterFilter {
  readonly cluster?: InsightsCluster;
  readonly clusterResourceId?: string;
  readonly clusterName?: string;
}

/**
 * The rows' cluster filter when the managed cluster could not be read: the resource ID that AKS's
 * default node resource group `MC_<group>_<cluster>_<region>` names (the split whose cluster is
 * the kubeconfig's cluster entry, or the only split there is), else the kubeconfig's cluster name
 * (KubeEvents' `ClusterName`); undefined when neither says which cluster it is.
 */
export function filterWithoutCluster(target: NodeTarget, kubeconfigCluster: string | undefined): ClusterFilter | undefined {
  const entry = kubeconfigCluster?.trim().replace(/-admin$/, '') || undefined;
  const guesses = clusterNameGuesses(target.resourceGroup);
  const guess = entry ? guesses.find((g) => g.name.toLowerCase() === entry.toLowerCase()) : guesses.length === 1 ? guesses[0] : undefined;
  if (guess) {
    const name = entry ?? guess.name;
    const resourceId = `/subscriptions/${target.subscriptionId}/resourceGroups/${guess.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    return { cluster: { name, resourceId, resourceGroup: guess.resourceGroup }, clusterResourceId: resourceId };
  }
  return entry ? { clusterName: entry } : undefined;
}

/** No filter can be had: the workspace may hold other clusters' events, so it is not read. */
function unfilteredRefused(unread: AzureProblem | undefined): AzureProblem {
  return {
    kind: unread?.kind ?? 'unknown',
    ...(unread?.status !== undefined ? { status: unread.status } : {}),
    ...(unread?.code !== undefined ? { code: unread.code } : {}),
    ...(unread?.missingRole !== undefined ? { missingRole: unread.missingRole } : {}),
    message: l10n.t('Container Insights was not read: the managed cluster could not be read ({0}), and without it the rows of the workspace cannot be limited to this cluster (the workspace may hold other clusters\' events).', unread?.message ?? l10n.t('not found')),
    nextStep: l10n.t('Ask for the Reader role on the AKS cluster (or its resource group) so the extension can read it, then Refresh.'),
  };
}

function failed(problem: AzureProblem, cluster?: InsightsCluster): ContainerInsightsResult {
  return { events: [], problem, cluster };
}

/** The managed cluster the node belongs to (as the diagnosis finds it), read whole for its add-on profiles. */
async function findCluster(session: ArmSession, target: NodeTarget): Promise<ClusterRead> {
  const section = await readCluster(session, target, undefined);
  if (section.state === 'error') {
    return { ok: false, problem: section.problem };
  }
  if (section.state === 'skipped') {
    return { ok: false, cancelled: true, problem: { kind: 'unknown', message: section.reason, nextStep: l10n.t('Refresh to read it again.') } };
  }
  if (section.state !== 'ok') {
    return {
      ok: false,
      problem: {
        kind: 'not-found',
        message: section.state === 'gone' ? section.message : l10n.t('The managed cluster was not found.'),
        nextStep: l10n.t('Check that the kubeconfig context is an AKS cluster in a subscription you can read, then Refresh.'),
      },
    };
  }
  const facts = section.value;
  const cluster: InsightsCluster = { name: facts.name, resourceId: facts.resourceId, resourceGroup: facts.resourceGroup };
  const got = await session.call<ManagedClusterModel>('managed cluster', (c, abortSignal) =>
    c.containers.managedClusters.get(facts.resourceGroup, facts.name, { abortSignal }));
  if (!got.ok) {
    return got.cancelled ? got : { ok: false, problem: got.problem };
  }
  return { ok: true, cluster, model: got.value };
}

/** The add-on's workspace, else the data collection rule's, else why there is none. */
async function discover(
  session: ArmSession,
  cluster: Extract<ClusterRead, { ok: true }>,
  readWorkspace: WorkspaceReader,
  sessionFor: (subscriptionId: string) => ArmSession,
): Promise<WorkspaceFound> {
  const oms = omsagentWorkspace(cluster.model);
  if (oms) {
    return workspaceById(readWorkspace, oms, 'omsagent');
  }
  const dcr = await dataCollectionRuleWorkspace(session, cluster.cluster.resourceId, sessionFor);
  if (!dcr.ok) {
    return dcr.cancelled || dcr.problem.kind !== 'forbidden'
      ? dcr
      : { ok: false, problem: { ...dcr.problem, nextStep: l10n.t('{0} Or set {1} to the cluster\'s workspace.', dcr.problem.nextStep, settingId(Settings.containerInsightsWorkspaceId)) } };
  }
  if (dcr.workspace?.customerId) {
    return { ok: true, workspace: { customerId: dcr.workspace.customerId, resourceId: dcr.workspace.id?.resourceId, foundBy: 'dataCollectionRule' } };
  }
  if (dcr.workspace?.id) {
    return workspaceById(readWorkspace, dcr.workspace.id, 'dataCollectionRule');
  }
  return { ok: false, problem: noWorkspaceProblem(cluster.cluster) };
}
