/**
 * Which Log Analytics workspace holds the cluster's `KubeEvents`: the setting (a workspace ID is
 * used as it is; a resource ID is read for its workspace ID), else the monitoring add-on's
 * `addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID`, else the data collection rule
 * associated with the cluster (Azure Monitor Agent: the rule's `destinations.logAnalytics[]`).
 */
import * as l10n from '@vscode/l10n';
import type { AzureProblem } from '../domain/diagnosis';
import { shellQuote } from '../domain/shellQuote';
import { Settings, settingId } from '../ids';
import type { ArmSession } from './armCall';
import { collect } from './armCall';
import type { InsightsResult } from './azureTypes';
import { LOG_ANALYTICS_READER } from './logAnalyticsQuery';
import { cut } from './problems';

export type FoundBy = NonNullable<InsightsResult['workspace']>['foundBy'];
export type Workspace = NonNullable<InsightsResult['workspace']>;
export type WorkspaceFound = { readonly ok: true; readonly workspace: Workspace } | { readonly ok: false; readonly problem: AzureProblem; readonly cancelled?: boolean };

/** The managed cluster as the discovery reads it (the SDK lifts `properties`). */
export interface ManagedClusterModel {
  readonly id?: string;
  readonly name?: string;
  readonly addonProfiles?: Record<string, { readonly enabled?: boolean; readonly config?: Record<string, string> } | undefined>;
}

/** Reads a workspace's ID by its resource ID, in the workspace's own subscription. */
export type WorkspaceReader = (id: WorkspaceResourceId) => Promise<{ ok: true; customerId?: string } | { ok: false; problem: AzureProblem; cancelled?: boolean }>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKSPACE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i;
const RULE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Insights\/dataCollectionRules\/([^/]+)$/i;
/** Streams a Container Insights rule sends (the group stream, or KubeEvents itself). */
const EVENT_STREAMS = /^Microsoft-(KubeEvents|ContainerInsights-Group-Default)$/i;
const MAX_ASSOCIATIONS = 50;

export interface WorkspaceResourceId {
  readonly resourceId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export type WorkspaceSetting =
  | { readonly kind: 'none' }
  | { readonly kind: 'customerId'; readonly customerId: string }
  | { readonly kind: 'resourceId'; readonly id: WorkspaceResourceId }
  | { readonly kind: 'invalid'; readonly text: string };

export function parseWorkspaceResourceId(text: string | undefined): WorkspaceResourceId | undefined {
  const id = (text ?? '').trim().replace(/\/+$/, '');
  const m = WORKSPACE_ID.exec(id);
  return m ? { resourceId: id, subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

/** `aksNodeRepair.containerInsights.workspaceId` read: empty, a workspace ID (GUID), a workspace resource ID, or neither. */
export function parseWorkspaceSetting(text: string | undefined): WorkspaceSetting {
  const value = (text ?? '').trim();
  if (value === '') {
    return { kind: 'none' };
  }
  if (GUID.test(value)) {
    return { kind: 'customerId', customerId: value.toLowerCase() };
  }
  const id = parseWorkspaceResourceId(value);
  return id ? { kind: 'resourceId', id } : { kind: 'invalid', text: value.length > 120 ? `${value.slice(0, 119)}…` : value };
}

export function invalidSettingProblem(text: string): AzureProblem {
  return {
    kind: 'unknown',
    message: l10n.t('The setting {0} ("{1}") is neither a workspace ID (a GUID) nor a workspace resource ID.', settingId(Settings.containerInsightsWorkspaceId), text),
    nextStep: l10n.t('Set it to the Workspace ID shown on the workspace\'s Overview page, or to its resource ID (/subscriptions/…/providers/Microsoft.OperationalInsights/workspaces/…), or clear it to find the workspace from the cluster.'),
  };
}

/** The workspace a resource ID names, with its workspace ID read from Resource Manager. */
export async function workspaceById(read: WorkspaceReader, id: WorkspaceResourceId, foundBy: FoundBy): Promise<WorkspaceFound> {
  const got = await read(id);
  if (!got.ok) {
    if (got.cancelled) {
      return got;
    }
    const problem = got.problem.kind === 'forbidden'
      ? {
        ...got.problem,
        missingRole: { role: LOG_ANALYTICS_READER, scope: id.resourceId },
        message: l10n.t('Not allowed to read the Log Analytics workspace {0} ({1}).', id.name, got.problem.code ?? '403'),
        nextStep: l10n.t('Ask for the {0} role on {1}, then Refresh.', LOG_ANALYTICS_READER, id.resourceId),
      }
      : got.problem.kind === 'not-found'
        ? {
          ...got.problem,
          message: l10n.t('The Log Analytics workspace {0} does not exist (any more).', id.resourceId),
          nextStep: foundBy === 'setting'
            ? l10n.t('Correct the setting {0}, or clear it to find the cluster\'s workspace; then Refresh.', settingId(Settings.containerInsightsWorkspaceId))
            : l10n.t('Re-enable monitoring on the cluster with a workspace that exists (`az aks enable-addons -a monitoring`), or set {0}; then Refresh.', settingId(Settings.containerInsightsWorkspaceId)),
        }
        : got.problem;
    return { ok: false, problem };
  }
  const customerId = cut(got.customerId, 64);
  if (!customerId || !GUID.test(customerId)) {
    return {
      ok: false,
      problem: {
        kind: 'malformed',
        message: l10n.t('The Log Analytics workspace {0} has no workspace ID in its answer.', id.resourceId),
        nextStep: l10n.t('Set {0} to the Workspace ID shown on the workspace\'s Overview page, then Refresh.', settingId(Settings.containerInsightsWorkspaceId)),
      },
    };
  }
  return { ok: true, workspace: { customerId: customerId.toLowerCase(), resourceId: id.resourceId, foundBy } };
}

/** The monitoring add-on's workspace, when the add-on is on and names one (keys compared case-insensitively). */
export function omsagentWorkspace(cluster: ManagedClusterModel): WorkspaceResourceId | undefined {
  const profiles = cluster.addonProfiles ?? {};
  const profile = Object.entries(profiles).find(([k]) => k.toLowerCase() === 'omsagent')?.[1];
  if (!profile || profile.enabled === false) {
    return undefined;
  }
  const value = Object.entries(profile.config ?? {}).find(([k]) => k.toLowerCase() === 'loganalyticsworkspaceresourceid')?.[1];
  return typeof value === 'string' ? parseWorkspaceResourceId(value) : undefined;
}

interface AssociationModel {
  readonly dataCollectionRuleId?: string;
}
interface RuleModel {
  readonly id?: string;
  readonly destinations?: { readonly logAnalytics?: readonly { readonly workspaceResourceId?: string; readonly workspaceId?: string }[] };
  readonly dataFlows?: readonly { readonly streams?: readonly string[] }[];
}

export type DcrFound =
  | { readonly ok: true; readonly workspace?: { readonly id?: WorkspaceResourceId; readonly customerId?: string } }
  | { readonly ok: false; readonly problem: AzureProblem; readonly cancelled?: boolean };

/**
 * The workspace of the data collection rule associated with the cluster: rules that send
 * KubeEvents first, then any with a Log Analytics destination. `sessionFor` gives a session in
 * the rule's subscription (a rule may live in another one).
 */
export async function dataCollectionRuleWorkspace(session: ArmSession, clusterId: string, sessionFor: (subscriptionId: string) => ArmSession): Promise<DcrFound> {
  const resourceUri = clusterId.replace(/^\/+/, '');
  const listed = await session.call<AssociationModel[]>('data collection rule associations', (c, abortSignal) =>
    collect(c.monitor.dataCollectionRuleAssociations.listByResource(resourceUri, { abortSignal }), MAX_ASSOCIATIONS));
  if (!listed.ok) {
    return listed.cancelled || listed.problem.kind !== 'not-found' ? listed : { ok: true };
  }
  const candidates: { rule: RuleModel; sendsEvents: boolean }[] = [];
  let firstFailure: Extract<DcrFound, { ok: false }> | undefined;
  for (const association of listed.value) {
    const m = RULE_ID.exec(association.dataCollectionRuleId ?? '');
    if (!m) {
      continue;
    }
    const [, subscriptionId, resourceGroup, name] = m;
    const got = await sessionFor(subscriptionId).call<RuleModel>('data collection rule', (c, abortSignal) =>
      c.monitor.dataCollectionRules.get(resourceGroup, name, { abortSignal }));
    if (!got.ok) {
      if (got.cancelled) {
        return got;
      }
      firstFailure ??= got;
      continue;
    }
    const sendsEvents = (got.value.dataFlows ?? []).some((f) => (f.streams ?? []).some((s) => EVENT_STREAMS.test(s)));
    candidates.push({ rule: got.value, sendsEvents });
  }
  candidates.sort((a, b) => Number(b.sendsEvents) - Number(a.sendsEvents));
  for (const { rule } of candidates) {
    for (const destination of rule.destinations?.logAnalytics ?? []) {
      const id = parseWorkspaceResourceId(destination.workspaceResourceId);
      const customerId = typeof destination.workspaceId === 'string' && GUID.test(destination.workspaceId) ? destination.workspaceId.toLowerCase() : undefined;
      if (id || customerId) {
        return { ok: true, workspace: { id, customerId } };
      }
    }
  }
  return firstFailure ?? { ok: true };
}

/** Neither the add-on nor a data collection rule names a workspace. */
export function noWorkspaceProblem(cluster: { readonly name?: string; readonly resourceGroup?: string } | undefined): AzureProblem {
  const command = cluster?.name && cluster.resourceGroup
    ? `az aks enable-addons -a monitoring -n ${shellQuote(cluster.name)} -g ${shellQuote(cluster.resourceGroup)}`
    : 'az aks enable-addons -a monitoring -n <cluster> -g <resource group>';
  return {
    kind: 'not-found',
    message: cluster?.name
      ? l10n.t('The cluster {0} sends its events to no Log Analytics workspace: no monitoring add-on, and no data collection rule with a workspace.', cluster.name)
      : l10n.t('No Log Analytics workspace was found for this cluster.'),
    nextStep: l10n.t('Turn on Container Insights (`{0}`), or set {1} to the workspace that has the cluster\'s KubeEvents; then Refresh.', command, settingId(Settings.containerInsightsWorkspaceId)),
  };
}
