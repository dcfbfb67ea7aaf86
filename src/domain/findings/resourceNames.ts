import type { ClusterFacts, Diagnosis, NodeTarget } from '../diagnosis';
import { poolFromScaleSet, scaleSetResourceId } from '../providerId';
import { shellQuote } from '../shellQuote';

/** How far back the Activity Log is looked at when the diagnosis does not say which window it read. */
const DEFAULT_ACTIVITY_MS = 24 * 60 * 60 * 1000;

/** Epoch ms. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** `2026-12-03T09:44:43Z`: what `az --start-time` takes. */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Names and commands for this node's resources, as far as the evidence gives them. */
export class Names {
  readonly target?: NodeTarget;
  readonly cluster?: ClusterFacts;
  /** The Activity Log window the diagnosis read, or else the 24 hours before it. */
  readonly activityWindow: TimeWindow;

  constructor(readonly diagnosis: Diagnosis, now: number) {
    this.target = diagnosis.target.ok ? diagnosis.target.target : undefined;
    this.cluster = diagnosis.cluster.state === 'ok' ? diagnosis.cluster.value : undefined;
    this.activityWindow = diagnosis.activityWindow
      ?? { from: Math.min(now, diagnosis.startedAt) - DEFAULT_ACTIVITY_MS, to: Math.max(now, diagnosis.startedAt) };
  }

  get pool(): string | undefined {
    if (this.cluster?.pool?.name) {
      return this.cluster.pool.name;
    }
    return this.target?.kind === 'vmss' ? poolFromScaleSet(this.target.scaleSet) : undefined;
  }

  get poolId(): string | undefined {
    return this.cluster?.resourceId && this.pool ? `${this.cluster.resourceId}/agentPools/${this.pool}` : undefined;
  }

  instanceView(): string | undefined {
    const t = this.target;
    if (!t) {
      return undefined;
    }
    return t.kind === 'vmss'
      ? `az vmss get-instance-view -g ${shellQuote(t.resourceGroup)} -n ${shellQuote(t.scaleSet)} --instance-id ${shellQuote(t.instanceId)}`
      : `az vm get-instance-view -g ${shellQuote(t.resourceGroup)} -n ${shellQuote(t.vmName)}`;
  }

  /** Reimage this one instance: never the whole scale set. */
  reimage(): string | undefined {
    const t = this.target;
    return t?.kind === 'vmss'
      ? `az vmss reimage -g ${shellQuote(t.resourceGroup)} -n ${shellQuote(t.scaleSet)} --instance-ids ${shellQuote(t.instanceId)}`
      : undefined;
  }

  /** Bring this one instance to the scale set's model: never `--instance-ids '*'`. */
  updateInstance(): string | undefined {
    const t = this.target;
    return t?.kind === 'vmss'
      ? `az vmss update-instances -g ${shellQuote(t.resourceGroup)} -n ${shellQuote(t.scaleSet)} --instance-ids ${shellQuote(t.instanceId)}`
      : undefined;
  }

  nodepoolShow(): string | undefined {
    const c = this.cluster;
    const pool = this.pool;
    return c && pool
      ? `az aks nodepool show -g ${shellQuote(c.resourceGroup)} --cluster-name ${shellQuote(c.name)} -n ${shellQuote(pool)} --query '{provisioningState: provisioningState, powerState: powerState.code}'`
      : undefined;
  }

  clusterShow(query: string): string | undefined {
    const c = this.cluster;
    return c ? `az aks show -g ${shellQuote(c.resourceGroup)} -n ${shellQuote(c.name)} --query ${shellQuote(query)} -o tsv` : undefined;
  }

  /**
   * The Activity Log over the diagnosis's window, of the instance and (for a scale-set instance)
   * of its scale set: the Activity Log filters by one resource at a time, so one `az` for each.
   * Both ends are given: with `--start-time` alone `az` stops at start + its 6 h default offset.
   */
  activityLog(extra: string): string | undefined {
    const t = this.target;
    if (!t) {
      return undefined;
    }
    const w = this.activityWindow;
    const range = `--start-time ${isoSeconds(w.from)} --end-time ${isoSeconds(w.to)} --max-events 1000`;
    return [t.resourceId, scaleSetResourceId(t)]
      .filter((id): id is string => id !== undefined)
      .map((id) => `az monitor activity-log list --resource-id ${shellQuote(id)} ${range} ${extra}`.trimEnd())
      .join('; ');
  }

  providerIdCommand(): string {
    return `kubectl get node ${shellQuote(this.diagnosis.node)} -o jsonpath='{.spec.providerID}'`;
  }
}
