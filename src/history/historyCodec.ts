/**
 * The history file's lines as text: one JSON object per line, written by `encodeLine`, read back
 * by `decodeLine`, which checks every field (the file is ours, but it lives on disk).
 */

import type { ReadinessTransition, RecordedEvent, RecordedNode } from '../domain/history';
import type { Mutable } from '../domain/mutable';
import type { ConditionStatus } from '../domain/nodeProjection';
import { MAX_COUNT, plainEvent, type RepairEventRecord } from '../domain/repairEvent';
import type { ErrorMessageFormat, RepairAction, RepairPhase } from '../domain/repairMessage';
import type { HistoryLine } from './historyRecords';

export const FORMAT_VERSION = 1;

export function encodeLine(line: HistoryLine): string {
  return `${JSON.stringify(line)}\n`;
}

/** An event as the history keeps it: the live record's fields and when it was recorded. */
export function recordedEvent(e: RepairEventRecord, recordedAt: number): RecordedEvent {
  // A merged row may carry another origin: what is written here is the history's own.
  return { ...plainEvent(e), origin: 'history', recordedAt };
}

const ACTIONS = new Set<RepairAction>(['reboot', 'reimage', 'redeploy']);
const PHASES = new Set<RepairPhase>(['start', 'end', 'error']);
const FORMATS = new Set<ErrorMessageFormat>(['colon', 'see-details', 'learn-more', 'azure-error', 'none']);
const STATUSES = new Set<ConditionStatus>(['True', 'False', 'Unknown']);

/**
 * Reads one line; undefined with a reason when it is not a line this version wrote (cut short by
 * a crash, edited, or garbage). The file is ours but lives on disk: every field is checked.
 */
export function decodeLine(text: string): { line: HistoryLine } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: 'not JSON (cut short or corrupt)' };
  }
  if (typeof raw !== 'object' || raw === null) {
    return { problem: 'not an object' };
  }
  const r = raw as Record<string, unknown>;
  switch (r.t) {
    case 'h':
      return typeof r.cluster === 'string' && typeof r.v === 'number'
        ? { line: { t: 'h', v: r.v, cluster: r.cluster, created: num(r.created) ?? 0 } }
        : { problem: 'a header without a cluster' };
    case 'e': {
      const e = decodeEvent(r.e);
      return e ? { line: { t: 'e', e } } : { problem: 'an event without key, node or time' };
    }
    case 'r': {
      const t = decodeTransition(r.r);
      return t ? { line: { t: 'r', r: t } } : { problem: 'a readiness transition without node, status or time' };
    }
    case 'n': {
      const n = decodeNode(r.n);
      return n ? { line: { t: 'n', n } } : { problem: 'node facts without a name' };
    }
    default:
      return { problem: 'an unknown record type' };
  }
}

function decodeEvent(raw: unknown): RecordedEvent | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const key = str(r.key, 300);
  const node = str(r.node, 253);
  const recordedAt = num(r.recordedAt);
  if (!key || !node || recordedAt === undefined) {
    return undefined;
  }
  const e: Mutable<RecordedEvent> = {
    key,
    node,
    reason: str(r.reason, 128) ?? '',
    format: FORMATS.has(r.format as ErrorMessageFormat) ? r.format as ErrorMessageFormat : 'none',
    message: str(r.message, 2000) ?? '',
    count: Math.min(MAX_COUNT, Math.max(1, Math.floor(num(r.count) ?? 1))),
    origin: 'history',
    recordedAt,
  };
  if (ACTIONS.has(r.action as RepairAction) && PHASES.has(r.phase as RepairPhase)) {
    e.action = r.action as RepairAction;
    e.phase = r.phase as RepairPhase;
  }
  setOptional(e, 'code', str(r.code, 256));
  setOptional(e, 'azureMessage', str(r.azureMessage, 500));
  setOptional(e, 'type', str(r.type, 32));
  setOptional(e, 'firstSeen', num(r.firstSeen));
  setOptional(e, 'lastSeen', num(r.lastSeen));
  setOptional(e, 'source', str(r.source, 128));
  return e;
}

function decodeTransition(raw: unknown): ReadinessTransition | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const node = str(r.node, 253);
  const at = num(r.at);
  if (!node || at === undefined || !STATUSES.has(r.ready as ConditionStatus)) {
    return undefined;
  }
  const t: Mutable<ReadinessTransition> = { node, ready: r.ready as ConditionStatus, at };
  setOptional(t, 'reason', str(r.reason, 128));
  return t;
}

function decodeNode(raw: unknown): RecordedNode | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const name = str(r.name, 253);
  const firstSeen = num(r.firstSeen);
  const lastSeen = num(r.lastSeen);
  if (!name || firstSeen === undefined || lastSeen === undefined) {
    return undefined;
  }
  const n: Mutable<RecordedNode> = { name, firstSeen, lastSeen };
  setOptional(n, 'pool', str(r.pool, 128));
  setOptional(n, 'providerID', str(r.providerID, 300));
  setOptional(n, 'instanceType', str(r.instanceType, 128));
  setOptional(n, 'nodeImage', str(r.nodeImage, 128));
  setOptional(n, 'goneAt', num(r.goneAt));
  return n;
}

function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined;
}

/** A representable epoch-ms time or count. */
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 8.64e15 ? v : undefined;
}

function setOptional<T, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v === undefined) {
    delete o[k];
  } else {
    o[k] = v;
  }
}
