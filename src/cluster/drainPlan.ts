/**
 * Which of a node's pods a drain evicts, as `kubectl drain --ignore-daemonsets
 * --delete-emptydir-data` decides it, and what a refused eviction's Status says about the
 * PodDisruptionBudget that refused it.
 */

import type { PodRef } from './clusterTypes';

/** The parts of a pod (client-node's V1Pod or plain JSON) a drain reads. */
export interface PodShape {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { readonly kind?: string; readonly name?: string; readonly controller?: boolean }[];
  };
  readonly spec?: { readonly nodeName?: string; readonly volumes?: readonly { readonly emptyDir?: unknown }[] };
  readonly status?: { readonly phase?: string };
}

export interface PlannedEviction {
  readonly pod: PodRef;
  readonly uid: string;
  /** No controller will recreate it elsewhere (kubectl drain refuses these without --force). */
  readonly unmanaged: boolean;
  /** Its emptyDir data is lost (what --delete-emptydir-data accepts). */
  readonly emptyDir: boolean;
}

export interface DrainPlan {
  readonly evict: readonly PlannedEviction[];
  readonly skipped: readonly { readonly pod: PodRef; readonly why: 'daemonset' | 'mirror' }[];
  /** Succeeded or Failed: they run nothing any more, so they need no eviction and count as done. */
  readonly finished: readonly PodRef[];
  /** Listed, but not on the node (`spec.nodeName` differs): never touched, whatever the server returned. */
  readonly elsewhere: readonly PodRef[];
}

/** The kubelet's annotation on the API copy of a static pod: the API cannot evict or delete the pod itself. */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * The field selector for the pods on `node`, its name escaped as the API server reads a value
 * (`\\`, `\,` and `\=`), so a name cannot end the value and add a requirement of its own.
 */
export function nodeFieldSelector(node: string): string {
  return `spec.nodeName=${node.replace(/[\\,=]/g, (c) => `\\${c}`)}`;
}

/** The eviction plan for the pods listed for `node`: only those whose `spec.nodeName` is `node` (the selector is not trusted). */
export function planDrain(pods: readonly PodShape[], node: string): DrainPlan {
  const evict: PlannedEviction[] = [];
  const skipped: { pod: PodRef; why: 'daemonset' | 'mirror' }[] = [];
  const finished: PodRef[] = [];
  const elsewhere: PodRef[] = [];
  for (const pod of pods) {
    const uid = pod.metadata?.uid;
    const ref: PodRef = { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', ...(uid ? { uid } : {}) };
    if (!ref.name) {
      continue;
    }
    if (pod.spec?.nodeName !== node) {
      elsewhere.push(ref);
      continue;
    }
    const owners = pod.metadata?.ownerReferences ?? [];
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      skipped.push({ pod: ref, why: 'mirror' });
    } else if (owners.some((o) => o.kind === 'DaemonSet' && o.controller !== false)) {
      // The DaemonSet controller would put it straight back, and tolerates the cordon.
      skipped.push({ pod: ref, why: 'daemonset' });
    } else if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
      finished.push(ref);
    } else {
      evict.push({
        pod: ref,
        uid: uid ?? '',
        unmanaged: !owners.some((o) => o.controller === true),
        emptyDir: (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null),
      });
    }
  }
  return { evict, skipped, finished, elsewhere };
}

const BUDGET_NAME = /disruption budget "?([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)"?/i;

/**
 * The PodDisruptionBudget a 429 Status names: the API server puts it in a `DisruptionBudget`
 * cause ("The disruption budget web-pdb needs 2 healthy pods and has 1 currently").
 */
export function budgetName(status: unknown): string | undefined {
  const details = (status as { details?: { causes?: unknown } } | undefined)?.details;
  const causes = Array.isArray(details?.causes) ? details.causes as { reason?: unknown; message?: unknown }[] : [];
  const texts = [
    ...causes.filter((c) => c.reason === 'DisruptionBudget').map((c) => c.message),
    (status as { message?: unknown } | undefined)?.message,
  ];
  for (const text of texts) {
    const m = typeof text === 'string' ? BUDGET_NAME.exec(text) : null;
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

/** The server's words about why it refused: the budget's cause when it gave one, else its message. */
export function refusalText(status: unknown): string | undefined {
  const details = (status as { details?: { causes?: unknown } } | undefined)?.details;
  const causes = Array.isArray(details?.causes) ? details.causes as { reason?: unknown; message?: unknown }[] : [];
  const cause = causes.find((c) => c.reason === 'DisruptionBudget' && typeof c.message === 'string')?.message as string | undefined;
  const message = (status as { message?: unknown } | undefined)?.message;
  const parts = [typeof message === 'string' ? message : undefined, cause].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
