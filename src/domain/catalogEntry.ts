/**
 * One guidance entry: a markdown file per error code, event reason or topic, with a small front
 * matter block that says what the entry matches and what to do first. Parsing it is pure: the
 * loader (catalogLoader) reads the files, the index (catalog) looks entries up.
 */
import { truncate } from './format';

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
    return fail('missing front matter: the file must start with a "---" line');
  }
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) {
    return fail('front matter is not closed by a "---" line');
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
        return fail(`line ${i + 1}: list item without a key above it`);
      }
      openList.push(unquote(item[1]));
      continue;
    }
    const pair = /^([A-Za-z][A-Za-z0-9_]*)\s*:(.*)$/.exec(line);
    if (!pair) {
      return fail(`line ${i + 1}: expected "key: value" or "  - item", found "${truncate(line.trim(), QUOTED_MAX)}"`);
    }
    const [, key, rawValue] = pair;
    if (fields.has(key)) {
      return fail(`duplicate key "${key}"`);
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
      return fail(`missing "${key}"`);
    }
    if (field.kind === 'list') {
      return fail(`"${key}" must be a single-line value, not a list`);
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
    return fail(`invalid id "${truncate(id, QUOTED_MAX)}": use letters, digits, ".", "_" and "-" only`);
  }
  const kind = scalars.kind as EntryKind;
  if (!KINDS.includes(kind)) {
    return fail(`invalid kind "${truncate(kind, QUOTED_MAX)}": expected ${KINDS.join('|')}`);
  }
  const action = scalars.action as EntryAction;
  if (!ACTIONS.includes(action)) {
    return fail(`invalid action "${truncate(action, QUOTED_MAX)}": expected ${ACTIONS.join('|')}`);
  }
  const severity = scalars.severity as EntrySeverity;
  if (!SEVERITIES.includes(severity)) {
    return fail(`invalid severity "${truncate(severity, QUOTED_MAX)}": expected ${SEVERITIES.join('|')}`);
  }
  // Optional, and only `true` or `false`: a typo (`yes`, `ture`) is reported, not read as false.
  const flag = fields.get('ambiguous');
  if (flag && (flag.kind === 'list' || !FLAGS.includes(flag.value))) {
    const shown = flag.kind === 'scalar' ? ` "${truncate(flag.value, QUOTED_MAX)}"` : '';
    return fail(`invalid ambiguous${shown}: expected ${FLAGS.join('|')}`);
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
    return fail(`invalid related id "${truncate(badRelated, QUOTED_MAX)}"`);
  }
  if (lists.matches.some((m) => m.trim() === '')) {
    return fail('empty string in "matches"');
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
    return `invalid docs item "${truncate(item, QUOTED_MAX)}": expected "Title | https://url"`;
  }
  const title = item.slice(0, bar).trim();
  const url = item.slice(bar + 1).trim();
  if (!title) {
    return `invalid docs item "${truncate(item, QUOTED_MAX)}": the title is empty`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid docs url "${truncate(url, QUOTED_MAX)}": not a URL`;
  }
  if (parsed.protocol !== 'https:') {
    return `invalid docs url "${truncate(url, QUOTED_MAX)}": only https links are allowed`;
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

