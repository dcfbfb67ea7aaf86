import { KUBELET_VERSION, NODE_IMAGE, NODE_RESOURCE_GROUP, SUBSCRIPTION_ID, aksNodeName, parseAksNodeName, uuidFrom } from '../fixtures';
import { SIMULATED_CLUSTER, SIMULATED_NODES } from '../simulatedCluster';
import { managedClusterId, plainVmId, scaleSetId, scaleSetVmId } from './resourceIds';
import type {
  ActivityLogEntry, AgentPoolSpec, AvailabilityStatusSpec, AzureScenario, ExtensionInstanceView, InstanceView,
  InstanceViewStatus, ManagedClusterSpec, PlainVmSpec, ScaleSetVmSpec,
} from './scenario';

/**
 * The Azure side of the simulated cluster (simulatedCluster.ts): every node's providerID resolves
 * to a scale-set instance; the node whose reimage failed with VMExtensionProvisioningError has a
 * failed `vmssCSE` with exit code 50; the Activity Log holds the repair operations of the last
 * hours. Two more clusters (one with an availability-set pool) make the cluster list page.
 */

export interface SimulatedAzureOptions {
  /**
   * The redeploy of SIMULATED_NODES.userNotReady[1] failed: the instance and the userpool are in
   * a Failed provisioning state and the Activity Log shows VMRedeploymentFailed.
   */
  redeployFailed?: boolean;
  /** Nodes whose scale-set instance no longer exists (every call on it answers 404). */
  goneNodes?: string[];
  paging?: AzureScenario['paging'];
}

export const SIMULATED_AZURE = {
  subscriptionId: SUBSCRIPTION_ID,
  tenantId: '5b8e2f41-9c3d-4a6e-b7f0-1d2c3e4f5a6b',
  clusterName: SIMULATED_CLUSTER,
  clusterResourceGroup: 'rg-aks-demo',
  nodeResourceGroup: NODE_RESOURCE_GROUP,
  location: 'westeurope',
  kubeletClientId: '6a1c3e5f-7b9d-4f02-8e4a-c6e8a0b2d4f6',
  /** The identity auto-repair's operations run as, as the Activity Log names it. */
  remediatorCaller: '8c4f2b6e-1a3d-4e5f-9b7c-0d2e4f6a8b1c',
  /** AKS's own operations (node image upgrades) on the scale sets. */
  aksCaller: '7319c514-987d-4e9b-ac3d-d38c4f427f4c',
  /** The availability-set cluster. */
  legacy: {
    clusterName: 'aks-legacy',
    clusterResourceGroup: 'rg-aks-legacy',
    nodeResourceGroup: 'MC_rg-aks-legacy_aks-legacy_westeurope',
    vmNames: ['aks-nodepool1-87654321-0', 'aks-nodepool1-87654321-1'],
  },
  pools: { system: 3, userpool: 6, gpupool: 2 } as Record<string, number>,
} as const;

const VERSION = KUBELET_VERSION.replace(/^v/, '');
const IMAGE_VERSION = NODE_IMAGE.replace(/^.*-/, '');
const IMAGE_REFERENCE = {
  id: `/subscriptions/109a5e88-712a-48ae-9078-9ca8b3c81345/resourceGroups/AKS-Ubuntu/providers/Microsoft.Compute/galleries/AKSUbuntu/images/2204gen2containerd/versions/${IMAGE_VERSION}`,
};
const VM_SIZES: Record<string, string> = { system: 'Standard_D4ds_v5', userpool: 'Standard_D8ds_v5', gpupool: 'Standard_NC6s_v3' };

const minutes = (n: number): number => n * 60 * 1000;

/** ARM writes times with seven fractional digits. */
function armTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function cseStdout(exitCode: number, output: string, at: Date): string {
  return JSON.stringify({
    ExitCode: String(exitCode),
    Output: output,
    Error: '',
    ExecDuration: exitCode === 0 ? '41' : '302',
    KernelStartTime: at.toUTCString(),
    CSEStartTime: at.toUTCString(),
    GuestAgentStartTime: at.toUTCString(),
    BootDatapoints: { KernelStartTime: at.toISOString(), CSEStartTime: at.toISOString() },
  }, null, 1);
}

/** The bootstrap extension's status line for a given exit code. */
export function cseStatus(exitCode: number, at: Date, output = ''): InstanceViewStatus {
  if (exitCode === 0) {
    return {
      code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded',
      message: `Enable succeeded: \n[stdout]\n${cseStdout(0, output || 'bootstrap complete', at)}\n\n[stderr]\n`,
      time: armTime(at),
    };
  }
  return {
    code: 'ProvisioningState/failed/1', level: 'Error', displayStatus: 'Provisioning failed',
    message: `Enable failed: failed to execute command: command terminated with exit status=${exitCode}\n[stdout]\n${cseStdout(exitCode, output, at)}\n\n[stderr]\n`,
    time: armTime(at),
  };
}

function okExtension(name: string, type: string, version: string, at: Date): ExtensionInstanceView {
  return {
    name, type, typeHandlerVersion: version,
    statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: 'Enable succeeded', time: armTime(at) }],
  };
}

const EXIT_50_OUTPUT = [
  'Mon Jan 13 09:57:41 UTC 2025,aks-userpool-12345678-vmss000003',
  'curl: (28) Connection timed out after 10001 milliseconds',
  'mcr.microsoft.com is not reachable: outbound connection failed after 100 attempts',
].join('\n');

const CSE_50_ERROR = (node: string): string =>
  `VM has reported a failure when processing extension 'vmssCSE' (publisher 'Microsoft.Azure.Extensions' and type 'CustomScript'). Error message: "Enable failed: failed to execute command: command terminated with exit status=50\n[stdout]\n{ "ExitCode": "50", "Output": "${node}: mcr.microsoft.com is not reachable", "Error": "" }\n\n[stderr]\n". More information on troubleshooting is available at https://aka.ms/VMExtensionCSELinuxTroubleshoot.`;

interface NodeAzureState {
  provisioningState: string;
  provisioningStatus?: InstanceViewStatus;
  power: 'running' | 'stopped' | 'deallocated' | 'starting';
  cseExitCode: number;
  latestModelApplied: boolean;
  vmHealth?: 'healthy' | 'unhealthy' | 'unknown';
  health: Omit<AvailabilityStatusSpec, 'resourceId'>;
}

function nodeState(node: string, now: Date, options: SimulatedAzureOptions): NodeAzureState {
  const at = (ms: number): string => armTime(new Date(now.getTime() - ms));
  const available = (since: number): NodeAzureState['health'] => ({
    availabilityState: 'Available', title: 'Available',
    summary: "There aren't any known Azure platform problems affecting this virtual machine.",
    reasonChronicity: 'Persistent', occurredTime: at(since), reportedTime: at(minutes(1)),
  });
  const healthy: NodeAzureState = {
    provisioningState: 'Succeeded', power: 'running', cseExitCode: 0, latestModelApplied: true, health: available(minutes(60 * 24 * 2)),
  };
  const [u3, u5] = SIMULATED_NODES.userNotReady;
  switch (node) {
    case u3:
      return {
        provisioningState: 'Failed',
        provisioningStatus: {
          code: 'ProvisioningState/failed/VMExtensionProvisioningError', level: 'Error', displayStatus: 'Provisioning failed',
          message: CSE_50_ERROR(node), time: at(minutes(25) - 800),
        },
        power: 'running', cseExitCode: 50, latestModelApplied: true, health: available(minutes(25)),
      };
    case u5:
      return options.redeployFailed
        ? {
          provisioningState: 'Failed',
          provisioningStatus: {
            code: 'ProvisioningState/failed/VMRedeploymentFailed', level: 'Error', displayStatus: 'Provisioning failed',
            message: 'The virtual machine could not be redeployed to a new host: allocation failed. Retry the operation or reconcile the scale set.',
            time: at(minutes(15) - 600),
          },
          power: 'deallocated', cseExitCode: 0, latestModelApplied: true, vmHealth: 'unknown',
          health: {
            availabilityState: 'Unavailable', title: 'Unavailable', summary: 'This virtual machine is unavailable: the redeploy to a new host did not complete.',
            reasonType: 'Unplanned', reasonChronicity: 'Persistent', occurredTime: at(minutes(15)), reportedTime: at(minutes(1)),
          },
        }
        : {
          ...healthy, vmHealth: 'unhealthy',
          health: {
            availabilityState: 'Degraded', title: 'Degraded', summary: 'The application health extension reports this virtual machine as unhealthy.',
            reasonType: 'Customer Initiated', reasonChronicity: 'Transient', occurredTime: at(minutes(35)), reportedTime: at(minutes(1)),
          },
        };
    case SIMULATED_NODES.gpuUnknown:
      return {
        ...healthy,
        health: {
          availabilityState: 'Unavailable', title: 'Unavailable',
          summary: "We're sorry, your virtual machine isn't available because of connectivity loss to the host.",
          detailedStatus: 'We are working to restore connectivity.',
          reasonType: 'Unplanned', reasonChronicity: 'Transient', category: 'Unplanned', context: 'Platform Initiated',
          occurredTime: at(minutes(18)), reportedTime: at(minutes(1)),
        },
      };
    case SIMULATED_NODES.gpuShutdownTainted:
      return {
        ...healthy, power: 'stopped', latestModelApplied: false,
        health: {
          availabilityState: 'Unavailable', title: 'Stopped',
          summary: 'This virtual machine is stopped: a shutdown was requested from within the guest OS.',
          reasonType: 'Customer Initiated', reasonChronicity: 'Persistent', context: 'Customer Initiated',
          occurredTime: at(minutes(22)), reportedTime: at(minutes(1)),
        },
      };
    case aksNodeName('system', 2):
      return { ...healthy, latestModelApplied: false };
    default:
      return healthy;
  }
}

const POWER_DISPLAY: Record<NodeAzureState['power'], string> = {
  running: 'VM running', stopped: 'VM stopped', deallocated: 'VM deallocated', starting: 'VM starting',
};

function instanceView(node: string, state: NodeAzureState, created: Date, now: Date): InstanceView {
  const cseAt = state.cseExitCode === 0 ? created : new Date(now.getTime() - minutes(25) + 700);
  const extensions: ExtensionInstanceView[] = [
    okExtension('AKSLinuxBilling', 'Microsoft.AKS.Compute.AKS.Linux.Billing', '1.0.3', created),
    {
      name: 'vmssCSE', type: 'Microsoft.Azure.Extensions.CustomScript', typeHandlerVersion: '2.1.10',
      statuses: [cseStatus(state.cseExitCode, cseAt, state.cseExitCode === 50 ? EXIT_50_OUTPUT : '')],
    },
  ];
  if (state.vmHealth) {
    extensions.push(okExtension('HealthExtension', 'Microsoft.ManagedServices.ApplicationHealthLinux', '2.0.11', created));
  }
  const provisioning: InstanceViewStatus = state.provisioningStatus
    ?? { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: armTime(created) };
  const parsed = parseAksNodeName(node);
  return {
    statuses: [provisioning, { code: `PowerState/${state.power}`, level: 'Info', displayStatus: POWER_DISPLAY[state.power] }],
    extensions,
    vmHealth: state.vmHealth
      ? { status: { code: `HealthState/${state.vmHealth}`, level: 'Info', displayStatus: `The VM is ${state.vmHealth}`, time: armTime(now) } }
      : undefined,
    computerName: node,
    osName: 'ubuntu',
    osVersion: '22.04',
    vmAgentVersion: '2.12.0.2',
    platformUpdateDomain: parsed ? parsed.instance % 5 : 0,
    platformFaultDomain: parsed ? parsed.instance % 3 : 0,
  };
}

/** One Activity Log operation: its Started event and, unless still running, its end event. */
function operation(options: {
  resourceId: string; resourceGroup: string; action: string; localized: string; caller: string;
  start: Date; durationMs: number; end: 'Succeeded' | 'Failed' | 'Running'; error?: { code: string; message: string };
  requestBody?: string;
}): ActivityLogEntry[] {
  const correlationId = uuidFrom(`corr:${options.resourceId}:${options.action}:${options.start.getTime()}`);
  const operationId = uuidFrom(`op:${correlationId}`);
  const resourceType = options.resourceId.replace(/^.*\/providers\//i, '').split('/').filter((_, i) => i % 2 === 0).join('/');
  const provider = resourceType.split('/')[0];
  const base = (status: string, subStatus: LocalizableLike, at: Date, level: ActivityLogEntry['level'], properties: Record<string, string>): ActivityLogEntry => ({
    resourceId: options.resourceId,
    operationName: { value: options.action, localizedValue: options.localized },
    status: { value: status, localizedValue: status },
    subStatus,
    caller: options.caller,
    eventTimestamp: armTime(at),
    submissionTimestamp: armTime(new Date(at.getTime() + 12_000)),
    correlationId,
    operationId,
    eventDataId: uuidFrom(`event:${correlationId}:${status}`),
    level,
    category: { value: 'Administrative', localizedValue: 'Administrative' },
    resourceGroupName: options.resourceGroup,
    resourceProviderName: { value: provider, localizedValue: provider },
    resourceType: { value: resourceType, localizedValue: resourceType },
    claims: { appid: options.caller, 'http://schemas.microsoft.com/identity/claims/objectidentifier': options.caller },
    authorization: { action: options.action, scope: options.resourceId },
    properties,
  });
  const entries = [base('Started', { value: '', localizedValue: '' }, options.start, 'Informational', {
    eventCategory: 'Administrative', entity: options.resourceId, message: options.action, hierarchy: SIMULATED_AZURE.tenantId,
    ...(options.requestBody ? { requestbody: options.requestBody } : {}),
  })];
  const endAt = new Date(options.start.getTime() + options.durationMs);
  if (options.end === 'Succeeded') {
    entries.push(base('Succeeded', { value: 'OK', localizedValue: 'OK (HTTP Status Code: 200)' }, endAt, 'Informational', {
      statusCode: 'OK', serviceRequestId: uuidFrom(`req:${correlationId}`), eventCategory: 'Administrative', entity: options.resourceId, message: options.action,
    }));
  } else if (options.end === 'Failed') {
    const error = options.error ?? { code: 'InternalServerError', message: 'An internal error occurred.' };
    entries.push(base('Failed', { value: '', localizedValue: '' }, endAt, 'Error', {
      statusCode: 'Conflict',
      serviceRequestId: uuidFrom(`req:${correlationId}`),
      statusMessage: JSON.stringify({
        status: 'Failed',
        error: {
          code: 'ResourceOperationFailure',
          message: "The resource operation completed with terminal provisioning state 'Failed'.",
          details: [error],
        },
      }),
      eventCategory: 'Administrative', entity: options.resourceId, message: options.action,
    }));
  }
  return entries;
}

type LocalizableLike = { value: string; localizedValue: string };

const ACTIONS = {
  restart: ['Microsoft.Compute/virtualMachineScaleSets/virtualMachines/restart/action', 'Restart Virtual Machine Scale Set Virtual Machine'],
  reimage: ['Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action', 'Reimage Virtual Machine Scale Set Virtual Machine'],
  redeploy: ['Microsoft.Compute/virtualMachineScaleSets/virtualMachines/redeploy/action', 'Redeploy Virtual Machine Scale Set Virtual Machine'],
  delete: ['Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete', 'Delete Virtual Machine Scale Set Virtual Machine'],
  scaleSetWrite: ['Microsoft.Compute/virtualMachineScaleSets/write', 'Create or Update Virtual Machine Scale Set'],
  poolWrite: ['Microsoft.ContainerService/managedClusters/agentPools/write', 'Create or Update Agent Pool'],
  deleteMachines: ['Microsoft.ContainerService/managedClusters/agentPools/deleteMachines/action', 'Delete Machines in Agent Pool'],
} as const;

// The stand-in's long-running operations (armOperations.ts) write their own Activity Log events with these.
export { ACTIONS as ACTIVITY_ACTIONS, armTime, operation as activityLogOperation };

function activityLog(now: Date, options: SimulatedAzureOptions): ActivityLogEntry[] {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const sub = SUBSCRIPTION_ID;
  const rg = NODE_RESOURCE_GROUP;
  const vm = (node: string): string => {
    const p = parseAksNodeName(node);
    if (!p) {
      throw new Error(`not an AKS node name: ${node}`);
    }
    return scaleSetVmId(sub, { resourceGroup: rg, scaleSetName: `aks-${p.pool}-${p.id}-vmss`, instanceId: String(p.instance) });
  };
  const repair = (node: string, kind: 'restart' | 'reimage' | 'redeploy', start: Date, durationMs: number, end: 'Succeeded' | 'Failed', error?: { code: string; message: string }): ActivityLogEntry[] =>
    operation({ resourceId: vm(node), resourceGroup: rg, action: ACTIONS[kind][0], localized: ACTIONS[kind][1], caller: SIMULATED_AZURE.remediatorCaller, start, durationMs, end, error });
  const [u3, u5] = SIMULATED_NODES.userNotReady;
  const s1 = aksNodeName('system', 1);
  const u2 = aksNodeName('userpool', 2);
  const u1 = aksNodeName('userpool', 1);
  const g0 = SIMULATED_NODES.gpuUnknown;
  const entries: ActivityLogEntry[] = [
    // The node whose reimage failed on the bootstrap extension.
    ...repair(u3, 'restart', new Date(ago(minutes(30)).getTime() + 40), 120, 'Succeeded'),
    ...repair(u3, 'reimage', new Date(ago(minutes(25)).getTime() + 60), 700, 'Failed', { code: 'VMExtensionProvisioningError', message: CSE_50_ERROR(u3) }),
    // The full sequence; the redeploy fails only in the redeploy-failed variant.
    ...repair(u5, 'restart', new Date(ago(minutes(25)).getTime() + 30), 100, 'Succeeded'),
    ...repair(u5, 'reimage', new Date(ago(minutes(20)).getTime() + 30), 150, 'Succeeded'),
    ...(options.redeployFailed
      ? repair(u5, 'redeploy', new Date(ago(minutes(15)).getTime() + 30), 600, 'Failed', {
        code: 'VMRedeploymentFailed',
        message: "Redeployment of virtual machine 'aks-userpool-12345678-vmss_5' failed: allocation failed. The node pool may be left in a Failed state; reconcile it with 'az vmss update-instances' or 'az resource update'.",
      })
      : repair(u5, 'redeploy', new Date(ago(minutes(15)).getTime() + 30), 250, 'Succeeded')),
    // Redeployed again and again over the last day, until the limit refused one.
    ...repair(s1, 'redeploy', ago(minutes(60 * 20)), 95_000, 'Succeeded'),
    ...repair(s1, 'redeploy', ago(minutes(60 * 14)), 88_000, 'Succeeded'),
    ...repair(s1, 'redeploy', ago(minutes(60 * 8)), 102_000, 'Succeeded'),
    ...repair(s1, 'redeploy', ago(minutes(60 * 3)), 91_000, 'Succeeded'),
    ...repair(s1, 'restart', ago(minutes(57)), 150, 'Succeeded'),
    ...repair(s1, 'restart', ago(minutes(52)), 150, 'Succeeded'),
    ...repair(s1, 'redeploy', ago(minutes(47)), 400, 'Failed', {
      code: 'TooManyVMRedeploymentRequests',
      message: 'The number of redeploy requests for this cluster exceeded the allowed limit. Try again later.',
    }),
    // A reimage that AKS reported with a code it had never used before.
    ...repair(u1, 'reimage', ago(minutes(21)), 1_200, 'Failed', { code: 'SomeNewAksError', message: 'The operation failed for a reason this extension does not know.' }),
    // No outbound access; the message carries markup that every view must escape.
    ...repair(u2, 'restart', ago(minutes(12)), 500, 'Failed', {
      code: 'OutboundConnectivityNotEnabledOnVMSS',
      message: 'No outbound connectivity configured for virtual machine scale set aks-userpool-12345678-vmss. <img src=x onerror=alert(1)><b>bold</b>',
    }),
    // The reboot of the gpupool node asked for an instance the platform no longer knew.
    ...repair(g0, 'restart', ago(minutes(8)), 1_800, 'Failed', {
      code: 'InvalidParameter', message: "The provided instanceId 0 is not an active Virtual Machine Scale Set VM instanceId. Target: 'instanceIds'.",
    }),
  ];
  // AKS's node image upgrade touched every scale set six hours ago; one 30 h ago is outside a 24 h window.
  for (const pool of Object.keys(SIMULATED_AZURE.pools)) {
    const id = scaleSetId(sub, rg, `aks-${pool}-12345678-vmss`);
    entries.push(...operation({ resourceId: id, resourceGroup: rg, action: ACTIONS.scaleSetWrite[0], localized: ACTIONS.scaleSetWrite[1], caller: SIMULATED_AZURE.aksCaller, start: ago(minutes(60 * 6)), durationMs: 240_000, end: 'Succeeded' }));
    entries.push(...operation({ resourceId: id, resourceGroup: rg, action: ACTIONS.scaleSetWrite[0], localized: ACTIONS.scaleSetWrite[1], caller: SIMULATED_AZURE.aksCaller, start: ago(minutes(60 * 30)), durationMs: 200_000, end: 'Succeeded' }));
  }
  const poolId = `${managedClusterId(sub, { resourceGroup: SIMULATED_AZURE.clusterResourceGroup, name: SIMULATED_CLUSTER })}/agentPools/userpool`;
  entries.push(...operation({
    resourceId: poolId, resourceGroup: SIMULATED_AZURE.clusterResourceGroup, action: ACTIONS.poolWrite[0], localized: ACTIONS.poolWrite[1],
    caller: 'operator@contoso.com', start: ago(minutes(60 * 6 + 2)), durationMs: 300_000, end: options.redeployFailed ? 'Failed' : 'Succeeded',
    error: options.redeployFailed ? { code: 'VMRedeploymentFailed', message: 'The agent pool is in a Failed state after a redeploy failed.' } : undefined,
  }));
  // Newest first, as the Activity Log answers.
  return entries.sort((a, b) => b.eventTimestamp.localeCompare(a.eventTimestamp));
}

function pool(name: string, count: number, overrides: Partial<AgentPoolSpec> = {}): AgentPoolSpec {
  return {
    name, count, provisioningState: 'Succeeded', powerState: 'Running', vmSize: VM_SIZES[name] ?? 'Standard_D4ds_v5',
    nodeImageVersion: NODE_IMAGE, mode: name === 'system' ? 'System' : 'User', type: 'VirtualMachineScaleSets',
    osType: 'Linux', osSKU: 'Ubuntu', orchestratorVersion: VERSION, availabilityZones: ['1', '2', '3'],
    ...(name === 'gpupool' ? { nodeTaints: ['nvidia.com/gpu=true:NoSchedule'] } : {}),
    ...overrides,
  };
}

function cluster(spec: Omit<ManagedClusterSpec, 'provisioningState' | 'powerState' | 'kubernetesVersion' | 'networkProfile'> & Partial<ManagedClusterSpec>): ManagedClusterSpec {
  return {
    provisioningState: 'Succeeded', powerState: 'Running', kubernetesVersion: VERSION,
    networkProfile: { outboundType: 'loadBalancer', networkPlugin: 'azure', networkPluginMode: 'overlay', loadBalancerSku: 'standard' },
    ...spec,
  };
}

function kubeletIdentity(nodeResourceGroup: string, clusterName: string, clientId: string): ManagedClusterSpec['identityProfile'] {
  return {
    kubeletidentity: {
      resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${clusterName}-agentpool`,
      clientId,
      objectId: uuidFrom(`kubelet-object:${clusterName}`),
    },
  };
}

/** The Azure side of `startSimulatedCluster()`, with times relative to `now`. */
export function simulatedAzureScenario(now = new Date(), options: SimulatedAzureOptions = {}): AzureScenario {
  const gone = new Set(options.goneNodes ?? []);
  const scaleSetVms: ScaleSetVmSpec[] = [];
  const resourceHealth: AvailabilityStatusSpec[] = [];
  const nodes = Object.entries(SIMULATED_AZURE.pools).flatMap(([p, count]) => Array.from({ length: count }, (_, i) => aksNodeName(p, i)));
  for (const node of nodes) {
    if (gone.has(node)) {
      continue;
    }
    const p = parseAksNodeName(node);
    if (!p) {
      continue;
    }
    const created = new Date(now.getTime() - minutes(60 * 24 * 5) + p.instance * 60_000);
    const state = nodeState(node, now, options);
    const vm: ScaleSetVmSpec = {
      resourceGroup: NODE_RESOURCE_GROUP,
      scaleSetName: `aks-${p.pool}-${p.id}-vmss`,
      instanceId: String(p.instance),
      location: SIMULATED_AZURE.location,
      zones: [String((p.instance % 3) + 1)],
      sku: { name: VM_SIZES[p.pool] ?? 'Standard_D4ds_v5', tier: 'Standard' },
      provisioningState: state.provisioningState,
      latestModelApplied: state.latestModelApplied,
      vmId: uuidFrom(`vm:${node}`),
      computerName: node,
      imageReference: IMAGE_REFERENCE,
      osDiskSizeGB: 128,
      timeCreated: armTime(created),
      tags: { 'aks-managed-poolName': p.pool, 'aks-managed-orchestrator': `Kubernetes:${VERSION}`, 'aks-managed-createOperationID': uuidFrom(`create:${p.pool}`) },
      instanceView: instanceView(node, state, created, now),
    };
    scaleSetVms.push(vm);
    resourceHealth.push({ resourceId: scaleSetVmId(SUBSCRIPTION_ID, vm), ...state.health });
  }

  const legacy = SIMULATED_AZURE.legacy;
  const virtualMachines: PlainVmSpec[] = legacy.vmNames.map((name, i) => {
    const created = new Date(now.getTime() - minutes(60 * 24 * 200) + i * 60_000);
    return {
      resourceGroup: legacy.nodeResourceGroup, name, location: SIMULATED_AZURE.location, vmSize: 'Standard_DS2_v2',
      availabilitySetName: 'aks-nodepool1-87654321-availabilitySet-87654321', provisioningState: 'Succeeded',
      vmId: uuidFrom(`vm:${name}`), computerName: name,
      imageReference: { publisher: 'microsoft-aks', offer: 'aks', sku: 'aks-ubuntu-1804-2021-q3', version: '2021.09.06', exactVersion: '2021.09.06' },
      timeCreated: armTime(created),
      tags: { poolName: 'nodepool1', orchestrator: 'Kubernetes:1.27.9' },
      instanceView: instanceView(name, {
        provisioningState: 'Succeeded', power: 'running', cseExitCode: 0, latestModelApplied: true,
        health: { availabilityState: 'Available', summary: '' },
      }, created, now),
    };
  });
  for (const vm of virtualMachines) {
    resourceHealth.push({
      resourceId: plainVmId(SUBSCRIPTION_ID, vm), availabilityState: 'Available', title: 'Available',
      summary: "There aren't any known Azure platform problems affecting this virtual machine.", occurredTime: vm.timeCreated,
    });
  }

  // The cluster the nodes belong to is listed last, so a small page size puts it on a later page.
  const managedClusters: ManagedClusterSpec[] = [
    cluster({
      name: 'aks-staging', resourceGroup: 'rg-aks-staging', location: 'northeurope',
      nodeResourceGroup: 'MC_rg-aks-staging_aks-staging_northeurope', powerState: 'Stopped',
      networkProfile: { outboundType: 'managedNATGateway', networkPlugin: 'azure', networkPluginMode: 'overlay', loadBalancerSku: 'standard' },
      identityProfile: kubeletIdentity('MC_rg-aks-staging_aks-staging_northeurope', 'aks-staging', uuidFrom('kubelet:aks-staging')),
      agentPoolProfiles: [pool('nodepool1', 2, { powerState: 'Stopped', mode: 'System', vmSize: 'Standard_D2ds_v5' })],
    }),
    cluster({
      name: legacy.clusterName, resourceGroup: legacy.clusterResourceGroup, location: SIMULATED_AZURE.location,
      nodeResourceGroup: legacy.nodeResourceGroup, kubernetesVersion: '1.27.9',
      networkProfile: { outboundType: 'loadBalancer', networkPlugin: 'kubenet', loadBalancerSku: 'standard' },
      identityProfile: kubeletIdentity(legacy.nodeResourceGroup, legacy.clusterName, uuidFrom('kubelet:aks-legacy')),
      agentPoolProfiles: [pool('nodepool1', 2, {
        type: 'AvailabilitySet', mode: 'System', vmSize: 'Standard_DS2_v2', nodeImageVersion: 'AKSUbuntu-1804-2021.09.06',
        orchestratorVersion: '1.27.9', availabilityZones: undefined,
      })],
    }),
    cluster({
      name: SIMULATED_CLUSTER, resourceGroup: SIMULATED_AZURE.clusterResourceGroup, location: SIMULATED_AZURE.location,
      nodeResourceGroup: NODE_RESOURCE_GROUP,
      identityProfile: kubeletIdentity(NODE_RESOURCE_GROUP, SIMULATED_CLUSTER, SIMULATED_AZURE.kubeletClientId),
      agentPoolProfiles: Object.entries(SIMULATED_AZURE.pools).map(([name, count]) =>
        pool(name, count, name === 'userpool' && options.redeployFailed ? { provisioningState: 'Failed' } : {})),
      addonProfiles: {
        omsagent: {
          enabled: true,
          config: { logAnalyticsWorkspaceResourceID: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-aks-demo/providers/Microsoft.OperationalInsights/workspaces/law-aks-demo` },
        },
      },
      tags: { environment: 'demo' },
    }),
  ];

  return {
    subscriptionId: SUBSCRIPTION_ID,
    tenantId: SIMULATED_AZURE.tenantId,
    managedClusters,
    scaleSetVms,
    virtualMachines,
    resourceHealth,
    activityLog: activityLog(now, options),
    paging: options.paging,
  };
}

