import type { AzureScenario, ManagedClusterSpec, PlainVmSpec, ScaleSetVmSpec } from './scenario';

export function scaleSetId(subscriptionId: string, resourceGroup: string, scaleSetName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSetName}`;
}

export function scaleSetVmId(subscriptionId: string, vm: Pick<ScaleSetVmSpec, 'resourceGroup' | 'scaleSetName' | 'instanceId'>): string {
  return `${scaleSetId(subscriptionId, vm.resourceGroup, vm.scaleSetName)}/virtualMachines/${vm.instanceId}`;
}

export function plainVmId(subscriptionId: string, vm: Pick<PlainVmSpec, 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
}

/** AKS reports its own ids with `resourcegroups` in lower case. */
export function managedClusterId(subscriptionId: string, cluster: Pick<ManagedClusterSpec, 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${cluster.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`;
}

/** The scale-set instance behind a node's providerID, or the plain VM, or undefined. */
export function findByProviderId(scenario: AzureScenario, providerId: string): ScaleSetVmSpec | PlainVmSpec | undefined {
  const id = providerId.replace(/^azure:\/\//, '').toLowerCase();
  return scenario.scaleSetVms.find((vm) => scaleSetVmId(scenario.subscriptionId, vm).toLowerCase() === id)
    ?? scenario.virtualMachines.find((vm) => plainVmId(scenario.subscriptionId, vm).toLowerCase() === id);
}
