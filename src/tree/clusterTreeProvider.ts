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

/** What changed since the view last redrew: update() redraws only the rows it touches. */
export interface TreeChange {
  /** Nodes whose summary or events changed. */
  readonly nodes: ReadonlySet<string>;
  /** Every node row may read differently: the clock moved. */
  readonly allNodes: boolean;
  /** The history changed: node rows whose recorded rows (or, for a gone node, its facts) changed. */
  readonly history?: boolean;
}

/** What a node row read of the history, compared by identity (the history hands out the same arrays until they change). */
interface DrawnHistory {
  readonly recorded: unknown;
  readonly facts: unknown;
  readonly retentionDays: number | undefined;
}

/** The key of the root's children in `shown`. */
const ROOT_KEY = '';

/**
 * More node rows than this in one redraw → a full refresh instead: the extension host matches
 * each redrawn element against the others and their parents (quadratic in their number), while
 * a full refresh costs one read of what is shown.
 */
const MAX_ROWS_REDRAWN = 100;

/** What VS Code was last given as one element's children. */
interface ShownChildren {
  readonly ids: readonly string[];
  /** The ids, with each message row's text: a different value means the parent must be redrawn. */
  readonly signature: string;
}

function childSignature(node: TreeNode): string {
  return node.kind === 'message'
    ? `${treeNodeId(node)}\u0000${node.text}\u0000${node.detail ?? ''}\u0000${node.icon}\u0000${node.command?.id ?? ''}\u0000${JSON.stringify(node.command?.args ?? [])}`
    : treeNodeId(node);
}

/** The cluster, pool and "no longer in the cluster" rows: their own text (counts) moves with the nodes under them. */
function isGroupRow(node: TreeNode): boolean {
  return node.kind === 'cluster' || node.kind === 'pool' || node.kind === 'gone';
}

/** Rows whose own text a change elsewhere can move (counts): compared on update(). */
function rowSignature(item: vscode.TreeItem): string {
  const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
  const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
  return `${label}\u0000${String(item.description ?? '')}\u0000${tooltip}`;
}

/**
 * The Nodes view's data: cluster → pools → nodes → repair steps → events. Reads the session's
 * model on demand, so a refresh costs only what is expanded, and through one frame per refresh,
 * so each node is read from the model once per redraw.
 *
 * Redraws are as narrow as the change: VS Code's extension host forgets every element under the
 * one it is told to redraw (all of them for a full refresh) until the workbench asks for them
 * again, and a context-menu command on a row it has forgotten receives no element. So update()
 * redraws a node's row when only that node changed, a pool when its rows or its counts changed,
 * and the whole tree only when the cluster row's counts (NotReady, repair errors) or the rows
 * under it changed. Elements are one object per id, since the extension host finds an element
 * to redraw by identity.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private currentFilter: NodeFilter = NO_FILTER;
  private currentFrame?: TreeFrame;
  /** Nodes' timelines merged with their recorded rows, kept across refreshes. */
  private readonly merged = new MergedTimelines();
  /** One element object per id, as given to VS Code. */
  private readonly elements = new Map<string, TreeNode>();
  /** Each element's children as VS Code last read them (ROOT_KEY for the root's). */
  private readonly shown = new Map<string, ShownChildren>();
  /** The cluster, pool and "no longer in the cluster" rows as VS Code last read them. */
  private readonly shownRows = new Map<string, string>();
  /** What each node row VS Code last read took from the history. */
  private readonly drawnHistory = new Map<string, DrawnHistory>();

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

  /** Redraws everything. */
  refresh(): void {
    this.currentFrame = undefined;
    this.elements.clear();
    this.shown.clear();
    this.shownRows.clear();
    this.drawnHistory.clear();
    this.changed.fire(undefined);
  }

  /**
   * Redraws what `change` touches among the rows VS Code has read: the rows under the cluster
   * changed (a pool came or went, a connection message) → everything; a pool's rows or its own
   * text (counts, order by health) → that pool; otherwise the changed nodes' rows.
   */
  update(change: TreeChange): void {
    const root = this.shown.get(ROOT_KEY);
    this.currentFrame = undefined;
    if (!root || this.signatureOf(this.childrenOf(undefined)) !== root.signature) {
      this.refresh();
      return;
    }
    const redraw: TreeNode[] = [];
    const visit = (id: string): void => {
      const element = this.elements.get(id);
      if (!element) {
        return;
      }
      const shownRow = this.shownRows.get(id);
      const shownChildren = this.shown.get(id);
      if (!isGroupRow(element)) {
        // A node's rows below it change only with the node (or with everything); a message row
        // changes with its parent's children.
        if (element.kind === 'node' && (change.allNodes || change.nodes.has(element.name) || (change.history === true && this.historyChanged(element.name)))) {
          redraw.push(element);
          this.forgetBelow(id);
        }
        return;
      }
      if ((shownRow !== undefined && rowSignature(this.buildItem(element)) !== shownRow)
        || (shownChildren !== undefined && this.signatureOf(this.childrenOf(element)) !== shownChildren.signature)) {
        redraw.push(element);
        this.shownRows.delete(id);
        this.forgetBelow(id);
        return;
      }
      shownChildren?.ids.forEach(visit);
    };
    root.ids.forEach(visit);
    if (redraw.some((e) => e.kind === 'cluster') || redraw.length > MAX_ROWS_REDRAWN) {
      // Redrawing the cluster row redraws everything under it: the same as a full refresh.
      this.refresh();
    } else if (redraw.length > 0) {
      this.changed.fire(redraw);
    }
  }

  /** What a node's row takes from the history now; facts only for a gone node (reading them builds a snapshot). */
  private historyOf(name: string): DrawnHistory {
    return {
      recorded: this.history?.recordedFor(name),
      facts: this.session.model.node(name) ? undefined : this.history?.snapshot()?.nodes.get(name),
      retentionDays: this.history?.retentionDays,
    };
  }

  /** Whether a drawn node row read something else of the history than it would now (a row never drawn needs no redraw). */
  private historyChanged(name: string): boolean {
    const drawn = this.drawnHistory.get(name);
    if (drawn === undefined) {
      return false;
    }
    const now = this.historyOf(name);
    return drawn.recorded !== now.recorded || drawn.facts !== now.facts || drawn.retentionDays !== now.retentionDays;
  }

  /** The element VS Code knows for a node row (for reveal), or a new one. */
  nodeElement(name: string): TreeNode {
    return this.stable({ kind: 'node', name });
  }

  /**
   * The element given out before for the same id and content, so VS Code can match it. (Content:
   * a message row's text, an event's step, are not in its id.)
   */
  private stable<T extends TreeNode>(node: T): T {
    const id = treeNodeId(node);
    const known = this.elements.get(id);
    if (known && JSON.stringify(known) === JSON.stringify(node)) {
      return known as T;
    }
    this.elements.set(id, node);
    return node;
  }

  private signatureOf(children: readonly TreeNode[]): string {
    return children.map(childSignature).join('\n');
  }

  /** VS Code forgets the elements under one it redraws: so does this (it asks for them again). */
  private forgetBelow(id: string): void {
    const children = this.shown.get(id);
    this.shown.delete(id);
    for (const child of children?.ids ?? []) {
      this.shownRows.delete(child);
      this.forgetBelow(child);
      const element = this.elements.get(child);
      if (element?.kind === 'node') {
        this.drawnHistory.delete(element.name);
      }
      this.elements.delete(child);
    }
  }

  /**
   * Records what VS Code is given. Rows that left their parent are dropped, except node rows: a
   * node that left its pool may already be listed under "No longer in the cluster".
   */
  private record(parent: TreeNode | undefined, children: readonly TreeNode[]): TreeNode[] {
    const key = parent ? treeNodeId(parent) : ROOT_KEY;
    const out = children.map((c) => this.stable(c));
    const before = this.shown.get(key);
    const ids = out.map(treeNodeId);
    if (before) {
      const now = new Set(ids);
      for (const id of before.ids) {
        const element = this.elements.get(id);
        if (!now.has(id) && element && element.kind !== 'node' && !isGroupRow(element)) {
          this.elements.delete(id);
          this.forgetBelow(id);
        }
      }
    }
    this.shown.set(key, { ids, signature: this.signatureOf(children) });
    return out;
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
    }
    return this.record(element, this.childrenOf(element));
  }

  /** The children of an element now, as new objects. */
  private childrenOf(element: TreeNode | undefined): TreeNode[] {
    if (!element) {
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
    const parent = this.parentOf(element);
    return parent ? this.stable(parent) : undefined;
  }

  private parentOf(element: TreeNode): TreeNode | undefined {
    switch (element.kind) {
      case 'cluster': return undefined;
      case 'message': {
        // A node's own message rows ("no auto-repair events", "N more events") sit under it.
        const under = /^(?:none|more):(.+)$/s.exec(element.id)?.[1];
        return under !== undefined ? { kind: 'node', name: under } : this.session.identity ? { kind: 'cluster' } : undefined;
      }
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
    if (isGroupRow(element)) {
      this.shownRows.set(item.id, rowSignature(item));
    } else if (element.kind === 'node') {
      this.drawnHistory.set(element.name, this.historyOf(element.name));
    }
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
