import * as vscode from 'vscode';
import { inertNotificationText } from '../domain/notificationText';
import { RefreshCoalescer } from '../domain/refreshCoalescer';
import { ContextKeys, FOCUS_NODES_VIEW, MementoKeys, ViewIds } from '../ids';
import type { ClusterSession, SessionState } from '../session/clusterSession';
import { ClusterTreeProvider } from './clusterTreeProvider';
import type { ClusterChange } from '../domain/clusterModel';
import { NO_FILTER, type NodeFilter, type TreeNode } from './treeNodes';
import type { DiagnosisNote } from '../domain/diagnosis';
import type { RepairHistoryView } from '../repairHistory/historyApi';

const CLOCK_REFRESH_MS = 30_000;

/**
 * The Nodes view around its data provider: the message line, loading progress, the welcome
 * content's context key, the filter, and refreshes coalesced to at most four a second.
 */
export class ClusterView implements vscode.Disposable {
  readonly provider: ClusterTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  private readonly coalescer: RefreshCoalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  private progress?: { resolve(): void };
  /** What changed since the last redraw, gathered while the coalescer waits. */
  private pending = { full: false, allNodes: false, history: false, nodes: new Set<string>() };

  constructor(
    private readonly session: ClusterSession,
    private readonly workspaceState: vscode.Memento,
    diagnosisNote?: (node: string) => DiagnosisNote | undefined,
    /** The repair history: recorded steps join the nodes' timelines. */
    history?: RepairHistoryView,
  ) {
    this.provider = new ClusterTreeProvider(session, Date.now, diagnosisNote, history);
    this.provider.filter = workspaceState.get<NodeFilter>(MementoKeys.nodeFilter, this.provider.filter);
    // Several node rows can be selected on purpose: the node actions then list and act on them all.
    this.treeView = vscode.window.createTreeView(ViewIds.nodes, { treeDataProvider: this.provider, showCollapseAll: true, canSelectMany: true });
    this.coalescer = new RefreshCoalescer(() => {
      const change = this.pending;
      this.pending = { full: false, allNodes: false, history: false, nodes: new Set() };
      if (change.full) {
        this.provider.refresh();
      } else {
        this.provider.update(change);
      }
      this.updateMessage();
    });
    this.subscriptions.push(
      this.provider,
      this.treeView,
      { dispose: () => this.coalescer.dispose() },
      session.onDidChangeModel((change) => this.onModelChange(change)),
      session.onDidChangeState((state) => this.onState(state)),
      // Hidden, the view is not redrawn with the clock: its ages and counts may be old when it shows again.
      this.treeView.onDidChangeVisibility((e) => {
        if (e.visible) {
          this.redrawNodeRows();
        }
      }),
      ...(history ? [history.onDidChange(() => {
        this.pending.history = true;
        this.coalescer.push();
      })] : []),
    );
    this.updateDescription();
    // Ages ("NotReady 12m"), expected next steps and the last-hour counts move with the clock even
    // when the cluster is quiet: redraw now and then while the view is visible.
    const ticker = setInterval(() => {
      if (this.treeView.visible && this.session.state.kind !== 'idle') {
        this.redrawNodeRows();
      }
    }, CLOCK_REFRESH_MS);
    this.subscriptions.push({ dispose: () => clearInterval(ticker) });
  }

  get filter(): NodeFilter {
    return this.provider.filter;
  }

  /** Every node row may read differently (the clock): redrawn with the next batch. */
  redrawNodeRows(): void {
    this.pending.allNodes = true;
    this.coalescer.push();
  }

  /** One node's row reads differently (its diagnosis note): redrawn with the next batch. */
  redrawNode(name: string): void {
    this.pending.nodes.add(name);
    this.coalescer.push();
  }

  private onModelChange(change: ClusterChange): void {
    if (change.full) {
      this.pending.full = true;
    } else {
      for (const name of change.nodes) {
        this.pending.nodes.add(name);
      }
    }
    this.coalescer.push();
  }

  async setFilter(filter: NodeFilter): Promise<void> {
    this.provider.filter = filter;
    this.updateDescription();
    await this.workspaceState.update(MementoKeys.nodeFilter, filter);
  }

  /** Several nodes with new errors: show only nodes with repair activity, the first selected. */
  async showRepairActivity(names: readonly string[]): Promise<void> {
    await this.setFilter({ unhealthyOnly: false, repairActivityOnly: true });
    if (names[0]) {
      await this.revealNode(names[0]);
    }
  }

  /** Shows a node in the tree, e.g. from a notification; clears a filter that would hide it. */
  async revealNode(name: string): Promise<void> {
    await vscode.commands.executeCommand(FOCUS_NODES_VIEW);
    if (!this.provider.isShown(name)) {
      await this.setFilter(NO_FILTER);
    }
    try {
      await this.treeView.reveal(this.provider.nodeElement(name), { select: true, focus: true, expand: true });
    } catch (err) {
      void vscode.window.showWarningMessage(inertNotificationText(vscode.l10n.t('Node {0} is not in the Nodes view any more ({1}). Refresh the view, or look it up with "kubectl get node {0}".', name, String(err))));
    }
  }

  private onState(state: SessionState): void {
    const loading = state.kind === 'connecting' || state.kind === 'loading';
    if (loading && !this.progress) {
      void vscode.window.withProgress({ location: { viewId: ViewIds.nodes } }, () => new Promise<void>((resolve) => {
        this.progress = { resolve };
      }));
    } else if (!loading && this.progress) {
      this.progress.resolve();
      this.progress = undefined;
    }
    const key = state.kind === 'failed' && !this.session.identity
      ? (state.problem.kind === 'kubeconfig-missing' ? 'no-kubeconfig' : 'kubeconfig-error')
      : state.kind;
    void vscode.commands.executeCommand('setContext', ContextKeys.connection, key);
    this.updateMessage();
    // State changes are rare (connect, retry, recover): redraw everything at once, not coalesced.
    this.pending.full = true;
    this.coalescer.push();
    this.coalescer.flushNow();
  }

  private updateMessage(): void {
    const state = this.session.state;
    this.treeView.message = state.kind === 'loading'
      ? vscode.l10n.t('Loading {0} nodes and {1} events…', state.nodes.toLocaleString('en-US'), state.events.toLocaleString('en-US'))
      : undefined;
  }

  private updateDescription(): void {
    const f = this.provider.filter;
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, f.unhealthyOnly || f.repairActivityOnly);
    const parts = [f.unhealthyOnly && vscode.l10n.t('unhealthy only'), f.repairActivityOnly && vscode.l10n.t('with repair activity')].filter(Boolean);
    this.treeView.description = parts.length > 0 ? vscode.l10n.t('Filter: {0}', parts.join(', ')) : undefined;
  }

  dispose(): void {
    this.progress?.resolve();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
