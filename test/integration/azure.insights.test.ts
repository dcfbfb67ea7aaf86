import * as assert from 'node:assert/strict';

import type { AccessToken } from '@azure/core-auth';

import type { AzureLogger, AzureSettings, InsightsRequest } from '../../src/azure/azureTypes';
import { createAzureBackend } from '../../src/azure/azureBackend';
import type { ContainerInsightsResult } from '../../src/azure/containerInsights';
import type { RefreshableCredential } from '../../src/azure/credentialTypes';
import { insightsStatusOf } from '../../src/azure/insightsStatus';
import { omsagentWorkspace, parseWorkspaceSetting } from '../../src/azure/insightsWorkspace';
import { recurrences } from '../../src/domain/history';
import { NODE_RESOURCE_GROUP, SUBSCRIPTION_ID } from '../standin/fixtures';
import { SIMULATED_NODES } from '../standin/simulatedCluster';
import { startArmStandIn, type ArmStandIn } from '../standin/azure/armServer';
import { trustStandInCa } from '../standin/azure/clientTrust';
import { insightsRoutes } from '../standin/azure/insightsRoutes';
import { SIMULATED_INSIGHTS, simulatedInsightsWorld, type InsightsWorld } from '../standin/azure/insightsScenario';
import { startLogAnalyticsStandIn, type LogAnalyticsStandIn } from '../standin/azure/logAnalyticsServer';
import { SIMULATED_AZURE, simulatedAzureScenario } from '../standin/azure/scenario';

// The Container Insights read with the real @azure/monitor-query-logs, arm-operationalinsights,
// arm-monitor and arm-containerservice clients, through the extension's own pipelines, against the
// ARM stand-in (with the Container Insights routes) and the Log Analytics stand-in over HTTPS. Both
// stand-ins' CA joins Node's default list (trustStandInCa): the clients are built as in production.

const [FAILED_CSE_NODE] = SIMULATED_NODES.userNotReady;
const REDEPLOYED_NODE = 'aks-system-12345678-vmss000001';
const ARM_TOKEN = 'arm-token-for-insights';
const LA_TOKEN = 'la-token-for-insights';

function providerIdOf(node: string): string {
  const m = /^(aks-[a-z0-9]+-\d+)-vmss(\d{6})$/.exec(node);
  assert.ok(m, node);
  return `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${m[1]}-vmss/virtualMachines/${Number(m[2])}`;
}

/** Hands out one token per resource: ARM's to the ARM endpoint's scope, Log Analytics' to its own; records every scope asked for. */
class ScopedCredential implements RefreshableCredential {
  readonly scopes: string[] = [];
  invalidations = 0;
  constructor(private readonly tokens: Record<string, string>) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = [scopes].flat()[0];
    this.scopes.push(scope);
    const token = this.tokens[scope];
    if (!token) {
      throw new Error(`no token for ${scope}`);
    }
    return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
  invalidate(): void {
    this.invalidations++;
  }
}

describe('Container Insights against the ARM and Log Analytics stand-ins (real @azure/* clients)', function () {
  this.timeout(60_000);
  let arm: ArmStandIn;
  let la: LogAnalyticsStandIn;
  let world: InsightsWorld;
  let credential: ScopedCredential;
  let logLines: string[];
  let untrust: () => void;

  before(async () => {
    world = simulatedInsightsWorld(new Date());
    arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()), token: ARM_TOKEN, extraRoutes: insightsRoutes(world) });
    la = await startLogAnalyticsStandIn({ workspaces: world.workspaces, token: LA_TOKEN });
    assert.equal(la.caPem, arm.caPem, 'one CA for both stand-ins');
    untrust = trustStandInCa(arm.caPem);
  });

  after(async () => {
    untrust?.();
    await la?.stop();
    await arm?.stop();
  });

  beforeEach(() => {
    // A fresh world and scenario for each test: tests change them.
    const fresh = simulatedInsightsWorld(new Date());
    Object.assign(world, fresh);
    delete world.associationsNextLink;
    la.workspaces = world.workspaces;
    arm.scenario = simulatedAzureScenario(new Date());
    arm.clearFaults();
    la.clearFaults();
    arm.requests.length = 0;
    la.requests.length = 0;
    credential = new ScopedCredential({ [`${arm.url}/.default`]: ARM_TOKEN, [`${la.url}/.default`]: LA_TOKEN });
    logLines = [];
  });

  function settings(overrides: Partial<AzureSettings> = {}): AzureSettings {
    const log: AzureLogger = { info: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
    return { resourceManagerEndpoint: arm.url, logAnalyticsEndpoint: la.url, requestTimeoutMs: 5_000, maxRetries: 1, retryBaseDelayMs: 20, log, ...overrides };
  }

  async function read(request: Partial<InsightsRequest> = {}, s: Partial<AzureSettings> = {}, signal = new AbortController().signal): Promise<ContainerInsightsResult> {
    const backend = createAzureBackend();
    return backend.readContainerInsights({ providerId: providerIdOf(FAILED_CSE_NODE), days: 7, now: Date.now(), ...request }, credential, settings(s), signal);
  }

  const armCount = (re: RegExp): number => arm.requests.filter((r) => re.test(r.path)).length;

  it('finds the workspace from the monitoring add-on and reads the cluster\'s node events over 7 days', async () => {
    const result = await read();
    assert.equal(result.problem, undefined, JSON.stringify(result.problem));
    assert.deepEqual(result.workspace, { customerId: SIMULATED_INSIGHTS.addonWorkspace.customerId, resourceId: SIMULATED_INSIGHTS.addonWorkspace.resourceId, foundBy: 'omsagent' });
    assert.equal(result.normalEventsCollected, true);
    assert.equal(result.partial, undefined);
    assert.equal(result.cluster?.name, SIMULATED_AZURE.clusterName);
    assert.ok(result.events.length > 20, `${result.events.length} events`);
    assert.ok(result.events.every((e) => e.origin === 'containerInsights' && e.key.startsWith('ci:')));
    assert.ok(!result.events.some((e) => e.node.startsWith('aks-nodepool1-5555')), 'the other cluster in the workspace is filtered out');
    assert.ok(!result.events.some((e) => e.code === 'ZonalAllocationFailed'), 'nothing older than 7 days');
    const gone = result.events.filter((e) => e.node === SIMULATED_INSIGHTS.goneNode);
    assert.deepEqual(gone.map((e) => e.reason), ['NodeNotReady', 'NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError']);
    assert.equal(gone[3].code, 'OutboundConnectivityNotEnabledOnVMSS');

    assert.equal(la.requests.length, 1);
    const [q] = la.requests;
    assert.equal(q.workspace, SIMULATED_INSIGHTS.addonWorkspace.customerId);
    assert.match(q.query ?? '', /\| where _ResourceId =~ '\/subscriptions\/.+\/managedClusters\/aks-demo'/);
    assert.doesNotMatch(q.query ?? '', /where Name ==/);
    const [start, end] = (q.timespan ?? '').split('/').map(Date.parse);
    assert.ok(Math.abs(end - start - 7 * 86_400_000) < 1000, q.timespan);
    assert.equal(q.prefer, 'wait=60');
    assert.equal(armCount(/\/workspaces\/law-aks-demo$/), 1, 'the workspace ID read from the add-on\'s resource ID');
    assert.equal(armCount(/dataCollectionRuleAssociations/), 0, 'no rule looked for when the add-on names the workspace');
    assert.equal(insightsStatusOf(result, Date.now(), 7).kind, 'ok');
  });

  it('for one node: only its rows, and a code that recurred over days reads so', async () => {
    const result = await read({ node: REDEPLOYED_NODE, days: 30 });
    assert.equal(result.problem, undefined, JSON.stringify(result.problem));
    assert.ok(result.events.length > 0);
    assert.ok(result.events.every((e) => e.node === REDEPLOYED_NODE));
    assert.match(la.requests[0].query ?? '', /\| where Name == 'aks-system-12345678-vmss000001'/);
    const tooMany = recurrences(result.events).find((r) => r.code === 'TooManyVMRedeploymentRequests');
    assert.ok(tooMany, JSON.stringify(recurrences(result.events)));
    assert.equal(tooMany.times, 3, 'twice days ago and once in the last hour');
    assert.ok(tooMany.days >= 5, `${tooMany.days} days`);
  });

  it('with the setting: a workspace ID is queried as it is; a resource ID is read for its workspace ID; anything else is refused', async () => {
    const byGuid = await read({ workspace: SIMULATED_INSIGHTS.amaWorkspace.customerId.toUpperCase() });
    assert.equal(byGuid.problem, undefined, JSON.stringify(byGuid.problem));
    assert.deepEqual(byGuid.workspace, { customerId: SIMULATED_INSIGHTS.amaWorkspace.customerId, foundBy: 'setting' });
    assert.equal(la.requests[0].workspace, SIMULATED_INSIGHTS.amaWorkspace.customerId);
    assert.equal(armCount(/Microsoft\.OperationalInsights/), 0);
    assert.ok(byGuid.events.length > 0);

    arm.requests.length = 0;
    const byId = await read({ workspace: ` ${SIMULATED_INSIGHTS.amaWorkspace.resourceId} ` });
    assert.deepEqual(byId.workspace, { customerId: SIMULATED_INSIGHTS.amaWorkspace.customerId, resourceId: SIMULATED_INSIGHTS.amaWorkspace.resourceId, foundBy: 'setting' });
    assert.equal(armCount(/\/workspaces\/law-monitoring$/), 1);

    const requestsBefore = la.requests.length;
    const invalid = await read({ workspace: 'law-aks-demo' });
    assert.equal(invalid.problem?.kind, 'unknown');
    assert.match(invalid.problem?.message ?? '', /neither a workspace ID \(a GUID\) nor a workspace resource ID/);
    assert.equal(la.requests.length, requestsBefore, 'nothing queried');
    assert.deepEqual(parseWorkspaceSetting(''), { kind: 'none' });
  });

  it('the workspace from the setting, the managed cluster unreadable: still only this cluster\'s rows (by the node resource group, else the kubeconfig\'s cluster name); with neither, nothing is read', async () => {
    // No Reader on the cluster: listing and reading managed clusters are refused.
    arm.inject({ kind: 'status', status: 403, path: /managedClusters/i });
    const workspace = SIMULATED_INSIGHTS.addonWorkspace.customerId;
    const otherCluster = (r: ContainerInsightsResult) => r.events.filter((e) => e.node.startsWith('aks-nodepool1-5555'));

    // AKS's default node resource group names the cluster: MC_rg-aks-demo_aks-demo_westeurope.
    const byGroup = await read({ workspace });
    assert.equal(byGroup.problem, undefined, JSON.stringify(byGroup.problem));
    assert.ok(byGroup.events.length > 20, `${byGroup.events.length} events`);
    assert.deepEqual(otherCluster(byGroup), [], 'the other cluster in the shared workspace is filtered out');
    assert.match(la.requests[0].query ?? '', new RegExp(`\\| where _ResourceId =~ '/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo/providers/Microsoft\\.ContainerService/managedClusters/aks-demo'`));
    assert.equal(byGroup.cluster?.name, 'aks-demo');

    // A custom node resource group says nothing: the kubeconfig's cluster entry names it.
    const custom = providerIdOf(FAILED_CSE_NODE).replace(/resourceGroups\/[^/]+/, 'resourceGroups/aks-demo-nodes');
    la.requests.length = 0;
    const byName = await read({ workspace, providerId: custom, clusterName: 'aks-demo' });
    assert.equal(byName.problem, undefined, JSON.stringify(byName.problem));
    assert.ok(byName.events.length > 20);
    assert.deepEqual(otherCluster(byName), []);
    assert.match(la.requests[0].query ?? '', /\| where ClusterName == 'aks-demo'/);

    // Neither: the workspace is not read at all, and the problem says why and what to do.
    la.requests.length = 0;
    const refused = await read({ workspace, providerId: custom });
    assert.equal(refused.events.length, 0);
    assert.equal(la.requests.length, 0, 'no cluster-wide query');
    assert.equal(refused.problem?.kind, 'forbidden', JSON.stringify(refused.problem));
    assert.match(refused.problem?.message ?? '', /the rows of the workspace cannot be limited to this cluster/);
    assert.match(refused.problem?.nextStep ?? '', /Reader role on the AKS cluster/);
    assert.equal(insightsStatusOf(refused, Date.now(), 7).kind, 'problem');
  });

  it('without the add-on: the data collection rule associated with the cluster names the workspace (Container Insights rule over Prometheus\')', async () => {
    const cluster = arm.scenario.managedClusters.find((c) => c.name === SIMULATED_AZURE.clusterName)!;
    assert.ok(omsagentWorkspace({ addonProfiles: cluster.addonProfiles }), 'the simulated cluster has the add-on');
    delete cluster.addonProfiles;
    const result = await read();
    assert.equal(result.problem, undefined, JSON.stringify(result.problem));
    assert.equal(result.workspace?.foundBy, 'dataCollectionRule');
    assert.equal(result.workspace?.customerId, SIMULATED_INSIGHTS.amaWorkspace.customerId);
    assert.equal(result.workspace?.resourceId, SIMULATED_INSIGHTS.amaWorkspace.resourceId);
    assert.equal(armCount(/\/managedClusters\/aks-demo\/providers\/Microsoft\.Insights\/dataCollectionRuleAssociations$/), 1);
    assert.equal(armCount(/\/dataCollectionRules\/MSCI-westeurope-aks-demo$/), 1);
    assert.equal(la.requests[0].workspace, SIMULATED_INSIGHTS.amaWorkspace.customerId);
    assert.ok(result.events.length > 20);

    // A rule that names only the workspace's resource ID: its workspace ID is read from Resource Manager.
    world.rules.find((r) => r.resourceId === SIMULATED_INSIGHTS.containerInsightsRule)!.logAnalytics[0].workspaceId = 'not-a-guid';
    arm.requests.length = 0;
    const byId = await read();
    assert.equal(byId.workspace?.customerId, SIMULATED_INSIGHTS.amaWorkspace.customerId);
    assert.equal(armCount(/\/workspaces\/law-monitoring$/), 1);
  });

  it('no add-on and no rule: a problem that says how to turn monitoring on or set the workspace', async () => {
    delete arm.scenario.managedClusters.find((c) => c.name === SIMULATED_AZURE.clusterName)!.addonProfiles;
    world.associations = world.associations.filter((a) => a.ruleId !== SIMULATED_INSIGHTS.containerInsightsRule);
    const result = await read();
    assert.equal(result.events.length, 0);
    assert.equal(result.problem?.kind, 'not-found');
    assert.match(result.problem?.message ?? '', /aks-demo sends its events to no Log Analytics workspace/);
    assert.match(result.problem?.nextStep ?? '', /az aks enable-addons -a monitoring -n aks-demo -g rg-aks-demo/);
    assert.match(result.problem?.nextStep ?? '', /aksNodeRepair\.containerInsights\.workspaceId/);
    assert.equal(la.requests.length, 0);
    assert.equal(insightsStatusOf(result, Date.now(), 7).kind, 'problem');
  });

  it('only Warning rows (collect_all_kube_events off): the errors come back, and the result says Normal events are not collected', async () => {
    world.workspaces[0].errorsOnly = true;
    const result = await read();
    assert.ok(result.events.length > 0);
    assert.ok(result.events.every((e) => e.type === 'Warning'));
    assert.equal(result.normalEventsCollected, false);
    const status = insightsStatusOf(result, Date.now(), 7);
    assert.equal(status.kind, 'errorsOnly');
    assert.match(status.nextStep ?? '', /collect_all_kube_events/);
  });

  it('a partial failure keeps the rows that came back and says what was left out', async () => {
    la.inject({ kind: 'partial', keepRows: 5 });
    const result = await read();
    assert.equal(result.problem, undefined);
    assert.equal(result.events.length, 5);
    assert.equal(result.partial?.code, 'PartialError');
    // The SDK keeps the details' code and message (not their innererror).
    assert.match(result.partial?.message ?? '', /some errors when processing your query. \(Something went wrong processing your query on the server\.\)/);
    assert.equal(insightsStatusOf(result, Date.now(), 7).kind, 'partial');
  });

  it('403 from Log Analytics names the role: Log Analytics Reader on the workspace', async () => {
    la.inject({ kind: 'status', status: 403 });
    const result = await read();
    assert.equal(result.events.length, 0);
    assert.equal(result.problem?.kind, 'forbidden');
    assert.equal(result.problem?.code, 'InsufficientAccessError');
    assert.deepEqual(result.problem?.missingRole, { role: 'Log Analytics Reader', scope: SIMULATED_INSIGHTS.addonWorkspace.resourceId });
    assert.match(result.problem?.nextStep ?? '', /Log Analytics Reader role on \/subscriptions\/.+\/workspaces\/law-aks-demo/);
    assert.equal(la.requests.length, 1, 'a 403 is not retried');
  });

  it('403 on the workspace itself (Resource Manager) names the same role', async () => {
    arm.inject({ kind: 'status', status: 403, path: /\/workspaces\/law-aks-demo$/ });
    const result = await read();
    assert.equal(result.problem?.kind, 'forbidden');
    assert.deepEqual(result.problem?.missingRole, { role: 'Log Analytics Reader', scope: SIMULATED_INSIGHTS.addonWorkspace.resourceId });
    assert.equal(la.requests.length, 0);
  });

  it('429: a short Retry-After is waited once and the query succeeds; a long one becomes a problem that says how long to wait', async () => {
    la.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const retried = await read();
    assert.equal(retried.problem, undefined, JSON.stringify(retried.problem));
    assert.ok(retried.events.length > 0);
    assert.equal(la.requests.length, 2);
    assert.ok(la.requests[1].at - la.requests[0].at >= 900, 'waited for Retry-After');
    assert.ok(Date.now() - started < 10_000);

    la.requests.length = 0;
    la.inject({ kind: 'status', status: 429, retryAfterSeconds: 120 });
    const throttled = await read();
    assert.equal(throttled.problem?.kind, 'throttled');
    assert.equal(throttled.problem?.status, 429);
    assert.match(throttled.problem?.message ?? '', /Log Analytics is throttling queries \(429\)/);
    assert.match(throttled.problem?.nextStep ?? '', /Wait 120 s/);
    assert.equal(la.requests.length, 1, 'not waited for two minutes in the background');
  });

  it('a hung query ends at the request timeout, and at once when the read is cancelled', async () => {
    la.inject({ kind: 'hang' });
    const timedOut = await read({}, { requestTimeoutMs: 400, maxRetries: 0 });
    assert.equal(timedOut.problem?.kind, 'timeout');
    assert.match(timedOut.problem?.message ?? '', /127\.0\.0\.1:\d+ did not answer within/);

    const controller = new AbortController();
    const started = Date.now();
    const pending = read({}, { requestTimeoutMs: 30_000, maxRetries: 0 }, controller.signal);
    setTimeout(() => controller.abort(), 1_500);
    const cancelled = await pending;
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
    assert.equal(cancelled.problem?.message, 'Cancelled.');
    assert.equal(cancelled.events.length, 0);
  });

  it('tokens go only to the configured hosts: each stand-in sees its own token, and a link to another host is refused before a token is attached', async () => {
    await read();
    assert.ok(arm.requests.length > 0 && la.requests.length > 0);
    assert.ok(arm.requests.every((r) => r.auth === `Bearer ${ARM_TOKEN}`));
    assert.ok(la.requests.every((r) => r.auth === `Bearer ${LA_TOKEN}`));
    assert.deepEqual([...new Set(credential.scopes)].sort(), [`${arm.url}/.default`, `${la.url}/.default`].sort());

    // The rule associations answer with a nextLink to the Log Analytics host: not followed.
    delete arm.scenario.managedClusters.find((c) => c.name === SIMULATED_AZURE.clusterName)!.addonProfiles;
    world.associationsNextLink = `${la.url}/v1/workspaces/${SIMULATED_INSIGHTS.addonWorkspace.customerId}/query?api-version=2024-03-11`;
    la.requests.length = 0;
    const refused = await read();
    assert.equal(refused.problem?.kind, 'refused-host', JSON.stringify(refused.problem));
    assert.equal(la.requests.length, 0, 'nothing reached the other host');
    assert.ok(logLines.some((l) => /refused a request to 127\.0\.0\.1:\d+/.test(l)), logLines.join('\n'));

    // A Log Analytics endpoint that is not https: no token is asked for it, nothing is sent.
    delete world.associationsNextLink;
    credential.scopes.length = 0;
    const plain = await read({ workspace: SIMULATED_INSIGHTS.addonWorkspace.customerId }, { logAnalyticsEndpoint: la.url.replace('https:', 'http:') });
    assert.equal(plain.problem?.kind, 'refused-host');
    assert.match(plain.problem?.message ?? '', /aksNodeRepair\.azure\.logAnalyticsEndpoint is not an https:\/\/ address/);
    assert.ok(!credential.scopes.some((s) => s.startsWith('http:')));
    assert.equal(la.requests.length, 0);
  });

  it('a 401 from Log Analytics asks the credential for a fresh token once, then succeeds', async () => {
    la.inject({ kind: 'status', status: 401, times: 1 });
    const result = await read();
    assert.equal(result.problem, undefined, JSON.stringify(result.problem));
    assert.equal(credential.invalidations, 1);
    assert.equal(la.requests.length, 2);
  });

  it('a providerID that names no Azure VM is a problem, with nothing sent', async () => {
    const result = await read({ providerId: 'kind://docker/kind/kind-control-plane' });
    assert.equal(result.problem?.kind, 'unknown');
    assert.match(result.problem?.message ?? '', /providerID does not name an Azure VM/);
    assert.equal(arm.requests.length + la.requests.length, 0);
  });
});
