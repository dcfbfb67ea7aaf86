/**
 * The history file's lines and how they fold into one cluster's state (their text: historyCodec.ts):
 * a header naming the cluster, then upserts of events (by key), readiness transitions (by node,
 * time and status) and node facts (by name). Folding is idempotent: a line read twice, or written
 * by two windows, changes nothing the second time. No `vscode`, no file system here.
 */

import type { ReadinessTransition, RecordedEvent, RecordedNode } from '../domain/history';
import type { Mutable } from '../domain/mutable';
import { compareEvents } from '../domain/repairEvent';
import { StringPool, type Intern } from '../domain/intern';

export type HistoryLine =
  | { readonly t: 'h'; readonly v: number; readonly cluster: string; readonly created: number }
  | { readonly t: 'e'; readonly e: RecordedEvent }
  | { readonly t: 'r'; readonly r: ReadinessTransition }
  | { readonly t: 'n'; readonly n: RecordedNode };

/**
 * The cluster's state as folded from its lines. It is held for the whole retention period, so it
 * is kept compact: the strings that repeat across records (node names, reasons, codes, messages,
 * sources) are held once each, whether a record came from the model or from a line of the file
 * (JSON.parse gives every line its own copies), and a transition is found by its node and a number.
 */
export class HistoryState {
  readonly events = new Map<string, RecordedEvent>();
  /** node → event key → event, for per-node reads. */
  private readonly eventsByNode = new Map<string, Map<string, RecordedEvent>>();
  /** node → transition slot (its time and status, see `slotOf`) → transition. */
  private readonly transitionsByNode = new Map<string, Map<TransitionSlot, ReadinessTransition>>();
  private transitionCount = 0;
  readonly nodes = new Map<string, RecordedNode>();
  private readonly intern: Intern = new StringPool().intern;
  /** Per node, sorted views built on first read after a change. */
  private readonly sortedEvents = new Map<string, readonly RecordedEvent[]>();
  private readonly sortedTransitions = new Map<string, readonly ReadinessTransition[]>();
  /** Bumped on every change that altered the state. */
  generation = 0;

  get recordCount(): number {
    return this.events.size + this.transitionCount + this.nodes.size;
  }

  get transitionsHeld(): number {
    return this.transitionCount;
  }

  /** Every transition held, in no particular order. */
  *allTransitions(): IterableIterator<ReadinessTransition> {
    for (const byNode of this.transitionsByNode.values()) {
      yield* byNode.values();
    }
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

  upsertEvent(seen: RecordedEvent): boolean {
    const event = internEvent(seen, this.intern);
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

  addTransition(seen: ReadinessTransition): boolean {
    const slot = slotOf(seen);
    const byNode = this.transitionsByNode.get(seen.node);
    if (byNode?.has(slot)) {
      return false;
    }
    const t = internTransition(seen, this.intern);
    (byNode ?? mapOf(this.transitionsByNode, t.node)).set(slot, t);
    this.transitionCount++;
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

  removeTransition(t: ReadinessTransition): void {
    const byNode = this.transitionsByNode.get(t.node);
    if (!byNode?.delete(slotOf(t))) {
      return;
    }
    this.transitionCount--;
    if (byNode.size === 0) {
      this.transitionsByNode.delete(t.node);
    }
    this.sortedTransitions.delete(t.node);
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
    for (const t of [...this.allTransitions()]) {
      if (t.at < cutoff) {
        this.removeTransition(t);
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
    this.transitionsByNode.clear();
    this.transitionCount = 0;
    this.nodes.clear();
    this.sortedEvents.clear();
    this.sortedTransitions.clear();
    this.generation++;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

function mapOf<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
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

/** A transition's identity within its node: its time and status as one number, when they fit one. */
type TransitionSlot = number | string;
const STATUS_INDEX: Readonly<Record<string, number>> = { True: 1, False: 2, Unknown: 3 };

function slotOf(t: ReadinessTransition): TransitionSlot {
  const status = STATUS_INDEX[t.ready];
  return status !== undefined && Number.isSafeInteger(t.at) && Math.abs(t.at) < 2 ** 50 ? t.at * 4 + status : `${t.at}\n${t.ready}`;
}

/** The event with its repeated strings taken from the pool (the key and the numbers are its own). */
function internEvent(e: RecordedEvent, intern: Intern): RecordedEvent {
  const out: Mutable<RecordedEvent> = { ...e, node: intern(e.node), reason: intern(e.reason), message: intern(e.message), origin: intern(e.origin) as RecordedEvent['origin'] };
  out.format = intern(e.format) as RecordedEvent['format'];
  if (e.code !== undefined) {
    out.code = intern(e.code);
  }
  if (e.action !== undefined) {
    out.action = intern(e.action) as RecordedEvent['action'];
  }
  if (e.phase !== undefined) {
    out.phase = intern(e.phase) as RecordedEvent['phase'];
  }
  if (e.azureMessage !== undefined) {
    out.azureMessage = intern(e.azureMessage);
  }
  if (e.type !== undefined) {
    out.type = intern(e.type);
  }
  if (e.source !== undefined) {
    out.source = intern(e.source);
  }
  return out;
}

function internTransition(t: ReadinessTransition, intern: Intern): ReadinessTransition {
  const ready = intern(t.ready) as ReadinessTransition['ready'];
  return t.reason !== undefined ? { node: intern(t.node), ready, at: t.at, reason: intern(t.reason) } : { node: intern(t.node), ready, at: t.at };
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
