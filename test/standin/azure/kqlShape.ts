/**
 * The Log Analytics stand-in's query reader. Not a KQL engine: it recognises the one query shape
 * the extension builds (src/domain/containerInsightsQuery.ts), operator by operator, and reads
 * its string literals as KQL does (backslash escapes in '…' and "…", doubled quotes in @'…').
 * Anything else is refused with a 400, as a query the stand-in cannot answer honestly.
 */
import type { KubeEventRow } from './insightsScenario';

export class KqlShapeError extends Error {
  override readonly name = 'KqlShapeError';
}

export interface KubeEventsQuery {
  days?: number;
  objectKind?: string;
  reasons?: string[];
  /** `_ResourceId =~ …`: case-insensitive. */
  resourceId?: string;
  clusterName?: string;
  name?: string;
  summarizeBy?: (keyof KubeEventRow)[];
  project?: (keyof KubeEventRow)[];
  order?: { column: keyof KubeEventRow; desc: boolean };
  take?: number;
}

const COLUMNS: readonly (keyof KubeEventRow)[] = [
  'TimeGenerated', 'ClusterId', 'ClusterName', 'Computer', 'Count', 'FirstSeen', 'KubeEventType', 'LastSeen',
  'Message', 'Name', 'Namespace', 'ObjectKind', 'Reason', 'SourceComponent', 'SourceSystem', '_ResourceId',
];
const DATETIME: ReadonlySet<string> = new Set(['TimeGenerated', 'FirstSeen', 'LastSeen']);
const ESCAPES: Record<string, string> = { '\\': '\\', '\'': '\'', '"': '"', n: '\n', t: '\t', r: '\r' };

/** One string literal starting at `start`; `end` is just past its closing quote. */
export function readLiteral(text: string, start = 0): { value: string; end: number } {
  let i = start;
  const verbatim = text[i] === '@';
  if (verbatim) {
    i++;
  }
  const quote = text[i];
  if (quote !== '\'' && quote !== '"') {
    throw new KqlShapeError(`expected a string literal at ${start}: ${text.slice(start, start + 20)}`);
  }
  let value = '';
  for (i++; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      throw new KqlShapeError('a line break inside a string literal');
    }
    if (verbatim) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          value += quote;
          i++;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += c;
      continue;
    }
    if (c === '\\') {
      const e = ESCAPES[text[i + 1] ?? ''];
      if (e === undefined) {
        throw new KqlShapeError(`an unknown escape \\${text[i + 1] ?? ''} in a string literal`);
      }
      value += e;
      i++;
      continue;
    }
    if (c === quote) {
      return { value, end: i + 1 };
    }
    value += c;
  }
  throw new KqlShapeError('a string literal is not closed');
}

/** The whole of `text` as one literal: anything after it means the literal was broken out of. */
function onlyLiteral(text: string): string {
  const { value, end } = readLiteral(text.trim());
  if (text.trim().slice(end).trim() !== '') {
    throw new KqlShapeError(`unexpected text after a literal: ${text.trim().slice(end, end + 40)}`);
  }
  return value;
}

function literalList(text: string): string[] {
  const values: string[] = [];
  let rest = text.trim();
  for (;;) {
    const { value, end } = readLiteral(rest);
    values.push(value);
    rest = rest.slice(end).trim();
    if (rest === '') {
      return values;
    }
    if (!rest.startsWith(',')) {
      throw new KqlShapeError(`expected "," in a list, got: ${rest.slice(0, 40)}`);
    }
    rest = rest.slice(1).trim();
  }
}

function column(name: string): keyof KubeEventRow {
  const c = COLUMNS.find((k) => k === name.trim());
  if (!c) {
    throw new KqlShapeError(`'${name.trim()}' is not a KubeEvents column`);
  }
  return c;
}

export function parseKubeEventsQuery(kql: string): KubeEventsQuery {
  const lines = kql.split('\n');
  while (lines.length > 0 && (lines[0].trim().startsWith('//') || lines[0].trim() === '')) {
    lines.shift();
  }
  const [table, ...operators] = lines.join('\n').split(/\n\|/);
  if (table.trim() !== 'KubeEvents') {
    throw new KqlShapeError(`the stand-in reads the KubeEvents table only, not: ${table.trim().slice(0, 40)}`);
  }
  const q: KubeEventsQuery = {};
  for (const raw of operators) {
    const op = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^where TimeGenerated > ago\((\d+)d\)$/.exec(op))) {
      q.days = Number(m[1]);
    } else if ((m = /^where ObjectKind == (.+)$/s.exec(op))) {
      q.objectKind = onlyLiteral(m[1]);
    } else if ((m = /^where Reason in \((.+)\)$/s.exec(op))) {
      q.reasons = literalList(m[1]);
    } else if ((m = /^where _ResourceId =~ (.+)$/s.exec(op))) {
      q.resourceId = onlyLiteral(m[1]);
    } else if ((m = /^where ClusterName == (.+)$/s.exec(op))) {
      q.clusterName = onlyLiteral(m[1]);
    } else if ((m = /^where Name == (.+)$/s.exec(op))) {
      q.name = onlyLiteral(m[1]);
    } else if ((m = /^summarize arg_max\(TimeGenerated, \*\) by (.+)$/.exec(op))) {
      q.summarizeBy = m[1].split(',').map(column);
    } else if ((m = /^project (.+)$/.exec(op))) {
      q.project = m[1].split(',').map(column);
    } else if ((m = /^order by (\w+) (asc|desc)$/.exec(op))) {
      q.order = { column: column(m[1]), desc: m[2] === 'desc' };
    } else if ((m = /^take (\d+)$/.exec(op))) {
      q.take = Number(m[1]);
    } else {
      throw new KqlShapeError(`the stand-in does not evaluate: | ${op.slice(0, 80)}`);
    }
  }
  return q;
}

export interface ResultTable {
  name: 'PrimaryResult';
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** `start/end` (ISO) as the query API's `timespan`; a bare duration is not used by the client under test. */
function timespanOf(timespan: string | undefined): { start: number; end: number } | undefined {
  const [start, end] = (timespan ?? '').split('/');
  const s = Date.parse(start ?? '');
  const e = Date.parse(end ?? '');
  return Number.isFinite(s) && Number.isFinite(e) ? { start: s, end: e } : undefined;
}

export function evaluate(query: KubeEventsQuery, all: readonly KubeEventRow[], now: number, timespan?: string): ResultTable {
  const span = timespanOf(timespan);
  let rows = all.filter((r) => {
    const t = Date.parse(r.TimeGenerated);
    return (span === undefined || (t >= span.start && t <= span.end))
      && (query.days === undefined || t > now - query.days * 86_400_000)
      && (query.objectKind === undefined || r.ObjectKind === query.objectKind)
      && (query.reasons === undefined || query.reasons.includes(r.Reason))
      && (query.resourceId === undefined || r._ResourceId.toLowerCase() === query.resourceId.toLowerCase())
      && (query.clusterName === undefined || r.ClusterName === query.clusterName)
      && (query.name === undefined || r.Name === query.name);
  });
  if (query.summarizeBy) {
    const by = query.summarizeBy;
    const newest = new Map<string, KubeEventRow>();
    for (const r of rows) {
      const key = JSON.stringify(by.map((c) => r[c]));
      const seen = newest.get(key);
      if (!seen || Date.parse(r.TimeGenerated) > Date.parse(seen.TimeGenerated)) {
        newest.set(key, r);
      }
    }
    rows = [...newest.values()];
  }
  if (query.order) {
    const { column: c, desc } = query.order;
    rows = [...rows].sort((a, b) => {
      const x = a[c];
      const y = b[c];
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : DATETIME.has(c) ? Date.parse(String(x)) - Date.parse(String(y)) : String(x).localeCompare(String(y));
      return desc ? -cmp : cmp;
    });
  }
  if (query.take !== undefined) {
    rows = rows.slice(0, query.take);
  }
  const columns = query.project ?? [...COLUMNS];
  return {
    name: 'PrimaryResult',
    columns: columns.map((c) => ({ name: c, type: DATETIME.has(c) ? 'datetime' : c === 'Count' ? 'long' : 'string' })),
    rows: rows.map((r) => columns.map((c) => r[c])),
  };
}
