import * as vscode from 'vscode';
import type { ActionProblem, ClusterBackend, ClusterConnection, ClusterIdentity, ConnectionProblem, ConnectionState, Logger, NodeActions } from '../cluster/clusterTypes';
import { singleLine } from '../domain/format';
import { redact } from '../domain/redact';
import { ClusterModel, type ClusterChange } from '../domain/clusterModel';
import { expandHome } from '../domain/homePath';
import { MementoKeys, SETTINGS_SECTION, settingId, Settings } from '../ids';
import type { ResumeNote, SleepGap } from '../domain/resumeNote';

/**
 * What the view shows about the connection: the backend's state, or why there is none yet; and,
 * after the machine slept, for how long (the note stays until the next connect or sleep).
 */
export type SessionState =
  | { kind: 'idle' }
  | (ConnectionState & { readonly resumed?: ResumeNote });

/**
 * The connection to the current cluster, a service owned by the composition root: started when
 * the Nodes view is first shown, it loads the cluster client bundle then (not at activation),
 * follows the kubeconfig setting, switches context, and tells its subscribers (the view, the
 * status bar, the notifier) about state and model changes.
 */
export class ClusterSession implements vscode.Disposable {
  private backend?: ClusterBackend;
  private connection?: ClusterConnection;
  private connectionSubscription?: { dispose(): void };
  private modelSubscription?: { dispose(): void };
  private currentModel = new ClusterModel();
  private currentState: SessionState = { kind: 'idle' };
  private resumeNote: ResumeNote | undefined;
  private started = false;
  private readonly stateChanged = new vscode.EventEmitter<SessionState>();
  private readonly modelChanged = new vscode.EventEmitter<ClusterChange>();
  private readonly woke = new vscode.EventEmitter<SleepGap>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onDidChangeModel = this.modelChanged.event;
  /** The machine slept and the connection relisted: the gap, for a read of what the cluster no longer has. */
  readonly onDidWake = this.woke.event;
  /**
   * Test hook only (the vscode tier simulates a sleep by moving the sleep check's clock forward);
   * not an API to build on. Read at each check, so a change takes effect at once.
   */
  readonly wakeTestHook = { clockOffsetMs: 0 };
  private readonly subscriptions: vscode.Disposable[] = [this.stateChanged, this.modelChanged, this.woke];

  constructor(
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (this.started && e.affectsConfiguration(settingId(Settings.kubeconfig))) {
        this.log.info('The kubeconfig setting changed: reconnecting.');
        this.connect();
      }
    }));
  }

  get model(): ClusterModel {
    return this.currentModel;
  }

  get state(): SessionState {
    return this.currentState;
  }

  get identity(): ClusterIdentity | undefined {
    return this.connection?.identity;
  }

  get isBackendLoaded(): boolean {
    return this.backend !== undefined;
  }

  /**
   * What Container Insights has from the part of `gap` whose cluster events expired: the note
   * under the cluster says how many (ignored when another sleep or connection came since).
   */
  noteGapInsights(gap: SleepGap, events: number): void {
    if (this.resumeNote?.gap !== gap || !this.connection) {
      return;
    }
    this.resumeNote = { gap, insightsEvents: events };
    this.setState(this.connection.state);
  }

  /** Node actions (cordon, drain …) with the current connection's credentials, or why there are none. */
  nodeActions(): NodeActions | { readonly problem: ActionProblem } {
    if (!this.connection) {
      return {
        problem: {
          kind: 'unreachable',
          message: vscode.l10n.t('No cluster is connected.'),
          nextStep: vscode.l10n.t('Connect one in the Nodes view (a kubeconfig with an AKS context), then run the action again.'),
        },
      };
    }
    return this.connection.actions();
  }

  /** Connects on first call; later calls do nothing. */
  ensureStarted(): void {
    if (!this.started) {
      this.started = true;
      this.connect();
    }
  }

  /** Relists now (and re-reads a kubeconfig that had failed). */
  refresh(): void {
    if (!this.started || !this.connection || this.currentState.kind === 'failed') {
      this.started = true;
      this.connect();
      return;
    }
    this.connection.refresh();
  }

  /** The contexts of the kubeconfig in use, for the context picker. */
  contexts(): { contexts: readonly string[]; current?: string } | { problem: ConnectionProblem } {
    const backend = this.loadBackend();
    if ('problem' in backend) {
      return backend;
    }
    const read = backend.readKubeconfig(this.kubeconfigOptions());
    return read.ok ? { contexts: read.identity.contexts, current: read.identity.context } : { problem: read.problem };
  }

  async switchContext(context: string): Promise<void> {
    const key = this.kubeconfigKey(this.kubeconfigOptions().settingPath);
    const selected = { ...this.globalState.get<Record<string, string>>(MementoKeys.selectedContexts, {}), [key]: context };
    await this.globalState.update(MementoKeys.selectedContexts, selected);
    this.log.info(`Switching to context "${context}".`);
    this.started = true;
    this.connect();
  }

  /** The kubeconfig file a user would open to fix a problem. */
  kubeconfigFile(): string | undefined {
    const fromProblem = this.currentState.kind === 'failed' || this.currentState.kind === 'reconnecting' ? this.currentState.problem.file : undefined;
    return fromProblem ?? this.connection?.identity?.files[0] ?? this.kubeconfigOptions().settingPath ?? firstKubeconfigPath();
  }

  private connect(): void {
    this.disconnect();
    const backend = this.loadBackend();
    if ('problem' in backend) {
      this.setState({ kind: 'failed', problem: backend.problem });
      return;
    }
    this.currentModel = new ClusterModel({ onError: (what, err) => this.log.error(redact(`${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)) });
    this.modelSubscription = this.currentModel.onDidChange((change) => this.modelChanged.fire(change));
    // A new model: the view redraws everything once.
    this.modelChanged.fire({ nodes: [], full: true });
    const clock = this.wakeTestHook;
    const connection = backend.connect({
      ...this.kubeconfigOptions(), model: this.currentModel, log: redactingLogger(this.log), wake: { now: () => Date.now() + clock.clockOffsetMs },
    });
    this.connection = connection;
    this.resumeNote = undefined;
    this.connectionSubscription = vscode.Disposable.from(
      connection.onDidChangeState((state) => this.setState(state)),
      connection.onDidWake((gap) => {
        this.resumeNote = { gap };
        this.setState(connection.state);
        this.woke.fire(gap);
      }),
    );
    this.setState(connection.state);
    connection.start();
  }

  private disconnect(): void {
    this.connectionSubscription?.dispose();
    this.modelSubscription?.dispose();
    this.connection?.dispose();
    this.connection = undefined;
  }

  private setState(state: SessionState): void {
    this.currentState = state.kind === 'idle' || !this.resumeNote ? state : { ...state, resumed: this.resumeNote };
    // Listeners see what `state` returns, the resume note included.
    this.stateChanged.fire(this.currentState);
  }

  private loadBackend(): ClusterBackend | { problem: ConnectionProblem } {
    if (!this.backend) {
      try {
        const started = Date.now();
        // Required here, not imported: @kubernetes/client-node (~2 MB) loads when the view is first shown.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require('../cluster/clusterBackend') as typeof import('../cluster/clusterBackend');
        mod.backend.setL10nBundle(vscode.l10n.bundle);
        this.backend = mod.backend;
        this.log.info(`Cluster client loaded in ${Date.now() - started} ms.`);
        return mod.backend;
      } catch (err) {
        this.log.error(`Could not load the cluster client: ${redact(singleLine(String(err)))}`);
        return {
          problem: {
            kind: 'unknown',
            message: vscode.l10n.t('The Kubernetes client could not be loaded.'),
            nextStep: vscode.l10n.t('Reinstall the extension; see the "AKS Node Auto-Repair" output for details.'),
            detail: String(err),
          },
        };
      }
    }
    return this.backend;
  }

  private kubeconfigOptions(): { settingPath?: string; context?: string } {
    const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.kubeconfig, '').trim();
    const settingPath = setting ? expandHome(setting) : undefined;
    const context = this.globalState.get<Record<string, string>>(MementoKeys.selectedContexts, {})[this.kubeconfigKey(settingPath)];
    return { settingPath, context };
  }

  /** Which kubeconfig a remembered context belongs to. */
  private kubeconfigKey(settingPath: string | undefined): string {
    return settingPath ?? process.env.KUBECONFIG ?? '~/.kube/config';
  }

  dispose(): void {
    this.disconnect();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

function firstKubeconfigPath(): string {
  const env = process.env.KUBECONFIG?.split(process.platform === 'win32' ? ';' : ':').find((p) => p.trim());
  return env ?? expandHome('~/.kube/config');
}

/**
 * Credentials never reach the log, whatever a message or a server error contains; and each entry
 * is one line, so a line break in a node or pod name cannot forge another entry.
 */
function redactingLogger(log: vscode.LogOutputChannel): Logger {
  const clean = (m: string): string => redact(singleLine(m));
  return {
    info: (m) => log.info(clean(m)),
    warn: (m) => log.warn(clean(m)),
    error: (m) => log.error(clean(m)),
    debug: (m) => log.debug(clean(m)),
  };
}
