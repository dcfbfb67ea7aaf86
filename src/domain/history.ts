/**
 * Evidence past the hour: the shapes the local repair history, Container Insights and the
 * views that read them share, and how events from several sources become one list. No `vscode`.
 */

import type { ConditionStatus } from './nodeProjection';
import type { RepairEventRecord } from './repairEvent';

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
 * One list from several sources, without duplicates: rows with the same key, or (Container
 * Insights rows have no uid) the same node, reason and first-seen second, are one event, kept with
 * the newest count and last seen; a live row wins over a recorded one for its text. Oldest first.
 */
export function mergeEvents(...sources: readonly (readonly SourcedEvent[])[]): SourcedEvent[] {
  const byKey = new Map<string, SourcedEvent>();
  const byOccurrence = new Map<string, string>();
  for (const list of sources) {
    for (const event of list) {
      const occurrence = occurrenceKey(event);
      const key = byKey.has(event.key) ? event.key : (occurrence !== undefined ? byOccurrence.get(occurrence) : undefined) ?? event.key;
      const existing = byKey.get(key);
      byKey.set(key, existing ? newerOf(existing, event) : event);
      if (occurrence !== undefined && !byOccurrence.has(occurrence)) {
        byOccurrence.set(occurrence, key);
      }
    }
  }
  return [...byKey.values()].sort((a, b) => (a.firstSeen ?? a.lastSeen ?? 0) - (b.firstSeen ?? b.lastSeen ?? 0));
}

function occurrenceKey(event: SourcedEvent): string | undefined {
  const at = event.firstSeen ?? event.lastSeen;
  return at === undefined ? undefined : `${event.node}\n${event.reason}\n${Math.round(at / SAME_OCCURRENCE_MS)}`;
}

/** The same event seen twice: the higher count and later last seen; a live row's text and origin. */
function newerOf(a: SourcedEvent, b: SourcedEvent): SourcedEvent {
  const live = (e: SourcedEvent) => (e.origin ?? 'live') === 'live';
  const base = live(b) && !live(a) ? b : live(a) && !live(b) ? a : (b.lastSeen ?? 0) >= (a.lastSeen ?? 0) ? b : a;
  const count = Math.max(a.count, b.count);
  const lastSeen = Math.max(a.lastSeen ?? 0, b.lastSeen ?? 0) || undefined;
  const firstSeen = Math.min(a.firstSeen ?? Infinity, b.firstSeen ?? Infinity);
  if (base.count === count && base.lastSeen === lastSeen && base.firstSeen === (Number.isFinite(firstSeen) ? firstSeen : undefined)) {
    return base;
  }
  const merged = { ...base, count } as SourcedEvent & { lastSeen?: number; firstSeen?: number };
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
