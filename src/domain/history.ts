/**
 * Evidence past the hour: the shapes the local repair history, Container Insights and the
 * views that read them share, and how events from several sources become one list. No `vscode`.
 */

import * as l10n from '@vscode/l10n';
import { formatUtc } from './format';
import type { ConditionStatus } from './nodeProjection';
import { plainEvent, type RepairEventRecord } from './repairEvent';

/** Where an event row came from: the cluster now, the local history, or Log Analytics. */
export type EventOrigin = 'live' | 'history' | 'containerInsights';

/** An event as kept past the cluster's hour: the live record's fields, and where it came from. */
export interface RecordedEvent extends RepairEventRecord {
  readonly origin: Exclude<EventOrigin, 'live'>;
  /** Epoch ms the extension (or Container Insights: `TimeGenerated`) last saw it. */
  readonly recordedAt: number;
}

/** A change of a node's Ready condition that the extension saw. */
export interface ReadinessTransition {
  readonly node: string;
  readonly ready: ConditionStatus;
  /** Epoch ms: the condition's lastTransitionTime, else when it was seen. */
  readonly at: number;
  readonly reason?: string;
}

/** What the history remembers of a node besides its events: enough for a report after it left. */
export interface RecordedNode {
  readonly name: string;
  readonly pool?: string;
  readonly providerID?: string;
  readonly instanceType?: string;
  readonly nodeImage?: string;
  /** Epoch ms first and last seen in the cluster. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Epoch ms it left the cluster (a DELETED watch notification or a relist without it). */
  readonly goneAt?: number;
}

/** One cluster's history over the retained period, as read from the store. */
export interface HistorySnapshot {
  /** The cluster's key (kubeconfig context and API server, see `clusterKeyOf`). */
  readonly cluster: string;
  /** Epoch ms: records older than this have been dropped (retention). */
  readonly since: number;
  readonly nodes: ReadonlyMap<string, RecordedNode>;
  /** Per node, oldest first, one row per event (same key: newest count and last seen). */
  readonly events: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Per node, oldest first. */
  readonly transitions: ReadonlyMap<string, readonly ReadinessTransition[]>;
}

/** An event with where it came from: live records are `live`. */
export type SourcedEvent = RepairEventRecord & { readonly origin?: EventOrigin };

/** Within this, two rows with the same node and reason and first-seen time are one occurrence. */
const SAME_OCCURRENCE_MS = 2_000;

/**
 * One list from several sources, without duplicates. Rows with the same key are one event. Rows
 * from different sources (Container Insights rows have no uid) are one event when they agree on
 * node, reason, code and phase (and message, when both have one) and were first seen within two
 * seconds: each row is matched to the closest such row of an earlier source, and a row takes at
 * most one row of each other source. Kept with the newest count and last seen; a live row wins
 * over a recorded one for its text. Oldest first.
 */
export function mergeEvents(...sources: readonly (readonly SourcedEvent[])[]): SourcedEvent[] {
  const byKey = new Map<string, SourcedEvent>();
  /** node, reason and time bucket → keys of the rows seen there. */
  const byOccurrence = new Map<string, string[]>();
  /** Per row kept, the origins merged into it (bits): a second row of one origin is another event. */
  const origins = new Map<string, number>();
  const keep = (key: string, event: SourcedEvent): void => {
    byKey.set(key, event);
    origins.set(key, ORIGIN_BIT[originOf(event)]);
    const at = occurrenceTime(event);
    if (at !== undefined) {
      const bucket = occurrenceBucket(event, Math.floor(at / SAME_OCCURRENCE_MS));
      const keys = byOccurrence.get(bucket);
      if (keys) {
        keys.push(key);
      } else {
        byOccurrence.set(bucket, [key]);
      }
    }
  };
  const mergeInto = (key: string, event: SourcedEvent): void => {
    byKey.set(key, newerOf(byKey.get(key)!, event));
    origins.set(key, origins.get(key)! | ORIGIN_BIT[originOf(event)]);
  };
  for (const list of sources) {
    // Rows no key matches wait until the whole list is read, then go to the closest match first
    // (with nothing earlier to match, as for the first list, they are kept at once).
    const matchable = byOccurrence.size > 0;
    const waiting = new Map<string, SourcedEvent>();
    for (const event of list) {
      if (byKey.has(event.key)) {
        mergeInto(event.key, event);
      } else if (!matchable) {
        keep(event.key, event);
      } else {
        const seen = waiting.get(event.key);
        waiting.set(event.key, seen ? newerOf(seen, event) : event);
      }
    }
    if (waiting.size === 0) {
      continue;
    }
    const pairs = candidatePairs(waiting, byOccurrence, byKey, origins);
    const matched = new Set<string>();
    const taken = new Set<string>();
    for (const { key, target } of pairs) {
      if (!matched.has(key) && !taken.has(target)) {
        matched.add(key);
        taken.add(target);
        mergeInto(target, waiting.get(key)!);
      }
    }
    for (const [key, event] of waiting) {
      if (!matched.has(key)) {
        keep(key, event);
      }
    }
  }
  return [...byKey.values()].sort((a, b) => (a.firstSeen ?? a.lastSeen ?? 0) - (b.firstSeen ?? b.lastSeen ?? 0));
}

function occurrenceTime(event: SourcedEvent): number | undefined {
  return event.firstSeen ?? event.lastSeen;
}

function occurrenceBucket(event: SourcedEvent, bucket: number): string {
  return `${event.node}\n${event.reason}\n${bucket}`;
}

const originOf = (e: SourcedEvent): EventOrigin => e.origin ?? 'live';
const ORIGIN_BIT: Record<EventOrigin, number> = { live: 1, history: 2, containerInsights: 4 };

/** Every (waiting row, earlier row) that can be one occurrence, the closest in time first. */
function candidatePairs(
  waiting: ReadonlyMap<string, SourcedEvent>,
  byOccurrence: ReadonlyMap<string, readonly string[]>,
  byKey: ReadonlyMap<string, SourcedEvent>,
  origins: ReadonlyMap<string, number>,
): { key: string; target: string; distance: number }[] {
  const pairs: { key: string; target: string; distance: number }[] = [];
  for (const [key, event] of waiting) {
    const at = occurrenceTime(event);
    if (at === undefined) {
      continue;
    }
    const bucket = Math.floor(at / SAME_OCCURRENCE_MS);
    for (const b of [bucket - 1, bucket, bucket + 1]) {
      for (const target of byOccurrence.get(occurrenceBucket(event, b)) ?? []) {
        const other = byKey.get(target)!;
        const otherAt = occurrenceTime(other)!;
        const distance = Math.abs(otherAt - at);
        if (distance <= SAME_OCCURRENCE_MS && (origins.get(target)! & ORIGIN_BIT[originOf(event)]) === 0 && sameFacts(other, event)) {
          pairs.push({ key, target, distance });
        }
      }
    }
  }
  // Stable: equal distances keep the order the rows came in.
  return pairs.length > 1 ? pairs.sort((a, b) => a.distance - b.distance) : pairs;
}

/** Two rows of one node and reason say the same thing: code and phase, and the message when both have one. */
function sameFacts(a: SourcedEvent, b: SourcedEvent): boolean {
  if (a.code !== b.code || a.phase !== b.phase) {
    return false;
  }
  if (!a.message || !b.message) {
    return true;
  }
  // One source may keep a shorter cut of the same text.
  const n = Math.min(a.message.length, b.message.length);
  return a.message.slice(0, n) === b.message.slice(0, n);
}

const FILLED = ['action', 'phase', 'code', 'azureMessage', 'type', 'source'] as const;

/** The same event seen twice: the higher count and later last seen; a live row's text and origin. */
function newerOf(a: SourcedEvent, b: SourcedEvent): SourcedEvent {
  const live = (e: SourcedEvent) => originOf(e) === 'live';
  const base = live(b) && !live(a) ? b : live(a) && !live(b) ? a : (b.lastSeen ?? 0) >= (a.lastSeen ?? 0) ? b : a;
  const count = Math.max(a.count, b.count);
  const lastSeen = Math.max(a.lastSeen ?? 0, b.lastSeen ?? 0) || undefined;
  const firstSeen = Math.min(a.firstSeen ?? Infinity, b.firstSeen ?? Infinity);
  const other = base === a ? b : a;
  // What the base lacks and the other row knows (Container Insights has no code on a Normal row).
  const fill = FILLED.filter((k) => base[k] === undefined && other[k] !== undefined);
  if (fill.length === 0 && base.count === count && base.lastSeen === lastSeen && base.firstSeen === (Number.isFinite(firstSeen) ? firstSeen : undefined)) {
    return base;
  }
  const merged = { ...plainEvent(base), count } as SourcedEvent & { lastSeen?: number; firstSeen?: number };
  for (const k of fill) {
    (merged as unknown as Record<string, unknown>)[k] = other[k];
  }
  if (lastSeen !== undefined) {
    merged.lastSeen = lastSeen;
  }
  if (Number.isFinite(firstSeen)) {
    merged.firstSeen = firstSeen;
  }
  return merged;
}

/** "seen N times over D days": how often a code recurred on a node, for tooltips and guidance. */
export interface Recurrence {
  readonly code: string;
  /** Sum of the events' counts. */
  readonly times: number;
  /** Whole days between the first and the last sighting, at least 1. */
  readonly days: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

const DAY_MS = 86_400_000;

/** Per code, how often it was seen on these events (only codes seen more than once). */
export function recurrences(events: readonly SourcedEvent[]): Recurrence[] {
  const byCode = new Map<string, { times: number; first: number; last: number }>();
  for (const e of events) {
    if (!e.code) {
      continue;
    }
    const first = e.firstSeen ?? e.lastSeen;
    const last = e.lastSeen ?? e.firstSeen;
    if (first === undefined || last === undefined) {
      continue;
    }
    const entry = byCode.get(e.code);
    if (entry) {
      entry.times += e.count;
      entry.first = Math.min(entry.first, first);
      entry.last = Math.max(entry.last, last);
    } else {
      byCode.set(e.code, { times: e.count, first, last });
    }
  }
  return [...byCode.entries()]
    .filter(([, v]) => v.times > 1)
    .map(([code, v]) => ({ code, times: v.times, days: Math.max(1, Math.ceil((v.last - v.first) / DAY_MS)), firstSeen: v.first, lastSeen: v.last }))
    .sort((a, b) => b.times - a.times || a.code.localeCompare(b.code));
}

/** What the Container Insights read said, for a row in the Nodes view and the history panel. */
export interface InsightsStatus {
  /** `ok`: rows read; `errorsOnly`: only Warning rows came back (Normal events not collected); `partial` / `problem`: see message. */
  readonly kind: 'ok' | 'errorsOnly' | 'partial' | 'problem';
  /** One line, in the display language. */
  readonly message: string;
  /** What to do about it (e.g. how to turn `collect_all_kube_events` on). */
  readonly nextStep?: string;
  /** Epoch ms of the read. */
  readonly at: number;
  /** How many event rows came back. */
  readonly rows: number;
}

/** Why the local history is not recorded or cannot be read, as the views say it. */
export interface HistoryProblem {
  /** One line, in the display language. */
  readonly message: string;
  /** What to do about it. */
  readonly nextStep: string;
}

/** The Container Insights rows held for a cluster, the status of the last read, and when the rows were read. */
export interface HeldInsights {
  readonly events: readonly RecordedEvent[];
  readonly status: InsightsStatus;
  /** Epoch ms of the read the rows come from (older than the status after a failed read). */
  readonly rowsReadAt: number;
}

/**
 * What to hold after a read: its rows and status; but after a read that failed (throttled, a
 * timeout, offline) the rows of the last read that had some, with the failure as the status and
 * when those rows were read, so a passing failure does not empty the timelines.
 */
export function carryOverInsights(previous: HeldInsights | undefined, events: readonly RecordedEvent[], status: InsightsStatus): HeldInsights {
  if (status.kind !== 'problem' || !previous || previous.events.length === 0) {
    return { events, status, rowsReadAt: status.at };
  }
  const read = formatUtc(previous.rowsReadAt);
  const when = read.slice(0, 10) === formatUtc(status.at).slice(0, 10) ? `${read.slice(11, 16)} UTC` : `${read.slice(0, 16)} UTC`;
  return {
    events: previous.events,
    rowsReadAt: previous.rowsReadAt,
    status: { ...status, message: l10n.t('{0} Showing rows read at {1}.', status.message, when), rows: previous.events.length },
  };
}
