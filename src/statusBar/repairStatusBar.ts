import * as vscode from 'vscode';
import { RefreshCoalescer } from '../domain/refreshCoalescer';
import { FOCUS_NODES_VIEW, STATUS_BAR_ID } from '../ids';
import type { ClusterSession } from '../session/clusterSession';

/** `$(error) 2 NotReady · 1 repair error` in the status bar once the cluster is being watched; opens the view. */
export class RepairStatusBar implements vscode.Disposable {
  /** Created when there is first something to show, not at activation. */
  private statusItem?: vscode.StatusBarItem;
  private readonly coalescer = new RefreshCoalescer(() => this.update());
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly session: ClusterSession, private readonly now: () => number = Date.now) {
    this.subscriptions = [
      session.onDidChangeModel(() => this.coalescer.push()),
      session.onDidChangeState(() => this.update()),
      { dispose: () => this.coalescer.dispose() },
    ];
  }

  private get item(): vscode.StatusBarItem {
    if (!this.statusItem) {
      this.statusItem = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50);
      this.statusItem.name = vscode.l10n.t('AKS Node Auto-Repair');
      this.statusItem.command = FOCUS_NODES_VIEW;
    }
    return this.statusItem;
  }

  update(): void {
    const state = this.session.state;
    if (state.kind === 'idle' || (state.kind === 'failed' && !this.session.identity)) {
      this.statusItem?.hide();
      return;
    }
    const context = this.session.identity?.context ?? vscode.l10n.t('cluster');
    if (state.kind === 'connecting' || state.kind === 'loading') {
      this.show(vscode.l10n.t('$(sync~spin) AKS loading'), vscode.l10n.t('{0}: loading nodes and events…', context), undefined);
      return;
    }
    if (state.kind === 'failed') {
      this.show(vscode.l10n.t('$(error) AKS not connected'), `${context}: ${state.problem.message}. ${state.problem.nextStep}`, new vscode.ThemeColor('statusBarItem.warningBackground'));
      return;
    }
    const counts = this.session.model.counts(this.now());
    const unhealthy = counts.notReady + counts.unknown;
    const parts: string[] = [];
    if (counts.notReady > 0) {
      parts.push(vscode.l10n.t('$(error) {0} NotReady', counts.notReady));
    }
    if (counts.unknown > 0) {
      parts.push(vscode.l10n.t('$(question) {0} Unknown', counts.unknown));
    }
    if (counts.repairErrors > 0) {
      parts.push(counts.repairErrors === 1 ? vscode.l10n.t('$(warning) 1 repair error') : vscode.l10n.t('$(warning) {0} repair errors', counts.repairErrors));
    }
    if (state.kind === 'reconnecting') {
      parts.push(vscode.l10n.t('$(sync~spin) reconnecting'));
    }
    this.show(
      parts.length > 0 ? vscode.l10n.t('AKS {0}', parts.join(' ')) : vscode.l10n.t('$(pass) AKS {0} Ready', counts.nodes),
      vscode.l10n.t('{0}: {1} nodes, {2} NotReady, {3} Unknown, {4} with an auto-repair error in the last hour. Click to open the Nodes view.', context, counts.nodes, counts.notReady, counts.unknown, counts.repairErrors),
      counts.repairErrors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : unhealthy > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined,
    );
  }

  private show(text: string, tooltip: string, background: vscode.ThemeColor | undefined): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = background;
    this.item.accessibilityInformation = { label: tooltip };
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.statusItem?.dispose();
  }
}
