import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

import type { AccessToken } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, createDefaultHttpClient, type HttpClient, type Pipeline } from '@azure/core-rest-pipeline';

import { createArmClients } from '../../src/azure/armClients';
import { createAzureBackend } from '../../src/azure/azureBackend';
import type { AzureLogger, AzureSettings, DiagnoseRequest } from '../../src/azure/azureTypes';
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
    // instance, instance view, health, activity (instance and scale set), cluster list, then the pool.
    const first = arm.requests.filter((r) => !/agentPools/.test(r.path));
    assert.equal(first.length, 6, JSON.stringify(arm.requests.map((r) => r.path)));
    const spread = Math.max(...first.map((r) => r.at)) - Math.min(...first.map((r) => r.at));
    assert.ok(spread < 250, `the six first calls went out within ${spread} ms`);
    // Sequential would be 7 × 300 ms; parallel is the longest chain (list, then pool).
    assert.ok(elapsed < 7 * 300, `took ${elapsed} ms`);
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
    const { final } = await run(REDEPLOYED_NODE);
    assert.equal(final.instance.state, 'gone');
    assert.equal(final.extensions.state, 'gone');
    assert.equal(final.health.state, 'gone');
    ok(final.cluster, 'cluster');
    await start();
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

    it('signs in with the token az prints, for the endpoint\'s resource', async () => {
      const expires = Math.floor(Date.now() / 1000) + 3600;
      fakeAz(`echo "$@" > "${bin}/args"; echo '{"accessToken":"${arm.token}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'`);
      const final = await cliDiagnosis();
      ok(final.instance, 'instance');
      ok(final.cluster, 'cluster');
      const args = fs.readFileSync(path.join(bin, 'args'), 'utf8');
      assert.match(args, new RegExp(`--resource ${arm.url.replace(/[.]/g, '\\.')}`));
    });

    it('az missing: install the Azure CLI', async () => {
      const problem = problemOf((await cliDiagnosis()).instance, 'instance');
      assert.equal(problem.kind, 'cli-missing');
      assert.match(problem.nextStep, /Install the Azure CLI/);
    });

    it('az logged out: run `az login`', async () => {
      fakeAz(`echo "ERROR: Please run 'az login' to setup account." >&2; exit 1`);
      const problem = problemOf((await cliDiagnosis()).instance, 'instance');
      assert.equal(problem.kind, 'not-signed-in');
      assert.match(problem.nextStep, /az login/);
    });

    it('az signed in elsewhere: the wrong tenant', async () => {
      fakeAz(`echo "ERROR: AADSTS90002: Tenant '00000000-0000-0000-0000-000000000001' not found." >&2; exit 1`);
      const problem = problemOf((await cliDiagnosis('00000000-0000-0000-0000-000000000001')).cluster, 'cluster');
      assert.equal(problem.kind, 'wrong-tenant');
      assert.match(problem.nextStep, /az login --tenant 00000000-0000-0000-0000-000000000001/);
    });
  });
});
