/**
 * Records what the cluster model sees into the history store: auto-repair events (and the
 * node-controller's readiness events), each node's Ready transitions, its facts (pool, VM size,
 * image, providerID), and when it left. Only changes are written: what the store already holds
 * is compared before a record is made. Under churn the model's changes are gathered and read
 * once per tick; readiness and departures are taken at once, so no transition is missed.
 */

import type { ClusterChange, ClusterModel } from '../domain/clusterModel';
import type { Disposable } from '../domain/emitter';
import type { RecordedNode } from '../domain/history';
import type { Mutable } from '../domain/mutable';
import type { ConditionStatus, NodeSummary } from '../domain/nodeProjection';
import type { RepairEventRecord } from '../domain/repairEvent';
import type { HistoryStore } from './historyStore';

/** Node events besides the nine auto-repair reasons that the history keeps: readiness and removal. */
export const RECORDED_NODE_REASONS: ReadonlySet<string> = new Set([
  'NodeNotReady', 'NodeReady', 'Rebooted', 'RemovingNode', 'DeletingNode', 'NodeNotSchedulable', 'NodeSchedulable',
]);

/** Changed nodes read per tick. */
const NODES_PER_TICK = 500;

/** A node still in the cluster has its last-seen time moved on at most this often. */
const LAST_SEEN_STEP_MS = 6 * 3_600_000;

export interface HistoryRecorderOptions {
  readonly now?: () => number;
  /** Changed nodes are read once per tick. */
  readonly tickMs?: number;
}

export function isRecordedEvent(e: RepairEventRecord): boolean {
  return e.action !== undefined || RECORDED_NODE_REASONS.has(e.reason);
}

export class HistoryRecorder implements Disposable {
  /** Nodes in the cluster, as this model last had them (a departure is a name that leaves this). */
  private readonly present = new Map<string, NodeSummary>();
  /** The Ready status last recorded (or found in the history) per node. */
  private readonly ready = new Map<string, ConditionStatus>();
  private readonly firstObserved = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: Disposable[] = [];
  private readonly now: () => number;
  private readonly tickMs: number;
  private disposed = false;

  constructor(readonly model: ClusterModel, private readonly store: HistoryStore, options: HistoryRecorderOptions = {}) {
    this.now = options.now ?? Date.now;
    this.tickMs = options.tickMs ?? 250;
    this.subscriptions.push(
      model.onDidChange((change) => this.onChange(change)),
      // Became the writer (the recording window closed): compare everything again with the file.
      store.onDidChangeRole(() => this.resync()),
    );
    this.scanAll();
  }

  /** Writes what the model shows now that is not yet recorded (before close, and in tests). */
  flushNow(): void {
    this.tick(Infinity);
  }

  /** Reads up to `max` changed nodes (a first scan of 5,000 nodes is spread over ticks); the rest waits. */
  private tick(max: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    let n = 0;
    for (const name of this.dirty) {
      if (n++ >= max) {
        break;
      }
      this.dirty.delete(name);
      this.recordEvents(name);
      this.recordFacts(name);
    }
    this.schedule();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.flushNow();
    this.disposed = true;
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }

  private onChange(change: ClusterChange): void {
    if (change.full) {
      // The model was cleared (disconnected, another cluster): nothing left the cluster. The
      // readiness seen is read from the history again (it is the reference for the next change).
      this.present.clear();
      this.ready.clear();
      this.scanAll();
      return;
    }
    for (const name of change.nodes) {
      this.observe(name);
      this.dirty.add(name);
    }
    this.schedule();
  }

  private resync(): void {
    this.ready.clear();
    this.scanAll();
  }

  private scanAll(): void {
    for (const node of this.model.nodes()) {
      this.observe(node.name);
      this.dirty.add(node.name);
    }
    for (const name of this.model.nodeNamesWithEvents()) {
      this.dirty.add(name);
    }
    for (const name of [...this.present.keys()]) {
      if (!this.model.node(name)) {
        this.observe(name);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer === undefined && this.dirty.size > 0 && !this.disposed) {
      this.timer = setTimeout(() => this.tick(NODES_PER_TICK), this.tickMs);
      this.timer.unref?.();
    }
  }

  /** Presence and readiness, taken at each change: a flip and back within a tick is still two transitions. */
  private observe(name: string): void {
    const node = this.model.node(name);
    const now = this.now();
    if (!node) {
      const last = this.present.get(name);
      if (last) {
        this.present.delete(name);
        if (this.isInteresting(name, last)) {
          this.writeFacts(last, now, now);
        }
        // A node with this name that joins later (scale sets reuse names) starts from what the history says.
        this.ready.delete(name);
        this.firstObserved.delete(name);
      }
      return;
    }
    this.present.set(name, node);
    if (!this.firstObserved.has(name)) {
      this.firstObserved.set(name, now);
    }
    const before = this.lastReady(name);
    if (node.ready !== before) {
      const transition = { node: name, ready: node.ready, at: node.readySince ?? now, ...(node.reason ? { reason: node.reason } : {}) };
      this.store.recordTransition(transition);
      this.ready.set(name, node.ready);
    }
  }

  /** The status a change is measured against: the history's last, else Ready (a healthy node is no news). */
  private lastReady(name: string): ConditionStatus {
    let status = this.ready.get(name);
    if (status === undefined) {
      status = this.store.transitionsFor(name).at(-1)?.ready ?? 'True';
      this.ready.set(name, status);
    }
    return status;
  }

  private recordEvents(name: string): void {
    for (const e of this.model.eventsFor(name)) {
      if (!isRecordedEvent(e)) {
        continue;
      }
      const held = this.store.event(e.key);
      if (held && held.count === e.count && held.lastSeen === e.lastSeen && held.firstSeen === e.firstSeen
        && held.message === e.message && held.node === e.node) {
        continue;
      }
      this.store.recordEvent(e, this.now());
    }
  }

  private recordFacts(name: string): void {
    const node = this.model.node(name);
    if (!node || !this.isInteresting(name, node)) {
      return;
    }
    const now = this.now();
    const held = this.store.nodeFacts(name);
    if (held && held.goneAt === undefined && sameFacts(held, node) && now - held.lastSeen < LAST_SEEN_STEP_MS) {
      return;
    }
    this.writeFacts(node, now, undefined);
  }

  private writeFacts(node: NodeSummary, lastSeen: number, goneAt: number | undefined): void {
    const held = this.store.nodeFacts(node.name);
    const observed = this.firstObserved.get(node.name) ?? lastSeen;
    const facts: Mutable<RecordedNode> = {
      name: node.name,
      firstSeen: Math.min(held?.firstSeen ?? observed, observed),
      lastSeen,
    };
    for (const key of ['pool', 'providerID', 'instanceType', 'nodeImage'] as const) {
      const value = node[key] ?? held?.[key];
      if (value !== undefined) {
        facts[key] = value;
      }
    }
    if (goneAt !== undefined) {
      facts.goneAt = goneAt;
    }
    this.store.recordNode(facts);
  }

  /** Worth keeping facts for: the node has history, recordable events, or is not Ready. */
  private isInteresting(name: string, node: NodeSummary): boolean {
    return node.ready !== 'True' || this.store.hasAnythingFor(name) || this.model.eventsFor(name).some(isRecordedEvent);
  }
}

function sameFacts(held: RecordedNode, node: NodeSummary): boolean {
  return (node.pool ?? held.pool) === held.pool && (node.providerID ?? held.providerID) === held.providerID
    && (node.instanceType ?? held.instanceType) === held.instanceType && (node.nodeImage ?? held.nodeImage) === held.nodeImage;
}
