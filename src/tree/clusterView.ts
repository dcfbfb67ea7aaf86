import * as vscode from 'vscode';
import { CONNECTION_CONTEXT_KEY, ViewIds } from '../commandIds';
import { RefreshCoalescer } from '../domain/refreshCoalescer';
import { ClusterSession, type SessionState } from './clusterSession';
import { ClusterTreeProvider } from './clusterTreeProvider';
import { RepairNotifier } from './repairNotifier';
import { RepairStatusBar } from './statusBar';
import type { NodeFilter, TreeNode } from './treeNodes';

const FILTER_STATE_KEY = 'aksNodeRepair.nodeFilter';

/**
 * The Nodes view around its data provider: the message line, loading progress, the welcome
 * content's context key, coalesced refreshes, the status bar item and repair-error notifications.
 */
export class ClusterView implements vscode.Disposable {
  readonly provider: ClusterTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  private readonly coalescer: RefreshCoalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  private progress?: { resolve(): void };

  constructor(
    private readonly session: ClusterSession,
    private readonly workspaceState: vscode.Memento,
    notifier: RepairNotifier,
    statusBar: RepairStatusBar,
  ) {
    this.provider = new ClusterTreeProvider(session);
    this.provider.filter = workspaceState.get<NodeFilter>(FILTER_STATE_KEY, this.provider.filter);
    this.treeView = vscode.window.createTreeView(ViewIds.nodes, { treeDataProvider: this.provider, showCollapseAll: true });
    this.coalescer = new RefreshCoalescer(() => {
      this.provider.refresh();
      statusBar.update();
      this.updateMessage();
    });
    this.subscriptions.push(
      this.provider,
      this.treeView,
      { dispose: () => this.coalescer.dispose() },
      session.onDidChangeModel((change) => {
        this.coalescer.push(change);
        notifier.onModelChange(change);
      }),
      session.onDidChangeState((state) => {
        this.onState(state);
        notifier.onState(state);
        statusBar.update();
      }),
    );
    this.updateDescription();
  }

  get filter(): NodeFilter {
    return this.provider.filter;
  }

  async setFilter(filter: NodeFilter): Promise<void> {
    this.provider.filter = filter;
    this.updateDescription();
    await this.workspaceState.update(FILTER_STATE_KEY, filter);
  }

  /** Shows a node in the tree, e.g. from a notification. */
  async revealNode(name: string): Promise<void> {
    await vscode.commands.executeCommand(`${ViewIds.nodes}.focus`);
    await this.treeView.reveal({ kind: 'node', name }, { select: true, focus: true, expand: true });
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
    void vscode.commands.executeCommand('setContext', CONNECTION_CONTEXT_KEY, key);
    this.updateMessage();
    // State changes are rare (connect, retry, recover): redraw at once, not coalesced.
    this.coalescer.flushNow();
    this.provider.refresh();
  }

  private updateMessage(): void {
    const state = this.session.state;
    if (state.kind === 'loading') {
      this.treeView.message = `Loading ${state.nodes.toLocaleString('en-US')} nodes and ${state.events.toLocaleString('en-US')} events…`;
    } else {
      this.treeView.message = undefined;
    }
  }

  private updateDescription(): void {
    const f = this.provider.filter;
    const parts = [f.unhealthyOnly && 'unhealthy only', f.repairActivityOnly && 'with repair activity'].filter(Boolean);
    this.treeView.description = parts.length > 0 ? `Filter: ${parts.join(', ')}` : undefined;
  }

  dispose(): void {
    this.progress?.resolve();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
