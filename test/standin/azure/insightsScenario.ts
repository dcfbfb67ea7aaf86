/**
 * The Container Insights side of the simulated Azure, as plain data: Log Analytics workspaces
 * (their ARM resources and their `KubeEvents` rows), data collection rules and their
 * associations. The rows are the simulated cluster's node events as the agent reports them (each
 * event again on a later collection, with its newer count), plus what happened before the
 * cluster's one hour: repairs hours and days ago, a node that is gone, another cluster's events
 * in the same workspace, a pod event, and rows older than the default seven days.
 */
import { SUBSCRIPTION_ID, aksNodeName, makeNoiseEvent, makeRepairEvent, uuidFrom, type RepairReason } from '../fixtures';
import { SIMULATED_CLUSTER, SIMULATED_NODES, simulatedEvents } from '../simulatedCluster';
import { managedClusterId } from './resourceIds';
import { SIMULATED_AZURE } from './simulatedAzure';

/** One `KubeEvents` row as the wire carries it (datetimes as ISO strings). */
export interface KubeEventRow {
  TimeGenerated: string;
  ClusterId: string;
  ClusterName: string;
  Computer: string;
  Count: number;
  FirstSeen: string;
  KubeEventType: string;
  LastSeen: string;
  Message: string;
  Name: string;
  Namespace: string;
  ObjectKind: string;
  Reason: string;
  SourceComponent: string;
  SourceSystem: string;
  _ResourceId: string;
}

export interface InsightsWorkspace {
  /** The workspace ID (a GUID), as Log Analytics' query API names it. */
  customerId: string;
  /** Its ARM resource ID (`…/Microsoft.OperationalInsights/workspaces/<name>`). */
  resourceId: string;
  location: string;
  rows: KubeEventRow[];
  /** As with `collect_all_kube_events` off: the agent sends only Warning events. */
  errorsOnly?: boolean;
}

export interface DataCollectionRuleSpec {
  resourceId: string;
  location: string;
  /** `destinations.logAnalytics[]`. */
  logAnalytics: { workspaceResourceId: string; workspaceId?: string; name: string }[];
  /** `dataFlows[].streams`. */
  streams: string[];
  /** Prometheus rules send to an Azure Monitor workspace instead. */
  monitoringAccounts?: { accountResourceId: string; name: string }[];
}

export interface RuleAssociationSpec {
  /** The resource the rule is associated with (the managed cluster), compared case-insensitively. */
  resourceId: string;
  name: string;
  ruleId: string;
}

export interface InsightsWorld {
  workspaces: InsightsWorkspace[];
  rules: DataCollectionRuleSpec[];
  associations: RuleAssociationSpec[];
  /** Tests only: the association list answers with this `nextLink` (another host, for the host guard). */
  associationsNextLink?: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SIMULATED_INSIGHTS = {
  /** The workspace the simulated cluster's monitoring add-on (omsagent) names. */
  addonWorkspace: {
    name: 'law-aks-demo',
    resourceGroup: SIMULATED_AZURE.clusterResourceGroup,
    customerId: uuidFrom('law-aks-demo').toLowerCase(),
    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${SIMULATED_AZURE.clusterResourceGroup}/providers/Microsoft.OperationalInsights/workspaces/law-aks-demo`,
  },
  /** The workspace the Azure Monitor Agent's data collection rule sends to. */
  amaWorkspace: {
    name: 'law-monitoring',
    resourceGroup: 'rg-monitoring',
    customerId: uuidFrom('law-monitoring').toLowerCase(),
    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-monitoring`,
  },
  containerInsightsRule: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${SIMULATED_AZURE.clusterResourceGroup}/providers/Microsoft.Insights/dataCollectionRules/MSCI-westeurope-aks-demo`,
  prometheusRule: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${SIMULATED_AZURE.clusterResourceGroup}/providers/Microsoft.Insights/dataCollectionRules/MSProm-westeurope-aks-demo`,
  /** A node deleted days ago: only Log Analytics still has its repairs. */
  goneNode: aksNodeName('userpool', 9),
  /** The other cluster sending to the same workspace. */
  otherCluster: 'aks-staging',
  /** The simulated cluster's resource ID as AKS writes it in `_ResourceId` (lower-case `resourcegroups`). */
  clusterResourceId: managedClusterId(SUBSCRIPTION_ID, { resourceGroup: SIMULATED_AZURE.clusterResourceGroup, name: SIMULATED_CLUSTER }),
  /** The node the agent's replica set runs on: KubeEvents' `Computer`. */
  agentNode: aksNodeName('system', 0),
} as const;

interface RawEvent {
  metadata: { namespace?: string };
  involvedObject: { kind: string; name: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source?: { component?: string };
}

/** One event as the agent reports it on one collection, `delayMs` after its last sighting. */
function row(raw: RawEvent, cluster: { name: string; resourceId: string }, delayMs = 40_000): KubeEventRow {
  return {
    TimeGenerated: new Date(Date.parse(raw.lastTimestamp) + delayMs).toISOString(),
    ClusterId: cluster.resourceId,
    ClusterName: cluster.name,
    Computer: SIMULATED_INSIGHTS.agentNode,
    Count: raw.count,
    FirstSeen: raw.firstTimestamp,
    KubeEventType: raw.type,
    LastSeen: raw.lastTimestamp,
    Message: raw.message,
    Name: raw.involvedObject.name,
    Namespace: raw.metadata.namespace ?? 'default',
    ObjectKind: raw.involvedObject.kind,
    Reason: raw.reason,
    SourceComponent: raw.source?.component ?? '',
    SourceSystem: 'Container',
    _ResourceId: cluster.resourceId,
  };
}

/** A repair action's Start and End (and Error, with `code`), `ms` ago. */
function sequence(node: string, action: 'Reboot' | 'Reimage' | 'Redeploy', at: Date, error?: { code: string; format?: 1 | 2 | 3 }): RawEvent[] {
  const events: RawEvent[] = [
    makeRepairEvent({ node, reason: `Node${action}Start` as RepairReason, at }) as unknown as RawEvent,
    makeRepairEvent({ node, reason: `Node${action}End` as RepairReason, at: new Date(at.getTime() + 180) }) as unknown as RawEvent,
  ];
  if (error) {
    events.push(makeRepairEvent({ node, reason: `Node${action}Error` as RepairReason, at: new Date(at.getTime() + 900), format: error.format ?? 1, code: error.code }) as unknown as RawEvent);
  }
  return events;
}

/** The rows of the add-on workspace, relative to `now`. */
export function simulatedKubeEventRows(now = new Date()): KubeEventRow[] {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const cluster = { name: SIMULATED_CLUSTER, resourceId: SIMULATED_INSIGHTS.clusterResourceId };
  const live = simulatedEvents(now) as unknown as RawEvent[];
  const s1 = aksNodeName('system', 1);
  const [u3] = SIMULATED_NODES.userNotReady;
  const u1 = aksNodeName('userpool', 1);
  const gone = SIMULATED_INSIGHTS.goneNode;
  const past: RawEvent[] = [
    // system vmss000001 was redeployed again and again before the limit refused one (the Activity Log has the same).
    ...sequence(s1, 'Redeploy', ago(20 * HOUR)),
    ...sequence(s1, 'Redeploy', ago(14 * HOUR)),
    ...sequence(s1, 'Redeploy', ago(8 * HOUR)),
    ...sequence(s1, 'Redeploy', ago(3 * HOUR)),
    // ...and had been refused before: the code recurs over days.
    ...sequence(s1, 'Redeploy', ago(3 * DAY), { code: 'TooManyVMRedeploymentRequests' }),
    ...sequence(s1, 'Redeploy', ago(5 * DAY), { code: 'TooManyVMRedeploymentRequests' }),
    // userpool vmss000003 failed its bootstrap once before, four days ago.
    ...sequence(u3, 'Reimage', ago(4 * DAY), { code: 'VMExtensionProvisioningError' }),
    // A node that is gone: NotReady, a reboot that failed, then it was deleted (two days ago).
    makeNoiseEvent({ reason: 'NodeNotReady', node: gone, at: ago(2 * DAY + 20 * MINUTE) }) as unknown as RawEvent,
    ...sequence(gone, 'Reboot', ago(2 * DAY + 10 * MINUTE), { code: 'OutboundConnectivityNotEnabledOnVMSS', format: 2 }),
    // Ten days ago: outside the default seven days, inside thirty.
    ...sequence(u1, 'Reimage', ago(10 * DAY), { code: 'ZonalAllocationFailed' }),
  ];
  const rows: KubeEventRow[] = [];
  for (const raw of [...live, ...past]) {
    // Node events and the pod events the cluster has: the query must filter out what is not a node's repair.
    rows.push(row(raw, cluster));
    if (raw.count > 1 && raw.involvedObject.kind === 'Node') {
      // The agent reported it before too, when it had been seen fewer times.
      rows.push(row({ ...raw, count: raw.count - 1, lastTimestamp: new Date(Date.parse(raw.lastTimestamp) - 5 * MINUTE).toISOString() }, cluster));
    }
  }
  // Another cluster's node events in the same workspace.
  const other = { name: SIMULATED_INSIGHTS.otherCluster, resourceId: managedClusterId(SUBSCRIPTION_ID, { resourceGroup: 'rg-aks-staging', name: 'aks-staging' }) };
  for (const raw of sequence('aks-nodepool1-55555555-vmss000000', 'Reboot', ago(6 * HOUR), { code: 'VMRestartTimedOut' })) {
    rows.push(row(raw, other));
  }
  return rows;
}

/** The simulated cluster's Container Insights: the add-on workspace with its rows, and a data collection rule (used when the add-on is off). */
export function simulatedInsightsWorld(now = new Date()): InsightsWorld {
  const I = SIMULATED_INSIGHTS;
  return {
    workspaces: [
      { customerId: I.addonWorkspace.customerId, resourceId: I.addonWorkspace.resourceId, location: SIMULATED_AZURE.location, rows: simulatedKubeEventRows(now) },
      { customerId: I.amaWorkspace.customerId, resourceId: I.amaWorkspace.resourceId, location: SIMULATED_AZURE.location, rows: simulatedKubeEventRows(now) },
    ],
    rules: [
      {
        resourceId: I.prometheusRule, location: SIMULATED_AZURE.location, logAnalytics: [], streams: ['Microsoft-PrometheusMetrics'],
        monitoringAccounts: [{ accountResourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-monitoring/providers/microsoft.monitor/accounts/amw-demo`, name: 'MonitoringAccount1' }],
      },
      {
        resourceId: I.containerInsightsRule, location: SIMULATED_AZURE.location,
        logAnalytics: [{ workspaceResourceId: I.amaWorkspace.resourceId, name: 'ciworkspace' }],
        streams: ['Microsoft-ContainerInsights-Group-Default'],
      },
    ],
    associations: [
      { resourceId: I.clusterResourceId, name: 'ContainerInsightsMetricsExtension', ruleId: I.prometheusRule },
      { resourceId: I.clusterResourceId, name: 'ContainerInsightsExtension', ruleId: I.containerInsightsRule },
    ],
  };
}
