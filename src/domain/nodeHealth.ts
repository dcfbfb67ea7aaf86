/**
 * Node health as auto-repair sees it: Ready, NotReady or Unknown, for how long, and whether
 * auto-repair is expected to act. The texts that say it are in nodeDescription.ts.
 */

import { REPAIR_DELAY_MS } from './aksTiming';
import type { Mutable } from './mutable';
import type { NodeSummary, SkipReason } from './nodeProjection';

export type NodeHealthState = 'healthy' | 'not-ready' | 'unknown';

export interface NodeHealth {
  readonly state: NodeHealthState;
  /** When the Ready condition last changed (epoch ms). */
  readonly since?: number;
  /** How long the node has been NotReady/Unknown; undefined when healthy or not known. */
  readonly unhealthyFor?: number;
  /** Unhealthy for at least 5 minutes and nothing stops auto-repair. */
  readonly repairExpected: boolean;
  readonly skipReasons: readonly SkipReason[];
  readonly cordoned: boolean;
}

export function assessHealth(node: NodeSummary, now: number): NodeHealth {
  const state: NodeHealthState = node.ready === 'True' ? 'healthy' : node.ready === 'False' ? 'not-ready' : 'unknown';
  const unhealthyFor = state !== 'healthy' && node.readySince !== undefined ? Math.max(0, now - node.readySince) : undefined;
  const health: Mutable<NodeHealth> = {
    state,
    repairExpected: unhealthyFor !== undefined && unhealthyFor >= REPAIR_DELAY_MS && node.skipReasons.length === 0,
    skipReasons: node.skipReasons,
    cordoned: node.unschedulable,
  };
  if (node.readySince !== undefined) {
    health.since = node.readySince;
  }
  if (unhealthyFor !== undefined) {
    health.unhealthyFor = unhealthyFor;
  }
  return health;
}

/** Sort order for lists of nodes: NotReady first, then Unknown, then Ready. */
export function healthRank(state: NodeHealthState | undefined): number {
  return state === 'not-ready' ? 0 : state === 'unknown' ? 1 : 2;
}
