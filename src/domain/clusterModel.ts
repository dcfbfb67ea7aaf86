/**
 * What the extension knows about one cluster: its nodes and their events, kept current from
 * watch notifications and relists, with a change signal naming the nodes that changed.
 */

import { EVENT_RETENTION_MS, STALE_STEP_MS } from './aksTiming';
import { Emitter, type Disposable } from './emitter';
import { StringPool } from './intern';
import { assessHealth } from './nodeHealth';
import { field, NodeSummary, projectNode, shortString } from './nodeProjection';
import type { ProjectionErrorHandler } from './projectionErrors';
import { packKey } from './packedKey';
import { compareEvents, eventKey, EventKindPool, eventNodeName, HeldEvent, projectEvent, RepairEventRecord } from './repairEvent';
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
  /**
   * Events kept per node (default 200); the others are counted (`droppedEvents`). Repair events
   * are kept before other events, newer before older, so a flood of NodeNotReady or kubelet
   * events cannot push a node's repair steps out. An update walks the node's kept events once
   * (finding its key, and the one to evict): keep the cap in the hundreds.
   */
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
  /**
   * node name → its events, in no order. A list, not a Map by key: finding a key walks at most
   * `maxEventsPerNode` records, and a list of 10 costs 390 B less than a Map of 10 (measured,
   * 5,000 nodes × 10 events). A DELETED event names its node, so no map from key to node is kept
   * either (one Map entry less per event); one that does not is looked for in every node.
   */
  private readonly eventsByNode = new Map<string, HeldEvent[]>();
  /** node name → events the cluster holds for it beyond the cap (only nodes that have some). */
  private readonly dropped = new Map<string, number>();
  /**
   * One copy of each string that repeats across nodes and events: with test/bench's fixtures
   * (5,000 nodes, 10 events each, raw objects let go as the connection does) it took the model
   * from 6.3 to 2.8 KB per node with its events (before HeldEvent); the pool's own share is
   * about 45 B per node.
   */
  private readonly strings = new StringPool();
  /** What auto-repair events say, shared by the events that say the same (see HeldEvent). */
  private readonly kinds = new EventKindPool();
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
      const name = shortString(field(field(raw, 'metadata'), 'name'), 253);
      if (name !== undefined && this.nodeMap.delete(name)) {
        this.nodeChanged(name);
        this.fire([name]);
      }
      return;
    }
    const node = projectNode(raw, this.projectionError, this.strings.intern);
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
      const node = projectNode(raw, this.projectionError, this.strings.intern);
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
      const node = this.deleteEvent(raw);
      if (node !== undefined) {
        this.fire([node]);
      }
      return;
    }
    const record = projectEvent(raw, this.projectionError, this.strings.intern, this.kinds);
    if (record && this.setEvent(record, type === 'MODIFIED')) {
      this.fire([record.node]);
    }
  }

  /** A relist of events: replaces all events at once; only nodes whose events differ are reported. */
  replaceEvents(raws: readonly unknown[]): void {
    this.replaceEventRecords(this.projectEvents(raws));
  }

  /** Projects raw events as the model would (events not about a node are dropped). */
  projectEvents(raws: readonly unknown[]): HeldEvent[] {
    const records: HeldEvent[] = [];
    for (const raw of raws) {
      const record = projectEvent(raw, this.projectionError, this.strings.intern, this.kinds);
      if (record) {
        records.push(record);
      }
    }
    return records;
  }

  /** replaceEvents for events already projected. */
  replaceEventRecords(records: readonly HeldEvent[]): void {
    // The last of a key wins, as it would have from the watch.
    const byKey = new Map<string, HeldEvent>();
    for (const record of records) {
      byKey.set(record.packedKey, record);
    }
    const fresh = new Map<string, HeldEvent[]>();
    for (const record of byKey.values()) {
      const events = fresh.get(record.node);
      if (events) {
        events.push(record);
      } else {
        fresh.set(record.node, [record]);
      }
    }
    const affected: string[] = [];
    for (const name of this.eventsByNode.keys()) {
      if (!fresh.has(name)) {
        this.eventsByNode.delete(name);
        this.dropped.delete(name);
        this.timelines.delete(name);
        affected.push(name);
      }
    }
    for (const [name, all] of fresh) {
      // slice(): a list of exactly its length (push leaves room to grow).
      const kept = all.length > this.maxEventsPerNode ? keepMostWorth(all, this.maxEventsPerNode) : all.slice();
      const dropped = all.length - kept.length;
      const old = this.eventsByNode.get(name);
      const droppedBefore = this.droppedEvents(name);
      this.setDropped(name, dropped);
      // Unchanged: the records held stay (a cached timeline points at them), the copies go.
      if (!old || droppedBefore !== dropped || !sameEvents(old, kept)) {
        this.eventsByNode.set(name, kept);
        this.timelines.delete(name);
        affected.push(name);
      }
    }
    this.fire(affected);
  }

  /**
   * How many events the cluster holds for the node beyond those kept (`maxEventsPerNode`): the
   * Nodes view's "N more". Exact after a relist; the watch keeps it exact as long as each event
   * arrives ADDED first (a MODIFIED event the model does not hold is taken for one it dropped).
   */
  droppedEvents(name: string): number {
    return this.dropped.get(name) ?? 0;
  }

  /** The node's events, oldest first. Nodes not (yet) known keep their events too. */
  eventsFor(name: string): RepairEventRecord[] {
    const events = this.eventsByNode.get(name);
    return events ? [...events].sort(compareEvents) : [];
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
    const keyed: [string, RepairEventRecord][] = [];
    for (const list of this.eventsByNode.values()) {
      for (const e of list) {
        keyed.push([e.key, e]);
      }
    }
    keyed.sort((a, b) => compareNames(a[0], b[0]));
    return { nodes: [...this.nodes()], events: keyed.map(([, e]) => e) };
  }

  /** Forgets everything (another cluster, or disconnected); listeners get one full change. */
  clear(): void {
    const hadState = this.nodeMap.size > 0 || this.eventsByNode.size > 0;
    this.nodeMap.clear();
    this.eventsByNode.clear();
    this.dropped.clear();
    this.strings.clear();
    this.kinds.clear();
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

  /**
   * Stores a watched record; true when the node's events changed. A new event beyond the cap
   * evicts the one least worth keeping: one scan of the node's events (at most the cap), never
   * a sort. `seenBefore` (a MODIFIED event the model does not hold) means it was dropped before
   * and is already counted. An event whose node changed (odd input: an update cannot change a
   * Kubernetes event's subject) is not looked for under other nodes, which would take a map from
   * key to node or a scan of every node: it stays under its first node too, until the next relist.
   */
  private setEvent(record: HeldEvent, seenBefore: boolean): boolean {
    let events = this.eventsByNode.get(record.node);
    if (!events) {
      events = [];
      this.eventsByNode.set(record.node, events);
    }
    const at = indexOfKey(events, record.packedKey);
    if (at >= 0) {
      if (events[at].equals(record)) {
        return false;
      }
      events[at] = record;
      this.timelines.delete(record.node);
      return true;
    }
    const droppedBefore = this.droppedEvents(record.node);
    let dropped = seenBefore && droppedBefore > 0 ? droppedBefore - 1 : droppedBefore;
    events.push(record);
    let evicted: HeldEvent | undefined;
    if (events.length > this.maxEventsPerNode) {
      const least = indexOfLeastWorth(events);
      evicted = events[least];
      events[least] = events[events.length - 1];
      events.pop();
      dropped++;
    }
    this.setDropped(record.node, dropped);
    if (evicted === record && dropped === droppedBefore) {
      return false;
    }
    this.timelines.delete(record.node);
    return true;
  }

  /** Removes the event a DELETED notification names; returns its node when anything changed. */
  private deleteEvent(raw: unknown): string | undefined {
    const rawKey = eventKey(raw);
    if (rawKey === undefined) {
      return undefined;
    }
    const key = packKey(rawKey);
    const subject = field(raw, 'involvedObject') ?? field(raw, 'regarding');
    const named = eventNodeName(raw);
    if (subject === undefined) {
      // Names no subject: look in every node (rare; only odd input).
      for (const [name, events] of this.eventsByNode) {
        if (indexOfKey(events, key) >= 0) {
          return this.removeEvent(name, key);
        }
      }
      return undefined;
    }
    if (named === undefined) {
      return undefined;
    }
    if (indexOfKey(this.eventsByNode.get(named) ?? [], key) >= 0) {
      return this.removeEvent(named, key);
    }
    // One of those beyond the cap has expired.
    const dropped = this.droppedEvents(named);
    if (dropped > 0) {
      this.setDropped(named, dropped - 1);
      return named;
    }
    return undefined;
  }

  private removeEvent(name: string, key: string): string {
    const events = this.eventsByNode.get(name);
    const at = events ? indexOfKey(events, key) : -1;
    if (events && at >= 0) {
      events.splice(at, 1);
    }
    if (events?.length === 0) {
      // The count of dropped events stays: they still exist, and "N more" still says so.
      this.eventsByNode.delete(name);
    }
    this.timelines.delete(name);
    return name;
  }

  private setDropped(name: string, count: number): void {
    if (count > 0) {
      this.dropped.set(name, count);
    } else {
      this.dropped.delete(name);
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
  return sameFields(a, b, 'resourceVersion');
}

/**
 * The same own fields with the same values (lists of strings compared item by item), without
 * the garbage of comparing JSON: projections hold only strings, numbers, booleans and such lists.
 */
function sameFields<T extends object>(a: T, b: T, ignore?: keyof T): boolean {
  let fields = 0;
  for (const key in a) {
    if (key === ignore) {
      continue;
    }
    fields++;
    const x: unknown = a[key];
    const y: unknown = b[key];
    if (x !== y && !(Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i]))) {
      return false;
    }
  }
  for (const key in b) {
    if (key === ignore) {
      continue;
    }
    if (!(key in a)) {
      return false;
    }
    fields--;
  }
  return fields === 0;
}

/** `packedKey`: a HeldEvent's packed key. */
function indexOfKey(events: readonly HeldEvent[], packedKey: string): number {
  return events.findIndex((e) => e.packedKey === packedKey);
}

/** The same records, in any order (keys are unique within each list). */
function sameEvents(a: readonly HeldEvent[], b: readonly HeldEvent[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  const old = new Map(a.map((e) => [e.packedKey, e]));
  return b.every((e) => {
    const before = old.get(e.packedKey);
    return before !== undefined && before.equals(e);
  });
}

/** Repair events (they make the timeline's steps) before other events, then newer before older. */
function worth(a: RepairEventRecord, b: RepairEventRecord): number {
  return (a.action ? 1 : 0) - (b.action ? 1 : 0) || seenAt(a) - seenAt(b);
}

function seenAt(e: RepairEventRecord): number {
  return e.lastSeen ?? e.firstSeen ?? 0;
}

/** One pass over a non-empty list. */
function indexOfLeastWorth(events: readonly RepairEventRecord[]): number {
  let least = 0;
  for (let i = 1; i < events.length; i++) {
    if (worth(events[i], events[least]) < 0) {
      least = i;
    }
  }
  return least;
}

/** The `cap` records most worth keeping, for a relist (one sort per relist, not per event). */
function keepMostWorth(events: HeldEvent[], cap: number): HeldEvent[] {
  return events.sort((a, b) => worth(b, a)).slice(0, cap);
}
