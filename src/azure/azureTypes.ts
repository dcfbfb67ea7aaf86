/**
 * The Azure backend's surface, as the extension sees it. The backend (dist/azure.js, with the
 * @azure/* clients) is loaded lazily by the diagnosis panel, like the cluster client. No `vscode`
 * import, and no runtime import of any @azure package here: types only.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Diagnosis, RepairErrorSeen } from '../domain/diagnosis';

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
  /** The Azure CLI's account (`az account get-access-token`), optionally for one tenant. */
  cliCredential(tenant?: string): TokenCredential;
  /** Loads the display language's strings into this bundle's copy of @vscode/l10n. */
  setL10nBundle(contents: Record<string, string> | undefined): void;
}
