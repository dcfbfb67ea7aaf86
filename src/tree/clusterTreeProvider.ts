import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { EVENT_RETENTION_MS } from '../domain/clusterModel';
import { formatClock, formatDuration, singleLine, truncate } from '../domain/format';
import { assessHealth, describeNode, describeNodeTooltip } from '../domain/nodeHealth';
import type { NodeSummary } from '../domain/nodeProjection';
import type { RepairEventRecord, RepairStep, RepairTimeline } from '../domain/repairTimeline';
import type { GuidanceTarget } from '../guidance/guidanceRenderer';
import type { ConnectionProblem } from '../cluster/clusterTypes';
import { ClusterSession, type SessionState } from './clusterSession';
import { NO_FILTER, treeNodeId, type MessageIcon, type NodeFilter, type TreeNode } from './treeNodes';

/** Other (non-repair) node events shown per node. */
const MAX_OTHER_EVENTS = 20;

/**
 * The Nodes view's data: reads the session's model on demand, so a refresh costs only what is
 * expanded. Cluster text (names, messages) goes into labels and plain-text tooltips only.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private currentFilter: NodeFilter = NO_FILTER;

  constructor(private readonly session: ClusterSession, private readonly now: () => number = Date.now) {}

  get filter(): NodeFilter {
    return this.currentFilter;
  }

  set filter(filter: NodeFilter) {
    this.currentFilter = filter;
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    const model = this.session.model;
    if (!element) {
      this.session.ensureStarted();
      const state = this.session.state;
      if (state.kind === 'failed' && !this.session.identity) {
        // No kubeconfig at all: the view is empty and its welcome content says how to get one.
        // A kubeconfig that cannot be used: say which file and why, with the ways out.
        return state.problem.kind === 'kubeconfig-missing' ? [] : kubeconfigProblemRows(state.problem);
      }
      return [{ kind: 'cluster' }];
    }
    switch (element.kind) {
      case 'cluster': {
        const messages = stateMessages(this.session.state, model.nodes().length);
        const pools = model.pools()
          .filter((p) => p.nodes.some((n) => this.matches(n)))
          .map((p): TreeNode => ({ kind: 'pool', name: p.name }));
        if (pools.length === 0 && model.nodes().length > 0 && this.isFiltered()) {
          messages.push({ kind: 'message', id: 'filtered', text: 'No nodes match the filter', icon: 'info', command: { id: CommandIds.clearFilter, title: 'Clear filter' } });
        }
        const gone: TreeNode[] = this.goneNodes().length > 0 ? [{ kind: 'gone' }] : [];
        return [...messages, ...pools, ...gone];
      }
      case 'gone':
        return this.goneNodes().map((name): TreeNode => ({ kind: 'node', name }));
      case 'pool': {
        const pool = model.pools().find((p) => p.name === element.name);
        const now = this.now();
        return (pool?.nodes ?? [])
          .filter((n) => this.matches(n))
          .map((n) => ({ n, rank: healthRank(n, now) }))
          .sort((a, b) => a.rank - b.rank || a.n.name.localeCompare(b.n.name))
          .map(({ n }): TreeNode => ({ kind: 'node', name: n.name }));
      }
      case 'node': {
        const timeline = model.timeline(element.name, this.now());
        const steps = timeline.steps.map((_s, index): TreeNode => ({ kind: 'step', node: element.name, index }));
        const next: TreeNode[] = timeline.next && timeline.next.action !== 'none' || (timeline.next && timeline.steps.length > 0)
          ? [{ kind: 'next', node: element.name }] : [];
        const others = timeline.otherEvents.slice(-MAX_OTHER_EVENTS)
          .map((e): TreeNode => ({ kind: 'event', node: element.name, key: e.key }));
        if (steps.length === 0 && others.length === 0) {
          return [{ kind: 'message', id: `none:${element.name}`, text: 'No auto-repair events in the last hour', icon: 'info' }];
        }
        return [...steps, ...next, ...others];
      }
      case 'step': {
        const step = model.timeline(element.node, this.now()).steps[element.index];
        return (step?.events ?? []).map((e): TreeNode => ({ kind: 'event', node: element.node, key: e.key, step: element.index }));
      }
      default:
        return [];
    }
  }

  getParent(element: TreeNode): TreeNode | undefined {
    switch (element.kind) {
      case 'cluster': return undefined;
      case 'message': return this.session.identity ? { kind: 'cluster' } : undefined;
      case 'pool': return { kind: 'cluster' };
      case 'gone': return { kind: 'cluster' };
      case 'node': {
        const node = this.session.model.node(element.name);
        return node ? { kind: 'pool', name: node.pool ?? '' } : { kind: 'gone' };
      }
      case 'step': return { kind: 'node', name: element.node };
      case 'next': return { kind: 'node', name: element.node };
      case 'event': return element.step !== undefined ? { kind: 'step', node: element.node, index: element.step } : { kind: 'node', name: element.node };
    }
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const item = this.buildItem(element);
    item.id = treeNodeId(element);
    return item;
  }

  private buildItem(element: TreeNode): vscode.TreeItem {
    const model = this.session.model;
    const now = this.now();
    switch (element.kind) {
      case 'cluster': {
        const identity = this.session.identity;
        const item = new vscode.TreeItem(identity?.context ?? 'Cluster', vscode.TreeItemCollapsibleState.Expanded);
        item.description = clusterDescription(this.session.state, model.counts(now));
        item.tooltip = identity ? `Context ${identity.context}\nCluster ${identity.cluster}\nServer ${identity.server}\nUser ${identity.user}` : undefined;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'cluster';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
        item.description = element.detail;
        item.tooltip = [element.text, element.detail].filter(Boolean).join('\n');
        item.iconPath = messageIcon(element.icon);
        item.contextValue = 'message';
        if (element.command) {
          item.command = { command: element.command.id, title: element.command.title, arguments: element.command.args };
        }
        return item;
      }
      case 'pool': {
        const pool = model.pools().find((p) => p.name === element.name);
        const nodes = pool?.nodes ?? [];
        const unhealthy = nodes.filter((n) => assessHealth(n, now).state !== 'healthy').length;
        const item = new vscode.TreeItem(element.name || '(no pool)', unhealthy > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${nodes.length} node${nodes.length === 1 ? '' : 's'}${unhealthy > 0 ? ` · ${unhealthy} unhealthy` : ''}`;
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'pool';
        return item;
      }
      case 'gone': {
        const count = this.goneNodes().length;
        const item = new vscode.TreeItem('No longer in the cluster', vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${count} node${count === 1 ? '' : 's'} with repair events in the last hour`;
        item.tooltip = 'Nodes deleted or replaced (for example after a failed redeploy) whose auto-repair events the cluster still keeps.';
        item.iconPath = new vscode.ThemeIcon('trash');
        return item;
      }
      case 'node': {
        const node = model.node(element.name);
        if (!node) {
          return goneNodeItem(element.name, model.timeline(element.name, now));
        }
        const timeline = model.timeline(node.name, now);
        const hasChildren = timeline.steps.length > 0 || timeline.otherEvents.length > 0;
        const item = new vscode.TreeItem(node.name, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = describeNode(node, timeline, now);
        item.tooltip = describeNodeTooltip(node, timeline, now);
        item.iconPath = nodeIcon(node, timeline, now);
        const errorCode = timeline.lastError ? 'explainable' : '';
        item.contextValue = ['node', errorCode].filter(Boolean).join(' ');
        item.accessibilityInformation = { label: `${node.name}, ${item.description}` };
        return item;
      }
      case 'step': {
        const step = model.timeline(element.node, now).steps[element.index];
        if (!step) {
          return new vscode.TreeItem('(gone)');
        }
        const item = new vscode.TreeItem(`${capitalize(step.action)}${step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = stepDescription(step);
        item.iconPath = step.status === 'failed' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
          : step.status === 'running' ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon('check');
        item.tooltip = step.events.map((e) => `${formatClock(e.lastSeen ?? e.firstSeen)} ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}: ${singleLine(e.message)}`).join('\n');
        item.contextValue = step.status === 'failed' ? 'step failed explainable' : 'step';
        if (step.status === 'failed') {
          item.command = guidanceCommand(stepGuidance(element.node, step), 'Explain this failure');
        }
        return item;
      }
      case 'event': {
        const event = model.eventsFor(element.node).find((e) => e.key === element.key);
        if (!event) {
          return new vscode.TreeItem('(expired)');
        }
        const item = new vscode.TreeItem(event.reason || '(no reason)', vscode.TreeItemCollapsibleState.None);
        const when = event.lastSeen ?? event.firstSeen;
        item.description = `${formatClock(when)}${event.count > 1 ? ` ×${event.count}` : ''} · ${truncate(singleLine(event.message), 140)}`;
        item.tooltip = `${event.reason}${event.type ? ` (${event.type})` : ''}${event.source ? ` from ${event.source}` : ''}\n${when ? `${new Date(when).toISOString()}\n` : ''}${event.message}`;
        item.iconPath = event.phase === 'error' || event.type === 'Warning' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('circle-small');
        item.contextValue = event.action ? 'event explainable' : 'event';
        if (event.action) {
          item.command = guidanceCommand(eventGuidance(element.node, event), 'Explain this event');
        }
        return item;
      }
      case 'next': {
        const timeline = model.timeline(element.node, now);
        const next = timeline.next;
        const label = next && next.action !== 'none' ? `Next: ${next.action}` : 'Next: no further automatic step';
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        const at = next?.at !== undefined ? (next.at > now ? `expected in ${formatDuration(next.at - now)}` : `expected since ${formatClock(next.at)}`) : '';
        item.description = [at, next?.note].filter(Boolean).join(' · ');
        item.tooltip = next?.note;
        item.iconPath = new vscode.ThemeIcon('debug-step-over');
        return item;
      }
    }
  }

  /** Whether a node has a row under the current filter (gone nodes always have one). */
  isShown(name: string): boolean {
    const node = this.session.model.node(name);
    return node ? this.matches(node) : this.goneNodes().includes(name);
  }

  private goneNodes(): string[] {
    const model = this.session.model;
    const now = this.now();
    return model.nodeNamesWithEvents()
      .filter((name) => !model.node(name) && model.timeline(name, now).steps.length > 0)
      .sort();
  }

  private isFiltered(): boolean {
    return this.currentFilter.unhealthyOnly || this.currentFilter.repairActivityOnly;
  }

  private matches(node: NodeSummary): boolean {
    if (this.currentFilter.unhealthyOnly && assessHealth(node, this.now()).state === 'healthy') {
      return false;
    }
    if (this.currentFilter.repairActivityOnly && this.session.model.timeline(node.name, this.now()).steps.length === 0) {
      return false;
    }
    return true;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function goneNodeItem(name: string, timeline: RepairTimeline): vscode.TreeItem {
  const item = new vscode.TreeItem(name, timeline.steps.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const last = timeline.lastError;
  item.description = last ? `gone · ${last.action} failed: ${last.code ? truncate(singleLine(last.code), 80) : 'no error code'}` : 'gone';
  item.tooltip = `${name} is no longer in the cluster. Its auto-repair events are kept for an hour.`;
  item.iconPath = new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  item.contextValue = last ? 'node gone explainable' : 'node gone';
  return item;
}

/** The guidance an explain action on a node opens: its latest failure, or nothing. */
export function nodeGuidance(session: ClusterSession, name: string, now: number): GuidanceTarget | undefined {
  const timeline = session.model.timeline(name, now);
  return timeline.lastError ? stepGuidance(name, timeline.lastError) : undefined;
}

function stepGuidance(node: string, step: RepairStep): GuidanceTarget {
  const error = [...step.events].reverse().find((e) => e.phase === 'error');
  const reason = error?.reason ?? `Node${capitalize(step.action)}Error`;
  return {
    id: step.code ?? reason,
    context: { node, reason, message: error?.message, code: step.code, seenAt: error?.lastSeen ?? error?.firstSeen },
  };
}

function eventGuidance(node: string, event: RepairEventRecord): GuidanceTarget {
  return {
    id: event.code ?? event.reason,
    context: { node, reason: event.reason, message: event.message, code: event.code, seenAt: event.lastSeen ?? event.firstSeen },
  };
}

function guidanceCommand(target: GuidanceTarget, title: string): vscode.Command {
  return { command: CommandIds.openGuidance, title, arguments: [target] };
}

function stepDescription(step: RepairStep): string {
  const when = formatClock(step.failed ?? step.ended ?? step.started ?? step.lastSeen);
  const times = step.count > step.events.length ? ` · ×${step.count}` : '';
  switch (step.status) {
    case 'failed':
      return `failed: ${step.code ? truncate(singleLine(step.code), 80) : 'no error code'} · ${when}${times}`;
    case 'running':
      return `running since ${formatClock(step.started)}${times}`;
    default:
      return `completed ${when}${times}`;
  }
}

function nodeIcon(node: NodeSummary, timeline: RepairTimeline, now: number): vscode.ThemeIcon {
  const health = assessHealth(node, now);
  if (timeline.current) {
    return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('list.warningForeground'));
  }
  switch (health.state) {
    case 'healthy':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'not-ready':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    default:
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground'));
  }
}

function healthRank(node: NodeSummary, now: number): number {
  const state = assessHealth(node, now).state;
  return state === 'not-ready' ? 0 : state === 'unknown' ? 1 : 2;
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

/** Rows under the cluster that say how the connection is doing. */
function stateMessages(state: SessionState, nodeCount: number): Extract<TreeNode, { kind: 'message' }>[] {
  switch (state.kind) {
    case 'idle':
    case 'connecting':
      return [{ kind: 'message', id: 'state', text: 'Connecting…', icon: 'loading' }];
    case 'loading':
      return [{ kind: 'message', id: 'state', text: `Loading… ${state.nodes.toLocaleString('en-US')} nodes, ${state.events.toLocaleString('en-US')} events so far`, icon: 'loading' }];
    case 'connected':
      return state.warnings.map((w, i) => ({ kind: 'message' as const, id: `warning:${i}`, text: truncate(singleLine(w), 200), icon: 'warning' as const }));
    case 'reconnecting': {
      const seconds = Math.max(0, Math.round((state.retryAt - Date.now()) / 1000));
      return [
        { kind: 'message', id: 'state', text: truncate(singleLine(state.problem.message), 200), detail: nodeCount > 0 ? 'showing the last known state' : undefined, icon: 'error' },
        { kind: 'message', id: 'retry', text: `Reconnecting (attempt ${state.attempt}${seconds > 0 ? `, next in ${seconds}s` : ''}) · Retry now`, detail: truncate(singleLine(state.problem.nextStep), 200), icon: 'loading', command: { id: CommandIds.refresh, title: 'Retry now' } },
      ];
    }
    case 'failed':
      return [
        { kind: 'message', id: 'state', text: truncate(singleLine(state.problem.message), 200), icon: 'error' },
        { kind: 'message', id: 'next', text: truncate(singleLine(state.problem.nextStep), 200), icon: 'info', command: { id: CommandIds.refresh, title: 'Retry' } },
      ];
  }
}

function kubeconfigProblemRows(problem: ConnectionProblem): TreeNode[] {
  const rows: TreeNode[] = [
    { kind: 'message', id: 'problem', text: truncate(singleLine(problem.message), 300), detail: problem.file, icon: 'error' },
    { kind: 'message', id: 'next', text: truncate(singleLine(problem.nextStep), 300), icon: 'info' },
    { kind: 'message', id: 'open', text: 'Open kubeconfig', icon: 'action', command: { id: CommandIds.openKubeconfig, title: 'Open kubeconfig' } },
    { kind: 'message', id: 'switch', text: 'Switch cluster context', icon: 'action', command: { id: CommandIds.switchContext, title: 'Switch cluster context' } },
    { kind: 'message', id: 'retry', text: 'Retry', icon: 'action', command: { id: CommandIds.refresh, title: 'Retry' } },
  ];
  return rows;
}

function clusterDescription(state: SessionState, counts: { nodes: number; notReady: number; unknown: number; repairErrors: number }): string {
  const parts = [`${counts.nodes.toLocaleString('en-US')} node${counts.nodes === 1 ? '' : 's'}`];
  if (counts.notReady > 0) {
    parts.push(`${counts.notReady} NotReady`);
  }
  if (counts.unknown > 0) {
    parts.push(`${counts.unknown} Unknown`);
  }
  if (counts.repairErrors > 0) {
    parts.push(`${counts.repairErrors} repair error${counts.repairErrors === 1 ? '' : 's'} (last ${EVENT_RETENTION_MS / 3_600_000} h)`);
  }
  if (state.kind === 'reconnecting') {
    parts.push('reconnecting');
  } else if (state.kind === 'loading' || state.kind === 'connecting') {
    parts.push('loading');
  }
  return parts.join(' · ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
