/**
 * The history file's lines and how they fold into one cluster's state (their text: historyCodec.ts):
 * a header naming the cluster, then upserts of events (by key), readiness transitions (by node,
 * time and status) and node facts (by name). Folding is idempotent: a line read twice, or written
 * by two windows, changes nothing the second time. No `vscode`, no file system here.
 */

import type { ReadinessTransition, RecordedEvent, RecordedNode } from '../domain/history';
import type { Mutable } from '../domain/mutable';
import { compareEvents } from '../domain/repairEvent';

export type HistoryLine =
  | { readonly t: 'h'; readonly v: number; readonly cluster: string; readonly created: number }
  | { readonly t: 'e'; readonly e: RecordedEvent }
  | { readonly t: 'r'; readonly r: ReadinessTransition }
  | { readonly t: 'n'; readonly n: RecordedNode };

/** The cluster's state as folded from its lines. */
export class HistoryState {
  readonly events = new Map<string, RecordedEvent>();
  /** node → event key → event, for per-node reads. */
  private readonly eventsByNode = new Map<string, Map<string, RecordedEvent>>();
  readonly transitions = new Map<string, ReadinessTransition>();
  private readonly transitionsByNode = new Map<string, Map<string, ReadinessTransition>>();
  readonly nodes = new Map<string, RecordedNode>();
  /** Per node, sorted views built on first read after a change. */
  private readonly sortedEvents = new Map<string, readonly RecordedEvent[]>();
  private readonly sortedTransitions = new Map<string, readonly ReadinessTransition[]>();
  /** Bumped on every change that altered the state. */
  generation = 0;

  get recordCount(): number {
    return this.events.size + this.transitions.size + this.nodes.size;
  }

  /** Applies one line; true when the state changed. */
  apply(line: HistoryLine): boolean {
    switch (line.t) {
      case 'h': return false;
      case 'e': return this.upsertEvent(line.e);
      case 'r': return this.addTransition(line.r);
      case 'n': return this.upsertNode(line.n);
    }
  }

  upsertEvent(event: RecordedEvent): boolean {
    const old = this.events.get(event.key);
    const next = old ? mergeRecorded(old, event) : event;
    if (old === next) {
      return false;
    }
    if (old && old.node !== next.node) {
      this.removeEvent(old.key);
    }
    this.events.set(next.key, next);
    mapOf(this.eventsByNode, next.node).set(next.key, next);
    this.sortedEvents.delete(next.node);
    this.generation++;
    return true;
  }

  addTransition(t: ReadinessTransition): boolean {
    const key = transitionKey(t);
    if (this.transitions.has(key)) {
      return false;
    }
    this.transitions.set(key, t);
    mapOf(this.transitionsByNode, t.node).set(key, t);
    this.sortedTransitions.delete(t.node);
    this.generation++;
    return true;
  }

  upsertNode(n: RecordedNode): boolean {
    const old = this.nodes.get(n.name);
    const next = old ? mergeNode(old, n) : n;
    if (old !== undefined && sameNode(old, next)) {
      return false;
    }
    this.nodes.set(n.name, next);
    this.generation++;
    return true;
  }

  removeEvent(key: string): void {
    const old = this.events.get(key);
    if (!old) {
      return;
    }
    this.events.delete(key);
    const byNode = this.eventsByNode.get(old.node);
    byNode?.delete(key);
    if (byNode?.size === 0) {
      this.eventsByNode.delete(old.node);
    }
    this.sortedEvents.delete(old.node);
    this.generation++;
  }

  removeTransition(key: string): void {
    const old = this.transitions.get(key);
    if (!old) {
      return;
    }
    this.transitions.delete(key);
    const byNode = this.transitionsByNode.get(old.node);
    byNode?.delete(key);
    if (byNode?.size === 0) {
      this.transitionsByNode.delete(old.node);
    }
    this.sortedTransitions.delete(old.node);
    this.generation++;
  }

  removeNode(name: string): void {
    if (this.nodes.delete(name)) {
      this.generation++;
    }
  }

  /** The node's recorded events, oldest first (the same array until the node's events change). */
  eventsFor(node: string): readonly RecordedEvent[] {
    let sorted = this.sortedEvents.get(node);
    if (!sorted) {
      const byKey = this.eventsByNode.get(node);
      sorted = byKey ? [...byKey.values()].sort(compareEvents) : EMPTY;
      this.sortedEvents.set(node, sorted);
    }
    return sorted;
  }

  transitionsFor(node: string): readonly ReadinessTransition[] {
    let sorted = this.sortedTransitions.get(node);
    if (!sorted) {
      const byKey = this.transitionsByNode.get(node);
      sorted = byKey ? [...byKey.values()].sort((a, b) => a.at - b.at) : EMPTY;
      this.sortedTransitions.set(node, sorted);
    }
    return sorted;
  }

  /** Nodes with recorded events or transitions. */
  nodeNames(): IterableIterator<string> {
    return new Set([...this.eventsByNode.keys(), ...this.transitionsByNode.keys(), ...this.nodes.keys()]).values();
  }

  /** Nodes with recorded events. */
  nodesWithEvents(): IterableIterator<string> {
    return this.eventsByNode.keys();
  }

  hasEventsFor(node: string): boolean {
    return this.eventsByNode.has(node);
  }

  hasAnythingFor(node: string): boolean {
    return this.eventsByNode.has(node) || this.transitionsByNode.has(node) || this.nodes.has(node);
  }

  /** Drops what is older than `cutoff` (epoch ms); how many records went. */
  dropOlderThan(cutoff: number): number {
    let dropped = 0;
    for (const e of [...this.events.values()]) {
      if (eventTime(e) < cutoff) {
        this.removeEvent(e.key);
        dropped++;
      }
    }
    for (const [key, t] of [...this.transitions]) {
      if (t.at < cutoff) {
        this.removeTransition(key);
        dropped++;
      }
    }
    for (const n of [...this.nodes.values()]) {
      // A node's facts stay while anything of it does, or while it was seen within the period.
      if ((n.goneAt ?? n.lastSeen) < cutoff && !this.eventsByNode.has(n.name) && !this.transitionsByNode.has(n.name)) {
        this.removeNode(n.name);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.events.clear();
    this.eventsByNode.clear();
    this.transitions.clear();
    this.transitionsByNode.clear();
    this.nodes.clear();
    this.sortedEvents.clear();
    this.sortedTransitions.clear();
    this.generation++;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

function mapOf<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/** When an event happened, for retention and the size bound. */
export function eventTime(e: RecordedEvent): number {
  return e.lastSeen ?? e.firstSeen ?? e.recordedAt;
}

export function transitionKey(t: ReadinessTransition): string {
  return `${t.node}\n${t.at}\n${t.ready}`;
}

/** The same event seen again: the newest count and last seen, the newer line's other fields. */
function mergeRecorded(old: RecordedEvent, next: RecordedEvent): RecordedEvent {
  const count = Math.max(old.count, next.count);
  const lastSeen = maxDefined(old.lastSeen, next.lastSeen);
  const firstSeen = minDefined(old.firstSeen, next.firstSeen);
  const recordedAt = Math.max(old.recordedAt, next.recordedAt);
  const base = next.recordedAt >= old.recordedAt ? next : old;
  if (old.count === count && old.lastSeen === lastSeen && old.firstSeen === firstSeen && old.recordedAt === recordedAt
    && old.message === base.message && old.code === base.code) {
    return old;
  }
  const merged: Mutable<RecordedEvent> = { ...base, count, recordedAt };
  setOptional(merged, 'lastSeen', lastSeen);
  setOptional(merged, 'firstSeen', firstSeen);
  return merged;
}

function mergeNode(old: RecordedNode, next: RecordedNode): RecordedNode {
  // The later observation says where the node is now (back in the cluster, or gone).
  const newer = observedAt(next) >= observedAt(old) ? next : old;
  const merged: Mutable<RecordedNode> = {
    ...old,
    ...stripUndefined(newer),
    firstSeen: Math.min(old.firstSeen, next.firstSeen),
    lastSeen: Math.max(old.lastSeen, next.lastSeen),
  };
  if (newer.goneAt === undefined) {
    delete merged.goneAt;
  }
  return merged;
}

function observedAt(n: RecordedNode): number {
  return Math.max(n.lastSeen, n.goneAt ?? 0);
}

function sameNode(a: RecordedNode, b: RecordedNode): boolean {
  return a.pool === b.pool && a.providerID === b.providerID && a.instanceType === b.instanceType && a.nodeImage === b.nodeImage
    && a.firstSeen === b.firstSeen && a.lastSeen === b.lastSeen && a.goneAt === b.goneAt;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function setOptional<T, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v === undefined) {
    delete o[k];
  } else {
    o[k] = v;
  }
}
