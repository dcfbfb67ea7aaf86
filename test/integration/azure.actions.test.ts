import * as assert from 'node:assert/strict';
import * as https from 'node:https';

import type { AccessToken } from '@azure/core-auth';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';

import { createAzureBackend } from '../../src/azure/azureBackend';
import type { AzureLogger, AzureSettings, InstanceOperation, OperationProgress, OperationResult } from '../../src/azure/azureTypes';
import type { RefreshableCredential } from '../../src/azure/credentialTypes';
import type { Diagnosis, Section } from '../../src/domain/diagnosis';
import { NODE_RESOURCE_GROUP, SUBSCRIPTION_ID, aksNodeName } from '../standin/fixtures';
import { SIMULATED_NODES } from '../standin/simulatedCluster';
import { startArmStandIn, type ArmStandIn } from '../standin/azure/armServer';
import { SIMULATED_AZURE, managedClusterId, scaleSetId, simulatedAzureScenario } from '../standin/azure/scenario';

// The node VM actions with the real @azure/* clients (arm-compute's and arm-containerservice's
// long-running pollers) through the backend, against the ARM stand-in over HTTPS.

const [FAILED_CSE_NODE, REDEPLOYED_NODE] = SIMULATED_NODES.userNotReady;
const GPU_NODE = SIMULATED_NODES.gpuUnknown;
/** The only POSTs these actions may ever send: one instance's operation, one pool's deleteMachines. */
const PER_INSTANCE_POST = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/[^/]+\/virtualMachines\/\d+\/(restart|reimage|redeploy)$/;
const DELETE_MACHINES_POST = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+\/agentPools\/[^/]+\/deleteMachines$/;
const OPERATION_STATUS = /\/locations\/[^/]+\/operations\/[^/]+$/;

function parseNode(node: string): { scaleSet: string; instanceId: string } {
  const m = /^(aks-[a-z0-9]+-\d+-vmss)([0-9a-z]{6})$/.exec(node);
  assert.ok(m, node);
  return { scaleSet: m[1], instanceId: String(Number.parseInt(m[2], 36)) };
}

/** As the cloud provider writes it (lower-case resource group). */
function providerIdOf(node: string): string {
  const { scaleSet, instanceId } = parseNode(node);
  return `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSet}/virtualMachines/${instanceId}`;
}

function trustingHttpClient(caPem: string): HttpClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const inner = createDefaultHttpClient();
  return { sendRequest: (request) => inner.sendRequest(Object.assign(request, { agent })) };
}

class TestCredential implements RefreshableCredential {
  getTokenCalls = 0;
  readonly scopes = new Set<string>();
  constructor(private readonly token: () => string) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.getTokenCalls++;
    [scopes].flat().forEach((s) => this.scopes.add(s));
    return { token: this.token(), expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

function failure(result: OperationResult): Extract<OperationResult, { ok: false }> {
  assert.equal(result.ok, false, JSON.stringify(result));
  return result as Extract<OperationResult, { ok: false }>;
}

function ok<T>(section: Section<T>, what: string): T {
  assert.equal(section.state, 'ok', `${what}: ${JSON.stringify(section)}`);
  return (section as { value: T }).value;
}

describe('Node VM actions against the ARM stand-in (real @azure/* clients)', function () {
  this.timeout(60_000);
  let arm: ArmStandIn;
  let httpClient: HttpClient;
  let credential: TestCredential;
  let logLines: string[];

  before(async () => {
    arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()) });
    httpClient = trustingHttpClient(arm.caPem);
  });

  after(async () => {
    await arm?.stop();
  });

  beforeEach(() => {
    arm.scenario = simulatedAzureScenario(new Date());
    arm.clearFaults();
    arm.clearOperations();
    arm.requests.length = 0;
    credential = new TestCredential(() => arm.token);
    logLines = [];
  });

  afterEach(() => {
    const posts = arm.requests.filter((r) => r.method === 'POST');
    assert.ok(posts.every((r) => PER_INSTANCE_POST.test(r.path) || DELETE_MACHINES_POST.test(r.path)),
      `nothing scale-set-wide or pool-wide: ${posts.map((r) => r.path).join(', ')}`);
    assert.ok(arm.requests.every((r) => r.auth === `Bearer ${arm.token}`));
    assert.ok(logLines.every((l) => !l.includes(arm.token)), 'no token in the log');
  });

  function settings(overrides: Partial<AzureSettings> = {}): AzureSettings {
    const log: AzureLogger = { info: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
    return { resourceManagerEndpoint: arm.url, requestTimeoutMs: 3_000, maxRetries: 2, retryBaseDelayMs: 50, pollIntervalMs: 50, log, ...overrides };
  }

  const backend = (): ReturnType<typeof createAzureBackend> => createAzureBackend({ httpClient });

  async function operate(node: string, operation: InstanceOperation, options: { signal?: AbortSignal; settings?: Partial<AzureSettings>; providerId?: string; onProgress?: (p: OperationProgress) => void } = {}):
  Promise<{ result: OperationResult; progress: OperationProgress[] }> {
    const progress: OperationProgress[] = [];
    const result = await backend().runInstanceOperation(
      { node, providerId: options.providerId ?? providerIdOf(node), operation },
      credential, settings(options.settings), (p) => {
        progress.push(p);
        options.onProgress?.(p);
      }, options.signal ?? new AbortController().signal);
    return { result, progress };
  }

  async function deleteMachine(node: string, pool: string, options: { signal?: AbortSignal; providerId?: string; onProgress?: (p: OperationProgress) => void } = {}):
  Promise<{ result: OperationResult; progress: OperationProgress[] }> {
    const progress: OperationProgress[] = [];
    const result = await backend().deleteMachine({ node, providerId: options.providerId ?? providerIdOf(node), pool }, credential, settings(),
      (p) => {
        progress.push(p);
        options.onProgress?.(p);
      }, options.signal ?? new AbortController().signal);
    return { result, progress };
  }

  async function diagnose(node: string): Promise<Diagnosis> {
    const now = Date.now();
    return backend().diagnose({ node, providerId: providerIdOf(node), pool: 'userpool', errors: [], now, notReadySince: now - 60 * 60_000 },
      credential, settings(), () => undefined, new AbortController().signal);
  }

  const posts = (): string[] => arm.requests.filter((r) => r.method === 'POST').map((r) => r.path);

  for (const [operation, node] of [['restart', REDEPLOYED_NODE], ['reimage', FAILED_CSE_NODE], ['redeploy', GPU_NODE]] as const) {
    it(`${operation}s one scale-set instance: 202, polled to Succeeded, Azure's status and the elapsed time reported`, async () => {
      arm.scenario.operations = [{ operation, node, pollsInProgress: 2 }];
      const { result, progress } = await operate(node, operation);

      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.ok && result.status, 'Succeeded');
      assert.equal(result.resourceId, providerIdOf(node).replace('azure://', ''));
      assert.deepEqual(progress.map((p) => p.status), ['Accepted', 'InProgress', 'InProgress', 'Succeeded']);
      assert.ok(progress.every((p, i) => p.elapsedMs >= 0 && (i === 0 || p.elapsedMs >= progress[i - 1].elapsedMs)));
      assert.ok(result.elapsedMs >= progress.at(-1)!.elapsedMs);

      const { scaleSet, instanceId } = parseNode(node);
      assert.deepEqual(posts(), [`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSet}/virtualMachines/${instanceId}/${operation}`]);
      assert.equal(arm.operations.length, 1);
      assert.equal(arm.operations[0].kind, operation);
      assert.deepEqual(arm.operations[0].nodes, [node]);
      assert.equal(arm.operations[0].status, 'Succeeded');
      const polls = arm.requests.filter((r) => OPERATION_STATUS.test(r.path));
      assert.equal(polls.filter((r) => !r.query.includes('monitor=true')).length, 3, 'polled the Azure-AsyncOperation URL three times');
      assert.equal(polls.filter((r) => r.query.includes('monitor=true')).length, 1, 'then read the Location URL once (the SDK\'s final GET)');
      assert.deepEqual([...credential.scopes], [`${arm.url}/.default`], 'the token scope follows the endpoint');

      // The evidence changes as it does in Azure: the instance succeeded, the Activity Log has the operation.
      const after = await diagnose(node);
      assert.equal(ok(after.instance, 'instance').provisioningState, 'succeeded');
      assert.equal(ok(after.instance, 'instance').powerState, 'running');
      const ran = ok(after.activity, 'activity').find((e) => e.operation.endsWith(`/${operation}/action`) && e.caller === 'operator@contoso.com');
      assert.equal(ran?.status, 'Succeeded', JSON.stringify(ok(after.activity, 'activity').slice(0, 3)));
    });
  }

  it('a successful reimage re-runs the bootstrap extension: the failed vmssCSE (exit code 50) now succeeded', async () => {
    const before = ok((await diagnose(FAILED_CSE_NODE)).extensions, 'extensions').find((e) => e.name === 'vmssCSE');
    assert.equal(before?.exitCode, 50);
    const { result } = await operate(FAILED_CSE_NODE, 'reimage');
    assert.equal(result.ok, true, JSON.stringify(result));
    const cse = ok((await diagnose(FAILED_CSE_NODE)).extensions, 'extensions').find((e) => e.name === 'vmssCSE');
    assert.equal(cse?.level, 'Info');
    assert.notEqual(cse?.exitCode, 50);
  });

  it('a failed operation: Azure\'s error code and its message (cut short), and the instance shows it', async () => {
    const message = `VM has reported a failure when processing extension 'vmssCSE'. <img src=x onerror=alert(1)> ${'x'.repeat(5000)}`;
    arm.scenario.operations = [{ operation: 'reimage', fail: { code: 'VMExtensionProvisioningError', message }, pollsInProgress: 1 }];
    const { result, progress } = await operate(REDEPLOYED_NODE, 'reimage');
    const { problem } = failure(result);
    assert.equal(problem.code, 'VMExtensionProvisioningError');
    assert.ok(problem.message.startsWith("VM has reported a failure when processing extension 'vmssCSE'."), problem.message);
    assert.ok(problem.message.length <= 2000, `${problem.message.length} characters`);
    assert.match(problem.nextStep, /VMExtensionProvisioningError/);
    assert.deepEqual(progress.map((p) => p.status), ['Accepted', 'InProgress', 'Failed']);
    assert.equal(result.resourceId, providerIdOf(REDEPLOYED_NODE).replace('azure://', ''));
    const after = await diagnose(REDEPLOYED_NODE);
    assert.equal(ok(after.instance, 'instance').provisioningState, 'failed');
  });

  it('a failed operation whose code holds a line break and a forged log entry: the code is one line, in the log and the problem', async () => {
    const forged = 'OperationFailed\n2026-12-01 20:00:00.000 [info] Azure: reimage: succeeded\u202e';
    arm.scenario.operations = [{ operation: 'reimage', fail: { code: forged, message: 'It failed.' }, pollsInProgress: 1 }];
    const { result } = await operate(REDEPLOYED_NODE, 'reimage');
    const { problem } = failure(result);
    assert.equal(problem.code, 'OperationFailed 2026-12-01 20:00:00.000 [info] Azure: reimage: succeeded');
    const failed = logLines.filter((l) => l.includes('the operation failed'));
    assert.equal(failed.length, 1, logLines.join('\n'));
    assert.ok(logLines.every((l) => !/[\r\n\u2028\u2029\u202e]/.test(l)), `each log entry is one line: ${JSON.stringify(logLines)}`);
  });

  it('409: a second operation while the first is InProgress is refused by Azure; the problem says to wait for it', async () => {
    arm.scenario.operations = [{ operation: 'restart', pollsInProgress: 10_000 }];
    const first = new AbortController();
    let accepted!: () => void;
    const wasAccepted = new Promise<void>((resolve) => (accepted = resolve));
    const running = operate(REDEPLOYED_NODE, 'restart', { signal: first.signal, settings: { pollIntervalMs: 100 }, onProgress: (p) => p.status === 'Accepted' && accepted() });
    await wasAccepted;

    const { result, progress } = await operate(REDEPLOYED_NODE, 'reimage');
    const { problem } = failure(result);
    assert.equal(problem.status, 409);
    assert.equal(problem.code, 'OperationNotAllowed');
    assert.match(problem.message, /Another operation is running on instance 5 of scale set aks-userpool-12345678-vmss/);
    assert.match(problem.message, /restart/, 'Azure\'s own text says which operation runs');
    assert.match(problem.nextStep, /Activity Log/);
    assert.match(problem.nextStep, /az vmss get-instance-view --resource-group mc_rg-aks-demo_aks-demo_westeurope --name aks-userpool-12345678-vmss --instance-id 5/);
    assert.deepEqual(progress, [], 'nothing was accepted');
    assert.equal(arm.operations.length, 1, 'the refused POST started nothing');
    assert.equal(posts().filter((p) => p.endsWith('/reimage')).length, 1, 'a 409 is not retried');

    first.abort();
    const stopped = failure((await running).result);
    assert.match(stopped.problem.message, /Stopped waiting; the restart may still run in Azure/);
  });

  it('403 on an instance operation: Virtual Machine Contributor on the scale set, naming the action', async () => {
    arm.inject({ kind: 'status', status: 403, method: 'POST', path: /\/restart$/ });
    const { problem } = failure((await operate(REDEPLOYED_NODE, 'restart')).result);
    assert.equal(problem.kind, 'forbidden');
    assert.equal(problem.code, 'AuthorizationFailed');
    const scaleSet = scaleSetId(SUBSCRIPTION_ID, NODE_RESOURCE_GROUP.toLowerCase(), 'aks-userpool-12345678-vmss');
    assert.deepEqual(problem.missingRole, { role: 'Virtual Machine Contributor', scope: scaleSet });
    assert.match(problem.message, /Microsoft\.Compute\/virtualMachineScaleSets\/virtualMachines\/restart\/action/);
    assert.match(problem.nextStep, /Virtual Machine Contributor/);
    assert.equal(posts().length, 1, 'a 403 is not retried');
    assert.equal(arm.operations.length, 0);
  });

  it('403 on deleteMachines: Azure Kubernetes Service Contributor Role on the cluster, naming the action', async () => {
    arm.inject({ kind: 'status', status: 403, method: 'POST', path: /\/deleteMachines$/ });
    const { problem } = failure((await deleteMachine(REDEPLOYED_NODE, 'userpool')).result);
    assert.equal(problem.kind, 'forbidden');
    const cluster = managedClusterId(SUBSCRIPTION_ID, { resourceGroup: SIMULATED_AZURE.clusterResourceGroup, name: SIMULATED_AZURE.clusterName });
    assert.deepEqual(problem.missingRole, { role: 'Azure Kubernetes Service Contributor Role', scope: cluster });
    assert.match(problem.message, /Microsoft\.ContainerService\/managedClusters\/agentPools\/deleteMachines\/action/);
    assert.equal(arm.operations.length, 0);
  });

  it('a 429 on the POST waits Azure\'s Retry-After, sends it again, and the operation then runs once', async () => {
    arm.inject({ kind: 'status', status: 429, method: 'POST', path: /\/redeploy$/, times: 1, retryAfterSeconds: 1 });
    const { result } = await operate(GPU_NODE, 'redeploy');
    assert.equal(result.ok, true, JSON.stringify(result));
    const sent = arm.requests.filter((r) => r.method === 'POST');
    assert.equal(sent.length, 2);
    assert.ok(sent[1].at - sent[0].at >= 900, `waited ${sent[1].at - sent[0].at} ms`);
    assert.equal(arm.operations.length, 1);
    assert.ok(logLines.some((l) => /redeploy: 429; retry 1/.test(l)), logLines.join('\n'));
  });

  it('a POST that times out is not sent again (it may have reached Azure): one POST, and where to look', async () => {
    arm.inject({ kind: 'hang', method: 'POST', path: /\/reimage$/, times: 1 });
    const { result, progress } = await operate(FAILED_CSE_NODE, 'reimage', { settings: { requestTimeoutMs: 400, maxRetries: 3 } });
    const failed = failure(result);
    assert.equal(failed.problem.kind, 'timeout');
    assert.equal(failed.sent, true);
    assert.match(failed.problem.message, /^No clear answer from Azure to the reimage request \(.+\); it was not sent again, as it may still run in Azure\.$/);
    assert.match(failed.problem.nextStep, /portal or with `az vmss get-instance-view --resource-group mc_rg-aks-demo_aks-demo_westeurope --name aks-userpool-12345678-vmss --instance-id 3`/);
    assert.equal(posts().length, 1, `exactly one POST: ${posts().join(', ')}`);
    assert.deepEqual(progress, []);
    assert.ok(logLines.some((l) => /reimage: no clear answer to the POST \(timeout\); not sent again/.test(l)), logLines.join('\n'));
  });

  it('a 5xx on the POST is not sent again either; a 429 before it still is', async () => {
    arm.inject({ kind: 'status', status: 429, method: 'POST', path: /\/restart$/, times: 1, retryAfterSeconds: 0 });
    arm.inject({ kind: 'status', status: 503, method: 'POST', path: /\/restart$/, times: 1 });
    const failed = failure((await operate(REDEPLOYED_NODE, 'restart', { settings: { maxRetries: 3 } })).result);
    assert.equal(failed.problem.kind, 'server');
    assert.equal(failed.problem.status, 503);
    assert.match(failed.problem.message, /^No clear answer from Azure to the restart request/);
    assert.equal(posts().length, 2, 'the 429 was sent again, the 503 was not');
    assert.equal(arm.operations.length, 0);
  });

  it('cancelled before anything was sent (deleteMachines while the cluster is read): says so, and sent is false', async () => {
    arm.inject({ kind: 'hang', method: 'GET', path: /\/providers\/Microsoft\.ContainerService\/managedClusters$/ });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const failed = failure((await deleteMachine(REDEPLOYED_NODE, 'userpool', { signal: controller.signal })).result);
    assert.match(failed.problem.message, /^Cancelled before anything was sent to Azure\.$/);
    assert.ok(!failed.sent, JSON.stringify(failed));
    assert.deepEqual(posts(), []);
  });

  it('a 500 and a 429 while polling are retried (the SDK poller would give up); the operation still ends Succeeded', async () => {
    arm.scenario.operations = [{ pollsInProgress: 2 }];
    arm.inject({ kind: 'status', status: 500, method: 'GET', path: OPERATION_STATUS, times: 1 });
    arm.inject({ kind: 'status', status: 429, method: 'GET', path: OPERATION_STATUS, times: 1, retryAfterSeconds: 0 });
    const { result, progress } = await operate(REDEPLOYED_NODE, 'restart');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(progress.at(-1)?.status, 'Succeeded');
    assert.ok(logLines.some((l) => /polling answered 500/.test(l)) && logLines.some((l) => /polling answered 429/.test(l)), logLines.join('\n'));
  });

  it('a poll that keeps failing past maxRetries: the problem says the operation was accepted and may still run', async () => {
    arm.inject({ kind: 'status', status: 500, method: 'GET', path: OPERATION_STATUS });
    const { problem } = failure((await operate(REDEPLOYED_NODE, 'restart', { settings: { maxRetries: 1 } })).result);
    assert.equal(problem.kind, 'server');
    assert.equal(problem.status, 500);
    assert.match(problem.message, /^Azure accepted the restart, but its status could not be read: Azure answered 500/);
    assert.match(problem.nextStep, /az vmss get-instance-view/);
    assert.equal(arm.requests.filter((r) => OPERATION_STATUS.test(r.path)).length, 2, 'one poll and one retry');
  });

  it('polls at the configured interval unless Azure\'s Retry-After asks for longer', async () => {
    arm.scenario.operations = [{ pollsInProgress: 2, retryAfterSeconds: 1 }];
    const { result } = await operate(REDEPLOYED_NODE, 'restart', { settings: { pollIntervalMs: 20 } });
    assert.equal(result.ok, true, JSON.stringify(result));
    const polls = arm.requests.filter((r) => OPERATION_STATUS.test(r.path) && !r.query.includes('monitor=true')).map((r) => r.at);
    assert.equal(polls.length, 3);
    assert.ok(polls[1] - polls[0] >= 900 && polls[2] - polls[1] >= 900, `gaps ${polls[1] - polls[0]}, ${polls[2] - polls[1]} ms`);
  });

  it('a hung poll and an abort: stops waiting at once, says the operation may still run and where to look', async () => {
    arm.inject({ kind: 'hang', method: 'GET', path: OPERATION_STATUS });
    const controller = new AbortController();
    const { result } = await operate(REDEPLOYED_NODE, 'reimage', {
      signal: controller.signal,
      onProgress: (p) => p.status === 'Accepted' && setTimeout(() => controller.abort(), 200),
    });
    const { problem } = failure(result);
    assert.equal(problem.kind, 'unknown');
    assert.match(problem.message, /^Stopped waiting; the reimage may still run in Azure\.$/);
    assert.match(problem.nextStep, /portal or with `az vmss get-instance-view --resource-group mc_rg-aks-demo_aks-demo_westeurope --name aks-userpool-12345678-vmss --instance-id 5`/);
    assert.equal(arm.operations[0].status, 'InProgress', 'Azure still runs it');
  });

  it('aborted while the POST hangs: the same warning (it may have reached Azure)', async () => {
    arm.inject({ kind: 'hang', method: 'POST', path: /\/restart$/ });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const stopped = failure((await operate(REDEPLOYED_NODE, 'restart', { signal: controller.signal })).result);
    assert.match(stopped.problem.message, /Stopped waiting; the restart may still run in Azure/);
    assert.equal(stopped.sent, true);
    assert.equal(posts().length, 1);
  });

  it('an availability-set VM, a malformed or empty providerID, an unknown operation: refused without any request', async () => {
    const legacy = SIMULATED_AZURE.legacy;
    const availabilitySet = `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${legacy.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachines/${legacy.vmNames[0]}`;
    const cases: { providerId: string; operation?: InstanceOperation; expect: RegExp }[] = [
      { providerId: availabilitySet, expect: /not a scale-set instance \(an availability-set VM\).*Nothing was sent/ },
      { providerId: 'azure:///subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-a-1-vmss', expect: /no instance.*Nothing was sent/ },
      { providerId: 'aws:///eu-west-1a/i-0abc', expect: /azure:\/\/.*Nothing was sent/ },
      { providerId: '', expect: /no providerID/ },
      { providerId: providerIdOf(REDEPLOYED_NODE), operation: 'deallocate' as InstanceOperation, expect: /not an operation on a scale-set instance/ },
    ];
    for (const c of cases) {
      for (const operation of c.operation ? [c.operation] : (['restart', 'reimage', 'redeploy'] as const)) {
        const { problem } = failure((await operate(legacy.vmNames[0], operation, { providerId: c.providerId })).result);
        assert.match(problem.message, c.expect, `${operation} ${c.providerId}`);
      }
      if (!c.operation) {
        const { problem } = failure((await deleteMachine(legacy.vmNames[0], 'nodepool1', { providerId: c.providerId })).result);
        assert.match(problem.message, c.expect, `deleteMachine ${c.providerId}`);
      }
    }
    assert.equal(arm.requests.length, 0);
    assert.equal(credential.getTokenCalls, 0, 'no token asked for');
  });

  it('deleteMachines sends exactly {"machineNames":["<node>"]} to the node\'s pool of its cluster; the machine is then gone', async () => {
    const { result, progress } = await deleteMachine(REDEPLOYED_NODE, 'userpool');
    assert.equal(result.ok, true, JSON.stringify(result));
    const cluster = managedClusterId(SUBSCRIPTION_ID, { resourceGroup: SIMULATED_AZURE.clusterResourceGroup, name: SIMULATED_AZURE.clusterName });
    assert.equal(result.resourceId, `${cluster}/agentPools/userpool/machines/${REDEPLOYED_NODE}`);
    assert.deepEqual(progress.map((p) => p.status), ['Accepted', 'InProgress', 'Succeeded']);

    const sent = arm.requests.filter((r) => r.method === 'POST');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].path, `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${SIMULATED_AZURE.clusterResourceGroup}/providers/Microsoft.ContainerService/managedClusters/${SIMULATED_AZURE.clusterName}/agentPools/userpool/deleteMachines`);
    assert.deepEqual(JSON.parse(sent[0].body ?? ''), { machineNames: [REDEPLOYED_NODE] });
    assert.deepEqual(arm.operations.map((o) => [o.kind, o.nodes, o.status]), [['deleteMachines', [REDEPLOYED_NODE], 'Succeeded']]);

    const after = await diagnose(REDEPLOYED_NODE);
    assert.equal(after.instance.state, 'gone');
    assert.equal(ok(after.cluster, 'cluster').pool?.count, SIMULATED_AZURE.pools.userpool - 1);
  });

  it('deleteMachines finds the cluster by name from MC_<group>_<cluster>_<region> when the subscription\'s list is refused', async () => {
    arm.inject({ kind: 'status', status: 403, path: /\/providers\/Microsoft\.ContainerService\/managedClusters$/ });
    const { result } = await deleteMachine(REDEPLOYED_NODE, 'userpool');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(arm.operations.length, 1);
  });

  it('deleteMachines refuses, without any request, a pool or node name that does not match the providerID', async () => {
    for (const [node, pool, expect] of [
      [REDEPLOYED_NODE, 'system', /belongs to pool userpool, not system/],
      [aksNodeName('userpool', 4), 'userpool', /is not the computer name of instance 5/],
      [REDEPLOYED_NODE, 'User Pool!', /not an AKS node pool name/],
    ] as const) {
      const { problem } = failure((await deleteMachine(node, pool, { providerId: providerIdOf(REDEPLOYED_NODE) })).result);
      assert.match(problem.message, expect);
    }
    assert.equal(arm.requests.length, 0);
  });

  it('a deleteMachines that fails: Azure\'s code and message; the machine stays', async () => {
    arm.scenario.operations = [{ operation: 'deleteMachines', node: REDEPLOYED_NODE, fail: { code: 'OperationNotAllowed', message: 'The machine is protected from scale-in.' } }];
    const { problem } = failure((await deleteMachine(REDEPLOYED_NODE, 'userpool')).result);
    assert.equal(problem.code, 'OperationNotAllowed');
    assert.equal(problem.message, 'The machine is protected from scale-in.');
    ok((await diagnose(REDEPLOYED_NODE)).instance, 'instance');
  });

  it('tokens go to the configured host only: an operation URL on another host is refused, nothing is sent there', async () => {
    const other = await startArmStandIn({ scenario: simulatedAzureScenario() });
    try {
      arm.inject({ kind: 'foreignNextLink', method: 'POST', path: /\/restart$/, base: other.url });
      const { problem } = failure((await operate(REDEPLOYED_NODE, 'restart')).result);
      assert.equal(problem.kind, 'refused-host');
      assert.ok(problem.message.includes(new URL(other.url).host), problem.message);
      assert.equal(other.requests.length, 0, 'no request (and no token) went to the other host');
      assert.deepEqual([...credential.scopes], [`${arm.url}/.default`]);
      assert.ok(logLines.some((l) => l.includes('refused') && l.includes(new URL(other.url).host)), logLines.join('\n'));
    } finally {
      await other.stop();
    }
  });
});
