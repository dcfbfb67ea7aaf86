/**
 * A node as the extension needs it: a few short fields copied out of the API object, so that
 * holding hundreds of nodes costs little and nothing keeps the raw object alive.
 *
 * Input is plain V1Node-shaped data. Watched objects carry timestamps as RFC 3339 strings,
 * listed ones (deserialized by the client) as Date objects: both are accepted.
 */

import * as l10n from '@vscode/l10n';
import { noIntern, type Intern } from './intern';
import type { Mutable } from './mutable';
import { ignoreError, projectSafely, type ProjectionErrorHandler } from './projectionErrors';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeSummary {
  readonly name: string;
  /** Label `kubernetes.azure.com/agentpool` (or `agentpool`). */
  readonly pool?: string;
  /** Status of the Ready condition; `Unknown` when the node reports none. */
  readonly ready: ConditionStatus;
  /** Epoch ms of the Ready condition's lastTransitionTime. */
  readonly readySince?: number;
  readonly reason?: string;
  /** The Ready condition's message, at most 500 characters. */
  readonly message?: string;
  /** Other conditions that are True (MemoryPressure, DiskPressure, NetworkUnavailable, problem-detector conditions). */
  readonly pressures: readonly string[];
  readonly instanceType?: string;
  readonly zone?: string;
  /** Label `kubernetes.io/os`: redeploy is a Linux-only repair action. */
  readonly os?: string;
  readonly kubeletVersion?: string;
  /** Label `kubernetes.azure.com/node-image-version`. */
  readonly nodeImage?: string;
  /** Cordoned (`spec.unschedulable`). */
  readonly unschedulable: boolean;
  /** Why auto-repair will not act on this node (see SKIP_REASONS); empty when nothing stops it. */
  readonly skipReasons: readonly SkipReason[];
  readonly providerID?: string;
  readonly resourceVersion?: string;
}

export const SHUTDOWN_TAINT = 'node.cloudprovider.kubernetes.io/shutdown';
export const AUTOSCALER_DELETE_TAINT = 'ToBeDeletedByClusterAutoscaler';
export const SCALE_DOWN_DISABLED_ANNOTATION = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';
export const SCALE_DOWN_DISABLED_REASON_ANNOTATION = 'kubernetes.azure.com/azure-cluster-autoscaler-scale-down-disabled-reason';

/** Why auto-repair will not act on a node, as facts; `skipReasonText` says them to a person. */
export const SKIP_REASONS = {
  shutdown: 'shutdown',
  autoscalerDelete: 'autoscalerDelete',
  upgrade: 'upgrade',
} as const;

export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/** `shutdown taint`, `being deleted by cluster autoscaler`, `upgrade in progress`, in the display language. */
export function skipReasonText(reason: SkipReason): string {
  switch (reason) {
    case 'shutdown': return l10n.t('shutdown taint');
    case 'autoscalerDelete': return l10n.t('being deleted by cluster autoscaler');
    case 'upgrade': return l10n.t('upgrade in progress');
  }
}

const MAX_NAME = 253;
const MAX_SHORT = 128;
const MAX_MESSAGE = 500;
const MAX_PRESSURES = 10;

/** Most nodes have no pressures and no skip reasons: they share this empty list. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Projects a raw node; undefined when it has no usable name. Never throws: getters or proxies
 * on odd input make a node we cannot read, which is skipped and reported, not shown. `intern`
 * shares the strings that repeat across nodes (the cluster model passes its pool).
 */
export function projectNode(raw: unknown, onError: ProjectionErrorHandler = ignoreError, intern: Intern = noIntern): NodeSummary | undefined {
  return projectSafely('node', (r) => project(r, intern), raw, onError);
}

function project(raw: unknown, intern: Intern): NodeSummary | undefined {
  const metadata = field(raw, 'metadata');
  const cut = (value: unknown, max: number): string | undefined => shortString(value, max, intern);
  const name = cut(field(metadata, 'name'), MAX_NAME);
  if (!name) {
    return undefined;
  }
  const labels = field(metadata, 'labels');
  const annotations = field(metadata, 'annotations');
  const spec = field(raw, 'spec');
  const status = field(raw, 'status');

  const conditions = asArray(field(status, 'conditions'));
  let readyCondition: unknown;
  const pressures: string[] = [];
  for (const condition of conditions) {
    const type = field(condition, 'type');
    if (type === 'Ready') {
      readyCondition = condition;
    } else if (field(condition, 'status') === 'True' && typeof type === 'string' && pressures.length < MAX_PRESSURES) {
      const short = cut(type, 64);
      if (short) {
        pressures.push(short);
      }
    }
  }

  const summary: Mutable<NodeSummary> = {
    name,
    ready: conditionStatus(field(readyCondition, 'status')),
    pressures: pressures.length > 0 ? pressures : NONE,
    unschedulable: field(spec, 'unschedulable') === true,
    skipReasons: skipReasonsOf(spec, annotations),
  };
  assign(summary, 'pool', cut(field(labels, 'kubernetes.azure.com/agentpool') ?? field(labels, 'agentpool'), MAX_SHORT));
  assign(summary, 'readySince', toEpochMs(field(readyCondition, 'lastTransitionTime')));
  assign(summary, 'reason', cut(field(readyCondition, 'reason'), MAX_SHORT));
  assign(summary, 'message', cut(field(readyCondition, 'message'), MAX_MESSAGE));
  assign(summary, 'instanceType', cut(field(labels, 'node.kubernetes.io/instance-type') ?? field(labels, 'beta.kubernetes.io/instance-type'), MAX_SHORT));
  assign(summary, 'zone', cut(field(labels, 'topology.kubernetes.io/zone') ?? field(labels, 'failure-domain.beta.kubernetes.io/zone'), MAX_SHORT));
  assign(summary, 'os', cut(field(labels, 'kubernetes.io/os') ?? field(field(status, 'nodeInfo'), 'operatingSystem'), 32));
  assign(summary, 'kubeletVersion', cut(field(field(status, 'nodeInfo'), 'kubeletVersion'), 64));
  assign(summary, 'nodeImage', cut(field(labels, 'kubernetes.azure.com/node-image-version'), MAX_SHORT));
  assign(summary, 'providerID', pooledPath(shortString(field(spec, 'providerID'), 300), intern));
  assign(summary, 'resourceVersion', shortString(field(metadata, 'resourceVersion'), 64));
  return summary;
}

/**
 * `azure:///subscriptions/…/virtualMachineScaleSets/aks-pool1-…-vmss/virtualMachines/3`: all but
 * the instance is the same for every node of a pool, so that part is pooled and joined with the
 * rest. V8 keeps the joined string as a pair of the two parts (a ConsString, 32 B) until something
 * needs it flat (resolving the node's VM): about 130 B less per node of test/bench's fixtures
 * (5,000 nodes, measured).
 */
function pooledPath(id: string | undefined, intern: Intern): string | undefined {
  const last = id === undefined || intern === noIntern ? -1 : id.lastIndexOf('/');
  if (id === undefined || last <= 0) {
    return id;
  }
  return intern(ownCopy(id.slice(0, last + 1))) + ownCopy(id.slice(last + 1));
}

function skipReasonsOf(spec: unknown, annotations: unknown): readonly SkipReason[] {
  const reasons: SkipReason[] = [];
  const taintKeys = new Set<unknown>(asArray(field(spec, 'taints')).map((t) => field(t, 'key')));
  if (taintKeys.has(SHUTDOWN_TAINT)) {
    reasons.push(SKIP_REASONS.shutdown);
  }
  if (taintKeys.has(AUTOSCALER_DELETE_TAINT)) {
    reasons.push(SKIP_REASONS.autoscalerDelete);
  }
  // Only the pair means an upgrade: scale-down can be disabled for other reasons.
  if (field(annotations, SCALE_DOWN_DISABLED_ANNOTATION) === 'true'
    && field(annotations, SCALE_DOWN_DISABLED_REASON_ANNOTATION) === 'upgrade') {
    reasons.push(SKIP_REASONS.upgrade);
  }
  return reasons.length > 0 ? reasons : NONE;
}

function conditionStatus(value: unknown): ConditionStatus {
  return value === 'True' || value === 'False' ? value : 'Unknown';
}

function assign<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) {
    target[key] = value;
  }
}

// ---- Reading untrusted API objects (shared with repairTimeline) ----

/** `obj[key]` when obj is a non-array object and the key is its own; otherwise undefined. */
export function field(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A string of at most `max` characters that shares no storage with the input: V8 may keep a
 * whole parent string alive behind a slice, and API objects can carry very long strings.
 * Empty and non-string values → undefined. `intern` may hand back an equal string held already.
 */
export function shortString(value: unknown, max: number, intern: Intern = noIntern): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return undefined;
  }
  const cut = value.length > max ? cutAt(value, max) : value;
  return intern(ownCopy(cut));
}

function cutAt(text: string, max: number): string {
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end -= 1;
  }
  return text.slice(0, end);
}

/** Short strings are stored flat by V8; longer ones are rebuilt so no slice keeps a parent alive. */
function ownCopy(text: string): string {
  return text.length < 13 ? text : text.split('').join('');
}

/** Epoch ms from an RFC 3339 string, a Date or a number; undefined when absent or invalid. */
export function toEpochMs(value: unknown): number | undefined {
  let ms: number;
  if (value instanceof Date) {
    ms = value.getTime();
  } else if (typeof value === 'string' && value.length > 0 && value.length < 64) {
    ms = Date.parse(value);
  } else if (typeof value === 'number') {
    ms = value;
  } else {
    return undefined;
  }
  // Kubernetes uses the zero time (0001-01-01) for "never".
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
