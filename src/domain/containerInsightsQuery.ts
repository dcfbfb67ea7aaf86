/**
 * Container Insights (Log Analytics `KubeEvents`): the KQL that reads a node's (or the whole
 * cluster's) auto-repair events over N days, and its rows turned into the same records live events
 * become (one parser: projectEvent), so code, action and phase read the same as on live rows.
 * No `vscode`: the Azure backend runs the query, the copy command puts it on the clipboard.
 */

import * as l10n from '@vscode/l10n';
import type { AzureProblem } from './diagnosis';
import { singleLine, truncate } from './format';
import type { RecordedEvent } from './history';
import { shortString, toEpochMs } from './nodeProjection';
import { ignoreError, projectSafely, type ProjectionErrorHandler } from './projectionErrors';
import { compareEvents, eventFields, projectEvent } from './repairEvent';
import { repairReasonName, type RepairAction, type RepairPhase } from './repairMessage';

export const INSIGHTS_DEFAULT_DAYS = 7;
/** Container Insights keeps `KubeEvents` up to 90 days (the setting's maximum). */
export const INSIGHTS_MAX_DAYS = 90;
/** Rows read at most; the newest first-seen win (a runaway cluster cannot flood the tree). */
export const INSIGHTS_ROW_LIMIT = 5000;
/** KubeEvents type names: Start/End are `Normal`, Error is `Warning`. */
export const NORMAL_EVENT_TYPE = 'Normal';

const ACTIONS: readonly RepairAction[] = ['reboot', 'reimage', 'redeploy'];
const PHASES: readonly RepairPhase[] = ['start', 'end', 'error'];

/** The nine auto-repair reasons and the node controller's NotReady, in the order the query names them. */
export const INSIGHTS_REASONS: readonly string[] = [
  ...ACTIONS.flatMap((a) => PHASES.map((p) => repairReasonName(a, p))),
  'NodeNotReady',
];

/** The columns the query projects and the mapper reads (by name, never by position). */
export const INSIGHTS_COLUMNS = [
  'TimeGenerated', 'FirstSeen', 'LastSeen', 'Count', 'KubeEventType', 'Reason',
  'Name', 'Namespace', 'Message', 'SourceComponent', 'ClusterName', 'Computer',
] as const;

/** The setting's value as a whole number of days in 1..90 (7 when it is not a number). */
export function clampDays(days: unknown): number {
  const n = typeof days === 'number' && Number.isFinite(days) ? Math.floor(days) : INSIGHTS_DEFAULT_DAYS;
  return Math.min(INSIGHTS_MAX_DAYS, Math.max(1, n));
}

// Characters KQL's single-quoted literal has no escape for: C0/C1 controls other than \t \n \r,
// and line/paragraph separators. No Kubernetes or Azure name holds them; they are dropped.
// eslint-disable-next-line no-control-regex
const UNESCAPABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\'': '\\\'', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Longer than any node name (253) or resource ID; a longer value is cut, never passed whole. */
const MAX_LITERAL = 1024;

/**
 * A KQL single-quoted string literal holding exactly `value`: backslash, both quotes, tab, newline
 * and return escaped with a backslash (as KQL reads them), so untrusted text (a node name) can
 * never end the literal and add query text of its own.
 */
export function kqlString(value: string): string {
  const text = value.slice(0, MAX_LITERAL).replace(UNESCAPABLE, '');
  return `'${text.replace(/[\\'"\n\r\t]/g, (c) => ESCAPES[c])}'`;
}

/** True when kqlString holds `value` exactly: nothing had to be dropped or cut. */
export function kqlHoldsExactly(value: string): boolean {
  return value.length <= MAX_LITERAL && !new RegExp(UNESCAPABLE.source).test(value);
}

export interface InsightsQueryTarget {
  /** One node; undefined for the whole cluster. */
  readonly node?: string;
  /** 1..90 (clamped). */
  readonly days: number;
  /** The managed cluster's resource ID: KubeEvents' `_ResourceId`, compared case-insensitively. */
  readonly clusterResourceId?: string;
  /** When the resource ID is not known: KubeEvents' `ClusterName`. */
  readonly clusterName?: string;
}

/** The query, or why it is not built. */
export type InsightsQuery = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: AzureProblem };

/**
 * The query for one node or the cluster. Each event is reported again on every collection (with
 * a newer count), so rows are summarized to one per event: its newest report. A node name that a
 * literal cannot hold exactly (characters KQL has no escape for, or too long) gets no query: with
 * them dropped or cut, it would ask about another node.
 */
export function buildInsightsQuery(target: InsightsQueryTarget): InsightsQuery {
  if (target.node !== undefined && !kqlHoldsExactly(target.node)) {
    return {
      ok: false,
      problem: {
        kind: 'unknown',
        message: l10n.t('The node name {0} cannot be queried safely in Container Insights: it holds control characters or is longer than {1} characters, and a query with them removed could match another node.',
          truncate(singleLine(target.node), 120), MAX_LITERAL),
        nextStep: l10n.t('Query the cluster\'s nodes instead (the cluster row), and look for the node in the results.'),
      },
    };
  }
  const days = clampDays(target.days);
  const lines = [
    target.node !== undefined
      ? `// AKS node auto-repair events of one node over the last ${days} days (Container Insights)`
      : `// AKS node auto-repair events of the cluster's nodes over the last ${days} days (Container Insights)`,
    'KubeEvents',
    `| where TimeGenerated > ago(${days}d)`,
    '| where ObjectKind == \'Node\'',
    `| where Reason in (${INSIGHTS_REASONS.map(kqlString).join(', ')})`,
  ];
  if (target.clusterResourceId) {
    lines.push(`| where _ResourceId =~ ${kqlString(target.clusterResourceId)}`);
  } else if (target.clusterName) {
    lines.push(`| where ClusterName == ${kqlString(target.clusterName)}`);
  }
  if (target.node !== undefined) {
    lines.push(`| where Name == ${kqlString(target.node)}`);
  }
  lines.push(
    '| summarize arg_max(TimeGenerated, *) by Namespace, Name, Reason, FirstSeen',
    `| project ${INSIGHTS_COLUMNS.join(', ')}`,
    '| order by FirstSeen desc',
    `| take ${INSIGHTS_ROW_LIMIT}`,
  );
  return { ok: true, value: lines.join('\n') };
}

/** A result table as the wire (`columns`) or the SDK (`columnDescriptors`) names it. */
export interface InsightsTable {
  readonly columns: readonly { readonly name?: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** `ci:` + namespace/name + reason + first-seen: one key per occurrence of an event (Start and End of one action differ by reason). */
export function insightsEventKey(namespace: string, name: string, reason: string, firstSeen: number | undefined): string {
  return `ci:${namespace}/${name}/${reason}/${firstSeen ?? ''}`;
}

/**
 * The rows as events with origin `containerInsights`, oldest first, one per key (the newest count
 * and last seen). A row without a node name is skipped; a row that cannot be read is reported and skipped.
 */
export function mapInsightsRows(table: InsightsTable, onError: ProjectionErrorHandler = ignoreError): RecordedEvent[] {
  const index = new Map<string, number>();
  table.columns.forEach((c, i) => {
    if (typeof c?.name === 'string' && !index.has(c.name)) {
      index.set(c.name, i);
    }
  });
  const cell = (row: readonly unknown[], column: (typeof INSIGHTS_COLUMNS)[number]): unknown => {
    const i = index.get(column);
    return i === undefined ? undefined : row[i];
  };
  const byKey = new Map<string, RecordedEvent>();
  for (const row of table.rows) {
    if (!Array.isArray(row)) {
      continue;
    }
    // A cell that cannot be read (a getter that throws) skips its row and is reported, like an event.
    const event = projectSafely('event', () => mapRow((c) => cell(row, c), onError), row, onError);
    if (!event) {
      continue;
    }
    const seen = byKey.get(event.key);
    if (!seen || event.count > seen.count || (event.count === seen.count && (event.lastSeen ?? 0) > (seen.lastSeen ?? 0))) {
      byKey.set(event.key, event);
    }
  }
  // Start before End before Error within one second: KubeEvents' times have whole seconds.
  return [...byKey.values()].sort(compareEvents);
}

function mapRow(cell: (column: (typeof INSIGHTS_COLUMNS)[number]) => unknown, onError: ProjectionErrorHandler): RecordedEvent | undefined {
  const name = shortString(cell('Name'), 253);
  if (!name) {
    return undefined;
  }
  const namespace = shortString(cell('Namespace'), 63) ?? '';
  const count = numberOf(cell('Count'));
  // The same shape a core/v1 Event has, so the live projection reads it: one parser for both.
  const raw = {
    metadata: { namespace, name },
    involvedObject: { kind: 'Node', name },
    reason: cell('Reason'),
    message: cell('Message'),
    type: cell('KubeEventType'),
    count,
    firstTimestamp: cell('FirstSeen'),
    lastTimestamp: cell('LastSeen'),
    source: { component: cell('SourceComponent') },
  };
  const record = projectEvent(raw, onError);
  if (!record) {
    return undefined;
  }
  const recordedAt = toEpochMs(cell('TimeGenerated')) ?? record.lastSeen ?? record.firstSeen ?? 0;
  return {
    ...eventFields(record),
    key: insightsEventKey(namespace, name, record.reason, record.firstSeen),
    origin: 'containerInsights',
    recordedAt,
  };
}

/** Log Analytics answers `long` columns as JSON numbers; a string holding one is read too. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) {
    return Number(value.trim());
  }
  return undefined;
}

/** True when at least one row is a Normal event; undefined with no rows (nothing to tell). */
export function normalEventsCollected(events: readonly RecordedEvent[]): boolean | undefined {
  return events.length === 0 ? undefined : events.some((e) => e.type === NORMAL_EVENT_TYPE);
}
