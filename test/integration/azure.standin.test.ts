/**
 * The Azure Resource Manager stand-in, driven with the real @azure/* clients (run on Node 24: the
 * packages need Node >= 22; scripts/run-tests.mjs runs this tier with the VS Code runtime's Node).
 *
 * How a client trusts the stand-in: `trustStandInCa(standin.caPem)` (test/standin/azure/clientTrust.ts)
 * adds the stand-in's CA to this process's default CA list with `tls.setDefaultCACertificates`, so
 * every client is built exactly as the production backend builds it (`{ endpoint }` and a
 * TokenCredential; no agent, no CA option, verification on). A process started later (VS Code in
 * the vscode/ui tiers) gets `NODE_EXTRA_CA_CERTS=standin.caFile` in its environment instead.
 * One test shows the alternative: an `https.Agent({ ca })` as the pipeline's `agent` option.
 *
 * Endpoint options: arm-compute 25, arm-containerservice 25 and arm-monitor 8 take `endpoint` and
 * ask for the `https://management.azure.com/.default` scope whatever the endpoint (pass
 * `credentials: { scopes }` for another cloud); arm-resourcehealth 4 takes `endpoint` (or
 * `baseUri`; `$host` alone still calls management.azure.com) and derives the scope from it, and its
 * `resourceUri` must not start with `/` (a leading slash loses `subscriptions` from the path).
 */
import * as assert from 'node:assert/strict';
import * as https from 'node:https';

import { ComputeManagementClient } from '@azure/arm-compute';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { MonitorClient } from '@azure/arm-monitor';
import { MicrosoftResourceHealth } from '@azure/arm-resourcehealth';
import type { RestError } from '@azure/core-rest-pipeline';

import { ArmStandIn, startArmStandIn } from '../standin/azure/armServer';
import { fixedTokenCredential, trustStandInCa } from '../standin/azure/clientTrust';
import { SIMULATED_AZURE, findByProviderId, simulatedAzureScenario } from '../standin/azure/scenario';
import { aksNodeName } from '../standin/fixtures';
import { SIMULATED_NODES, simulatedNodes } from '../standin/simulatedCluster';

const SUB = SIMULATED_AZURE.subscriptionId;
/** As node providerIDs carry it. */
const NODE_RG = SIMULATED_AZURE.nodeResourceGroup.toLowerCase();
const USERPOOL_VMSS = 'aks-userpool-12345678-vmss';
const NO_RETRY = { retryOptions: { maxRetries: 0 } };

function parseProviderId(providerId: string): { sub: string; rg: string; vmss?: string; instance?: string; vm?: string } {
  const m = /^azure:\/\/\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/(?:virtualMachineScaleSets\/([^/]+)\/virtualMachines\/([^/]+)|virtualMachines\/([^/]+))$/i.exec(providerId);
  assert.ok(m, `providerID parses: ${providerId}`);
  return { sub: m[1], rg: m[2], vmss: m[3], instance: m[4], vm: m[5] };
}

async function rejection(promise: Promise<unknown>): Promise<RestError & { name: string }> {
  try {
    await promise;
  } catch (err) {
    return err as RestError & { name: string };
  }
  assert.fail('expected the call to fail');
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
  }
  return out;
}

/** A raw HTTPS GET against the stand-in (for what the SDKs hide: headers, unauthenticated calls). */
function rawGet(standin: ArmStandIn, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${standin.url}${path}`, { ca: standin.caPem, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

describe('ARM stand-in, checked with the real @azure/* clients', function () {
  let standin: ArmStandIn;
  let untrust: () => void;
  let credential: ReturnType<typeof fixedTokenCredential>;
  const now = new Date();

  before(async function () {
    standin = await startArmStandIn({ scenario: simulatedAzureScenario(now) });
    untrust = trustStandInCa(standin.caPem);
    credential = fixedTokenCredential(standin.token);
  });

  after(async function () {
    untrust?.();
    await standin?.stop();
  });

  afterEach(function () {
    standin.clearFaults();
    standin.scenario = simulatedAzureScenario(now);
  });

  const compute = (options: object = NO_RETRY): ComputeManagementClient => new ComputeManagementClient(credential, SUB, { endpoint: standin.url, ...options });
  const aks = (options: object = NO_RETRY): ContainerServiceClient => new ContainerServiceClient(credential, SUB, { endpoint: standin.url, ...options });
  const monitor = (options: object = NO_RETRY): MonitorClient => new MonitorClient(credential, SUB, { endpoint: standin.url, ...options });
  const health = (options: object = NO_RETRY): MicrosoftResourceHealth => new MicrosoftResourceHealth(credential, SUB, { endpoint: standin.url, ...options });

  describe('answers', function () {
    it('lists managed clusters across pages through nextLinks back to the stand-in, properties lifted', async function () {
      standin.scenario.paging = { managedClusters: 2 };
      const before = standin.requests.length;
      const pages = await collect(aks().managedClusters.list().byPage());
      assert.deepEqual(pages.map((p) => p.length), [2, 1]);
      const listCalls = standin.requests.slice(before);
      assert.equal(listCalls.length, 2);
      assert.match(listCalls[1].query, /skipToken=/);
      assert.ok(listCalls.every((r) => r.auth === `Bearer ${standin.token}`));

      const clusters = pages.flat();
      const cluster = clusters.find((c) => c.nodeResourceGroup?.toLowerCase() === NODE_RG);
      assert.ok(cluster, 'the cluster whose nodeResourceGroup matches the providerID, case-insensitively');
      assert.equal(cluster.name, SIMULATED_AZURE.clusterName);
      assert.equal(cluster.nodeResourceGroup, 'MC_rg-aks-demo_aks-demo_westeurope');
      assert.equal(cluster.provisioningState, 'Succeeded');
      assert.equal(cluster.powerState?.code, 'Running');
      assert.equal(cluster.kubernetesVersion, '1.31.5');
      assert.equal(cluster.networkProfile?.outboundType, 'loadBalancer');
      assert.equal(cluster.identityProfile?.kubeletidentity?.clientId, SIMULATED_AZURE.kubeletClientId);
      assert.deepEqual(cluster.agentPoolProfiles?.map((p) => [p.name, p.mode, p.count]), [['system', 'System', 3], ['userpool', 'User', 6], ['gpupool', 'User', 2]]);
      assert.equal((cluster as unknown as { properties?: unknown }).properties, undefined, 'properties are lifted');
      assert.deepEqual(credential.scopes.at(-1), ['https://management.azure.com/.default']);
    });

    it('every nextLink points at the stand-in itself', async function () {
      standin.scenario.paging = { managedClusters: 1 };
      const first = await rawGet(standin, `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-06-01`, { Authorization: `Bearer ${standin.token}` });
      const body = JSON.parse(first.body) as { value: unknown[]; nextLink: string };
      assert.equal(body.value.length, 1);
      assert.ok(body.nextLink.startsWith(`${standin.url}/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?`), body.nextLink);
      assert.match(body.nextLink, /api-version=2026-06-01/);
    });

    it('gets the managed cluster and its agent pool', async function () {
      const client = aks();
      const cluster = await client.managedClusters.get(SIMULATED_AZURE.clusterResourceGroup, SIMULATED_AZURE.clusterName);
      assert.equal(cluster.id, `/subscriptions/${SUB}/resourcegroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo`);
      assert.equal(cluster.location, 'westeurope');
      const pool = await client.agentPools.get(SIMULATED_AZURE.clusterResourceGroup, SIMULATED_AZURE.clusterName, 'userpool');
      assert.equal(pool.name, 'userpool');
      assert.equal(pool.provisioningState, 'Succeeded');
      assert.equal(pool.powerState?.code, 'Running');
      assert.equal(pool.count, 6);
      assert.equal(pool.vmSize, 'Standard_D8ds_v5');
      assert.equal(pool.nodeImageVersion, 'AKSUbuntu-2204gen2containerd-202501.12.0');
      assert.equal(pool.mode, 'User');
    });

    it('the redeploy-failed variant leaves the userpool Failed, with VMRedeploymentFailed in the Activity Log', async function () {
      standin.scenario = simulatedAzureScenario(now, { redeployFailed: true });
      const pool = await aks().agentPools.get(SIMULATED_AZURE.clusterResourceGroup, SIMULATED_AZURE.clusterName, 'userpool');
      assert.equal(pool.provisioningState, 'Failed');
      const [, u5] = SIMULATED_NODES.userNotReady;
      const view = await compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '5');
      assert.ok(view.statuses?.some((s) => s.code === 'ProvisioningState/failed/VMRedeploymentFailed'), u5);
      const since = new Date(now.getTime() - 60 * 60 * 1000).toISOString();
      const id = `/subscriptions/${SUB}/resourceGroups/${SIMULATED_AZURE.nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${USERPOOL_VMSS}/virtualMachines/5`;
      const events = await collect(monitor().activityLogs.list(`eventTimestamp ge '${since}' and resourceUri eq '${id}'`));
      const failed = events.find((e) => e.status?.value === 'Failed');
      assert.ok(failed);
      assert.match(failed.operationName?.value ?? '', /redeploy\/action$/);
      assert.match(failed.properties?.statusMessage ?? '', /VMRedeploymentFailed/);
    });

    it("resolves every simulated node's providerID to a scale-set instance and its instance view", async function () {
      const client = compute();
      const nodes = simulatedNodes(now);
      assert.ok(nodes.length >= 11);
      for (const node of nodes) {
        const providerId = (node.spec as { providerID: string }).providerID;
        const id = parseProviderId(providerId);
        assert.equal(id.sub, SUB);
        assert.equal(id.rg, NODE_RG);
        assert.ok(findByProviderId(standin.scenario, providerId));
        const view = await client.virtualMachineScaleSetVMs.getInstanceView(id.rg, id.vmss ?? '', id.instance ?? '');
        assert.ok(view.statuses?.some((s) => s.code?.startsWith('PowerState/')), String(node.metadata?.name));
        assert.ok(view.extensions?.some((e) => e.name === 'vmssCSE'));
      }
    });

    it('shows the failed vmssCSE with exit code 50 on the node whose reimage failed', async function () {
      const [u3] = SIMULATED_NODES.userNotReady;
      assert.equal(u3, aksNodeName('userpool', 3));
      const view = await compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3');
      assert.deepEqual(view.statuses?.map((s) => s.code), ['ProvisioningState/failed/VMExtensionProvisioningError', 'PowerState/running']);
      const cse = view.extensions?.find((e) => e.name === 'vmssCSE');
      assert.ok(cse);
      assert.equal(cse.type, 'Microsoft.Azure.Extensions.CustomScript');
      assert.ok(cse.typeHandlerVersion);
      const status = cse.statuses?.[0];
      assert.equal(status?.level, 'Error');
      assert.equal(status?.displayStatus, 'Provisioning failed');
      assert.match(status?.message ?? '', /^Enable failed: failed to execute command: command terminated with exit status=50\n\[stdout\]\n/);
      assert.match(status?.message ?? '', /"ExitCode": "50"/);
      assert.ok(status?.time instanceof Date);
      const healthy = await compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '0');
      assert.match(healthy.extensions?.find((e) => e.name === 'vmssCSE')?.statuses?.[0]?.code ?? '', /^ProvisioningState\/succeeded$/);
      const u5 = await compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '5');
      assert.equal(u5.vmHealth?.status?.code, 'HealthState/unhealthy');
    });

    it('gets the scale-set instance: model, image, sku, and the instance view when expanded', async function () {
      const vm = await compute().virtualMachineScaleSetVMs.get(NODE_RG, USERPOOL_VMSS, '3', { expand: 'instanceView' });
      assert.equal(vm.id, `/subscriptions/${SUB}/resourceGroups/MC_rg-aks-demo_aks-demo_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/${USERPOOL_VMSS}/virtualMachines/3`);
      assert.equal(vm.instanceId, '3');
      assert.equal(vm.latestModelApplied, true);
      assert.equal(vm.provisioningState, 'Failed');
      assert.equal(vm.sku?.name, 'Standard_D8ds_v5');
      assert.match(vm.storageProfile?.imageReference?.id ?? '', /\/galleries\/AKSUbuntu\/images\/2204gen2containerd\/versions\/202501\.12\.0$/);
      assert.equal(vm.osProfile?.computerName, aksNodeName('userpool', 3));
      assert.ok(vm.instanceView?.extensions?.some((e) => e.name === 'vmssCSE'));
      const plain = await compute().virtualMachineScaleSetVMs.get(NODE_RG, USERPOOL_VMSS, '3');
      assert.equal(plain.instanceView, undefined);
    });

    it('gets an availability-set VM and its instance view', async function () {
      const legacy = SIMULATED_AZURE.legacy;
      const vm = await compute().virtualMachines.get(legacy.nodeResourceGroup.toLowerCase(), legacy.vmNames[0]);
      assert.equal(vm.name, legacy.vmNames[0]);
      assert.equal(vm.hardwareProfile?.vmSize, 'Standard_DS2_v2');
      assert.match(vm.availabilitySet?.id ?? '', /\/availabilitySets\//i);
      assert.equal(vm.provisioningState, 'Succeeded');
      const view = await compute().virtualMachines.instanceView(legacy.nodeResourceGroup, legacy.vmNames[0]);
      assert.deepEqual(view.statuses?.map((s) => s.code), ['ProvisioningState/succeeded', 'PowerState/running']);
      assert.ok(findByProviderId(standin.scenario, `azure:///subscriptions/${SUB}/resourceGroups/${legacy.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachines/${legacy.vmNames[0]}`));
    });

    it('reads Resource Health with properties kept (arm-resourcehealth 4), its scope following the endpoint', async function () {
      const id = `subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-gpupool-12345678-vmss/virtualMachines/0`;
      const status = await health().availabilityStatuses.getByResource(id);
      assert.equal(status.name, 'current');
      assert.equal(status.properties?.availabilityState, 'Unavailable');
      assert.match(status.properties?.summary ?? '', /connectivity loss/);
      assert.equal(status.properties?.reasonType, 'Unplanned');
      assert.ok(status.properties?.occuredTime instanceof Date);
      assert.deepEqual(credential.scopes.at(-1), [`${standin.url}/.default`]);
      const available = await health().availabilityStatuses.getByResource(id.replace('gpupool', 'userpool').replace(/0$/, '3'));
      assert.equal(available.properties?.availabilityState, 'Available');
    });

    it('reads the Activity Log of an instance, honouring the time window and resourceUri, with the failed reimage\'s error', async function () {
      const id = `/subscriptions/${SUB}/resourceGroups/${SIMULATED_AZURE.nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${USERPOOL_VMSS}/virtualMachines/3`;
      const since = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
      const events = await collect(monitor().activityLogs.list(`eventTimestamp ge '${since}' and eventTimestamp le '${now.toISOString()}' and resourceUri eq '${id.toLowerCase()}'`));
      assert.deepEqual(events.map((e) => [e.operationName?.value.replace(/^.*\/virtualMachines\//, ''), e.status?.value]), [
        ['reimage/action', 'Failed'], ['reimage/action', 'Started'], ['restart/action', 'Succeeded'], ['restart/action', 'Started'],
      ]);
      assert.ok(events.every((e) => e.resourceId === id && e.caller === SIMULATED_AZURE.remediatorCaller));
      assert.ok(events.every((e) => e.eventTimestamp instanceof Date));
      const failed = events[0];
      assert.equal(failed.correlationId, events[1].correlationId);
      assert.equal(failed.operationName?.localizedValue, 'Reimage Virtual Machine Scale Set Virtual Machine');
      const error = JSON.parse(failed.properties?.statusMessage ?? '{}') as { error: { code: string; details: { code: string; message: string }[] } };
      assert.equal(error.error.details[0].code, 'VMExtensionProvisioningError');
      assert.match(error.error.details[0].message, /exit status=50/);

      // Outside the window: nothing.
      const later = new Date(now.getTime() + 60_000).toISOString();
      assert.deepEqual(await collect(monitor().activityLogs.list(`eventTimestamp ge '${later}' and resourceUri eq '${id}'`)), []);
    });

    it('reads the Activity Log of a scale set and of a resource group, paged through nextLinks', async function () {
      const vmss = `/subscriptions/${SUB}/resourceGroups/${SIMULATED_AZURE.nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${USERPOOL_VMSS}`;
      const day = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
      const twoDays = new Date(now.getTime() - 48 * 60 * 60 * 1000).toISOString();
      const client = monitor();
      assert.equal((await collect(client.activityLogs.list(`eventTimestamp ge '${day}' and resourceUri eq '${vmss}'`))).length, 2);
      assert.equal((await collect(client.activityLogs.list(`eventTimestamp ge '${twoDays}' and resourceUri eq '${vmss}'`))).length, 4);

      standin.scenario.paging = { activityLog: 5 };
      const before = standin.requests.length;
      const pages = await collect(client.activityLogs.list(`eventTimestamp ge '${day}' and resourceGroupName eq '${NODE_RG}'`).byPage());
      const all = pages.flat();
      assert.ok(pages.length >= 3, `pages: ${pages.length}`);
      assert.ok(pages.slice(0, -1).every((p) => p.length === 5));
      assert.equal(standin.requests.length - before, pages.length);
      assert.ok(all.every((e) => e.resourceGroupName === SIMULATED_AZURE.nodeResourceGroup));
      const times = all.map((e) => e.eventTimestamp?.getTime() ?? 0);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      const s1 = `${vmss.replace('userpool', 'system')}/virtualMachines/1`;
      const redeploys = all.filter((e) => e.resourceId === s1 && /redeploy\/action$/.test(e.operationName?.value ?? '') && e.status?.value !== 'Started');
      assert.equal(redeploys.length, 5);
      assert.match(redeploys[0].properties?.statusMessage ?? '', /TooManyVMRedeploymentRequests/);
    });

    it('refuses an Activity Log query without a lower time bound (400)', async function () {
      const err = await rejection(collect(monitor().activityLogs.list(`resourceGroupName eq '${NODE_RG}'`)));
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'BadRequest');
    });

    it('trusts the stand-in through an https.Agent given as the pipeline option instead', async function () {
      // A second stand-in: the first one's connections are kept alive and would not handshake again.
      const other = await startArmStandIn({ scenario: simulatedAzureScenario(now) });
      untrust();
      try {
        const client = (options: object): ComputeManagementClient =>
          new ComputeManagementClient(fixedTokenCredential(other.token), SUB, { endpoint: other.url, ...NO_RETRY, ...options });
        const err = await rejection(client({}).virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '0'));
        assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
        const agent = new https.Agent({ ca: other.caPem });
        const view = await client({ agent }).virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '0');
        assert.ok(view.statuses?.length);
        agent.destroy();
      } finally {
        untrust = trustStandInCa(standin.caPem);
        await other.stop();
      }
    });
  });

  describe('bad answers, as the SDKs surface them', function () {
    it('401 for a wrong token, and for none (with WWW-Authenticate)', async function () {
      const wrong = new ComputeManagementClient(fixedTokenCredential('not-the-token'), SUB, { endpoint: standin.url, ...NO_RETRY });
      const err = await rejection(wrong.virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3'));
      assert.equal(err.name, 'RestError');
      assert.equal(err.statusCode, 401);
      assert.equal(err.code, 'InvalidAuthenticationToken');

      const none = await rawGet(standin, `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-06-01`);
      assert.equal(none.status, 401);
      assert.match(String(none.headers['www-authenticate']), /^Bearer authorization_uri="https:\/\/login\.microsoftonline\.com\//);
      assert.equal((JSON.parse(none.body) as { error: { code: string } }).error.code, 'AuthenticationFailed');
    });

    it('403 AuthorizationFailed names the action and the scope', async function () {
      standin.inject({ path: /\/instanceView$/, kind: 'status', status: 403 });
      const err = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3'));
      assert.equal(err.statusCode, 403);
      assert.equal(err.code, 'AuthorizationFailed');
      assert.match(err.message, /perform action 'Microsoft\.Compute\/virtualMachineScaleSets\/virtualMachines\/instanceView\/read' over scope '\/subscriptions\/[^']+\/virtualMachines\/3'/);

      standin.inject({ path: /eventtypes/, kind: 'status', status: 403 });
      const since = new Date(now.getTime() - 60_000).toISOString();
      // A paged list keeps ARM's code but replaces its message: the caller must name the action and scope itself.
      const log = await rejection(collect(monitor().activityLogs.list(`eventTimestamp ge '${since}'`)));
      assert.equal(log.statusCode, 403);
      assert.equal(log.code, 'AuthorizationFailed');
      assert.equal(log.message, 'Pagination failed with unexpected statusCode 403');
      const raw = await rawGet(standin, `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01`, { Authorization: `Bearer ${standin.token}` });
      assert.match(raw.body, /'Microsoft\.Insights\/eventtypes\/values\/read' over scope '\/subscriptions\/[0-9a-f-]+'/);
    });

    it('404 for an instance that is gone (NotFound) and a scale set that never was (ResourceNotFound)', async function () {
      standin.scenario = simulatedAzureScenario(now, { goneNodes: [SIMULATED_NODES.gpuUnknown] });
      const gone = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, 'aks-gpupool-12345678-vmss', '0'));
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.code, 'NotFound');
      const goneHealth = await rejection(health().availabilityStatuses.getByResource(`subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-gpupool-12345678-vmss/virtualMachines/0`));
      assert.equal(goneHealth.statusCode, 404);
      const never = await rejection(compute().virtualMachineScaleSetVMs.get(NODE_RG, 'aks-nopool-12345678-vmss', '0'));
      assert.equal(never.code, 'ResourceNotFound');
      const pool = await rejection(aks().agentPools.get(SIMULATED_AZURE.clusterResourceGroup, SIMULATED_AZURE.clusterName, 'nopool'));
      assert.equal(pool.statusCode, 404);
      const injected = (standin.inject({ path: /managedClusters\/aks-demo$/, kind: 'status', status: 404, times: 1 }), await rejection(aks().managedClusters.get('rg-aks-demo', 'aks-demo')));
      assert.equal(injected.code, 'ResourceNotFound');
    });

    it('429 with Retry-After: retried inside the pipeline after the wait; surfaced when retries are off', async function () {
      standin.inject({ path: /\/instanceView$/, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
      const before = standin.requests.length;
      const started = Date.now();
      const view = await compute({}).virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3');
      assert.ok(view.statuses?.length);
      assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
      assert.equal(standin.requests.length - before, 2);

      standin.inject({ path: /\/instanceView$/, kind: 'status', status: 429, retryAfterSeconds: 7 });
      const err = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3'));
      assert.equal(err.statusCode, 429);
      assert.equal(err.code, 'TooManyRequests');
      assert.equal(err.response?.headers.get('retry-after'), '7');
    });

    it('500 and 503: retried by the pipeline when allowed, else a RestError', async function () {
      standin.inject({ path: /managedClusters/, kind: 'status', status: 500 });
      const err = await rejection(collect(aks().managedClusters.list()));
      assert.equal(err.statusCode, 500);
      assert.equal(err.code, 'InternalServerError');
      standin.clearFaults();

      standin.inject({ path: /agentPools/, kind: 'status', status: 503, times: 1 });
      const before = standin.requests.length;
      const pool = await aks({ retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 } }).agentPools.get('rg-aks-demo', 'aks-demo', 'system');
      assert.equal(pool.name, 'system');
      assert.equal(standin.requests.length - before, 2);
    });

    it('a malformed body is a RestError PARSE_ERROR', async function () {
      standin.inject({ path: /\/instanceView$/, kind: 'malformed', times: 1 });
      const err = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3'));
      assert.equal(err.name, 'RestError');
      assert.equal(err.code, 'PARSE_ERROR');
      assert.equal(err.statusCode, 200);
    });

    it('a hung call ends with the abort signal or the request timeout', async function () {
      standin.inject({ path: /\/instanceView$/, kind: 'hang' });
      let started = Date.now();
      const aborted = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3', { abortSignal: AbortSignal.timeout(300) }));
      assert.equal(aborted.name, 'AbortError');
      assert.ok(Date.now() - started < 3000);
      started = Date.now();
      const timedOut = await rejection(compute().virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, '3', { requestOptions: { timeout: 300 } }));
      assert.equal(timedOut.name, 'AbortError');
      assert.ok(Date.now() - started < 3000);
    });

    it('a delay fault shows parallel calls overlapping and serial ones adding up', async function () {
      standin.inject({ path: /\/instanceView$/, kind: 'delay', delayMs: 300 });
      const client = compute();
      const ids = ['0', '1', '2'];
      let started = Date.now();
      await Promise.all(ids.map((id) => client.virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, id)));
      const parallel = Date.now() - started;
      started = Date.now();
      for (const id of ids) {
        await client.virtualMachineScaleSetVMs.getInstanceView(NODE_RG, USERPOOL_VMSS, id);
      }
      const serial = Date.now() - started;
      assert.ok(serial >= 900, `serial ${serial} ms`);
      assert.ok(parallel < 700, `parallel ${parallel} ms`);
    });

    it('a fault matches by method and runs out after `times`', async function () {
      standin.inject({ path: /agentPools/, method: 'POST', kind: 'status', status: 500 });
      standin.inject({ path: /agentPools/, kind: 'status', status: 403, times: 1 });
      const client = aks();
      assert.equal((await rejection(client.agentPools.get('rg-aks-demo', 'aks-demo', 'system'))).statusCode, 403);
      assert.equal((await client.agentPools.get('rg-aks-demo', 'aks-demo', 'system')).name, 'system');
    });

    it('a foreignNextLink fault makes the nextLink point elsewhere (for tests of a backend that must refuse it)', async function () {
      standin.scenario.paging = { managedClusters: 1 };
      standin.inject({ path: /managedClusters$/, kind: 'foreignNextLink', base: 'https://evil.example' });
      const first = await rawGet(standin, `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-06-01`, { Authorization: `Bearer ${standin.token}` });
      assert.ok((JSON.parse(first.body) as { nextLink: string }).nextLink.startsWith('https://evil.example/subscriptions/'));
    });
  });
});
