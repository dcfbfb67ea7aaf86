import type { ClusterModel, NodePool } from '../domain/clusterModel';
import { assessHealth, type NodeHealth } from '../domain/nodeHealth';
import type { NodeSummary } from '../domain/nodeProjection';
import type { RepairEventRecord } from '../domain/repairEvent';
import type { RepairTimeline } from '../domain/repairTimeline';

/** One node as the rows of one refresh see it: read from the model once. */
export interface NodeSnapshot {
  readonly name: string;
  /** Undefined for a node that is gone from the cluster but still has events. */
  readonly summary?: NodeSummary;
  readonly health?: NodeHealth;
  readonly timeline: RepairTimeline;
  /** The node's events by key, for event rows. */
  event(key: string): RepairEventRecord | undefined;
}

/**
 * What the Nodes view shows during one refresh: the time, and each node's snapshot taken on
 * first use. The provider starts a new frame on every refresh, so rows built for one redraw all
 * agree with each other and the model is read once per node, not once per row and field.
 */
export class TreeFrame {
  private readonly snapshots = new Map<string, NodeSnapshot>();
  private poolList?: readonly NodePool[];
  private gone?: readonly string[];

  constructor(readonly model: ClusterModel, readonly now: number) {}

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

  /** Nodes no longer in the cluster whose repair steps the cluster still keeps, by name. */
  goneNodes(): readonly string[] {
    this.gone ??= this.model.nodeNamesWithEvents()
      .filter((name) => !this.model.node(name) && this.node(name).timeline.steps.length > 0)
      .sort();
    return this.gone;
  }

  private take(name: string): NodeSnapshot {
    const summary = this.model.node(name);
    const timeline = this.model.timeline(name, this.now);
    let events: Map<string, RepairEventRecord> | undefined;
    return {
      name,
      summary,
      health: summary ? assessHealth(summary, this.now) : undefined,
      timeline,
      event: (key) => {
        events ??= new Map(this.model.eventsFor(name).map((e) => [e.key, e]));
        return events.get(key);
      },
    };
  }
}
