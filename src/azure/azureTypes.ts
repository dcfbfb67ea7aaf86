/**
 * The Azure backend's surface, as the extension sees it. The backend (dist/azure.js, with the
 * @azure/* clients) is loaded lazily by the diagnosis panel, like the cluster client. No `vscode`
 * import, and no runtime import of any @azure package here: types only.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AzureProblem, Diagnosis, RepairErrorSeen } from '../domain/diagnosis';
import type { RecordedEvent } from '../domain/history';

export type { TokenCredential };

/** Where the backend writes what it refused or retried; never a token or a header. */
export interface AzureLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface AzureSettings {
  /** `https://management.azure.com` by default; tokens go to this host only. */
  readonly resourceManagerEndpoint: string;
  /** Per request; a hung connection fails after this long. */
  readonly requestTimeoutMs?: number;
  /** Retries of 429/5xx/timeouts inside one call before its section shows the last error. */
  readonly maxRetries?: number;
  /** First retry delay (doubled each time, with jitter) when the answer names no `Retry-After`. Default 500 ms. */
  readonly retryBaseDelayMs?: number;
  /** Refused hosts, retries and sign-in refreshes are logged here (hosts and codes only). */
  readonly log?: AzureLogger;
  /** `https://api.loganalytics.io` by default (without `/v1`); Log Analytics tokens go to this host only. */
  readonly logAnalyticsEndpoint?: string;
  /** How often a long-running operation is polled when Azure names no `Retry-After`. Default 5 s. */
  readonly pollIntervalMs?: number;
}

// ---------------------------------------------------------------- node VM actions (issue "Act on a node")

/** The scale-set instance operations auto-repair itself uses. */
export type InstanceOperation = 'restart' | 'reimage' | 'redeploy';

export interface InstanceOperationRequest {
  readonly node: string;
  /** `spec.providerID` of a VMSS node (an availability-set VM is refused with a problem). */
  readonly providerId: string;
  readonly operation: InstanceOperation;
}

export interface DeleteMachineRequest {
  readonly node: string;
  readonly providerId: string;
  /** The agent pool (label `kubernetes.azure.com/agentpool`); the machine name is the node name. */
  readonly pool: string;
}

/** While a long-running operation runs: Azure's status text as polled (`InProgress` …). */
export interface OperationProgress {
  readonly status: string;
  readonly elapsedMs: number;
}

export type OperationResult =
  | { readonly ok: true; readonly status: string; readonly elapsedMs: number; readonly resourceId: string }
  /** `problem.code` is Azure's error code (guidance is looked up by it); `problem.message` Azure's text. */
  | {
    readonly ok: false; readonly problem: AzureProblem; readonly elapsedMs: number; readonly resourceId?: string;
    /** The operation's POST went out (whether Azure acted on it, the problem says); false or absent: nothing was sent to Azure. */
    readonly sent?: boolean;
  };

// ---------------------------------------------------------------- Container Insights (issue "Evidence past the hour")

export interface InsightsRequest {
  /** A providerID of one of the cluster's nodes: finds the subscription and the managed cluster. */
  readonly providerId: string;
  /** The node asked about; undefined for the whole cluster. */
  readonly node?: string;
  /**
   * The kubeconfig's cluster entry name (AKS names it after the managed cluster): limits the rows
   * to this cluster when the managed cluster itself cannot be read.
   */
  readonly clusterName?: string;
  /** `aksNodeRepair.containerInsights.workspaceId`: a workspace GUID or resource ID; empty to discover. */
  readonly workspace?: string;
  /** 1..90. */
  readonly days: number;
  /** Epoch ms. */
  readonly now: number;
}

export interface InsightsResult {
  /** `KubeEvents` rows about nodes, as events with origin `containerInsights`. */
  readonly events: readonly RecordedEvent[];
  /** The workspace read, and how it was found. */
  readonly workspace?: { readonly customerId: string; readonly resourceId?: string; readonly foundBy: 'setting' | 'omsagent' | 'dataCollectionRule' };
  /** False when only Warning rows came back, so Normal events (Start/End) are not collected (`collect_all_kube_events`). */
  readonly normalEventsCollected?: boolean;
  /** Some rows came back, but Log Analytics reported a partial failure. */
  readonly partial?: AzureProblem;
  /** Nothing could be read (no workspace, no permission, throttled …). */
  readonly problem?: AzureProblem;
}

export interface DiagnoseRequest {
  readonly node: string;
  /** `spec.providerID` as the node has it (may be empty or malformed). */
  readonly providerId?: string;
  /** Label `kubernetes.azure.com/agentpool`. */
  readonly pool?: string;
  /** Epoch ms: since when the node is NotReady; the Activity Log is read from then (at least 24 h back). */
  readonly notReadySince?: number;
  /** The auto-repair errors on the node, for the findings. */
  readonly errors: readonly RepairErrorSeen[];
  /** Epoch ms. */
  readonly now: number;
}

export interface AzureBackend {
  /**
   * Reads everything for one node, calls in parallel where they can be; `onUpdate` gets the
   * diagnosis after each section arrives (one failing call never blanks the others). Resolves
   * with the complete diagnosis; never rejects (every failure is a section's problem).
   */
  diagnose(
    request: DiagnoseRequest,
    credential: TokenCredential,
    settings: AzureSettings,
    onUpdate: (diagnosis: Diagnosis) => void,
    signal: AbortSignal,
  ): Promise<Diagnosis>;
  /** Restart, reimage or redeploy one scale-set instance; resolves when the operation ends. Never rejects. */
  runInstanceOperation(
    request: InstanceOperationRequest,
    credential: TokenCredential,
    settings: AzureSettings,
    onProgress: (progress: OperationProgress) => void,
    signal: AbortSignal,
  ): Promise<OperationResult>;
  /**
   * Removes one machine from its pool (agent pool `deleteMachines`): the pool's count drops by one;
   * a fresh node comes from scaling the pool back (or the cluster autoscaler). Never rejects.
   */
  deleteMachine(
    request: DeleteMachineRequest,
    credential: TokenCredential,
    settings: AzureSettings,
    onProgress: (progress: OperationProgress) => void,
    signal: AbortSignal,
  ): Promise<OperationResult>;
  /** Reads the cluster's `KubeEvents` about nodes from its Log Analytics workspace. Never rejects. */
  readContainerInsights(request: InsightsRequest, credential: TokenCredential, settings: AzureSettings, signal: AbortSignal): Promise<InsightsResult>;
  /** The Azure CLI's account (`az account get-access-token`), optionally for one tenant. */
  cliCredential(tenant?: string): TokenCredential;
  /** Loads the display language's strings into this bundle's copy of @vscode/l10n. */
  setL10nBundle(contents: Record<string, string> | undefined): void;
}
