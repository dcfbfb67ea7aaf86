/**
 * What happens to pods after the API server accepts an eviction or a delete, as far as a drain
 * can see it: PodDisruptionBudgets that refuse (429, in the real server's words), graceful
 * deletion (deletionTimestamp, then gone once the kubelet has stopped the pod), kubelets that are
 * down (NotReady nodes: the pod stays Terminating until it is deleted with grace 0), and the
 * ReplicaSet and StatefulSet controllers recreating evicted pods on another node.
 */

import { randomUUID } from 'node:crypto';

import { podName, PodOwnerKind } from './podFixtures';
import { StandInError, str } from './status';
import { KubeObject, pathValue } from './tables';

/** The stand-in's pods, as the workloads see them. */
export interface PodStore {
  /** The stored pod (not a copy), or undefined. */
  getPod(namespace: string, name: string): KubeObject | undefined;
  /** Adds or replaces a pod; watches see it. Returns the stored copy. */
  putPod(pod: KubeObject): KubeObject;
  removePod(namespace: string, name: string): boolean;
  nodes(): KubeObject[];
}

/** A PodDisruptionBudget, modelled as what an eviction meets: a name, the pods it covers, how often it still refuses. */
export interface DisruptionBudget {
  namespace: string;
  name: string;
  /** The budget's selector (matchLabels). */
  matchLabels: Record<string, string>;
  /** Evictions it still refuses with 429; Infinity: every one. */
  refusals: number;
  /** For the server's message: "needs {needs} healthy pods and has {has} currently". Default 2 and 2. */
  needs?: number;
  has?: number;
}

export interface WorkloadOptions {
  /** How long a kubelet takes to stop a pod after a graceful delete. */
  terminationMs: number;
  /** Recreate evicted ReplicaSet and StatefulSet pods on another Ready, schedulable node. */
  reschedule: boolean;
}

const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Workloads {
  private readonly budgets: DisruptionBudget[] = [];
  private readonly kubeletsDown = new Set<string>();
  /** Pods deleted gracefully whose kubelet is down: removed when it comes back. */
  private readonly stuck = new Map<string, { namespace: string; name: string; uid: string }>();
  private generation = 0;

  constructor(private readonly store: PodStore, private readonly options: WorkloadOptions) {}

  addBudget(budget: DisruptionBudget): void {
    const i = this.budgets.findIndex((b) => b.namespace === budget.namespace && b.name === budget.name);
    if (i >= 0) {
      this.budgets.splice(i, 1);
    }
    this.budgets.push({ ...budget, matchLabels: { ...budget.matchLabels } });
  }

  /** Copies of the budgets, with the refusals they have left. */
  listBudgets(): DisruptionBudget[] {
    return this.budgets.map((b) => ({ ...b, matchLabels: { ...b.matchLabels } }));
  }

  /** While down, pods deleted on the node stay Terminating (a NotReady node's kubelet does not stop them). */
  setKubeletDown(node: string, down: boolean): void {
    if (down) {
      this.kubeletsDown.add(node);
      return;
    }
    this.kubeletsDown.delete(node);
    for (const [key, pod] of [...this.stuck]) {
      const stored = this.store.getPod(pod.namespace, pod.name);
      if (!stored || stored.metadata?.uid !== pod.uid) {
        this.stuck.delete(key);
      } else if (str(pathValue(stored, 'spec.nodeName')) === node) {
        this.stuck.delete(key);
        this.terminateLater(stored);
      }
    }
  }

  isKubeletDown(node: string): boolean {
    return this.kubeletsDown.has(node);
  }

  /** POST pods/{name}/eviction: throws the 404, 429 or 500 the real server answers; otherwise the pod is deleted. */
  evict(namespace: string, name: string, body: unknown): void {
    const pod = this.requirePod(namespace, name);
    const target = pathValue(body, 'metadata.name');
    if (typeof target === 'string' && target !== '' && target !== name) {
      throw new StandInError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
    }
    const grace = pathValue(body, 'deleteOptions.gracePeriodSeconds');
    checkUidPrecondition(pod, pathValue(body, 'deleteOptions.preconditions.uid'));
    // Terminal, pending and already terminating pods no longer count against a budget.
    const phase = str(pathValue(pod, 'status.phase'));
    if (!pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending') {
      const labels = pod.metadata?.labels ?? {};
      const covering = this.budgets.filter((b) => b.namespace === namespace
        && Object.entries(b.matchLabels).every(([k, v]) => labels[k] === v));
      if (covering.length > 1) {
        throw new StandInError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      const budget = covering[0];
      if (budget && budget.refusals > 0) {
        budget.refusals--;
        throw new StandInError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budget.name} needs ${budget.needs ?? 2} healthy pods and has ${budget.has ?? 2} currently` }],
        });
      }
    }
    this.delete(namespace, name, typeof grace === 'number' ? grace : undefined);
  }

  /**
   * DELETE pods/{name}: the pod as the server returns it (Terminating, or as it was when removed
   * at once); 409 when `preconditionUid` is not the stored pod's uid.
   */
  delete(namespace: string, name: string, gracePeriodSeconds: number | undefined, preconditionUid?: unknown): KubeObject {
    const pod = this.requirePod(namespace, name);
    checkUidPrecondition(pod, preconditionUid);
    if (gracePeriodSeconds !== undefined && (!Number.isInteger(gracePeriodSeconds) || gracePeriodSeconds < 0)) {
      throw new StandInError(422, 'Invalid', `Pod "${name}" is invalid: gracePeriodSeconds: Invalid value: ${gracePeriodSeconds}: must be >= 0`);
    }
    const grace = gracePeriodSeconds ?? Number(pathValue(pod, 'spec.terminationGracePeriodSeconds') ?? 30);
    const node = str(pathValue(pod, 'spec.nodeName'));
    const phase = str(pathValue(pod, 'status.phase'));
    // As the real server: unscheduled and finished pods, and grace 0, go at once.
    if (grace === 0 || node === '' || phase === 'Succeeded' || phase === 'Failed') {
      const last = structuredClone(pod);
      this.remove(pod);
      return last;
    }
    if (pod.metadata?.deletionTimestamp) {
      return structuredClone(pod);
    }
    const terminating = structuredClone(pod);
    terminating.metadata = {
      ...terminating.metadata,
      deletionTimestamp: iso(new Date(Date.now() + grace * 1000)),
      deletionGracePeriodSeconds: grace,
    };
    const stored = this.store.putPod(terminating);
    if (this.kubeletsDown.has(node)) {
      this.stuck.set(`${namespace}/${name}`, { namespace, name, uid: str(stored.metadata?.uid) });
    } else {
      this.terminateLater(stored);
    }
    return stored;
  }

  private requirePod(namespace: string, name: string): KubeObject {
    const pod = this.store.getPod(namespace, name);
    if (!pod) {
      throw new StandInError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    }
    return pod;
  }

  private terminateLater(pod: KubeObject): void {
    const namespace = str(pod.metadata?.namespace);
    const name = str(pod.metadata?.name);
    const uid = pod.metadata?.uid;
    const timer = setTimeout(() => {
      const current = this.store.getPod(namespace, name);
      if (!current || current.metadata?.uid !== uid) {
        return;
      }
      if (this.kubeletsDown.has(str(pathValue(current, 'spec.nodeName')))) {
        this.stuck.set(`${namespace}/${name}`, { namespace, name, uid: str(uid) });
        return;
      }
      this.remove(current);
    }, this.options.terminationMs);
    timer.unref();
  }

  /** Removes the pod; its controller, if it has one that recreates pods, makes a new one elsewhere. */
  private remove(pod: KubeObject): void {
    const namespace = str(pod.metadata?.namespace);
    const name = str(pod.metadata?.name);
    this.stuck.delete(`${namespace}/${name}`);
    this.store.removePod(namespace, name);
    const owner = (pod.metadata?.ownerReferences as { kind?: string; name?: string; controller?: boolean }[] | undefined)
      ?.find((o) => o.controller);
    if (!this.options.reschedule || (owner?.kind !== 'ReplicaSet' && owner?.kind !== 'StatefulSet')) {
      return;
    }
    const node = this.placement(str(pathValue(pod, 'spec.nodeName')));
    const replacement = structuredClone(pod);
    const generation = ++this.generation;
    const newName = owner.kind === 'StatefulSet' ? name : podName({ kind: owner.kind as PodOwnerKind, name: str(owner.name) }, node, 1000 + generation);
    replacement.metadata = {
      ...replacement.metadata, name: newName, uid: randomUUID(), creationTimestamp: iso(new Date()), resourceVersion: undefined,
    };
    delete replacement.metadata.deletionTimestamp;
    delete replacement.metadata.deletionGracePeriodSeconds;
    const spec = { ...(replacement.spec as Record<string, unknown>) };
    if (node) {
      spec.nodeName = node;
    } else {
      delete spec.nodeName;
    }
    replacement.spec = spec;
    replacement.status = node
      ? { ...(replacement.status as object), phase: 'Running', startTime: iso(new Date()) }
      : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/11 nodes are available.' }] };
    this.store.putPod(replacement);
  }

  /** A Ready, schedulable node other than `from`, in the same pool when there is one. */
  private placement(from: string): string | undefined {
    const nodes = this.store.nodes();
    const pool = (n: KubeObject | undefined): string => str(n?.metadata?.labels?.agentpool);
    const origin = nodes.find((n) => n.metadata?.name === from);
    const fits = nodes.filter((n) => n.metadata?.name !== from
      && pathValue(n, 'spec.unschedulable') !== true
      && !this.kubeletsDown.has(str(n.metadata?.name))
      && ((pathValue(n, 'status.conditions') as { type?: string; status?: string }[] | undefined) ?? [])
        .some((c) => c.type === 'Ready' && c.status === 'True'));
    return (fits.find((n) => pool(n) === pool(origin)) ?? fits[0])?.metadata?.name;
  }
}

/** DeleteOptions.preconditions.uid, checked as the API server's store does before a delete (an eviction's too). */
function checkUidPrecondition(pod: KubeObject, uid: unknown): void {
  if (uid === undefined || uid === null || uid === '') {
    return;
  }
  const actual = str(pod.metadata?.uid);
  if (uid !== actual) {
    const name = str(pod.metadata?.name);
    throw new StandInError(409, 'Conflict',
      `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${actual}`,
      { name, kind: 'pods' });
  }
}
