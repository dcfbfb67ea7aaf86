/**
 * One guidance entry: a markdown file per error code, event reason or topic, with a small front
 * matter block that says what the entry matches and what to do first. Parsing it is pure: the
 * loader (catalogLoader) reads the files, the index (catalog) looks entries up.
 */
import * as l10n from '@vscode/l10n';
import { singleLine, truncate } from './format';

export type EntryKind = 'code' | 'reason' | 'topic';
export type EntryAction = 'reboot' | 'reimage' | 'redeploy' | 'any' | 'none';
export type EntrySeverity = 'error' | 'warning' | 'info';
export type EntryOrigin = 'builtin' | 'user';

export interface DocLink {
  readonly title: string;
  readonly url: string;
}

export interface CatalogEntry {
  readonly id: string;
  readonly title: string;
  readonly kind: EntryKind;
  /** Exact strings that identify this entry in text: the code as AKS writes it, or the reason. */
  readonly matches: readonly string[];
  /**
   * Whether the code is so common in unrelated Azure errors (InvalidParameter) that a match means
   * little unless the text around it shows a node auto-repair event (see autoRepairContext).
   */
  readonly ambiguous: boolean;
  readonly action: EntryAction;
  readonly severity: EntrySeverity;
  /** One line: the cause. */
  readonly summary: string;
  /** One line: the first thing to do. */
  readonly firstStep: string;
  readonly docs: readonly DocLink[];
  readonly related: readonly string[];
  /** Markdown without the front matter. */
  readonly body: string;
  /** The file the entry was read from. */
  readonly source: string;
  readonly origin: EntryOrigin;
}

export type ParseResult = { ok: true; entry: CatalogEntry } | { ok: false; error: string };

/** Quoted values in parse errors: 60 characters and an ellipsis at most. */
const QUOTED_MAX = 61;

/** A value quoted in a parse error: one line (the error goes to the log and the view), cut. */
function quoted(value: string): string {
  return truncate(singleLine(value), QUOTED_MAX);
}

const KINDS: readonly EntryKind[] = ['code', 'reason', 'topic'];
const ACTIONS: readonly EntryAction[] = ['reboot', 'reimage', 'redeploy', 'any', 'none'];
const SEVERITIES: readonly EntrySeverity[] = ['error', 'warning', 'info'];
const SCALAR_KEYS = ['id', 'title', 'kind', 'action', 'severity', 'summary', 'firstStep'] as const;
const LIST_KEYS = ['matches', 'docs', 'related'] as const;
const FLAGS: readonly string[] = ['true', 'false'];
// Ids appear in file names and in `./<id>.md` links, so they stay link- and file-safe.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type FrontMatterValue = { kind: 'scalar'; value: string } | { kind: 'list'; items: string[] };

/**
 * Parses one catalog file. Accepts CRLF line ends and a leading BOM. Never throws; a problem
 * comes back as an error naming the key (`missing "title"`, `invalid kind "x"`).
 */
export function parseCatalogEntry(text: string, source: string, origin: EntryOrigin): ParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    return fail(l10n.t('missing front matter: the file must start with a "---" line'));
  }
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) {
    return fail(l10n.t('front matter is not closed by a "---" line'));
  }
  const fields = new Map<string, FrontMatterValue>();
  let openList: string[] | undefined;
  for (let i = 1; i < end; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trim().startsWith('#')) {
      continue;
    }
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item) {
      if (!openList) {
        return fail(l10n.t('line {0}: list item without a key above it', i + 1));
      }
      openList.push(unquote(item[1]));
      continue;
    }
    const pair = /^([A-Za-z][A-Za-z0-9_]*)\s*:(.*)$/.exec(line);
    if (!pair) {
      return fail(l10n.t('line {0}: expected "key: value" or "  - item", found "{1}"', i + 1, quoted(line.trim())));
    }
    const [, key, rawValue] = pair;
    if (fields.has(key)) {
      return fail(l10n.t('duplicate key "{0}"', key));
    }
    const value = rawValue.trim();
    if (value === '' || value === '[]') {
      openList = [];
      fields.set(key, { kind: 'list', items: openList });
    } else {
      openList = undefined;
      fields.set(key, { kind: 'scalar', value: unquote(value) });
    }
  }

  const scalars: Partial<Record<(typeof SCALAR_KEYS)[number], string>> = {};
  for (const key of SCALAR_KEYS) {
    const field = fields.get(key);
    if (!field || (field.kind === 'list' && field.items.length === 0)) {
      return fail(l10n.t('missing "{0}"', key));
    }
    if (field.kind === 'list') {
      return fail(l10n.t('"{0}" must be a single-line value, not a list', key));
    }
    scalars[key] = field.value;
  }
  const lists: Record<(typeof LIST_KEYS)[number], string[]> = { matches: [], docs: [], related: [] };
  for (const key of LIST_KEYS) {
    const field = fields.get(key);
    // A single value is read as a one-item list: `related: monitoring` means what it says.
    lists[key] = !field ? [] : field.kind === 'list' ? field.items : [field.value];
  }

  const id = scalars.id as string;
  if (!ID_PATTERN.test(id)) {
    return fail(l10n.t('invalid id "{0}": use letters, digits, ".", "_" and "-" only', quoted(id)));
  }
  const kind = scalars.kind as EntryKind;
  if (!KINDS.includes(kind)) {
    return fail(l10n.t('invalid kind "{0}": expected {1}', quoted(kind), KINDS.join('|')));
  }
  const action = scalars.action as EntryAction;
  if (!ACTIONS.includes(action)) {
    return fail(l10n.t('invalid action "{0}": expected {1}', quoted(action), ACTIONS.join('|')));
  }
  const severity = scalars.severity as EntrySeverity;
  if (!SEVERITIES.includes(severity)) {
    return fail(l10n.t('invalid severity "{0}": expected {1}', quoted(severity), SEVERITIES.join('|')));
  }
  // Optional, and only `true` or `false`: a typo (`yes`, `ture`) is reported, not read as false.
  const flag = fields.get('ambiguous');
  if (flag && (flag.kind === 'list' || !FLAGS.includes(flag.value))) {
    return fail(flag.kind === 'scalar'
      ? l10n.t('invalid ambiguous "{0}": expected {1}', quoted(flag.value), FLAGS.join('|'))
      : l10n.t('invalid ambiguous: expected {0}', FLAGS.join('|')));
  }
  const ambiguous = flag?.kind === 'scalar' && flag.value === 'true';
  const docs: DocLink[] = [];
  for (const item of lists.docs) {
    const doc = parseDocLink(item);
    if (typeof doc === 'string') {
      return fail(doc);
    }
    docs.push(doc);
  }
  const badRelated = lists.related.find((r) => !ID_PATTERN.test(r));
  if (badRelated !== undefined) {
    return fail(l10n.t('invalid related id "{0}"', quoted(badRelated)));
  }
  if (lists.matches.some((m) => m.trim() === '')) {
    return fail(l10n.t('empty string in "matches"'));
  }

  const body = lines.slice(end + 1).join('\n').replace(/^\s*\n/, '').trimEnd() + '\n';
  return {
    ok: true,
    entry: {
      id,
      title: scalars.title as string,
      kind,
      matches: lists.matches.map((m) => m.trim()),
      action,
      severity,
      ambiguous,
      summary: scalars.summary as string,
      firstStep: scalars.firstStep as string,
      docs,
      related: lists.related,
      body,
      source,
      origin,
    },
  };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** `Title | https://url` → a link; a string is the error. */
function parseDocLink(item: string): DocLink | string {
  const bar = item.lastIndexOf('|');
  if (bar < 0) {
    return l10n.t('invalid docs item "{0}": expected "Title | https://url"', quoted(item));
  }
  const title = item.slice(0, bar).trim();
  const url = item.slice(bar + 1).trim();
  if (!title) {
    return l10n.t('invalid docs item "{0}": the title is empty', quoted(item));
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return l10n.t('invalid docs url "{0}": not a URL', quoted(url));
  }
  if (parsed.protocol !== 'https:') {
    return l10n.t('invalid docs url "{0}": only https links are allowed', quoted(url));
  }
  return { title, url };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

