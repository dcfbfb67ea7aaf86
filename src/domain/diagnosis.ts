/**
 * What "Diagnose Node in Azure" found for one node: the Azure resources behind it, section by
 * section as the answers arrive, and the findings drawn from them. Plain data, no `vscode`: the
 * Azure backend fills it, the panel renders it, the support report and "Copy as Markdown" read it.
 * Every string in here came from Azure or the cluster: untrusted text, escaped where shown.
 */

/** The Azure VM behind a node, read from its `spec.providerID`. */
export type NodeTarget =
  | {
    readonly kind: 'vmss';
    readonly subscriptionId: string;
    /** As written in the providerID (the cloud provider lower-cases it): compare case-insensitively. */
    readonly resourceGroup: string;
    readonly scaleSet: string;
    readonly instanceId: string;
    /** `/subscriptions/…/virtualMachineScaleSets/<vmss>/virtualMachines/<id>`. */
    readonly resourceId: string;
  }
  | {
    readonly kind: 'vm';
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly vmName: string;
    readonly resourceId: string;
  };

export type ProviderIdResult =
  | { readonly ok: true; readonly target: NodeTarget }
  /** Empty or not an Azure VM id: itself the evidence for `scaleSetNameAndInstanceIDFromProviderID failed`. */
  | { readonly ok: false; readonly raw: string; readonly reason: string };

export type AzureProblemKind =
  | 'not-signed-in' | 'cli-missing' | 'wrong-tenant'
  | 'unauthorized' | 'forbidden' | 'not-found' | 'throttled' | 'server' | 'timeout'
  | 'malformed' | 'network' | 'refused-host' | 'unknown';

/** Why a section could not be read, with the action that fixes it. */
export interface AzureProblem {
  readonly kind: AzureProblemKind;
  readonly message: string;
  readonly nextStep: string;
  readonly status?: number;
  /** Azure's error code (`AuthorizationFailed`, `ResourceNotFound` …). */
  readonly code?: string;
  /** For a 403: the role and scope that would allow the call, e.g. Reader on the node resource group. */
  readonly missingRole?: { readonly role: string; readonly scope: string };
}

export type Section<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly value: T }
  /** The resource does not exist (404): a finding, not an error. */
  | { readonly state: 'gone'; readonly message: string }
  | { readonly state: 'error'; readonly problem: AzureProblem }
  /** Not asked: e.g. no usable providerID. */
  | { readonly state: 'skipped'; readonly reason: string };

export interface InstanceFacts {
  readonly resourceId: string;
  readonly name?: string;
  readonly computerName?: string;
  /** `running`, `stopped`, `deallocated`, `starting` … (from `PowerState/<x>`). */
  readonly powerState?: string;
  /** `succeeded`, `failed`, `updating` … (from `ProvisioningState/<x>` or the model). */
  readonly provisioningState?: string;
  readonly latestModelApplied?: boolean;
  /** `publisher:offer:sku:version`, or a gallery image id. */
  readonly image?: string;
  readonly vmSize?: string;
  readonly zone?: string;
  /** `healthy`, `unhealthy`, `unknown` when the application health extension reports. */
  readonly vmHealth?: string;
}

export interface ExtensionFacts {
  readonly name: string;
  readonly type?: string;
  readonly typeHandlerVersion?: string;
  /** The status's `displayStatus` (`Provisioning failed` …). */
  readonly status?: string;
  /** `Info`, `Warning`, `Error`. */
  readonly level?: string;
  readonly code?: string;
  readonly message?: string;
  /** For the bootstrap extension (vmssCSE): the exit status read from the message. */
  readonly exitCode?: number;
}

export interface HealthFacts {
  /** `Available`, `Unavailable`, `Degraded`, `Unknown`. */
  readonly availabilityState?: string;
  readonly summary?: string;
  readonly reason?: string;
  readonly detailedStatus?: string;
  /** Epoch ms: since when this state holds. */
  readonly since?: number;
}

export interface ActivityEntry {
  /** `Microsoft.Compute/virtualMachineScaleSets/virtualMachines/restart/action` … */
  readonly operation: string;
  /** Azure's own label for it, when it sent one. */
  readonly operationLabel?: string;
  /** `Started`, `Accepted`, `Succeeded`, `Failed` … */
  readonly status?: string;
  readonly subStatus?: string;
  readonly caller?: string;
  /** Epoch ms. */
  readonly time: number;
  readonly resourceId?: string;
  readonly correlationId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface PoolFacts {
  readonly name: string;
  readonly provisioningState?: string;
  readonly powerState?: string;
  readonly count?: number;
  readonly vmSize?: string;
  readonly nodeImageVersion?: string;
  readonly mode?: string;
}

export interface ClusterFacts {
  readonly name: string;
  readonly resourceId: string;
  readonly resourceGroup: string;
  readonly provisioningState?: string;
  readonly powerState?: string;
  readonly kubernetesVersion?: string;
  /** `loadBalancer`, `managedNATGateway`, `userAssignedNATGateway`, `userDefinedRouting`, `none`, `block`. */
  readonly outboundType?: string;
  readonly nodeResourceGroup?: string;
  readonly kubeletIdentity?: { readonly clientId?: string; readonly objectId?: string; readonly resourceId?: string };
  /** The node's own pool, when found. */
  readonly pool?: PoolFacts;
}

export interface Diagnosis {
  readonly node: string;
  readonly providerId?: string;
  /** The parsed providerID, or why it does not parse. */
  readonly target: ProviderIdResult;
  readonly instance: Section<InstanceFacts>;
  readonly extensions: Section<readonly ExtensionFacts[]>;
  readonly health: Section<HealthFacts>;
  readonly activity: Section<readonly ActivityEntry[]>;
  readonly cluster: Section<ClusterFacts>;
  /** The Activity Log's window as read (epoch ms): from NotReady (at least 24 h, at most ~89 days back) to the request's `now`. */
  readonly activityWindow?: { readonly from: number; readonly to: number };
  /**
   * Set when at least one section failed and every one that failed could not sign in (not signed
   * in, CLI missing, wrong tenant): the first such problem, for the panel to show once, not in
   * each section (the sections keep their own problem too).
   */
  readonly signIn?: AzureProblem;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms; undefined while sections are still loading. */
  readonly completedAt?: number;
}

/** What the evidence says about one auto-repair error code on the node, and what to do. */
export interface Finding {
  /** The auto-repair error code (or reason) this is about. */
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly title: string;
  /** What the evidence shows, in a sentence or two. */
  readonly evidence: string;
  readonly nextStep: string;
  /** A command to copy (`az …`, `kubectl …`), with the node's real names filled in. */
  readonly command?: string;
  /** The catalog entry to open. */
  readonly guidanceId?: string;
  /** The Azure error's message the auto-repair event carried (for the guidance context), short. */
  readonly azureMessage?: string;
}

/** The auto-repair errors the cluster showed for the node, as the findings need them. */
export interface RepairErrorSeen {
  readonly code?: string;
  readonly reason: string;
  readonly action: 'reboot' | 'reimage' | 'redeploy';
  /** Epoch ms. */
  readonly seenAt?: number;
  /** The Azure error's message, when the event carried one. */
  readonly azureMessage?: string;
}

/** What the tree's tooltip says about a node's last diagnosis. */
export interface DiagnosisNote {
  /** Epoch ms the diagnosis completed. */
  readonly at: number;
  readonly findings: number;
}
