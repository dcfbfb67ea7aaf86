import * as vscode from 'vscode';
import { singleLine } from '../domain/format';
import { healthRank } from '../domain/nodeHealth';
import { serverWithoutCredentials } from '../domain/serverUrl';
import type { NodeSummary } from '../domain/nodeProjection';
import { contextValue, ItemTokens } from '../ids';
import type { ClusterSession } from '../session/clusterSession';
import { clusterDescription, filteredOutMessage, kubeconfigProblemRows, messageItem, stateMessages } from './connectionRows';
import { eventItem, goneGroupItem, nodeItem, nextStepItem, poolItem, stepItem } from './nodeItems';
import { historyMessages, insightsMessages } from './recordedRows';
import { MergedTimelines, TreeFrame } from './treeFrame';
import type { RepairHistoryView } from '../repairHistory/historyApi';
import { NO_FILTER, treeNodeId, type NodeFilter, type TreeNode } from './treeNodes';
import type { DiagnosisNote } from '../domain/diagnosis';

/** Other (non-repair) node events shown per node. */
const MAX_OTHER_EVENTS = 20;

/**
 * "N more events not shown": those the model does not keep (beyond maxEventsPerNode, see
 * ClusterModel.droppedEvents) and other events beyond MAX_OTHER_EVENTS.
 */
function moreEventsRow(node: string, hidden: number): TreeNode[] {
  if (hidden <= 0) {
    return [];
  }
  const text = hidden === 1
    ? vscode.l10n.t('1 more event not shown')
    : vscode.l10n.t('{0} more events not shown', hidden.toLocaleString('en-US'));
  return [{
    kind: 'message', id: `more:${node}`, text, icon: 'info',
    detail: vscode.l10n.t('only the newest are kept, repair events first'),
  }];
}

/**
 * The Nodes view's data: cluster → pools → nodes → repair steps → events. Reads the session's
 * model on demand, so a refresh costs only what is expanded, and through one frame per refresh,
 * so each node is read from the model once per redraw.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private currentFilter: NodeFilter = NO_FILTER;
  private currentFrame?: TreeFrame;
  /** Nodes' timelines merged with their recorded rows, kept across refreshes. */
  private readonly merged = new MergedTimelines();

  constructor(
    private readonly session: ClusterSession,
    private readonly now: () => number = Date.now,
    /** The node's last Azure diagnosis, for its tooltip. */
    private readonly diagnosisNote: (node: string) => DiagnosisNote | undefined = () => undefined,
    /** The local repair history and Container Insights rows, merged into the nodes' timelines. */
    private readonly history?: RepairHistoryView,
  ) {}

  get filter(): NodeFilter {
    return this.currentFilter;
  }

  set filter(filter: NodeFilter) {
    this.currentFilter = filter;
    this.refresh();
  }

  refresh(): void {
    this.currentFrame = undefined;
    this.changed.fire(undefined);
  }

  private get frame(): TreeFrame {
    if (!this.currentFrame || this.currentFrame.model !== this.session.model) {
      this.currentFrame = new TreeFrame(this.session.model, this.now(), this.history, this.merged);
    }
    return this.currentFrame;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) {
      this.session.ensureStarted();
      const state = this.session.state;
      if (state.kind === 'failed' && !this.session.identity) {
        // No kubeconfig at all: the view is empty and its welcome content says how to get one.
        return state.problem.kind === 'kubeconfig-missing' ? [] : kubeconfigProblemRows(state.problem);
      }
      return [{ kind: 'cluster' }];
    }
    const frame = this.frame;
    switch (element.kind) {
      case 'cluster': {
        const messages: TreeNode[] = [...stateMessages(this.session.state, frame.nodeCount(), Date.now()), ...insightsMessages(this.history?.insightsStatus()), ...historyMessages(this.history?.problem?.())];
        const pools = frame.pools()
          .filter((p) => p.nodes.some((n) => this.matches(n, frame)))
          .map((p): TreeNode => ({ kind: 'pool', name: p.name }));
        if (pools.length === 0 && frame.nodeCount() > 0 && this.isFiltered()) {
          messages.push(filteredOutMessage());
        }
        const gone: TreeNode[] = frame.goneNodes().length > 0 ? [{ kind: 'gone' }] : [];
        return [...messages, ...pools, ...gone];
      }
      case 'gone':
        return frame.goneNodes().map((name): TreeNode => ({ kind: 'node', name }));
      case 'pool':
        return (frame.pool(element.name)?.nodes ?? [])
          .filter((n) => this.matches(n, frame))
          .map((n) => ({ n, rank: healthRank(frame.node(n.name).health?.state) }))
          .sort((a, b) => a.rank - b.rank || a.n.name.localeCompare(b.n.name))
          .map(({ n }): TreeNode => ({ kind: 'node', name: n.name }));
      case 'node': {
        // Every step, recorded ones included; the next step from what is going on now.
        const { timeline, status = timeline } = frame.node(element.name);
        const steps = timeline.steps.map((_s, index): TreeNode => ({ kind: 'step', node: element.name, index }));
        const next: TreeNode[] = status.next && (status.next.action !== 'none' || status.steps.length > 0)
          ? [{ kind: 'next', node: element.name }] : [];
        const others = timeline.otherEvents.slice(-MAX_OTHER_EVENTS)
          .map((e): TreeNode => ({ kind: 'event', node: element.name, key: e.key }));
        const more = moreEventsRow(element.name, this.session.model.droppedEvents(element.name) + timeline.otherEvents.length - others.length);
        if (steps.length === 0 && others.length === 0) {
          const problem = this.history?.problem?.();
          const text = problem
            ? vscode.l10n.t('No auto-repair events in the last hour. {0}', problem.message)
            : this.history
              ? vscode.l10n.t('No auto-repair events in the last hour or the repair history ({0} days)', this.history.retentionDays)
              : vscode.l10n.t('No auto-repair events in the last hour');
          return [{ kind: 'message', id: `none:${element.name}`, text, icon: problem ? 'warning' : 'info' }];
        }
        return [...steps, ...next, ...others, ...more];
      }
      case 'step': {
        const step = frame.node(element.node).timeline.steps[element.index];
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
    const frame = this.frame;
    switch (element.kind) {
      case 'cluster': {
        const identity = this.session.identity;
        const item = new vscode.TreeItem(identity?.context ?? vscode.l10n.t('Cluster'), vscode.TreeItemCollapsibleState.Expanded);
        item.description = clusterDescription(this.session.state, this.session.model.counts(frame.now));
        item.tooltip = identity
          ? vscode.l10n.t('Context {0}\nCluster {1}\nServer {2}\nUser {3}',
            singleLine(identity.context), singleLine(identity.cluster), singleLine(serverWithoutCredentials(identity.server)), singleLine(identity.user))
          : undefined;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = contextValue(ItemTokens.cluster);
        return item;
      }
      case 'message':
        return messageItem(element);
      case 'pool': {
        const pool = frame.pool(element.name);
        const unhealthy = (pool?.nodes ?? []).filter((n) => frame.node(n.name).health?.state !== 'healthy').length;
        return poolItem(element.name, pool, unhealthy);
      }
      case 'gone':
        return goneGroupItem(frame.goneNodes().length, this.history?.retentionDays);
      case 'node':
        return nodeItem(frame.node(element.name), frame.now, this.diagnosisNote(element.name), this.history?.retentionDays);
      case 'step': {
        const node = frame.node(element.node);
        const step = node.timeline.steps[element.index];
        return step ? stepItem(node, step, frame.now) : new vscode.TreeItem(vscode.l10n.t('(gone)'));
      }
      case 'event': {
        const node = frame.node(element.node);
        const event = node.event(element.key);
        return event ? eventItem(node, event, frame.now) : new vscode.TreeItem(vscode.l10n.t('(expired)'));
      }
      case 'next':
        return nextStepItem(frame.node(element.node), frame.now);
    }
  }

  /** Whether a node has a row under the current filter (gone nodes always have one). */
  isShown(name: string): boolean {
    const frame = this.frame;
    const node = this.session.model.node(name);
    return node ? this.matches(node, frame) : frame.goneNodes().includes(name);
  }

  private isFiltered(): boolean {
    return this.currentFilter.unhealthyOnly || this.currentFilter.repairActivityOnly;
  }

  private matches(node: NodeSummary, frame: TreeFrame): boolean {
    const snapshot = frame.node(node.name);
    if (this.currentFilter.unhealthyOnly && snapshot.health?.state === 'healthy') {
      return false;
    }
    // "A repair step in the last hour": recorded history alone does not make a node active.
    if (this.currentFilter.repairActivityOnly && (snapshot.live ?? snapshot.timeline).steps.length === 0) {
      return false;
    }
    return true;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
