/**
 * The cluster access layer's contract: what the extension asks of it and what it hands back.
 * Types only, so the extension can depend on it without loading the cluster bundle.
 */

import type { ClusterModel } from '../domain/clusterModel';
import type { WakeGap, WakeOptions } from './wakeDetector';

export interface KubeconfigOptions {
  /** The `aksNodeRepair.kubeconfig` setting; wins over KUBECONFIG and ~/.kube/config when set. */
  settingPath?: string;
  /** Environment to read KUBECONFIG from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Home directory for `~/.kube/config` and `~` in paths. Default: os.homedir(). */
  home?: string;
  /** Overrides the current context. */
  context?: string;
}

export interface ClusterIdentity {
  context: string;
  /** The cluster entry's name. */
  cluster: string;
  server: string;
  /** The user entry's name. */
  user: string;
  /** The kubeconfig files that were read, in precedence order. */
  files: readonly string[];
  /** Every context name in the merged kubeconfig. */
  contexts: readonly string[];
}

export type ProblemKind =
  | 'kubeconfig-missing' | 'kubeconfig-invalid' | 'no-context' | 'exec-failed'
  | 'unauthorized' | 'forbidden' | 'unreachable' | 'timeout' | 'server-error' | 'tls' | 'unknown';

export interface ConnectionProblem {
  kind: ProblemKind;
  /** One line, for the view. */
  message: string;
  /** What the user should do, e.g. `Run "kubelogin convert-kubeconfig -l azurecli"`. */
  nextStep: string;
  file?: string;
  /** The exec credential plugin command that failed. */
  command?: string;
  /** Longer, for the log; secrets redacted. */
  detail?: string;
}

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'loading'; nodes: number; events: number }
  /** warnings: e.g. `Events are not permitted (403): ...`. */
  | { kind: 'connected'; since: number; warnings: readonly string[] }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; problem: ConnectionProblem }
  /** Kubeconfig problems and a missing credential plugin: not retried until refresh(). */
  | { kind: 'failed'; problem: ConnectionProblem };

export interface Logger {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
  debug(m: string): void;
}

export interface ConnectOptions extends KubeconfigOptions {
  model: ClusterModel;
  log: Logger;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Reconnect delays: initialMs·2ⁿ up to maxMs, ±20 % jitter. Default 1 s .. 60 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Per list request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Server-side watch timeout. Default 300. */
  watchTimeoutSeconds?: number;
  /** No data at all on a watch for this long: abort and reconnect. Default watchTimeoutSeconds·1000 + 30 s. */
  watchIdleMs?: number;
  /** How often events are tried again while the user may not list them (403). Default 5 min. */
  forbiddenRetryMs?: number;
  /** How long an exec credential plugin may run before it is reported as stuck (default 60 s). */
  credentialTimeoutMs?: number;
  now?: () => number;
  /** The sleep check (a timer that fires far too late means the machine slept): relists at once on a wake. */
  wake?: WakeOptions;
}

export interface ClusterConnection {
  readonly identity: ClusterIdentity | undefined;
  readonly state: ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): { dispose(): void };
  /** The machine slept (the connection relists at once): how long, so the view can say what may be missing. */
  onDidWake(listener: (gap: WakeGap) => void): { dispose(): void };
  start(): void;
  /** Relist now and reset the backoff; re-reads the kubeconfig. */
  refresh(): void;
  /** Node actions with this connection's credentials; the problem when it has none (kubeconfig failed). */
  actions(): NodeActions | { readonly problem: ActionProblem };
  dispose(): void;
}

export type KubeconfigResult =
  | { ok: true; identity: ClusterIdentity }
  | { ok: false; problem: ConnectionProblem };

export interface ClusterBackend {
  /**
   * The extension's loaded l10n bundle (`vscode.l10n.bundle`), for the messages this layer
   * writes: the cluster bundle has its own copy of @vscode/l10n. Undefined keeps English.
   */
  setL10nBundle(contents: Record<string, string> | undefined): void;
  readKubeconfig(options: KubeconfigOptions): KubeconfigResult;
  connect(options: ConnectOptions): ClusterConnection;
}

// ---------------------------------------------------------------- node actions (issue "Act on a node")

/** A node as the server has it right now, read again just before an action runs. */
export interface NodeFacts {
  readonly name: string;
  readonly uid: string;
  readonly providerID?: string;
  readonly unschedulable: boolean;
  readonly resourceVersion?: string;
  /** The Ready condition's status (`True`, `False`, `Unknown`); absent when the node reports none. */
  readonly ready?: string;
}

export type ActionProblemKind =
  | 'forbidden' | 'not-found' | 'conflict' | 'unauthorized' | 'unreachable' | 'timeout' | 'server-error' | 'cancelled' | 'unknown';

/** Why an action (or one of its requests) failed, with what to do about it. */
export interface ActionProblem {
  readonly kind: ActionProblemKind;
  /** One line, for a notification. */
  readonly message: string;
  readonly nextStep: string;
  readonly status?: number;
  /** For a 403: the RBAC verb and resource that is missing, e.g. `patch nodes` or `create pods/eviction`. */
  readonly permission?: string;
  /** Longer, for the log; secrets redacted. */
  readonly detail?: string;
}

/** Actions never reject: a failure is a value with its fix. */
export type ActionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ActionProblem };

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  /**
   * The pod's uid when known: evictions and deletions send it as a precondition, so a new pod
   * that took the name meanwhile (a StatefulSet's replacement) is never the one removed.
   */
  readonly uid?: string;
}

export interface DrainOptions {
  /** Passed to each eviction's DeleteOptions; default each pod's own grace period. */
  readonly gracePeriodSeconds?: number;
  /** The whole drain gives up after this long, reporting what remains. Default 5 minutes. */
  readonly timeoutMs?: number;
  /** First wait after a 429 (PodDisruptionBudget) answer; doubled up to 10 s. Default 1 s. */
  readonly retryDelayMs?: number;
  /**
   * Evict pods no controller manages too (`kubectl drain --force`): nothing recreates them.
   * Without it a drain that finds any evicts nothing and ends `needsForce`, as kubectl refuses.
   */
  readonly force?: boolean;
}

/** One pod's progress through a drain. */
export interface DrainProgress {
  readonly pod: PodRef;
  readonly state: 'evicting' | 'blocked' | 'evicted' | 'failed';
  /** `blocked`: the PodDisruptionBudget the server named, when it did. */
  readonly budget?: string;
  /**
   * The server's message for `blocked` or `failed` (untrusted text); on `evicting`, a note such as
   * "not managed by a controller". `failed` is one attempt: it is retried until `timeoutMs`.
   */
  readonly message?: string;
  /** Pods evicted (or already gone) so far, and pods to evict in all (DaemonSet and mirror pods not counted). */
  readonly done: number;
  readonly total: number;
}

export interface DrainResult {
  /**
   * `drained`: every pod to evict is gone. `timeout`: some remain (see `remaining`). `cancelled`:
   * the signal was aborted (see `cordoned`). `needsForce`: pods no controller manages are on the
   * node (see `unmanaged`) and `force` was not set: the node was cordoned, nothing was evicted.
   */
  readonly outcome: 'drained' | 'timeout' | 'cancelled' | 'needsForce';
  /** The cordon was applied (true), never sent (false), or cancelled in flight (undefined: it may have been). */
  readonly cordoned: boolean | undefined;
  /** `needsForce`: the pods a drain without `force` refuses to evict (kubectl's "cannot delete Pods that declare no controller"). */
  readonly unmanaged?: readonly PodRef[];
  readonly evicted: readonly PodRef[];
  /** Pods a drain leaves alone, as `kubectl drain --ignore-daemonsets` does. */
  readonly skipped: readonly { readonly pod: PodRef; readonly why: 'daemonset' | 'mirror' }[];
  /** Pods still on the node at the end, with the budget or error that kept each. */
  readonly remaining: readonly { readonly pod: PodRef; readonly budget?: string; readonly message?: string }[];
}

/**
 * What the extension may do to a node through the API server, with the connection's own
 * credentials (the same exec plugin and token refresh as the watch).
 */
export interface NodeActions {
  /** The API server the next request would go to (the connection's client now); undefined when it has none. */
  apiServer(): string | undefined;
  /**
   * The same actions, bound to `server`: a request that would go anywhere else (the kubeconfig
   * was re-read and now names another server) is refused with a `conflict` problem, never sent.
   */
  pinnedTo(server: string): NodeActions;
  /** The node now; `value` undefined when the server says 404. */
  readNode(name: string, signal?: AbortSignal): Promise<ActionResult<NodeFacts | undefined>>;
  /** Cordon (`true`) or uncordon (`false`): patches `spec.unschedulable`. */
  setUnschedulable(name: string, unschedulable: boolean, signal?: AbortSignal): Promise<ActionResult<NodeFacts>>;
  /**
   * Cordons, then evicts the node's pods through the Eviction API as
   * `kubectl drain --ignore-daemonsets --delete-emptydir-data` does: DaemonSet and mirror pods
   * skipped, pods no controller manages only with `force` (else `needsForce`, nothing evicted),
   * 429 (PodDisruptionBudget) retried with backoff until `timeoutMs`.
   */
  drain(name: string, options: DrainOptions, onProgress: (progress: DrainProgress) => void, signal: AbortSignal): Promise<ActionResult<DrainResult>>;
  /**
   * Deletes pods outright (the second, explicit choice after a drain timed out), each with its
   * uid as a precondition when the PodRef has one: `replaced` are pods whose name now belongs to
   * another pod (409 Conflict), which is left alone.
   */
  deletePods(pods: readonly PodRef[], gracePeriodSeconds: number | undefined, signal?: AbortSignal): Promise<ActionResult<PodDeletion>>;
}

export interface PodDeletion {
  readonly deleted: readonly PodRef[];
  /** The name now belongs to a new pod (its uid differs): that one was not deleted. */
  readonly replaced: readonly PodRef[];
  readonly failed: readonly { readonly pod: PodRef; readonly problem: ActionProblem }[];
}
