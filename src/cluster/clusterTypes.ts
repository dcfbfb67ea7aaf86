/**
 * The cluster access layer's contract: what the extension asks of it and what it hands back.
 * Types only, so the extension can depend on it without loading the cluster bundle.
 */

import type { ClusterModel } from '../domain/clusterModel';

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
}

export interface ClusterConnection {
  readonly identity: ClusterIdentity | undefined;
  readonly state: ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): { dispose(): void };
  start(): void;
  /** Relist now and reset the backoff; re-reads the kubeconfig. */
  refresh(): void;
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
