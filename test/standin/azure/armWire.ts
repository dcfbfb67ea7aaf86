import { uuidFrom } from '../fixtures';
import { managedClusterId, plainVmId, scaleSetVmId } from './resourceIds';
import type {
  AgentPoolSpec, AvailabilityStatusSpec, AzureScenario, InstanceView, ManagedClusterSpec, PlainVmSpec, ScaleSetVmSpec,
} from './scenario';

/** Scenario data in ARM's wire format: what management.azure.com sends, `properties` bags included. */

function agentPoolProperties(cluster: ManagedClusterSpec, pool: AgentPoolSpec): Record<string, unknown> {
  const overlay = cluster.networkProfile.networkPluginMode === 'overlay';
  return {
    count: pool.count,
    vmSize: pool.vmSize,
    osDiskSizeGB: 128,
    osDiskType: pool.type === 'AvailabilitySet' ? 'Managed' : 'Ephemeral',
    kubeletDiskType: 'OS',
    maxPods: overlay ? 250 : 110,
    type: pool.type ?? 'VirtualMachineScaleSets',
    ...(pool.availabilityZones ? { availabilityZones: pool.availabilityZones } : {}),
    enableAutoScaling: pool.enableAutoScaling ?? false,
    ...(pool.enableAutoScaling ? { minCount: pool.minCount ?? 1, maxCount: pool.maxCount ?? pool.count } : {}),
    scaleDownMode: 'Delete',
    provisioningState: pool.provisioningState,
    powerState: { code: pool.powerState },
    orchestratorVersion: pool.orchestratorVersion ?? cluster.kubernetesVersion,
    currentOrchestratorVersion: pool.orchestratorVersion ?? cluster.kubernetesVersion,
    enableNodePublicIP: false,
    ...(pool.nodeTaints ? { nodeTaints: pool.nodeTaints } : {}),
    mode: pool.mode,
    osType: pool.osType ?? 'Linux',
    osSKU: pool.osSKU ?? 'Ubuntu',
    nodeImageVersion: pool.nodeImageVersion,
    upgradeSettings: { maxSurge: '10%' },
    enableFIPS: false,
    securityProfile: { enableVTPM: false, enableSecureBoot: false },
  };
}

export function managedClusterWire(scenario: AzureScenario, cluster: ManagedClusterSpec): Record<string, unknown> {
  const id = managedClusterId(scenario.subscriptionId, cluster);
  const dnsPrefix = cluster.dnsPrefix ?? `${cluster.name}-dns`;
  const hash = uuidFrom(`fqdn:${id}`).slice(0, 8);
  const outbound = cluster.networkProfile.outboundType;
  return {
    id,
    location: cluster.location,
    name: cluster.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    ...(cluster.tags ? { tags: cluster.tags } : {}),
    sku: { name: 'Base', tier: 'Free' },
    kind: 'Base',
    identity: { type: 'SystemAssigned', principalId: uuidFrom(`principal:${id}`), tenantId: scenario.tenantId },
    properties: {
      provisioningState: cluster.provisioningState,
      powerState: { code: cluster.powerState },
      kubernetesVersion: cluster.kubernetesVersion,
      currentKubernetesVersion: cluster.kubernetesVersion,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${hash}.hcp.${cluster.location}.azmk8s.io`,
      azurePortalFQDN: `${dnsPrefix}-${hash}.portal.hcp.${cluster.location}.azmk8s.io`,
      agentPoolProfiles: cluster.agentPoolProfiles.map((pool) => ({ name: pool.name, ...agentPoolProperties(cluster, pool) })),
      linuxProfile: { adminUsername: 'azureuser', ssh: { publicKeys: [{ keyData: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0standin azureuser' }] } },
      servicePrincipalProfile: { clientId: 'msi' },
      addonProfiles: cluster.addonProfiles ?? {},
      nodeResourceGroup: cluster.nodeResourceGroup,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: cluster.networkProfile.networkPlugin ?? 'azure',
        ...(cluster.networkProfile.networkPluginMode ? { networkPluginMode: cluster.networkProfile.networkPluginMode } : {}),
        networkPolicy: 'none',
        networkDataplane: 'azure',
        loadBalancerSku: cluster.networkProfile.loadBalancerSku ?? 'standard',
        ...(outbound === 'loadBalancer' ? {
          loadBalancerProfile: {
            managedOutboundIPs: { count: 1 },
            effectiveOutboundIPs: [{ id: `/subscriptions/${scenario.subscriptionId}/resourceGroups/${cluster.nodeResourceGroup}/providers/Microsoft.Network/publicIPAddresses/${uuidFrom(`pip:${id}`)}` }],
            backendPoolType: 'nodeIPConfiguration',
          },
        } : {}),
        ...(outbound === 'managedNATGateway' ? {
          natGatewayProfile: { managedOutboundIPProfile: { count: 1 }, idleTimeoutInMinutes: 4 },
        } : {}),
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        outboundType: outbound,
        podCidrs: ['10.244.0.0/16'],
        serviceCidrs: ['10.0.0.0/16'],
        ipFamilies: ['IPv4'],
      },
      maxAgentPools: 100,
      ...(cluster.identityProfile ? { identityProfile: cluster.identityProfile } : {}),
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
      disableLocalAccounts: false,
      securityProfile: {},
      storageProfile: { diskCSIDriver: { enabled: true }, fileCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
      oidcIssuerProfile: { enabled: false },
      workloadAutoScalerProfile: {},
      resourceUID: uuidFrom(`uid:${id}`).replace(/-/g, '').slice(0, 24),
    },
  };
}

export function agentPoolWire(scenario: AzureScenario, cluster: ManagedClusterSpec, pool: AgentPoolSpec): Record<string, unknown> {
  return {
    id: `${managedClusterId(scenario.subscriptionId, cluster)}/agentPools/${pool.name}`,
    name: pool.name,
    type: 'Microsoft.ContainerService/managedClusters/agentPools',
    properties: agentPoolProperties(cluster, pool),
  };
}

/** `…/instanceView` of a scale-set instance or a VM (the two shapes differ only in small fields). */
export function instanceViewWire(view: InstanceView, scaleSet: boolean): Record<string, unknown> {
  const time = view.statuses.find((s) => s.time)?.time;
  return {
    ...(view.platformUpdateDomain !== undefined ? { platformUpdateDomain: view.platformUpdateDomain } : {}),
    ...(view.platformFaultDomain !== undefined ? { platformFaultDomain: view.platformFaultDomain } : {}),
    ...(view.computerName ? { computerName: view.computerName } : {}),
    ...(view.osName ? { osName: view.osName } : {}),
    ...(view.osVersion ? { osVersion: view.osVersion } : {}),
    vmAgent: {
      vmAgentVersion: view.vmAgentVersion ?? '2.12.0.2',
      statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready', message: 'Guest Agent is running', ...(time ? { time } : {}) }],
      extensionHandlers: view.extensions.map((e) => ({
        type: e.type,
        typeHandlerVersion: e.typeHandlerVersion,
        status: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' },
      })),
    },
    disks: [{
      name: `${view.computerName ?? 'vm'}_OsDisk_1_${uuidFrom(`disk:${view.computerName ?? ''}`).replace(/-/g, '')}`,
      statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', ...(time ? { time } : {}) }],
    }],
    extensions: view.extensions.map((e) => ({
      name: e.name,
      type: e.type,
      typeHandlerVersion: e.typeHandlerVersion,
      ...(e.substatuses ? { substatuses: e.substatuses } : {}),
      statuses: e.statuses,
    })),
    ...(view.vmHealth ? { vmHealth: view.vmHealth } : {}),
    hyperVGeneration: 'V2',
    statuses: view.statuses,
    ...(scaleSet ? {} : { bootDiagnostics: {} }),
  };
}

function osDisk(name: string): Record<string, unknown> {
  return {
    osType: 'Linux',
    name: `${name}_OsDisk_1_${uuidFrom(`disk:${name}`).replace(/-/g, '')}`,
    createOption: 'FromImage',
    caching: 'ReadOnly',
    diskSizeGB: 128,
  };
}

export function scaleSetVmWire(scenario: AzureScenario, vm: ScaleSetVmSpec, expandInstanceView: boolean): Record<string, unknown> {
  const id = scaleSetVmId(scenario.subscriptionId, vm);
  return {
    name: vm.name ?? `${vm.scaleSetName}_${vm.instanceId}`,
    id,
    type: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines',
    location: vm.location,
    ...(vm.tags ? { tags: vm.tags } : {}),
    instanceId: vm.instanceId,
    sku: { name: vm.sku.name, tier: vm.sku.tier ?? 'Standard' },
    ...(vm.zones ? { zones: vm.zones } : {}),
    properties: {
      latestModelApplied: vm.latestModelApplied,
      modelDefinitionApplied: 'VirtualMachineScaleSet',
      vmId: vm.vmId,
      ...(expandInstanceView ? { instanceView: instanceViewWire(vm.instanceView, true) } : {}),
      hardwareProfile: {},
      storageProfile: {
        imageReference: vm.imageReference,
        osDisk: { ...osDisk(vm.computerName), diskSizeGB: vm.osDiskSizeGB ?? 128, managedDisk: { storageAccountType: 'Standard_LRS' } },
        dataDisks: [],
      },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: 'azureuser',
        linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true, enableVMAgentPlatformUpdates: false },
        secrets: [],
        allowExtensionOperations: true,
        requireGuestProvisionSignal: true,
      },
      networkProfile: {
        networkInterfaces: [{ id: `${id}/networkInterfaces/${vm.scaleSetName}` }],
      },
      provisioningState: vm.provisioningState,
      ...(vm.timeCreated ? { timeCreated: vm.timeCreated } : {}),
    },
  };
}

export function plainVmWire(scenario: AzureScenario, vm: PlainVmSpec, expandInstanceView: boolean): Record<string, unknown> {
  const id = plainVmId(scenario.subscriptionId, vm);
  return {
    name: vm.name,
    id,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    ...(vm.tags ? { tags: vm.tags } : {}),
    properties: {
      vmId: vm.vmId,
      ...(vm.availabilitySetName ? {
        availabilitySet: { id: `/subscriptions/${scenario.subscriptionId}/resourceGroups/${vm.resourceGroup.toUpperCase()}/providers/Microsoft.Compute/availabilitySets/${vm.availabilitySetName.toUpperCase()}` },
      } : {}),
      hardwareProfile: { vmSize: vm.vmSize },
      storageProfile: { imageReference: vm.imageReference, osDisk: osDisk(vm.name), dataDisks: [] },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: 'azureuser',
        linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true },
        secrets: [],
        allowExtensionOperations: true,
      },
      networkProfile: {
        networkInterfaces: [{ id: `/subscriptions/${scenario.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic-0` }],
      },
      ...(expandInstanceView ? { instanceView: instanceViewWire(vm.instanceView, false) } : {}),
      provisioningState: vm.provisioningState,
      ...(vm.timeCreated ? { timeCreated: vm.timeCreated } : {}),
    },
  };
}

export function availabilityStatusWire(status: AvailabilityStatusSpec, resourceId: string, location: string): Record<string, unknown> {
  return {
    id: `${resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
    name: 'current',
    type: 'Microsoft.ResourceHealth/AvailabilityStatuses',
    location,
    properties: {
      availabilityState: status.availabilityState,
      ...(status.title ? { title: status.title } : {}),
      summary: status.summary,
      ...(status.detailedStatus ? { detailedStatus: status.detailedStatus } : {}),
      ...(status.reasonType ? { reasonType: status.reasonType } : {}),
      ...(status.reasonChronicity ? { reasonChronicity: status.reasonChronicity } : {}),
      ...(status.category ? { category: status.category } : {}),
      ...(status.context ? { context: status.context } : {}),
      // The API's own spelling.
      ...(status.occurredTime ? { occuredTime: status.occurredTime } : {}),
      ...(status.reportedTime ? { reportedTime: status.reportedTime } : {}),
    },
  };
}
