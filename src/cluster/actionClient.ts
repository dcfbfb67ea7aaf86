/**
 * The requests node actions make through @kubernetes/client-node, each with the caller's abort
 * signal and a timeout, on the KubeConfig the watch uses (so its cached exec-plugin token too).
 */

import type { ClientNode } from './clientAdapter';
import type { PodRef } from './clusterTypes';

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;
type CoreV1Api = InstanceType<ClientNode['CoreV1Api']>;
type CallOptions = Parameters<CoreV1Api['readNode']>[1];
export type V1Node = Awaited<ReturnType<CoreV1Api['readNode']>>;
export type V1Pod = Awaited<ReturnType<CoreV1Api['readNamespacedPod']>>;
export type V1PodList = Awaited<ReturnType<CoreV1Api['listPodForAllNamespaces']>>;

/** What kubectl cordon sends: a strategic merge patch. */
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export class ActionClient {
  private readonly core: CoreV1Api;

  constructor(private readonly k8s: ClientNode, kc: KubeConfig, private readonly requestTimeoutMs: number) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  readNode(name: string, signal: AbortSignal): Promise<V1Node> {
    return this.core.readNode({ name }, this.options(signal));
  }

  /** `spec.unschedulable: true`, or null to remove it, as `kubectl uncordon` does. */
  setUnschedulable(name: string, unschedulable: boolean, signal: AbortSignal): Promise<V1Node> {
    return this.core.patchNode({ name, body: { spec: { unschedulable: unschedulable ? true : null } } },
      this.options(signal, { 'Content-Type': STRATEGIC_MERGE_PATCH }));
  }

  listPods(query: { fieldSelector: string; limit: number; _continue?: string }, signal: AbortSignal): Promise<V1PodList> {
    return this.core.listPodForAllNamespaces(query, this.options(signal));
  }

  readPod(pod: PodRef, signal: AbortSignal): Promise<V1Pod> {
    return this.core.readNamespacedPod({ name: pod.name, namespace: pod.namespace }, this.options(signal));
  }

  /**
   * POST pods/{name}/eviction (policy/v1), which a PodDisruptionBudget may refuse with 429; with
   * the pod's uid as a precondition (409 when the name now belongs to another pod).
   */
  async evictPod(pod: PodRef, gracePeriodSeconds: number | undefined, signal: AbortSignal): Promise<void> {
    const deleteOptions = {
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
      ...(pod.uid ? { preconditions: { uid: pod.uid } } : {}),
    };
    await this.core.createNamespacedPodEviction({
      name: pod.name,
      namespace: pod.namespace,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod.name, namespace: pod.namespace },
        ...(Object.keys(deleteOptions).length > 0 ? { deleteOptions } : {}),
      },
    }, this.options(signal));
  }

  /** DELETE pods/{name}, with the pod's uid as a precondition in the DeleteOptions body when known. */
  async deletePod(pod: PodRef, gracePeriodSeconds: number | undefined, signal: AbortSignal): Promise<void> {
    await this.core.deleteNamespacedPod({
      name: pod.name, namespace: pod.namespace, gracePeriodSeconds,
      ...(pod.uid ? { body: { preconditions: { uid: pod.uid } } } : {}),
    }, this.options(signal));
  }

  /** The caller's signal and a timeout, and any headers (a patch's content type), through client-node's middleware. */
  private options(signal: AbortSignal, headers: Record<string, string> = {}): CallOptions {
    const combined = AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]);
    return {
      middleware: [{
        pre: (ctx) => {
          ctx.setSignal(combined);
          for (const [key, value] of Object.entries(headers)) {
            ctx.setHeaderParam(key, value);
          }
          return new this.k8s.Observable(Promise.resolve(ctx));
        },
        post: (response) => new this.k8s.Observable(Promise.resolve(response)),
      }],
      middlewareMergeStrategy: 'append',
    };
  }
}
