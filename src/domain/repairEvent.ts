/**
 * One Kubernetes event about a node, as the extension keeps it: a few short fields copied out of
 * a core/v1 or events.k8s.io/v1 Event, with the auto-repair action, phase and code it names.
 */

import { noIntern, type Intern } from './intern';
import { packKey, unpackKey } from './packedKey';
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
 * source) and `kinds` what auto-repair events say; the cluster model passes its pools.
 */
export function projectEvent(
  raw: unknown,
  onError: ProjectionErrorHandler = ignoreError,
  intern: Intern = noIntern,
  kinds?: EventKindPool,
): HeldEvent | undefined {
  return projectSafely('event', (r) => project(r, intern, kinds), raw, onError);
}

/** The name of the node a raw event is about; undefined when it is not about a node. */
export function eventNodeName(raw: unknown): string | undefined {
  const involved = field(raw, 'involvedObject') ?? field(raw, 'regarding');
  return field(involved, 'kind') === 'Node' ? shortString(field(involved, 'name'), 253) : undefined;
}

function project(raw: unknown, intern: Intern, kinds: EventKindPool | undefined): HeldEvent | undefined {
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
  // One literal with every field, absent ones undefined: V8 keeps all of them in the object.
  const kind: EventKind = {
    reason,
    action: parsed?.action ? intern(parsed.action) as RepairAction : undefined,
    phase: parsed?.phase ? intern(parsed.phase) as RepairPhase : undefined,
    code: parsed?.code ? cut(parsed.code, 256) : undefined,
    azureMessage: parsed?.azureMessage ? intern(parsed.azureMessage) : undefined,
    format: parsed?.format ?? 'none',
    message,
    type: type || undefined,
    source: source || undefined,
  };
  const count = countOf(field(raw, 'count') ?? field(series, 'count') ?? field(raw, 'deprecatedCount'));
  return new HeldEvent(packKey(key), node, repair && kinds ? kinds.share(kind) : kind, count, heldTime(firstSeen), heldTime(lastSeen));
}

/**
 * What an event says, as opposed to when and how often: the reason, the message and what was
 * read from it. Every auto-repair event with the same reason, message, type and source says the
 * same thing, and the model's events share one of these (EventKindPool).
 */
export interface EventKind {
  readonly reason: string;
  readonly action: RepairAction | undefined;
  readonly phase: RepairPhase | undefined;
  readonly code: string | undefined;
  readonly azureMessage: string | undefined;
  readonly format: ErrorMessageFormat;
  readonly message: string;
  readonly type: string | undefined;
  readonly source: string | undefined;
}

/** Messages held at most; past it the pool starts again (kinds in use stay correct, only shared less). */
const MAX_KINDS = 10_000;

/** One EventKind for each distinct auto-repair reason, message, type and source. */
export class EventKindPool {
  /** By message (a pooled string, so its hash is computed once), then a short list to look through. */
  private byMessage = new Map<string, EventKind[]>();

  share(kind: EventKind): EventKind {
    const list = this.byMessage.get(kind.message);
    const held = list?.find((k) => k.reason === kind.reason && k.type === kind.type && k.source === kind.source);
    if (held) {
      return held;
    }
    if (list) {
      list.push(kind);
      return kind;
    }
    if (this.byMessage.size >= MAX_KINDS) {
      this.byMessage = new Map();
    }
    this.byMessage.set(kind.message, [kind]);
    return kind;
  }

  clear(): void {
    this.byMessage = new Map();
  }
}

/**
 * Times are held as milliseconds from this instant: within 24 days of it they fit V8's small
 * integers, kept in the object itself, where an epoch-ms value is a 16 B number object of its own.
 */
const TIME_BASE = Math.floor(Date.now() / 1000) * 1000;

function heldTime(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms) - TIME_BASE;
}

/**
 * An event as the cluster model holds it: 6 fields, with what it says in a shared EventKind, its
 * uid packed (packedKey.ts) and its times as small integers. Measured in heap snapshots of a
 * connection to test/bench's stand-in (5,000 nodes, 10 events each): 112 B an event with its key
 * and its slot in the node's list (72 + 32 + 8), where the 14-field record, its two timestamp
 * numbers and its uid string were 232 B (136 + 32 + 56 + 8); everything the connection holds went
 * from 3.0 to 1.9 KB per node. Read it as a RepairEventRecord; copy it with eventFields or
 * plainEvent (a spread copies its 6 fields, not the record's); JSON.stringify writes the record.
 */
const HELD = Symbol.for('aks-node-repair.HeldEvent');

export class HeldEvent implements RepairEventRecord {
  /** On the prototype: marks a HeldEvent made by any bundle's copy of this class (see plainEvent). */
  declare readonly [HELD]: true;

  constructor(
    /** packKey(key): compare these to find an event without unpacking every key. */
    readonly packedKey: string,
    readonly node: string,
    private readonly kind: EventKind,
    readonly count: number,
    private readonly first: number | undefined,
    private readonly last: number | undefined,
  ) {}

  get key(): string { return unpackKey(this.packedKey); }
  get reason(): string { return this.kind.reason; }
  get action(): RepairAction | undefined { return this.kind.action; }
  get phase(): RepairPhase | undefined { return this.kind.phase; }
  get code(): string | undefined { return this.kind.code; }
  get azureMessage(): string | undefined { return this.kind.azureMessage; }
  get format(): ErrorMessageFormat { return this.kind.format; }
  get message(): string { return this.kind.message; }
  get type(): string | undefined { return this.kind.type; }
  get source(): string | undefined { return this.kind.source; }
  get firstSeen(): number | undefined { return this.first === undefined ? undefined : this.first + TIME_BASE; }
  get lastSeen(): number | undefined { return this.last === undefined ? undefined : this.last + TIME_BASE; }

  /** Same key, node, count, times and text. */
  equals(other: HeldEvent): boolean {
    const a = this.kind;
    const b = other.kind;
    return this.packedKey === other.packedKey && this.node === other.node && this.count === other.count
      && this.first === other.first && this.last === other.last
      && (a === b || (a.reason === b.reason && a.message === b.message && a.type === b.type && a.source === b.source
        && a.action === b.action && a.phase === b.phase && a.code === b.code && a.azureMessage === b.azureMessage && a.format === b.format));
  }

  toJSON(): RepairEventRecord {
    return eventFields(this);
  }
}
Object.defineProperty(HeldEvent.prototype, HELD, { value: true });

/**
 * Something to spread: a HeldEvent's fields as a plain record, any other record as it is. The
 * check is a brand, not instanceof: each lazy bundle (dist/historyStore.js, …) has its own copy
 * of the class, and the events it is handed were made by extension.js's.
 */
export function plainEvent<T extends RepairEventRecord>(e: T): T {
  return (e as Partial<Record<typeof HELD, boolean>>)[HELD] === true ? eventFields(e) as T : e;
}

/** A plain copy of an event's fields (of a HeldEvent, or of any record), every field present. */
export function eventFields(e: RepairEventRecord): RepairEventRecord {
  return {
    key: e.key,
    node: e.node,
    reason: e.reason,
    action: e.action,
    phase: e.phase,
    code: e.code,
    azureMessage: e.azureMessage,
    format: e.format,
    message: e.message,
    type: e.type,
    count: e.count,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    source: e.source,
  };
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
