import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

import type { AccessToken } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, createDefaultHttpClient, type HttpClient, type Pipeline } from '@azure/core-rest-pipeline';

import { ACTIVITY_MAX_WINDOW_MS, ACTIVITY_MIN_WINDOW_MS } from '../../src/azure/activityReader';
import { createArmClients } from '../../src/azure/armClients';
import { createAzureBackend } from '../../src/azure/azureBackend';
import type { AzureLogger, AzureSettings, DiagnoseRequest } from '../../src/azure/azureTypes';
import { clusterNameGuesses } from '../../src/azure/clusterReader';
import type { RefreshableCredential } from '../../src/azure/credentialTypes';
import type { Diagnosis, Section } from '../../src/domain/diagnosis';
import { NODE_RESOURCE_GROUP, SUBSCRIPTION_ID } from '../standin/fixtures';
import { SIMULATED_NODES } from '../standin/simulatedCluster';
import { startArmStandIn, type ArmStandIn } from '../standin/azure/armServer';
import { SIMULATED_AZURE, simulatedAzureScenario, type SimulatedAzureOptions } from '../standin/azure/scenario';

// The backend with the real @azure/* clients against the ARM stand-in over HTTPS. The stand-in's
// CA is trusted only by an HTTP client this test builds (an https.Agent with `ca`) and hands to
// createAzureBackend({ httpClient }); production code has no "trust this CA" switch.

const [FAILED_CSE_NODE, REDEPLOYED_NODE] = SIMULATED_NODES.userNotReady;

/** `aks-userpool-12345678-vmss000003` → its providerID, as the cloud provider writes it (lower-case RG). */
function providerIdOf(node: string): string {
  const m = /^(aks-[a-z0-9]+-\d+)-vmss(\d{6})$/.exec(node);
  assert.ok(m, node);
  return `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${m[1]}-vmss/virtualMachines/${Number(m[2])}`;
}

function trustingHttpClient(caPem: string): HttpClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      request.agent = agent;
      return inner.sendRequest(request);
    },
  };
}

class TestCredential implements RefreshableCredential {
  getTokenCalls = 0;
  invalidations = 0;
  readonly scopes = new Set<string>();
  constructor(private readonly token: () => string) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.getTokenCalls++;
    for (const scope of [scopes].flat()) {
      this.scopes.add(scope);
    }
    return { token: this.token(), expiresOnTimestamp: Date.now() + 3_600_000 };
  }
  invalidate(): void {
    this.invalidations++;
  }
}

function ok<T>(section: Section<T>, what: string): T {
  assert.equal(section.state, 'ok', `${what}: ${JSON.stringify(section)}`);
  return (section as { value: T }).value;
}

function problemOf<T>(section: Section<T>, what: string): Extract<Section<T>, { state: 'error' }>['problem'] {
  assert.equal(section.state, 'error', `${what}: ${JSON.stringify(section)}`);
  return (section as Extract<Section<T>, { state: 'error' }>).problem;
}

describe('Azure backend against the ARM stand-in (real @azure/* clients)', function () {
  this.timeout(60_000);
  let arm: ArmStandIn;
  let httpClient: HttpClient;
  let credential: TestCredential;
  let logLines: string[];

  async function start(options: SimulatedAzureOptions = {}): Promise<void> {
    await arm?.stop();
    arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date(), options) });
    httpClient = trustingHttpClient(arm.caPem);
    credential = new TestCredential(() => arm.token);
  }

  before(async () => {
    await start();
  });

  after(async () => {
    await arm?.stop();
  });

  beforeEach(() => {
    arm.clearFaults();
    arm.requests.length = 0;
    credential = new TestCredential(() => arm.token);
    logLines = [];
  });

  function settings(overrides: Partial<AzureSettings> = {}): AzureSettings {
    const log: AzureLogger = { info: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
    return { resourceManagerEndpoint: arm.url, requestTimeoutMs: 3_000, maxRetries: 2, retryBaseDelayMs: 50, log, ...overrides };
  }

  async function run(node: string, overrides: Partial<DiagnoseRequest> = {}, s: Partial<AzureSettings> = {}): Promise<{ final: Diagnosis; updates: Diagnosis[] }> {
    const updates: Diagnosis[] = [];
    const backend = createAzureBackend({ httpClient });
    const now = Date.now();
    const final = await backend.diagnose(
      { node, providerId: overrides.providerId ?? providerIdOf(node), pool: 'userpool', notReadySince: now - 40 * 60_000, errors: [], now, ...overrides },
      credential, settings(s), (d) => updates.push(d), new AbortController().signal);
    return { final, updates };
  }

  const pathCount = (re: RegExp): number => arm.requests.filter((r) => re.test(r.path)).length;

  it('diagnoses the node whose reimage failed on vmssCSE: exit code 50, the repair operations, the cluster and its pool', async () => {
    const { final, updates } = await run(FAILED_CSE_NODE);

    assert.ok(final.target.ok);
    const instance = ok(final.instance, 'instance');
    assert.equal(instance.resourceId, providerIdOf(FAILED_CSE_NODE).replace('azure://', ''));
    assert.equal(instance.provisioningState, 'failed');
    assert.equal(instance.powerState, 'running');
    assert.equal(instance.computerName, FAILED_CSE_NODE);
    assert.ok(instance.image?.includes('/galleries/AKSUbuntu/'), instance.image);

    const cse = ok(final.extensions, 'extensions').find((e) => e.name === 'vmssCSE');
    assert.ok(cse, 'vmssCSE among the extensions');
    assert.equal(cse.exitCode, 50);
    assert.equal(cse.level, 'Error');
    assert.match(cse.message ?? '', /exit status=50/);

    const activity = ok(final.activity, 'activity');
    const failedReimage = activity.find((e) => /reimage\/action$/i.test(e.operation) && e.status === 'Failed');
    assert.ok(failedReimage, JSON.stringify(activity.map((e) => [e.operation, e.status])));
    assert.equal(failedReimage.errorCode, 'VMExtensionProvisioningError');
    assert.match(failedReimage.errorMessage ?? '', /50|vmssCSE/i);
    assert.equal(failedReimage.caller, SIMULATED_AZURE.remediatorCaller);
    assert.ok(activity.every((e, i) => i === 0 || activity[i - 1].time >= e.time), 'newest first');

    const cluster = ok(final.cluster, 'cluster');
    assert.equal(cluster.name, SIMULATED_AZURE.clusterName);
    assert.equal(cluster.resourceGroup.toLowerCase(), SIMULATED_AZURE.clusterResourceGroup.toLowerCase());
    assert.equal(cluster.outboundType, 'loadBalancer');
    assert.equal(cluster.kubeletIdentity?.clientId, SIMULATED_AZURE.kubeletClientId);
    assert.equal(cluster.pool?.name, 'userpool');
    assert.equal(cluster.pool?.count, SIMULATED_AZURE.pools.userpool);
    assert.ok(cluster.pool?.vmSize);
    assert.ok(cluster.pool?.nodeImageVersion);

    const health = ok(final.health, 'health');
    assert.ok(health.availabilityState);

    // One update per section group (instance+extensions, health, activity, cluster), each a new object; the last completes.
    assert.equal(updates.length, 4);
    assert.equal(new Set(updates).size, 4);
    assert.equal(updates.filter((u) => u.completedAt !== undefined).length, 1);
    assert.equal(updates.at(-1), final);
    assert.ok(final.completedAt !== undefined && final.completedAt >= final.startedAt);
    // Every request carried the token, and only to the stand-in; the scope follows the endpoint.
    assert.ok(arm.requests.every((r) => r.auth === `Bearer ${arm.token}`));
    assert.deepEqual([...credential.scopes], [`${arm.url}/.default`]);
  });

  it('every client checks the host before the token policy and again next to the wire', () => {
    const clients = createArmClients(credential, SUBSCRIPTION_ID, { endpoint: `${arm.url}/` });
    for (const [name, client] of Object.entries(clients) as [string, { pipeline: Pipeline }][]) {
      const order = client.pipeline.getOrderedPolicies().map((p) => p.name);
      const guard = order.indexOf('aksNodeRepairHostGuard');
      const bearer = order.indexOf(bearerTokenAuthenticationPolicyName);
      const wire = order.indexOf('aksNodeRepairHostGuardWire');
      assert.ok(guard >= 0 && bearer > guard && wire > bearer, `${name}: ${order.join(' → ')}`);
      assert.ok(order.includes('aksNodeRepairRequestTimeout'), name);
    }
  });

  it('makes its calls in parallel', async () => {
    arm.inject({ kind: 'delay', path: /./, delayMs: 300 });
    const started = Date.now();
    const { final } = await run(FAILED_CSE_NODE);
    const elapsed = Date.now() - started;
    ok(final.cluster, 'cluster');
    // instance, instance view, health, activity (instance and scale set), cluster list, and the pool
    // (on the cluster MC_<group>_<cluster>_<region> names, started with the list, not after it).
    const first = arm.requests;
    assert.equal(first.length, 7, JSON.stringify(arm.requests.map((r) => r.path)));
    assert.equal(pathCount(/agentPools\/userpool$/), 1);
    const spread = Math.max(...first.map((r) => r.at)) - Math.min(...first.map((r) => r.at));
    assert.ok(spread < 250, `the seven calls went out within ${spread} ms`);
    assert.ok(elapsed < 7 * 300, `took ${elapsed} ms`);
  });

  /**
   * The cluster's node resource group has the default form but names another cluster, which
   * exists and has a userpool too (bigger, of another size): `body` runs with the node's providerID.
   */
  async function withDecoyGuess(body: (providerId: string) => Promise<void>): Promise<void> {
    const decoyGroup = 'MC_rg-decoy_aks-decoy_westeurope';
    const real = arm.scenario.managedClusters.find((c) => c.name === SIMULATED_AZURE.clusterName)!;
    const realGroup = real.nodeResourceGroup;
    const decoyPool = { ...real.agentPoolProfiles.find((p) => p.name === 'userpool')!, count: 99, vmSize: 'Standard_Decoy' };
    arm.scenario.managedClusters.push({ ...real, name: 'aks-decoy', resourceGroup: 'rg-decoy', nodeResourceGroup: 'MC_rg-decoy_elsewhere_westeurope', agentPoolProfiles: [decoyPool] });
    real.nodeResourceGroup = decoyGroup;
    try {
      await body(providerIdOf(FAILED_CSE_NODE).replace(NODE_RESOURCE_GROUP.toLowerCase(), decoyGroup.toLowerCase()));
    } finally {
      real.nodeResourceGroup = realGroup;
      arm.scenario.managedClusters = arm.scenario.managedClusters.filter((c) => c.name !== 'aks-decoy');
    }
  }
  const DECOY_POOL = /\/resourceGroups\/rg-decoy\/providers\/Microsoft\.ContainerService\/managedClusters\/aks-decoy\/agentPools\/userpool$/;

  it('a pool read on a wrongly guessed cluster is never shown: the pool of the cluster the list names is read', async () => {
    await withDecoyGuess(async (providerId) => {
      const { final } = await run(FAILED_CSE_NODE, { providerId });
      const cluster = ok(final.cluster, 'cluster');
      assert.equal(cluster.name, SIMULATED_AZURE.clusterName);
      assert.equal(cluster.pool?.count, SIMULATED_AZURE.pools.userpool);
      assert.notEqual(cluster.pool?.vmSize, 'Standard_Decoy');
      assert.equal(pathCount(DECOY_POOL), 1, 'the guess was read');
      assert.equal(pathCount(new RegExp(`/managedClusters/${SIMULATED_AZURE.clusterName}/agentPools/userpool$`)), 1, 'then the right pool');
    });
  });

  it('a refused or missing pool on a wrongly guessed cluster costs nothing: no retry, no fresh token, no warning', async () => {
    await withDecoyGuess(async (providerId) => {
      arm.inject({ kind: 'status', status: 401, path: DECOY_POOL, times: 10 });
      const { final } = await run(FAILED_CSE_NODE, { providerId });
      assert.equal(ok(final.cluster, 'cluster').pool?.count, SIMULATED_AZURE.pools.userpool);
      assert.equal(pathCount(DECOY_POOL), 1, 'read once, not retried');
      assert.equal(credential.invalidations, 0, 'the diagnosis\' one fresh token is still there');

      arm.clearFaults();
      arm.inject({ kind: 'status', status: 404, path: DECOY_POOL, times: 10 });
      logLines = [];
      const again = await run(FAILED_CSE_NODE, { providerId });
      assert.equal(ok(again.final.cluster, 'cluster').pool?.count, SIMULATED_AZURE.pools.userpool);
      assert.deepEqual(logLines.filter((l) => /agent pool/.test(l)), [], 'the wrong guess is not logged');
    });
  });

  it('a 401 asks the credential for a fresh token once and succeeds', async () => {
    arm.inject({ kind: 'status', status: 401, path: /virtualMachines\/3$/, times: 1 });
    const { final } = await run(FAILED_CSE_NODE);
    ok(final.instance, 'instance');
    assert.equal(credential.invalidations, 1);
    assert.ok(credential.getTokenCalls >= 2, `getToken called ${credential.getTokenCalls} times`);
    assert.equal(pathCount(/virtualMachines\/3$/), 2);
  });

  it('a 401 that persists after the refresh says to sign in again', async () => {
    arm.inject({ kind: 'status', status: 401, path: /./ });
    const { final } = await run(FAILED_CSE_NODE);
    const problem = problemOf(final.instance, 'instance');
    assert.equal(problem.kind, 'unauthorized');
    assert.equal(problem.status, 401);
    assert.match(problem.nextStep, /Sign in to Azure again/);
    assert.equal(credential.invalidations, 1, 'refreshed once for the whole diagnosis');
    assert.equal(problemOf(final.cluster, 'cluster').kind, 'unauthorized');
  });

  it('a 403 names the action, the scope and the role that is missing; other sections still arrive', async () => {
    arm.inject({ kind: 'status', status: 403, path: /virtualMachines\/3$/ });
    const { final } = await run(FAILED_CSE_NODE);
    const problem = problemOf(final.instance, 'instance');
    assert.equal(problem.kind, 'forbidden');
    assert.equal(problem.code, 'AuthorizationFailed');
    assert.deepEqual(problem.missingRole, {
      role: 'Reader',
      scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}`,
    });
    assert.match(problem.message, /Microsoft\.Compute\/virtualMachineScaleSets\/virtualMachines\/read/);
    assert.equal(pathCount(/virtualMachines\/3$/), 1, 'a 403 is not retried');
    ok(final.extensions, 'extensions');
    ok(final.cluster, 'cluster');
  });

  it('a 404 instance is gone (a finding, not an error), and so are its extensions and health', async () => {
    await start({ goneNodes: [REDEPLOYED_NODE] });
    try {
      const { final } = await run(REDEPLOYED_NODE);
      assert.equal(final.instance.state, 'gone');
      assert.equal(final.extensions.state, 'gone');
      assert.equal(final.health.state, 'gone');
      ok(final.cluster, 'cluster');
    } finally {
      // The later tests read the usual scenario, whatever happened here.
      await start();
    }
  });

  describe('the Activity Log window', () => {
    /** The `eventTimestamp ge '…'` of each Activity Log request, epoch ms. */
    const windowStarts = (): number[] => arm.requests
      .filter((r) => /eventtypes\/management\/values$/.test(r.path))
      .map((r) => Date.parse(/eventTimestamp ge '([^']+)'/.exec(new URLSearchParams(r.query).get('$filter') ?? '')?.[1] ?? ''));

    it('reads from when the node went NotReady, and says so in the diagnosis', async () => {
      const now = Date.now();
      const notReadySince = now - 3 * ACTIVITY_MIN_WINDOW_MS;
      const { final } = await run(FAILED_CSE_NODE, { now, notReadySince });
      ok(final.activity, 'activity');
      assert.deepEqual(final.activityWindow, { from: notReadySince, to: now });
      assert.deepEqual(windowStarts(), [notReadySince, notReadySince].map((t) => Math.floor(t)));
    });

    it('reads at least the last 24 h for a node NotReady for minutes', async () => {
      const now = Date.now();
      const { final } = await run(FAILED_CSE_NODE, { now, notReadySince: now - 5 * 60_000 });
      assert.deepEqual(final.activityWindow, { from: now - ACTIVITY_MIN_WINDOW_MS, to: now });
      assert.ok(windowStarts().every((t) => t === now - ACTIVITY_MIN_WINDOW_MS), JSON.stringify(windowStarts()));
      assert.ok(ok(final.activity, 'activity').length > 0);
    });

    it('reads at most 89 days back for a node NotReady for half a year (Azure refuses more than 90)', async () => {
      const now = Date.now();
      const { final } = await run(FAILED_CSE_NODE, { now, notReadySince: now - 180 * ACTIVITY_MIN_WINDOW_MS });
      ok(final.activity, 'activity');
      assert.deepEqual(final.activityWindow, { from: now - ACTIVITY_MAX_WINDOW_MS, to: now });
      assert.equal(ACTIVITY_MAX_WINDOW_MS, 89 * ACTIVITY_MIN_WINDOW_MS);
      const starts = windowStarts();
      assert.equal(starts.length, 2);
      assert.ok(starts.every((t) => t === now - ACTIVITY_MAX_WINDOW_MS), JSON.stringify(starts));
    });

    it('reads the last 24 h when the request has no NotReady time', async () => {
      const now = Date.now();
      const { final } = await run(FAILED_CSE_NODE, { now, notReadySince: undefined });
      assert.deepEqual(final.activityWindow, { from: now - ACTIVITY_MIN_WINDOW_MS, to: now });
    });
  });

  describe('one credential for the whole diagnosis', () => {
    it('asks the credential once for all clients and calls', async () => {
      const { final } = await run(FAILED_CSE_NODE);
      ok(final.instance, 'instance');
      ok(final.cluster, 'cluster');
      assert.ok(arm.requests.length >= 7, `${arm.requests.length} requests`);
      assert.equal(credential.getTokenCalls, 1, 'one getToken for every client and request');
      assert.equal(final.signIn, undefined);
    });

    it('a 401 asks again exactly once, for every client', async () => {
      arm.inject({ kind: 'status', status: 401, path: /./, times: 2 });
      const { final } = await run(FAILED_CSE_NODE);
      ok(final.instance, 'instance');
      ok(final.health, 'health');
      ok(final.cluster, 'cluster');
      assert.equal(credential.invalidations, 1);
      assert.equal(credential.getTokenCalls, 2, 'one token before the 401, one after');
    });

    it('a sign-in failure is asked once and reported once for the diagnosis, each section still saying why', async () => {
      let calls = 0;
      const notSignedIn: RefreshableCredential = {
        source: 'vscode',
        getToken: () => {
          calls++;
          return Promise.reject(Object.assign(new Error('Not signed in to Azure in VS Code.'),
            { name: 'AzureSignInError', kind: 'not-signed-in', nextStep: 'Sign in to Azure, then Refresh.' }));
        },
      };
      const now = Date.now();
      const final = await createAzureBackend({ httpClient }).diagnose(
        { node: FAILED_CSE_NODE, providerId: providerIdOf(FAILED_CSE_NODE), errors: [], now },
        notSignedIn, settings(), () => undefined, new AbortController().signal);
      assert.equal(calls, 1);
      assert.equal(final.signIn?.kind, 'not-signed-in');
      assert.match(final.signIn?.nextStep ?? '', /Sign in to Azure/);
      for (const key of ['instance', 'extensions', 'health', 'activity', 'cluster'] as const) {
        assert.equal(problemOf(final[key] as Section<unknown>, key).kind, 'not-signed-in', key);
      }
      assert.equal(arm.requests.length, 0, 'nothing went out without a token');
    });

    it('no page-level sign-in problem when a section failed for another reason', async () => {
      arm.inject({ kind: 'status', status: 403, path: /virtualMachines\/3$/ });
      const { final } = await run(FAILED_CSE_NODE);
      assert.equal(problemOf(final.instance, 'instance').kind, 'forbidden');
      assert.equal(final.signIn, undefined);
    });
  });

  describe('the cluster when the subscription\'s list is refused', () => {
    const SUBSCRIPTION_LIST = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters$/;
    const CLUSTER_GET = /\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/;

    it('guesses the cluster\'s names from the default node resource group name', () => {
      assert.deepEqual(clusterNameGuesses('mc_rg-aks-demo_aks-demo_westeurope'), [{ resourceGroup: 'rg-aks-demo', name: 'aks-demo' }]);
      assert.deepEqual(clusterNameGuesses('MC_my_rg_my_aks_eastus2'), [
        { resourceGroup: 'my_rg_my', name: 'aks' },
        { resourceGroup: 'my_rg', name: 'my_aks' },
        { resourceGroup: 'my', name: 'rg_my_aks' },
      ]);
      assert.deepEqual(clusterNameGuesses('custom-node-group'), []);
      assert.deepEqual(clusterNameGuesses('MC_onlyone_westeurope'), []);
    });

    it('a 403 on the list (Reader on resource groups only): the cluster by name from MC_<group>_<cluster>_<region>', async () => {
      arm.inject({ kind: 'status', status: 403, path: SUBSCRIPTION_LIST });
      const { final } = await run(FAILED_CSE_NODE);
      const cluster = ok(final.cluster, 'cluster');
      assert.equal(cluster.name, SIMULATED_AZURE.clusterName);
      assert.equal(cluster.resourceGroup.toLowerCase(), SIMULATED_AZURE.clusterResourceGroup.toLowerCase());
      assert.equal(cluster.outboundType, 'loadBalancer');
      assert.equal(cluster.kubeletIdentity?.clientId, SIMULATED_AZURE.kubeletClientId);
      assert.equal(cluster.pool?.name, 'userpool');
      assert.equal(pathCount(SUBSCRIPTION_LIST), 1, 'a 403 is not retried');
      assert.equal(pathCount(CLUSTER_GET), 1);
    });

    it('the availability-set cluster too', async () => {
      arm.inject({ kind: 'status', status: 403, path: SUBSCRIPTION_LIST });
      const legacy = SIMULATED_AZURE.legacy;
      const providerId = `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${legacy.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachines/${legacy.vmNames[0]}`;
      const { final } = await run(legacy.vmNames[0], { providerId, pool: 'nodepool1' });
      assert.equal(ok(final.cluster, 'cluster').name, legacy.clusterName);
    });

    it('refused both ways: the role on the cluster\'s resource group, and that the list was refused too', async () => {
      arm.inject({ kind: 'status', status: 403, path: SUBSCRIPTION_LIST });
      arm.inject({ kind: 'status', status: 403, path: CLUSTER_GET });
      const { final } = await run(FAILED_CSE_NODE);
      const problem = problemOf(final.cluster, 'cluster');
      assert.equal(problem.kind, 'forbidden');
      assert.equal(problem.missingRole?.scope.toLowerCase(), `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${SIMULATED_AZURE.clusterResourceGroup}`.toLowerCase());
      assert.match(problem.message, /Listing the subscription's clusters was refused too/);
      ok(final.instance, 'instance');
    });

    it('a 403 on the list and no cluster by that name: the list\'s 403 is shown', async () => {
      arm.inject({ kind: 'status', status: 403, path: SUBSCRIPTION_LIST });
      arm.inject({ kind: 'status', status: 404, path: CLUSTER_GET });
      const { final } = await run(FAILED_CSE_NODE);
      const problem = problemOf(final.cluster, 'cluster');
      assert.equal(problem.kind, 'forbidden');
      assert.equal(problem.missingRole?.scope, `/subscriptions/${SUBSCRIPTION_ID}`, JSON.stringify(problem));
      assert.match(problem.message, /Not allowed to list the managed clusters of subscription/);
      assert.match(problem.nextStep, /Reader role on \/subscriptions\/[^/ ]+ /);
    });

    it('a node resource group no listed cluster owns: a get by name is tried, then the cluster is reported gone', async () => {
      const providerId = providerIdOf(FAILED_CSE_NODE).replace(NODE_RESOURCE_GROUP.toLowerCase(), 'mc_rg-elsewhere_aks-elsewhere_westeurope');
      const { final } = await run(FAILED_CSE_NODE, { providerId });
      assert.equal(final.cluster.state, 'gone', JSON.stringify(final.cluster));
      assert.match((final.cluster as { message: string }).message, /mc_rg-elsewhere_aks-elsewhere_westeurope \(\d+ clusters listed\)/);
      assert.equal(pathCount(SUBSCRIPTION_LIST), 1);
      assert.equal(pathCount(/\/resourceGroups\/rg-elsewhere\/providers\/Microsoft\.ContainerService\/managedClusters\/aks-elsewhere$/), 1);
    });
  });

  it('a 429 waits Azure\'s Retry-After once, then succeeds', async () => {
    arm.inject({ kind: 'status', status: 429, path: /availabilityStatuses\/current$/, times: 1, retryAfterSeconds: 1 });
    const { final } = await run(FAILED_CSE_NODE);
    ok(final.health, 'health');
    const health = arm.requests.filter((r) => /availabilityStatuses\/current$/.test(r.path));
    assert.equal(health.length, 2, 'one retry, no double wait by the SDK');
    const gap = health[1].at - health[0].at;
    assert.ok(gap >= 950 && gap < 2_500, `retried after ${gap} ms`);
  });

  it('a 500 is retried with backoff up to maxRetries, then shown', async () => {
    arm.inject({ kind: 'status', status: 500, path: /eventtypes\/management\/values$/ });
    const { final } = await run(FAILED_CSE_NODE);
    const problem = problemOf(final.activity, 'activity');
    assert.equal(problem.kind, 'server');
    assert.equal(problem.status, 500);
    // Two Activity Log calls (instance, scale set), each tried 1 + maxRetries times.
    assert.equal(pathCount(/eventtypes\/management\/values$/), 2 * 3);
    ok(final.instance, 'instance');
  });

  it('an ARM error whose code holds a line break and a forged log entry is logged as one line', async () => {
    arm.inject({ kind: 'status', status: 500, path: /eventtypes\/management\/values$/, code: 'InternalServerError\r\n2026-12-01 20:00:00.000 [info] forged', message: 'Boom.' });
    const { final } = await run(FAILED_CSE_NODE, {}, { maxRetries: 0 });
    const problem = problemOf(final.activity, 'activity');
    assert.equal(problem.code, 'InternalServerError 2026-12-01 20:00:00.000 [info] forged');
    const lines = logLines.filter((l) => l.includes('forged'));
    assert.ok(lines.length > 0, logLines.join('\n'));
    assert.ok(logLines.every((l) => !/[\r\n]/.test(l)), `each log entry is one line: ${JSON.stringify(lines)}`);
    assert.ok(lines.every((l) => l.startsWith('Azure: ')), JSON.stringify(lines));
  });

  it('a 500 once is retried and the section is read', async () => {
    arm.inject({ kind: 'status', status: 503, path: /managedClusters$/, times: 1 });
    const { final } = await run(FAILED_CSE_NODE);
    ok(final.cluster, 'cluster');
    assert.equal(pathCount(/managedClusters$/), 2);
  });

  it('a hung connection times out (each try) and shows a timeout', async () => {
    arm.inject({ kind: 'hang', path: /virtualMachines\/3\/instanceView$/ });
    const started = Date.now();
    const { final } = await run(FAILED_CSE_NODE, {}, { requestTimeoutMs: 400, maxRetries: 1 });
    const elapsed = Date.now() - started;
    const problem = problemOf(final.extensions, 'extensions');
    assert.equal(problem.kind, 'timeout');
    assert.equal(pathCount(/instanceView$/), 2);
    assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
    // The model still arrives, without the instance view's power state.
    assert.equal(ok(final.instance, 'instance').powerState, undefined);
  });

  it('a malformed body is reported as such', async () => {
    arm.inject({ kind: 'malformed', path: /managedClusters$/ });
    const { final } = await run(FAILED_CSE_NODE);
    assert.equal(problemOf(final.cluster, 'cluster').kind, 'malformed');
    assert.equal(pathCount(/managedClusters$/), 1, 'not retried');
  });

  it('a nextLink to another host is refused before any token is attached, and logged by host', async () => {
    const other = await startArmStandIn({ scenario: simulatedAzureScenario() });
    try {
      arm.scenario.paging = { managedClusters: 1 };
      arm.inject({ kind: 'foreignNextLink', path: /managedClusters$/, base: other.url });
      const { final } = await run(FAILED_CSE_NODE);
      const problem = problemOf(final.cluster, 'cluster');
      assert.equal(problem.kind, 'refused-host');
      assert.ok(problem.message.includes(new URL(other.url).host));
      assert.equal(other.requests.length, 0, 'nothing (no Authorization header) went to the other host');
      assert.ok(logLines.some((l) => l.includes('refused') && l.includes(new URL(other.url).host)), logLines.join('\n'));
      assert.ok(logLines.every((l) => !l.includes(arm.token)), 'no token in the log');
      ok(final.instance, 'instance');
    } finally {
      arm.scenario.paging = undefined;
      await other.stop();
    }
  });

  it('pages through the cluster list to the cluster that owns the node resource group', async () => {
    arm.scenario.paging = { managedClusters: 1, activityLog: 2 };
    try {
      const { final } = await run(FAILED_CSE_NODE);
      assert.equal(ok(final.cluster, 'cluster').name, SIMULATED_AZURE.clusterName);
      assert.equal(pathCount(/managedClusters$/), 3);
      assert.ok(ok(final.activity, 'activity').length > 0);
    } finally {
      arm.scenario.paging = undefined;
    }
  });

  it('reads an availability-set VM and its cluster', async () => {
    const legacy = SIMULATED_AZURE.legacy;
    const vmName = legacy.vmNames[0];
    const providerId = `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${legacy.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
    const { final } = await run(vmName, { providerId, pool: 'nodepool1' });
    const instance = ok(final.instance, 'instance');
    assert.equal(instance.powerState, 'running');
    assert.equal(instance.image, 'microsoft-aks:aks:aks-ubuntu-1804-2021-q3:2021.09.06');
    const cluster = ok(final.cluster, 'cluster');
    assert.equal(cluster.name, legacy.clusterName);
    assert.equal(cluster.pool?.name, 'nodepool1');
    ok(final.health, 'health');
    ok(final.activity, 'activity');
  });

  it('a providerID that does not parse skips every section, with the reason, and calls nothing', async () => {
    const { final, updates } = await run('weird-node', { providerId: 'aws:///eu-west-1a/i-0abc' });
    assert.equal(final.target.ok, false);
    for (const key of ['instance', 'extensions', 'health', 'activity', 'cluster'] as const) {
      const section = final[key];
      assert.equal(section.state, 'skipped', key);
      assert.match((section as { reason: string }).reason, /azure:\/\//);
    }
    assert.equal(arm.requests.length, 0);
    assert.equal(updates.length, 1);
    assert.ok(final.completedAt !== undefined);
  });

  it('a CA the platform does not trust is a network problem naming the TLS code (verification stays on)', async () => {
    const updates: Diagnosis[] = [];
    const now = Date.now();
    // Node's bundled roots only: independent of any test that added the stand-in's CA to this process's defaults.
    const inner = createDefaultHttpClient();
    const rootsOnly = new https.Agent({ ca: [...tls.rootCertificates] });
    const platformTrust: HttpClient = { sendRequest: (request) => inner.sendRequest(Object.assign(request, { agent: rootsOnly })) };
    const final = await createAzureBackend({ httpClient: platformTrust }).diagnose(
      { node: FAILED_CSE_NODE, providerId: providerIdOf(FAILED_CSE_NODE), errors: [], now },
      credential, settings({ maxRetries: 0 }), (d) => updates.push(d), new AbortController().signal);
    const problem = problemOf(final.instance, 'instance');
    assert.equal(problem.kind, 'network');
    assert.match(problem.code ?? '', /CERT|SIGNED|VERIFY/);
  });

  it('never rejects: cancelled mid-way, it resolves with the sections it could not read marked skipped', async () => {
    arm.inject({ kind: 'hang', path: /./ });
    const controller = new AbortController();
    const now = Date.now();
    const pending = createAzureBackend({ httpClient }).diagnose(
      { node: FAILED_CSE_NODE, providerId: providerIdOf(FAILED_CSE_NODE), errors: [], now },
      credential, settings(), () => undefined, controller.signal);
    setTimeout(() => controller.abort(), 200);
    const final = await pending;
    for (const key of ['instance', 'extensions', 'health', 'activity', 'cluster'] as const) {
      assert.equal(final[key].state, 'skipped', key);
    }
    assert.ok(final.completedAt !== undefined);
  });

  describe('the Azure CLI credential (a stand-in `az` on PATH)', () => {
    let bin: string;
    let savedPath: string | undefined;

    beforeEach(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-az-'));
      savedPath = process.env.PATH;
      // Only the stand-in: no real az, and /bin for the script's shell.
      process.env.PATH = `${bin}${path.delimiter}/bin${path.delimiter}/usr/bin`;
    });

    afterEach(() => {
      process.env.PATH = savedPath;
      fs.rmSync(bin, { recursive: true, force: true });
    });

    function fakeAz(script: string): void {
      const file = path.join(bin, 'az');
      fs.writeFileSync(file, `#!/bin/sh\n${script}\n`);
      fs.chmodSync(file, 0o755);
    }

    async function cliDiagnosis(tenant?: string): Promise<Diagnosis> {
      const now = Date.now();
      const backend = createAzureBackend({ httpClient });
      return backend.diagnose({ node: FAILED_CSE_NODE, providerId: providerIdOf(FAILED_CSE_NODE), errors: [], now },
        backend.cliCredential(tenant), settings({ maxRetries: 0 }), () => undefined, new AbortController().signal);
    }

    /** How many times the stand-in `az` ran (each run appends a line). */
    const azRuns = (): number => (fs.existsSync(path.join(bin, 'runs')) ? fs.readFileSync(path.join(bin, 'runs'), 'utf8').split('\n').filter(Boolean).length : 0);

    it('signs in with the token az prints, for the endpoint\'s resource, running az once for the whole diagnosis', async () => {
      const expires = Math.floor(Date.now() / 1000) + 3600;
      fakeAz(`echo run >> "${bin}/runs"; echo "$@" > "${bin}/args"; echo '{"accessToken":"${arm.token}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'`);
      const final = await cliDiagnosis();
      ok(final.instance, 'instance');
      ok(final.health, 'health');
      ok(final.activity, 'activity');
      ok(final.cluster, 'cluster');
      const args = fs.readFileSync(path.join(bin, 'args'), 'utf8');
      assert.match(args, new RegExp(`--resource ${arm.url.replace(/[.]/g, '\\.')}`));
      assert.ok(arm.requests.length >= 7, `${arm.requests.length} requests`);
      assert.equal(azRuns(), 1, 'one az run for four clients and every request');
    });

    it('after a 401, az runs once more for all clients', async () => {
      const expires = Math.floor(Date.now() / 1000) + 3600;
      fakeAz(`echo run >> "${bin}/runs"; echo '{"accessToken":"${arm.token}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'`);
      arm.inject({ kind: 'status', status: 401, path: /./, times: 3 });
      const final = await cliDiagnosis();
      ok(final.instance, 'instance');
      ok(final.cluster, 'cluster');
      assert.equal(azRuns(), 2);
    });

    it('a tenant setting that is no tenant: wrong tenant (not "install the CLI"), az never runs, said once', async () => {
      fakeAz(`echo run >> "${bin}/runs"; exit 1`);
      const backend = createAzureBackend({ httpClient });
      const credential = backend.cliCredential('not a tenant; rm -rf /');
      const final = await backend.diagnose({ node: FAILED_CSE_NODE, providerId: providerIdOf(FAILED_CSE_NODE), errors: [], now: Date.now() },
        credential, settings({ maxRetries: 0 }), () => undefined, new AbortController().signal);
      const problem = problemOf(final.instance, 'instance');
      assert.equal(problem.kind, 'wrong-tenant');
      assert.match(problem.message, /aksNodeRepair\.azure\.tenant \(not a tenant; rm -rf \/\) is not a tenant ID or domain name/);
      assert.match(problem.nextStep, /Correct the setting aksNodeRepair\.azure\.tenant/);
      assert.equal(final.signIn?.kind, 'wrong-tenant');
      assert.equal(azRuns(), 0);
      assert.equal(arm.requests.length, 0);
    });

    it('az missing: install the Azure CLI, said once for the diagnosis', async () => {
      const final = await cliDiagnosis();
      const problem = problemOf(final.instance, 'instance');
      assert.equal(problem.kind, 'cli-missing');
      assert.match(problem.nextStep, /Install the Azure CLI/);
      assert.deepEqual(final.signIn, problem);
    });

    it('az logged out: run `az login`; az asked once', async () => {
      fakeAz(`echo run >> "${bin}/runs"; echo "ERROR: Please run 'az login' to setup account." >&2; exit 1`);
      const final = await cliDiagnosis();
      const problem = problemOf(final.instance, 'instance');
      assert.equal(problem.kind, 'not-signed-in');
      assert.match(problem.nextStep, /az login/);
      assert.equal(final.signIn?.kind, 'not-signed-in');
      assert.equal(azRuns(), 1);
    });

    it('az signed in elsewhere: the wrong tenant', async () => {
      fakeAz(`echo "ERROR: AADSTS90002: Tenant '00000000-0000-0000-0000-000000000001' not found." >&2; exit 1`);
      const problem = problemOf((await cliDiagnosis('00000000-0000-0000-0000-000000000001')).cluster, 'cluster');
      assert.equal(problem.kind, 'wrong-tenant');
      assert.match(problem.nextStep, /az login --tenant 00000000-0000-0000-0000-000000000001/);
      assert.match(problem.nextStep, /correct the setting aksNodeRepair\.azure\.tenant/);
    });
  });
});
