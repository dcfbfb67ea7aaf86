/**
 * One Kubernetes event about a node, as the extension keeps it: a few short fields copied out of
 * a core/v1 or events.k8s.io/v1 Event, with the auto-repair action, phase and code it names.
 */

import { noIntern, type Intern } from './intern';
import { field, shortString, toEpochMs } from './nodeProjection';
import { ignoreError, projectSafely, type ProjectionErrorHandler } from './projectionErrors';
import { ErrorMessageFormat, parseRepairMessage, parseRepairReason, RepairAction, RepairPhase } from './repairMessage';

export interface RepairEventRecord {
  /** `metadata.uid`, or `namespace/name` when the event has no uid. */
  readonly key: string;
  /** The node the event is about (`involvedObject.name`). */
  readonly node: string;
  readonly reason: string;
  /** Set only for auto-repair reasons (NodeRebootStart …); undefined for NodeNotReady and the like. */
  readonly action?: RepairAction;
  readonly phase?: RepairPhase;
  readonly code?: string;
  /** The Azure error's message when the detail was a whole Azure error: one line, at most 500 characters. */
  readonly azureMessage?: string;
  readonly format: ErrorMessageFormat;
  /** At most 2,000 characters, as sent by the cluster: untrusted text. */
  readonly message: string;
  readonly type?: string;
  readonly count: number;
  readonly firstSeen?: number;
  readonly lastSeen?: number;
  readonly source?: string;
}

const MAX_MESSAGE = 2000;
/** Counts above this are capped: a cluster's counter is untrusted input. */
export const MAX_COUNT = 1_000_000;

/**
 * Projects a raw core/v1 or events.k8s.io/v1 Event about a Node; undefined otherwise. Never
 * throws: an event that cannot be read (a getter that throws, a proxy) is skipped and reported.
 * `intern` shares the strings that repeat across events (node name, reason, message, code,
 * source); the cluster model passes its pool.
 */
export function projectEvent(raw: unknown, onError: ProjectionErrorHandler = ignoreError, intern: Intern = noIntern): RepairEventRecord | undefined {
  return projectSafely('event', (r) => project(r, intern), raw, onError);
}

/** The name of the node a raw event is about; undefined when it is not about a node. */
export function eventNodeName(raw: unknown): string | undefined {
  const involved = field(raw, 'involvedObject') ?? field(raw, 'regarding');
  return field(involved, 'kind') === 'Node' ? shortString(field(involved, 'name'), 253) : undefined;
}

function project(raw: unknown, intern: Intern): RepairEventRecord | undefined {
  const cut = (value: unknown, max: number): string | undefined => shortString(value, max, intern);
  const name = eventNodeName(raw);
  if (!name) {
    return undefined;
  }
  const node = intern(name);
  const key = eventKey(raw);
  if (!key) {
    return undefined;
  }
  const reason = cut(field(raw, 'reason'), 128) ?? '';
  // Only an auto-repair reason makes a step; NodeNotReady messages can mention "reboot" too.
  const repair = parseRepairReason(reason);
  // Auto-repair's messages are the same on every node: pooled. Other events' messages mostly
  // name their node (and a flood of distinct ones would only churn the pool): kept as they come.
  const text = shortString(field(raw, 'message') ?? field(raw, 'note'), MAX_MESSAGE) ?? '';
  const message = repair ? intern(text) : text;
  const series = field(raw, 'series');

  const parsed = repair ? parseRepairMessage(message, reason) : undefined;

  const lastSeen = maxOf([field(raw, 'lastTimestamp'), field(raw, 'deprecatedLastTimestamp'), field(series, 'lastObservedTime'), field(raw, 'eventTime')])
    ?? maxOf([field(raw, 'firstTimestamp'), field(raw, 'deprecatedFirstTimestamp'), field(field(raw, 'metadata'), 'creationTimestamp')]);
  // eventTime has microseconds where firstTimestamp has whole seconds: prefer it, as Start and End
  // of one action arrive milliseconds apart.
  const firstSeen = toEpochMs(field(raw, 'eventTime')) ?? minOf([field(raw, 'firstTimestamp'), field(raw, 'deprecatedFirstTimestamp')]) ?? lastSeen;

  const type = cut(field(raw, 'type'), 32);
  const source = cut(
    field(field(raw, 'source'), 'component') ?? field(raw, 'reportingComponent') ?? field(raw, 'reportingController')
      ?? field(field(raw, 'deprecatedSource'), 'component'),
    128);
  // One literal with every field, absent ones undefined: V8 keeps all of them in the object. Fields
  // added after a smaller literal go to a separate property array (about 35 B more an event).
  // Pooled too: the action and phase, which the parser lower-cases, a new string per event (48 B an event measured).
  const record: RepairEventRecord = {
    key,
    node,
    reason,
    action: parsed?.action ? intern(parsed.action) as RepairAction : undefined,
    phase: parsed?.phase ? intern(parsed.phase) as RepairPhase : undefined,
    code: parsed?.code ? cut(parsed.code, 256) : undefined,
    azureMessage: parsed?.azureMessage ? intern(parsed.azureMessage) : undefined,
    format: parsed?.format ?? 'none',
    message,
    type: type || undefined,
    count: countOf(field(raw, 'count') ?? field(series, 'count') ?? field(raw, 'deprecatedCount')),
    firstSeen,
    lastSeen,
    source: source || undefined,
  };
  return record;
}

/** The key events are deduplicated by: uid, else namespace/name. */
export function eventKey(raw: unknown): string | undefined {
  const metadata = field(raw, 'metadata');
  const uid = shortString(field(metadata, 'uid'), 128);
  if (uid) {
    return uid;
  }
  const name = shortString(field(metadata, 'name'), 253);
  if (!name) {
    return undefined;
  }
  return `${shortString(field(metadata, 'namespace'), 63) ?? ''}/${name}`;
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(Math.floor(value), MAX_COUNT) : 1;
}

function maxOf(values: unknown[]): number | undefined {
  let best: number | undefined;
  for (const v of values) {
    const ms = toEpochMs(v);
    if (ms !== undefined && (best === undefined || ms > best)) {
      best = ms;
    }
  }
  return best;
}

function minOf(values: unknown[]): number | undefined {
  let best: number | undefined;
  for (const v of values) {
    const ms = toEpochMs(v);
    if (ms !== undefined && (best === undefined || ms < best)) {
      best = ms;
    }
  }
  return best;
}

const ACTION_ORDER: Record<RepairAction, number> = { reboot: 0, reimage: 1, redeploy: 2 };
const PHASE_ORDER: Record<RepairPhase, number> = { start: 0, end: 1, error: 2 };

function eventTime(e: RepairEventRecord): number {
  return e.firstSeen ?? e.lastSeen ?? 0;
}

/** Oldest first; Start before End before Error within the same instant (they arrive milliseconds apart). */
export function compareEvents(a: RepairEventRecord, b: RepairEventRecord): number {
  return eventTime(a) - eventTime(b)
    || (a.action ? ACTION_ORDER[a.action] : -1) - (b.action ? ACTION_ORDER[b.action] : -1)
    || (a.phase ? PHASE_ORDER[a.phase] : -1) - (b.phase ? PHASE_ORDER[b.phase] : -1)
    || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
