import * as vscode from 'vscode';
import { ViewIds } from '../commandIds';
import { ClusterSession } from './clusterSession';

/** `$(error) 2 NotReady · 1 repair error` in the status bar once the cluster is being watched; opens the view. */
export class RepairStatusBar implements vscode.Disposable {
  /** Created when there is first something to show, not at activation. */
  private statusItem?: vscode.StatusBarItem;

  constructor(private readonly session: ClusterSession, private readonly now: () => number = Date.now) {}

  private get item(): vscode.StatusBarItem {
    if (!this.statusItem) {
      this.statusItem = vscode.window.createStatusBarItem('aksNodeRepair.status', vscode.StatusBarAlignment.Left, 50);
      this.statusItem.name = 'AKS Node Auto-Repair';
      this.statusItem.command = `${ViewIds.nodes}.focus`;
    }
    return this.statusItem;
  }

  update(): void {
    const state = this.session.state;
    if (state.kind === 'idle' || (state.kind === 'failed' && !this.session.identity)) {
      this.statusItem?.hide();
      return;
    }
    const context = this.session.identity?.context ?? 'cluster';
    if (state.kind === 'connecting' || state.kind === 'loading') {
      this.show('$(sync~spin) AKS loading', `${context}: loading nodes and events…`, undefined);
      return;
    }
    if (state.kind === 'failed') {
      this.show('$(error) AKS not connected', `${context}: ${state.problem.message}. ${state.problem.nextStep}`, new vscode.ThemeColor('statusBarItem.warningBackground'));
      return;
    }
    const counts = this.session.model.counts(this.now());
    const unhealthy = counts.notReady + counts.unknown;
    const parts: string[] = [];
    if (counts.notReady > 0) {
      parts.push(`$(error) ${counts.notReady} NotReady`);
    }
    if (counts.unknown > 0) {
      parts.push(`$(question) ${counts.unknown} Unknown`);
    }
    if (counts.repairErrors > 0) {
      parts.push(`$(warning) ${counts.repairErrors} repair error${counts.repairErrors === 1 ? '' : 's'}`);
    }
    if (state.kind === 'reconnecting') {
      parts.push('$(sync~spin) reconnecting');
    }
    this.show(
      parts.length > 0 ? `AKS ${parts.join(' ')}` : `$(pass) AKS ${counts.nodes} Ready`,
      `${context}: ${counts.nodes} nodes, ${counts.notReady} NotReady, ${counts.unknown} Unknown, ${counts.repairErrors} with an auto-repair error in the last hour. Click to open the Nodes view.`,
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
    this.statusItem?.dispose();
  }
}
