import type { ClusterFacts, Diagnosis, ExtensionFacts, Section } from '../../src/domain/diagnosis';
import { parseProviderId } from '../../src/domain/providerId';

export const SUB = '3f2c8a1e-6b7d-4c59-9e0f-2a4b6c8d0e1f';
export const NODE_RG = 'mc_rg-demo_aks-demo_westeurope';
export const VMSS = 'aks-nodepool1-12345678-vmss';
export const NODE = 'aks-nodepool1-12345678-vmss000003';
export const INSTANCE_ID = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${VMSS}/virtualMachines/3`;
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo`;
export const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);

export const CSE_FAILED: ExtensionFacts = {
  name: 'vmssCSE',
  type: 'Microsoft.Azure.Extensions.CustomScript',
  typeHandlerVersion: '2.1',
  status: 'Provisioning failed',
  level: 'Error',
  code: 'ProvisioningState/failed/50',
  message: 'Enable failed: failed to execute command: command terminated with exit status=50\n[stdout]\n{ "ExitCode": "50", "Output": "nc: connect to mcr.microsoft.com port 443 (tcp) timed out" }',
};

export const CLUSTER: ClusterFacts = {
  name: 'aks-demo',
  resourceId: CLUSTER_ID,
  resourceGroup: 'rg-demo',
  provisioningState: 'Succeeded',
  powerState: 'Running',
  kubernetesVersion: '1.31.2',
  outboundType: 'userDefinedRouting',
  nodeResourceGroup: 'MC_rg-demo_aks-demo_westeurope',
  kubeletIdentity: {
    clientId: '11111111-2222-3333-4444-555555555555',
    objectId: '66666666-7777-8888-9999-000000000000',
    resourceId: `/subscriptions/${SUB}/resourceGroups/MC_rg-demo_aks-demo_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-demo-agentpool`,
  },
  pool: { name: 'nodepool1', provisioningState: 'Succeeded', powerState: 'Running', count: 3, vmSize: 'Standard_D4s_v5', nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202411.12.0', mode: 'System' },
};

export function ok<T>(value: T): Section<T> {
  return { state: 'ok', value };
}

export function forbidden(scope = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}`): Section<never> {
  return {
    state: 'error',
    problem: {
      kind: 'forbidden', status: 403, code: 'AuthorizationFailed',
      message: 'The client does not have authorization to perform action.',
      nextStep: 'Ask for the Reader role on the node resource group.',
      missingRole: { role: 'Reader', scope },
    },
  };
}

export function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    node: NODE,
    providerId: `azure://${INSTANCE_ID}`,
    target: parseProviderId(`azure://${INSTANCE_ID}`),
    instance: ok({ resourceId: INSTANCE_ID, name: `${VMSS}_3`, computerName: NODE, powerState: 'running', provisioningState: 'failed', latestModelApplied: true, image: 'AKSUbuntu-2204gen2containerd-202411.12.0' }),
    extensions: ok([CSE_FAILED, { name: 'AKSLinuxBilling', status: 'Provisioning succeeded', level: 'Info' }]),
    health: ok({ availabilityState: 'Unavailable', summary: 'The VM is stopping', reason: 'Customer initiated', since: Date.UTC(2026, 11, 3, 9, 40) }),
    activity: ok([]),
    cluster: ok(CLUSTER),
    startedAt: NOW - 5000,
    completedAt: NOW,
    ...overrides,
  };
}
