/**
 * What the Azure Resource Manager stand-in (armServer.ts) serves: one subscription's managed
 * clusters, scale-set instances, plain VMs, Resource Health and Activity Log, as plain data.
 * The server turns it into ARM's wire format (`properties` bags, `id`s, paging). A scenario is
 * mutable: tests change it between calls and the next answer shows the change.
 */

export type ProvisioningState = 'Succeeded' | 'Failed' | 'Updating' | 'Creating' | 'Deleting' | 'Canceled' | 'Upgrading' | 'Scaling' | string;
export type PowerStateCode = 'Running' | 'Stopped';
export type OutboundType = 'loadBalancer' | 'managedNATGateway' | 'userAssignedNATGateway' | 'userDefinedRouting' | 'none' | 'block';

export interface AgentPoolSpec {
  name: string;
  provisioningState: ProvisioningState;
  powerState: PowerStateCode;
  count: number;
  vmSize: string;
  nodeImageVersion: string;
  mode: 'System' | 'User' | 'Gateway';
  /** Default `VirtualMachineScaleSets`; `AvailabilitySet` for availability-set pools. */
  type?: 'VirtualMachineScaleSets' | 'AvailabilitySet' | 'VirtualMachines';
  osType?: 'Linux' | 'Windows';
  osSKU?: string;
  orchestratorVersion?: string;
  availabilityZones?: string[];
  enableAutoScaling?: boolean;
  minCount?: number;
  maxCount?: number;
  nodeTaints?: string[];
}

export interface KubeletIdentity {
  resourceId: string;
  clientId: string;
  objectId: string;
}

export interface ManagedClusterSpec {
  name: string;
  resourceGroup: string;
  location: string;
  /** As AKS reports it (`MC_…`); node providerIDs carry it in lower case. */
  nodeResourceGroup: string;
  provisioningState: ProvisioningState;
  powerState: PowerStateCode;
  kubernetesVersion: string;
  dnsPrefix?: string;
  networkProfile: { outboundType: OutboundType; networkPlugin?: string; networkPluginMode?: string; loadBalancerSku?: string };
  identityProfile?: { kubeletidentity?: KubeletIdentity };
  agentPoolProfiles: AgentPoolSpec[];
  /** e.g. `{ omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: '…' } } }`. */
  addonProfiles?: Record<string, { enabled: boolean; config?: Record<string, string> }>;
  tags?: Record<string, string>;
}

/** One entry of an instance view's `statuses[]` (also used inside extensions). */
export interface InstanceViewStatus {
  code: string;
  level?: 'Info' | 'Warning' | 'Error';
  displayStatus?: string;
  message?: string;
  /** ISO time. */
  time?: string;
}

export interface ExtensionInstanceView {
  name: string;
  /** As the instance view reports it, e.g. `Microsoft.Azure.Extensions.CustomScript`. */
  type: string;
  typeHandlerVersion: string;
  statuses: InstanceViewStatus[];
  substatuses?: InstanceViewStatus[];
}

export interface InstanceView {
  /** `ProvisioningState/…` and `PowerState/…` entries. */
  statuses: InstanceViewStatus[];
  extensions: ExtensionInstanceView[];
  /** Present when the application health extension is installed. */
  vmHealth?: { status: InstanceViewStatus };
  computerName?: string;
  osName?: string;
  osVersion?: string;
  vmAgentVersion?: string;
  platformUpdateDomain?: number;
  platformFaultDomain?: number;
}

export interface ImageReference {
  /** Gallery image version id, as AKS node images have. */
  id?: string;
  publisher?: string;
  offer?: string;
  sku?: string;
  version?: string;
  exactVersion?: string;
}

/** A virtual machine scale set instance (`…/virtualMachineScaleSets/{vmss}/virtualMachines/{id}`). */
export interface ScaleSetVmSpec {
  resourceGroup: string;
  scaleSetName: string;
  instanceId: string;
  location: string;
  zones?: string[];
  sku: { name: string; tier?: string };
  /** Default `{scaleSetName}_{instanceId}`. */
  name?: string;
  provisioningState: ProvisioningState;
  latestModelApplied: boolean;
  vmId: string;
  computerName: string;
  imageReference: ImageReference;
  osDiskSizeGB?: number;
  timeCreated?: string;
  tags?: Record<string, string>;
  instanceView: InstanceView;
}

/** A plain VM, as availability-set node pools have (`…/virtualMachines/{vmName}`). */
export interface PlainVmSpec {
  resourceGroup: string;
  name: string;
  location: string;
  vmSize: string;
  availabilitySetName?: string;
  provisioningState: ProvisioningState;
  vmId: string;
  computerName: string;
  imageReference: ImageReference;
  timeCreated?: string;
  tags?: Record<string, string>;
  instanceView: InstanceView;
}

/** `…/providers/Microsoft.ResourceHealth/availabilityStatuses/current` for one resource. */
export interface AvailabilityStatusSpec {
  /** The resource's id (compared case-insensitively). */
  resourceId: string;
  availabilityState: 'Available' | 'Unavailable' | 'Degraded' | 'Unknown';
  title?: string;
  summary: string;
  detailedStatus?: string;
  reasonType?: string;
  reasonChronicity?: 'Transient' | 'Persistent';
  /** ISO time the state began (the API spells it `occuredTime`). */
  occurredTime?: string;
  reportedTime?: string;
  category?: string;
  context?: string;
}

export interface LocalizableString {
  value: string;
  localizedValue: string;
}

/** One Activity Log event (EventData), close to the wire format. */
export interface ActivityLogEntry {
  resourceId: string;
  operationName: LocalizableString;
  status: LocalizableString;
  subStatus?: LocalizableString;
  caller: string;
  /** ISO time. */
  eventTimestamp: string;
  submissionTimestamp?: string;
  correlationId: string;
  operationId?: string;
  eventDataId?: string;
  level?: 'Critical' | 'Error' | 'Warning' | 'Informational' | 'Verbose';
  category?: LocalizableString;
  resourceGroupName?: string;
  resourceProviderName?: LocalizableString;
  resourceType?: LocalizableString;
  claims?: Record<string, string>;
  authorization?: { action: string; scope: string; role?: string };
  /** `statusCode`, `serviceRequestId`, and for failed operations `statusMessage` with an Azure error as JSON text. */
  properties?: Record<string, string>;
}

/** The long-running POSTs the stand-in runs: one scale-set instance's, or one pool's deleteMachines. */
export type ArmOperationKind = 'restart' | 'reimage' | 'redeploy' | 'deleteMachines';

/**
 * How a long-running operation runs (plain data, so the vscode and ui tiers can send it as JSON).
 * The first script in `AzureScenario.operations` that matches a POST applies; with none, the
 * operation answers `InProgress` to one poll, then `Succeeded`.
 */
export interface OperationScript {
  /** Default: any operation. */
  operation?: ArmOperationKind;
  /** The node: the instance's computer name, or a machine name sent to deleteMachines (case-insensitive). Default: any. */
  node?: string;
  /** Polls answered `InProgress` before the end (default 1; 0 ends at the first poll). */
  pollsInProgress?: number;
  /** End `Failed` with this Azure error instead of `Succeeded`. */
  fail?: { code: string; message: string };
  /** `Retry-After` (seconds) on the 202 and on each `InProgress` answer; default none. */
  retryAfterSeconds?: number;
  /** How many operations it applies to; default every one. */
  times?: number;
}

export interface AzureScenario {
  subscriptionId: string;
  tenantId: string;
  managedClusters: ManagedClusterSpec[];
  scaleSetVms: ScaleSetVmSpec[];
  virtualMachines: PlainVmSpec[];
  resourceHealth: AvailabilityStatusSpec[];
  activityLog: ActivityLogEntry[];
  /** Page sizes of paged lists (default: managed clusters 100, Activity Log 200). */
  paging?: { managedClusters?: number; activityLog?: number };
  /** How restart / reimage / redeploy / deleteMachines run (see OperationScript). */
  operations?: OperationScript[];
}

// Resource ids and the simulated cluster's Azure side live in their own files; importers use this one.
export * from './resourceIds';
export { simulatedAzureScenario, SIMULATED_AZURE } from './simulatedAzure';
export type { SimulatedAzureOptions } from './simulatedAzure';
