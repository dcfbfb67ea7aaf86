import * as vscode from 'vscode';
import type { ConnectionProblem } from '../cluster/clusterTypes';
import { EVENT_RETENTION_MS } from '../domain/aksTiming';
import type { ClusterCounts } from '../domain/clusterModel';
import { singleLine, truncate } from '../domain/format';
import { resumeLines, type ResumeNote } from '../domain/resumeNote';
import { CommandIds, contextValue, ItemTokens } from '../ids';
import type { SessionState } from '../session/clusterSession';
import type { MessageIcon, MessageNode } from './treeNodes';

/** Rows and texts that say how the connection to the cluster is doing. */

const line = (text: string, max = 200) => truncate(singleLine(text), max);

/** Rows under the cluster row: after a sleep, what may be missing; then connecting, loading, warnings, reconnecting, failed. */
export function stateMessages(state: SessionState, nodeCount: number, now: number): MessageNode[] {
  return state.kind === 'idle' || !state.resumed ? connectionMessages(state, nodeCount, now) : [...resumeMessages(state.resumed), ...connectionMessages(state, nodeCount, now)];
}

function resumeMessages(note: ResumeNote): MessageNode[] {
  const lines = resumeLines(note);
  const rows: MessageNode[] = [{ kind: 'message', id: 'resumed', text: line(lines.resumed), icon: 'info' }];
  if (lines.missed) {
    rows.push({ kind: 'message', id: 'resumed-missed', text: line(lines.missed, 300), detail: lines.missedDetail, icon: 'warning' });
  }
  return rows;
}

function connectionMessages(state: SessionState, nodeCount: number, now: number): MessageNode[] {
  switch (state.kind) {
    case 'idle':
    case 'connecting':
      return [{ kind: 'message', id: 'state', text: vscode.l10n.t('Connecting…'), icon: 'loading' }];
    case 'loading':
      return [{ kind: 'message', id: 'state', text: vscode.l10n.t('Loading… {0} nodes, {1} events so far', state.nodes.toLocaleString('en-US'), state.events.toLocaleString('en-US')), icon: 'loading' }];
    case 'connected':
      return state.warnings.map((w, i): MessageNode => ({ kind: 'message', id: `warning:${i}`, text: line(w), icon: 'warning' }));
    case 'reconnecting': {
      const seconds = Math.max(0, Math.round((state.retryAt - now) / 1000));
      const retryText = seconds > 0
        ? vscode.l10n.t('Reconnecting (attempt {0}, next in {1}s) · Retry now', state.attempt, seconds)
        : vscode.l10n.t('Reconnecting (attempt {0}) · Retry now', state.attempt);
      return [
        { kind: 'message', id: 'state', text: line(state.problem.message), detail: nodeCount > 0 ? vscode.l10n.t('showing the last known state') : undefined, icon: 'error' },
        { kind: 'message', id: 'retry', text: retryText, detail: line(state.problem.nextStep), icon: 'loading', command: { id: CommandIds.refresh, title: vscode.l10n.t('Retry now') } },
      ];
    }
    case 'failed':
      return [
        { kind: 'message', id: 'state', text: line(state.problem.message), icon: 'error' },
        { kind: 'message', id: 'next', text: line(state.problem.nextStep), icon: 'info', command: { id: CommandIds.refresh, title: vscode.l10n.t('Retry') } },
      ];
  }
}

/** A kubeconfig that cannot be used: which file and why, with the ways out. */
export function kubeconfigProblemRows(problem: ConnectionProblem): MessageNode[] {
  return [
    { kind: 'message', id: 'problem', text: line(problem.message, 300), detail: problem.file, icon: 'error' },
    { kind: 'message', id: 'next', text: line(problem.nextStep, 300), icon: 'info' },
    { kind: 'message', id: 'open', text: vscode.l10n.t('Open kubeconfig'), icon: 'action', command: { id: CommandIds.openKubeconfig, title: vscode.l10n.t('Open kubeconfig') } },
    { kind: 'message', id: 'switch', text: vscode.l10n.t('Switch cluster context'), icon: 'action', command: { id: CommandIds.switchContext, title: vscode.l10n.t('Switch cluster context') } },
    { kind: 'message', id: 'retry', text: vscode.l10n.t('Retry'), icon: 'action', command: { id: CommandIds.refresh, title: vscode.l10n.t('Retry') } },
  ];
}

/** The row shown when the filter hides every node. */
export function filteredOutMessage(): MessageNode {
  return { kind: 'message', id: 'filtered', text: vscode.l10n.t('No nodes match the filter'), icon: 'info', command: { id: CommandIds.clearFilter, title: vscode.l10n.t('Clear filter') } };
}

export function messageItem(element: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
  item.description = element.detail;
  item.tooltip = [element.text, element.detail].filter(Boolean).join('\n');
  item.iconPath = messageIcon(element.icon);
  item.contextValue = contextValue(ItemTokens.message);
  if (element.command) {
    item.command = { command: element.command.id, title: element.command.title, arguments: element.command.args };
  }
  return item;
}

/** The cluster row's description: `11 nodes · 3 NotReady · 1 Unknown · 2 repair errors (last 1 h)`. */
export function clusterDescription(state: SessionState, counts: ClusterCounts): string {
  const parts = [counts.nodes === 1 ? vscode.l10n.t('1 node') : vscode.l10n.t('{0} nodes', counts.nodes.toLocaleString('en-US'))];
  if (counts.notReady > 0) {
    parts.push(vscode.l10n.t('{0} NotReady', counts.notReady));
  }
  if (counts.unknown > 0) {
    parts.push(vscode.l10n.t('{0} Unknown', counts.unknown));
  }
  if (counts.repairErrors > 0) {
    const hours = EVENT_RETENTION_MS / 3_600_000;
    parts.push(counts.repairErrors === 1
      ? vscode.l10n.t('1 repair error (last {0} h)', hours)
      : vscode.l10n.t('{0} repair errors (last {1} h)', counts.repairErrors, hours));
  }
  if (state.kind === 'reconnecting') {
    parts.push(vscode.l10n.t('reconnecting'));
  } else if (state.kind === 'loading' || state.kind === 'connecting') {
    parts.push(vscode.l10n.t('loading'));
  }
  return parts.join(' · ');
}

function messageIcon(icon: MessageIcon): vscode.ThemeIcon {
  switch (icon) {
    case 'action': return new vscode.ThemeIcon('arrow-right');
    case 'error': return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'warning': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'loading': return new vscode.ThemeIcon('loading~spin');
    default: return new vscode.ThemeIcon('info');
  }
}
