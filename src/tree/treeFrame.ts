import type { ClusterModel, NodePool } from '../domain/clusterModel';
import { mergeEvents, recurrences, type RecordedEvent, type RecordedNode, type Recurrence, type SourcedEvent } from '../domain/history';
import { assessHealth, type NodeHealth } from '../domain/nodeHealth';
import type { NodeSummary } from '../domain/nodeProjection';
import { buildTimeline, type RepairTimeline } from '../domain/repairTimeline';
import type { RepairHistoryView } from '../repairHistory/historyApi';

/** One node as the rows of one refresh see it: read from the model (and the history) once. */
export interface NodeSnapshot {
  readonly name: string;
  /** Undefined for a node that is gone from the cluster but still has events. */
  readonly summary?: NodeSummary;
  readonly health?: NodeHealth;
  /** Every step and event: the live ones, and those recorded past the cluster's hour (local history, Container Insights). */
  readonly timeline: RepairTimeline;
  // The fields below are optional so that a snapshot built by hand (a test) without history is
  // still one: absent, they are `timeline`, false and none.
  /** The live timeline alone: what the cluster still keeps (the last hour). */
  readonly live?: RepairTimeline;
  /**
   * What the node's line and next step are read from: the live timeline, or the recorded one
   * when the cluster no longer keeps the steps of the NotReady spell the node is still in.
   */
  readonly status?: RepairTimeline;
  /** Some of its rows come from the history, not from the cluster now. */
  readonly hasRecorded?: boolean;
  /** What the history remembers of the node (pool, VM size, when it left). */
  readonly facts?: RecordedNode;
  /** The node's events by key, for event rows. */
  event(key: string): SourcedEvent | undefined;
  /** Codes seen more than once over the retained period ("seen N times over D days"). */
  recurrences?(): readonly Recurrence[];
}

/** What the Nodes view reads of the history. */
export type TreeHistory = Pick<RepairHistoryView, 'recordedFor' | 'recordedNodeNames' | 'snapshot'>;

interface MergedEntry {
  readonly live: RepairTimeline;
  readonly recorded: readonly RecordedEvent[];
  readonly events: readonly SourcedEvent[];
  readonly timeline: RepairTimeline;
  readonly hasRecorded: boolean;
}

/**
 * Merged timelines kept across refreshes: rebuilt only when the node's live timeline (cached by
 * the model) or its recorded rows (the same array until they change) are new.
 */
export class MergedTimelines {
  private readonly entries = new Map<string, MergedEntry>();
  private model?: ClusterModel;

  get(model: ClusterModel, name: string, live: RepairTimeline, recorded: readonly RecordedEvent[], build: () => Omit<MergedEntry, 'live' | 'recorded'>): MergedEntry {
    if (model !== this.model) {
      this.entries.clear();
      this.model = model;
    }
    const cached = this.entries.get(name);
    if (cached && cached.live === live && cached.recorded === recorded) {
      return cached;
    }
    const entry = { live, recorded, ...build() };
    this.entries.set(name, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * What the Nodes view shows during one refresh: the time, and each node's snapshot taken on
 * first use. The provider starts a new frame on every refresh, so rows built for one redraw all
 * agree with each other and the model is read once per node, not once per row and field.
 * A node without recorded rows costs what it did before the history existed: one lookup more.
 */
export class TreeFrame {
  private readonly snapshots = new Map<string, NodeSnapshot>();
  private poolList?: readonly NodePool[];
  private gone?: readonly string[];

  constructor(
    readonly model: ClusterModel,
    readonly now: number,
    private readonly history?: TreeHistory,
    private readonly merged: MergedTimelines = new MergedTimelines(),
  ) {}

  node(name: string): NodeSnapshot {
    let snapshot = this.snapshots.get(name);
    if (!snapshot) {
      snapshot = this.take(name);
      this.snapshots.set(name, snapshot);
    }
    return snapshot;
  }

  pools(): readonly NodePool[] {
    this.poolList ??= this.model.pools();
    return this.poolList;
  }

  pool(name: string): NodePool | undefined {
    return this.pools().find((p) => p.name === name);
  }

  nodeCount(): number {
    return this.model.nodes().length;
  }

  /**
   * Nodes no longer in the cluster with repair steps, by name: those whose events the cluster
   * still keeps, and (once the cluster's nodes are known) those the history remembers.
   */
  goneNodes(): readonly string[] {
    if (!this.gone) {
      const names = new Set(this.model.nodeNamesWithEvents());
      if (this.history && this.model.nodes().length > 0) {
        for (const name of this.history.recordedNodeNames()) {
          names.add(name);
        }
      }
      this.gone = [...names].filter((name) => !this.model.node(name) && this.node(name).timeline.steps.length > 0).sort();
    }
    return this.gone;
  }

  private take(name: string): NodeSnapshot {
    const summary = this.model.node(name);
    const live = this.model.timeline(name, this.now);
    const health = summary ? assessHealth(summary, this.now) : undefined;
    const recorded = this.history?.recordedFor(name);
    if (!recorded || recorded.length === 0) {
      let events: Map<string, SourcedEvent> | undefined;
      let repeats: readonly Recurrence[] | undefined;
      return {
        name, summary, health, timeline: live, live, status: live, hasRecorded: false,
        event: (key) => {
          events ??= new Map(this.model.eventsFor(name).map((e) => [e.key, e]));
          return events.get(key);
        },
        recurrences: () => (repeats ??= recurrences(this.model.eventsFor(name))),
      };
    }
    const entry = this.merged.get(this.model, name, live, recorded, () => {
      // Most nodes with history have nothing live: their recorded rows are already one sorted list.
      const liveEvents = this.model.eventsFor(name);
      const events = liveEvents.length === 0 ? recorded : mergeEvents(liveEvents, recorded);
      const hasRecorded = events.some((e) => e.origin !== undefined && e.origin !== 'live');
      return { events, hasRecorded, timeline: buildTimeline(events, health, this.now, { os: summary?.os }) };
    });
    const timeline = entry.timeline;
    let byKey: Map<string, SourcedEvent> | undefined;
    let repeats: readonly Recurrence[] | undefined;
    return {
      name, summary, health, timeline, live,
      status: statusTimeline(live, timeline, health),
      hasRecorded: entry.hasRecorded,
      // Only a node that left needs them (its tooltip); the snapshot is rebuilt when the history changes.
      facts: summary ? undefined : this.history?.snapshot()?.nodes.get(name),
      event: (key) => {
        byKey ??= new Map(entry.events.map((e) => [e.key, e]));
        return byKey.get(key);
      },
      recurrences: () => (repeats ??= recurrences(entry.events)),
    };
  }
}

/**
 * The live timeline says what is going on now, except when the cluster has already dropped the
 * steps of the spell the node is still in (NotReady since 07:55, the reboot failed at 08:30,
 * now 10:00): then the recorded steps do. A node that is gone has only recorded ones.
 */
function statusTimeline(live: RepairTimeline, merged: RepairTimeline, health: NodeHealth | undefined): RepairTimeline {
  if (live.steps.length > 0) {
    return live;
  }
  if (!health) {
    return merged;
  }
  const last = merged.steps.at(-1);
  if (health.state !== 'healthy' && health.since !== undefined && last?.lastSeen !== undefined && last.lastSeen >= health.since) {
    return merged;
  }
  return live;
}
