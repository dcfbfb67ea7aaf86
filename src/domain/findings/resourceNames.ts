import type { ClusterFacts, Diagnosis, NodeTarget } from '../diagnosis';
import { shellQuote } from '../shellQuote';

/** Names and commands for this node's resources, as far as the evidence gives them. */
export class Names {
  readonly target?: NodeTarget;
  readonly cluster?: ClusterFacts;

  constructor(readonly diagnosis: Diagnosis) {
    this.target = diagnosis.target.ok ? diagnosis.target.target : undefined;
    this.cluster = diagnosis.cluster.state === 'ok' ? diagnosis.cluster.value : undefined;
  }

  get pool(): string | undefined {
    if (this.cluster?.pool?.name) {
      return this.cluster.pool.name;
    }
    // AKS names its scale sets `aks-<pool>-<number>-vmss`.
    const vmss = this.target?.kind === 'vmss' ? this.target.scaleSet : undefined;
    return vmss ? /^aks-([a-z0-9]{1,12})-\d+-vmss$/i.exec(vmss)?.[1] : undefined;
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

  activityLog(extra: string): string | undefined {
    const id = this.target?.resourceId;
    return id ? `az monitor activity-log list --resource-id ${shellQuote(id)} --offset 24h ${extra}`.trimEnd() : undefined;
  }

  providerIdCommand(): string {
    return `kubectl get node ${shellQuote(this.diagnosis.node)} -o jsonpath='{.spec.providerID}'`;
  }
}
