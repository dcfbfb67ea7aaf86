/**
 * What the extension knows about one cluster: its nodes and their events, kept current from
 * watch notifications and relists, with a change signal naming the nodes that changed.
 */

import { EVENT_RETENTION_MS, STALE_STEP_MS } from './aksTiming';
import { Emitter, type Disposable } from './emitter';
import { assessHealth } from './nodeHealth';
import { field, NodeSummary, projectNode, shortString } from './nodeProjection';
import type { ProjectionErrorHandler } from './projectionErrors';
import { compareEvents, eventKey, projectEvent, RepairEventRecord } from './repairEvent';
import { buildTimeline, RepairTimeline } from './repairTimeline';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ClusterChange {
  /** Names of the nodes whose summary or events changed. */
  readonly nodes: readonly string[];
  /** Everything may have changed (the model was cleared): redraw all. */
  readonly full: boolean;
}

export interface NodePool {
  /** The agent pool name; empty for nodes without a pool label. */
  readonly name: string;
  readonly nodes: readonly NodeSummary[];
}

export interface ClusterCounts {
  readonly nodes: number;
  readonly notReady: number;
  readonly unknown: number;
  /** Nodes (known or already gone) whose latest failed repair step is within the event retention. */
  readonly repairErrors: number;
  /** Nodes with a repair step running now. */
  readonly repairing: number;
}

export interface ClusterModelOptions {
  /** Newest events kept per node. */
  readonly maxEventsPerNode?: number;
  /**
   * An object that could not be read, or a listener that threw: the object or listener is
   * skipped, the rest goes on, and this says what happened (the session logs it).
   */
  readonly onError?: (what: string, err: unknown) => void;
}

interface CachedTimeline {
  readonly timeline: RepairTimeline;
  /** Rebuild at or after this time: a running step goes stale. */
  readonly validUntil: number;
}

export class ClusterModel {
  private readonly nodeMap = new Map<string, NodeSummary>();
  /** node name → event key → record */
  private readonly eventsByNode = new Map<string, Map<string, RepairEventRecord>>();
  /** event key → node name, so a DELETED event finds its node. */
  private readonly eventNode = new Map<string, string>();
  private readonly timelines = new Map<string, CachedTimeline>();
  private readonly changed: Emitter<ClusterChange>;
  private readonly maxEventsPerNode: number;
  private readonly projectionError: ProjectionErrorHandler;
  private sortedNodes: NodeSummary[] | undefined;
  /** Who hears about changes: `model.onDidChange((change) => …)`. */
  readonly onDidChange: (listener: (change: ClusterChange) => void) => Disposable;

  constructor(options: ClusterModelOptions = {}) {
    this.maxEventsPerNode = Math.max(1, options.maxEventsPerNode ?? 200);
    const onError = options.onError ?? (() => undefined);
    this.changed = new Emitter((err) => onError('A listener of the cluster model failed', err));
    this.onDidChange = this.changed.event;
    this.projectionError = (what, err) => onError(`Skipped a ${what} that could not be read`, err);
  }

  // ---- nodes ----

  applyNode(type: WatchType, raw: unknown): void {
    if (type === 'DELETED') {
      const name = projectNode(raw, this.projectionError)?.name ?? shortString(field(field(raw, 'metadata'), 'name'), 253);
      if (name !== undefined && this.nodeMap.delete(name)) {
        this.nodeChanged(name);
        this.fire([name]);
      }
      return;
    }
    const node = projectNode(raw, this.projectionError);
    if (!node) {
      return;
    }
    if (this.setNode(node)) {
      this.fire([node.name]);
    }
  }

  /** A relist: the new state replaces the old at once; only the nodes that differ are reported. */
  replaceNodes(raws: readonly unknown[]): void {
    this.replaceNodeRecords(this.projectNodes(raws));
  }

  /** Projects raw nodes as the model would (skipping, and reporting, those it cannot read). */
  projectNodes(raws: readonly unknown[]): NodeSummary[] {
    const nodes: NodeSummary[] = [];
    for (const raw of raws) {
      const node = projectNode(raw, this.projectionError);
      if (node) {
        nodes.push(node);
      }
    }
    return nodes;
  }

  /** replaceNodes for nodes already projected (a relist projects each page as it arrives). */
  replaceNodeRecords(nodes: readonly NodeSummary[]): void {
    const fresh = new Map<string, NodeSummary>();
    for (const node of nodes) {
      fresh.set(node.name, node);
    }
    const changed: string[] = [];
    for (const name of this.nodeMap.keys()) {
      if (!fresh.has(name)) {
        this.nodeMap.delete(name);
        this.nodeChanged(name);
        changed.push(name);
      }
    }
    for (const node of fresh.values()) {
      if (this.setNode(node)) {
        changed.push(node.name);
      }
    }
    this.fire(changed);
  }

  nodes(): readonly NodeSummary[] {
    this.sortedNodes ??= [...this.nodeMap.values()].sort((a, b) => compareNames(a.name, b.name));
    return this.sortedNodes;
  }

  node(name: string): NodeSummary | undefined {
    return this.nodeMap.get(name);
  }

  /** Nodes grouped by agent pool, pools and nodes sorted by name. */
  pools(): NodePool[] {
    const byPool = new Map<string, NodeSummary[]>();
    for (const node of this.nodes()) {
      const pool = node.pool ?? '';
      let list = byPool.get(pool);
      if (!list) {
        list = [];
        byPool.set(pool, list);
      }
      list.push(node);
    }
    return [...byPool.entries()]
      .sort(([a], [b]) => compareNames(a, b))
      .map(([name, nodes]) => ({ name, nodes }));
  }

  // ---- events ----

  applyEvent(type: WatchType, raw: unknown): void {
    if (type === 'DELETED') {
      const key = eventKey(raw);
      const node = key === undefined ? undefined : this.removeEvent(key);
      if (node !== undefined) {
        this.fire([node]);
      }
      return;
    }
    const record = projectEvent(raw, this.projectionError);
    if (!record) {
      return;
    }
    const affected = this.setEvent(record);
    if (affected.length > 0) {
      this.trim(record.node);
      this.fire(affected);
    }
  }

  /** A relist of events: replaces all events at once; only nodes whose events differ are reported. */
  replaceEvents(raws: readonly unknown[]): void {
    this.replaceEventRecords(this.projectEvents(raws));
  }

  /** Projects raw events as the model would (events not about a node are dropped). */
  projectEvents(raws: readonly unknown[]): RepairEventRecord[] {
    const records: RepairEventRecord[] = [];
    for (const raw of raws) {
      const record = projectEvent(raw, this.projectionError);
      if (record) {
        records.push(record);
      }
    }
    return records;
  }

  /** replaceEvents for events already projected. */
  replaceEventRecords(records: readonly RepairEventRecord[]): void {
    const fresh = new Map<string, RepairEventRecord>();
    for (const record of records) {
      fresh.set(record.key, record);
    }
    const affected = new Set<string>();
    for (const key of [...this.eventNode.keys()]) {
      if (!fresh.has(key)) {
        const node = this.removeEvent(key);
        if (node !== undefined) {
          affected.add(node);
        }
      }
    }
    for (const record of fresh.values()) {
      for (const name of this.setEvent(record)) {
        affected.add(name);
      }
    }
    for (const name of affected) {
      this.trim(name);
    }
    this.fire([...affected]);
  }

  /** The node's events, oldest first. Nodes not (yet) known keep their events too. */
  eventsFor(name: string): RepairEventRecord[] {
    const events = this.eventsByNode.get(name);
    return events ? [...events.values()].sort(compareEvents) : [];
  }

  /** Names of every node that is known or has events (a deleted node's repair history stays visible). */
  nodeNamesWithEvents(): string[] {
    return [...this.eventsByNode.keys()].sort(compareNames);
  }

  // ---- derived state ----

  /** The node's repair timeline, cached until the node or its events change. */
  timeline(name: string, now: number): RepairTimeline {
    const cached = this.timelines.get(name);
    if (cached && now < cached.validUntil) {
      return cached.timeline;
    }
    const node = this.nodeMap.get(name);
    const timeline = buildTimeline(this.eventsFor(name), node ? assessHealth(node, now) : undefined, now, { os: node?.os });
    const running = timeline.current?.lastSeen;
    this.timelines.set(name, { timeline, validUntil: running !== undefined ? running + STALE_STEP_MS : Infinity });
    return timeline;
  }

  counts(now: number): ClusterCounts {
    let notReady = 0;
    let unknown = 0;
    for (const node of this.nodeMap.values()) {
      if (node.ready === 'False') {
        notReady++;
      } else if (node.ready === 'Unknown') {
        unknown++;
      }
    }
    let repairErrors = 0;
    let repairing = 0;
    for (const name of new Set([...this.nodeMap.keys(), ...this.eventsByNode.keys()])) {
      const timeline = this.timeline(name, now);
      const failedAt = timeline.lastError?.lastSeen;
      if (failedAt !== undefined && now - failedAt <= EVENT_RETENTION_MS) {
        repairErrors++;
      }
      if (timeline.current) {
        repairing++;
      }
    }
    return { nodes: this.nodeMap.size, notReady, unknown, repairErrors, repairing };
  }

  /** Everything the model holds, sorted, for comparing with the server's state. */
  snapshot(): { nodes: NodeSummary[]; events: RepairEventRecord[] } {
    const events: RepairEventRecord[] = [];
    for (const map of this.eventsByNode.values()) {
      events.push(...map.values());
    }
    events.sort((a, b) => compareNames(a.key, b.key));
    return { nodes: [...this.nodes()], events };
  }

  /** Forgets everything (another cluster, or disconnected); listeners get one full change. */
  clear(): void {
    const hadState = this.nodeMap.size > 0 || this.eventsByNode.size > 0;
    this.nodeMap.clear();
    this.eventsByNode.clear();
    this.eventNode.clear();
    this.timelines.clear();
    this.sortedNodes = undefined;
    if (hadState) {
      this.emit({ nodes: [], full: true });
    }
  }

  // ---- internals ----

  /** Stores the node; true when anything a user could see changed. */
  private setNode(node: NodeSummary): boolean {
    const old = this.nodeMap.get(node.name);
    this.nodeMap.set(node.name, node);
    // resourceVersion always moves; it alone is no visible change.
    const same = old !== undefined && sameNode(old, node);
    if (!same) {
      this.nodeChanged(node.name);
    } else {
      this.sortedNodes = undefined;
    }
    return !same;
  }

  private nodeChanged(name: string): void {
    this.sortedNodes = undefined;
    this.timelines.delete(name);
  }

  /** Stores the record; returns the node names whose events changed. */
  private setEvent(record: RepairEventRecord): string[] {
    const previousNode = this.eventNode.get(record.key);
    const affected: string[] = [];
    if (previousNode !== undefined && previousNode !== record.node) {
      this.removeEvent(record.key);
      affected.push(previousNode);
    }
    let events = this.eventsByNode.get(record.node);
    if (!events) {
      events = new Map();
      this.eventsByNode.set(record.node, events);
    }
    const old = events.get(record.key);
    events.set(record.key, record);
    this.eventNode.set(record.key, record.node);
    if (!old || !sameRecord(old, record)) {
      this.timelines.delete(record.node);
      affected.push(record.node);
    }
    return affected;
  }

  /** Removes an event by key; returns its node name when it was held. */
  private removeEvent(key: string): string | undefined {
    const node = this.eventNode.get(key);
    if (node === undefined) {
      return undefined;
    }
    this.eventNode.delete(key);
    const events = this.eventsByNode.get(node);
    events?.delete(key);
    if (events && events.size === 0) {
      this.eventsByNode.delete(node);
    }
    this.timelines.delete(node);
    return node;
  }

  /** Keeps the newest events of a node within the cap. */
  private trim(name: string): void {
    const events = this.eventsByNode.get(name);
    if (!events || events.size <= this.maxEventsPerNode) {
      return;
    }
    const oldestFirst = [...events.values()].sort((a, b) => (a.lastSeen ?? a.firstSeen ?? 0) - (b.lastSeen ?? b.firstSeen ?? 0));
    for (const record of oldestFirst.slice(0, events.size - this.maxEventsPerNode)) {
      this.removeEvent(record.key);
    }
  }

  private fire(nodes: string[]): void {
    if (nodes.length > 0) {
      this.emit({ nodes: [...new Set(nodes)].sort(compareNames), full: false });
    }
  }

  private emit(change: ClusterChange): void {
    this.changed.fire(change);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameNode(a: NodeSummary, b: NodeSummary): boolean {
  return JSON.stringify({ ...a, resourceVersion: undefined }) === JSON.stringify({ ...b, resourceVersion: undefined });
}

function sameRecord(a: RepairEventRecord, b: RepairEventRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
