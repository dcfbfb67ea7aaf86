/**
 * The guidance catalog: one markdown file per error code, event reason or topic, with a small
 * front matter block that says what the entry matches and what to do first. Built-in entries ship
 * in `media/catalog`; teams add or override entries from their own folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

export const UNKNOWN_ERROR_ID = 'unknown-error';
export const CHECKLIST_ID = 'notready-checklist';
export const MONITORING_ID = 'monitoring';

/** Larger files are not guidance; refusing them keeps a mistaken folder from stalling the editor. */
export const MAX_ENTRY_BYTES = 1024 * 1024;

const KINDS: readonly EntryKind[] = ['code', 'reason', 'topic'];
const ACTIONS: readonly EntryAction[] = ['reboot', 'reimage', 'redeploy', 'any', 'none'];
const SEVERITIES: readonly EntrySeverity[] = ['error', 'warning', 'info'];
const SCALAR_KEYS = ['id', 'title', 'kind', 'action', 'severity', 'summary', 'firstStep'] as const;
const LIST_KEYS = ['matches', 'docs', 'related'] as const;
// Ids appear in file names and in `./<id>.md` links, so they stay link- and file-safe.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CROSS_LINK = /\]\(\.\/([^)\s#?]+?)\.md(?:#[^)\s]*)?\)/g;

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
      return fail(`line ${i + 1}: expected "key: value" or "  - item", found "${truncate(line.trim())}"`);
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
    return fail(`invalid id "${truncate(id)}": use letters, digits, ".", "_" and "-" only`);
  }
  const kind = scalars.kind as EntryKind;
  if (!KINDS.includes(kind)) {
    return fail(`invalid kind "${truncate(kind)}": expected ${KINDS.join('|')}`);
  }
  const action = scalars.action as EntryAction;
  if (!ACTIONS.includes(action)) {
    return fail(`invalid action "${truncate(action)}": expected ${ACTIONS.join('|')}`);
  }
  const severity = scalars.severity as EntrySeverity;
  if (!SEVERITIES.includes(severity)) {
    return fail(`invalid severity "${truncate(severity)}": expected ${SEVERITIES.join('|')}`);
  }
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
    return fail(`invalid related id "${truncate(badRelated)}"`);
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
    return `invalid docs item "${truncate(item)}": expected "Title | https://url"`;
  }
  const title = item.slice(0, bar).trim();
  const url = item.slice(bar + 1).trim();
  if (!title) {
    return `invalid docs item "${truncate(item)}": the title is empty`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid docs url "${truncate(url)}": not a URL`;
  }
  if (parsed.protocol !== 'https:') {
    return `invalid docs url "${truncate(url)}": only https links are allowed`;
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

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export class Catalog {
  readonly entries: readonly CatalogEntry[];
  private readonly byId = new Map<string, CatalogEntry>();
  private readonly exact = new Map<string, CatalogEntry>();
  private readonly folded = new Map<string, CatalogEntry>();

  /** Later entries with the same id replace earlier ones, so user entries override built-in ones. */
  constructor(entries: CatalogEntry[]) {
    for (const entry of entries) {
      this.byId.set(entry.id, entry);
    }
    this.entries = [...this.byId.values()];
    for (const entry of this.entries) {
      for (const m of entry.matches) {
        if (!this.exact.has(m)) {
          this.exact.set(m, entry);
        }
        const key = m.toLowerCase();
        if (!this.folded.has(key)) {
          this.folded.set(key, entry);
        }
      }
    }
  }

  get(id: string): CatalogEntry | undefined {
    return this.byId.get(id);
  }

  /** The entry whose match string equals the (trimmed) text: case-sensitive first, then not. */
  byMatch(text: string): CatalogEntry | undefined {
    const t = text.trim();
    return this.exact.get(t) ?? this.folded.get(t.toLowerCase());
  }

  /** Every match string with its entry id, for building a matcher over free text. */
  terms(): { term: string; id: string }[] {
    return this.entries.flatMap((e) => e.matches.map((term) => ({ term, id: e.id })));
  }

  /** Ids linked from the entry's body as `./<id>.md`, each once, in order of appearance. */
  crossLinks(entry: CatalogEntry): string[] {
    const ids = new Set<string>();
    for (const m of entry.body.matchAll(CROSS_LINK)) {
      ids.add(m[1]);
    }
    return [...ids];
  }

  /** Problems a reader would hit: ambiguous match strings and links that lead nowhere. */
  validate(): string[] {
    const problems: string[] = [];
    const owner = new Map<string, string>();
    for (const entry of this.entries) {
      for (const m of new Set(entry.matches.map((x) => x.toLowerCase()))) {
        const other = owner.get(m);
        if (other !== undefined && other !== entry.id) {
          problems.push(`match string "${m}" is claimed by both "${other}" and "${entry.id}"; remove it from one of them`);
        } else {
          owner.set(m, entry.id);
        }
      }
      if (entry.kind !== 'topic' && entry.matches.length === 0) {
        problems.push(`${entry.id}: a ${entry.kind} entry needs at least one "matches" string (${entry.source})`);
      }
      for (const r of entry.related) {
        if (!this.byId.has(r)) {
          problems.push(`${entry.id}: related id "${r}" is not in the catalog (${entry.source})`);
        }
      }
      for (const link of this.crossLinks(entry)) {
        if (!this.byId.has(link)) {
          problems.push(`${entry.id}: link ./${link}.md leads to no catalog entry (${entry.source})`);
        }
      }
    }
    return problems;
  }
}

/**
 * Loads every `*.md` file of each folder (not recursive), in folder order, so later folders
 * override earlier ones. Never throws: anything that goes wrong is a problem string naming the
 * file, the reason and what to do.
 */
export function loadCatalogFolders(folders: { path: string; origin: EntryOrigin }[]): { catalog: Catalog; problems: string[] } {
  const entries: CatalogEntry[] = [];
  const problems: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = fs.readdirSync(folder.path).filter((n) => n.toLowerCase().endsWith('.md')).sort();
    } catch (err) {
      problems.push(`${folder.path}: cannot read the catalog folder (${errorCode(err)}). Check that it exists and is readable, or remove it from "aksNodeRepair.catalogFolders".`);
      continue;
    }
    const seen = new Map<string, string>();
    for (const name of names) {
      const file = path.join(folder.path, name);
      let text: string;
      try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) {
          continue;
        }
        if (stat.size > MAX_ENTRY_BYTES) {
          problems.push(`${file}: skipped, ${stat.size} bytes is over the 1 MB limit for a guidance entry. Split it or move it out of the folder.`);
          continue;
        }
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        problems.push(`${file}: cannot read the file (${errorCode(err)}). Check its permissions.`);
        continue;
      }
      const result = parseCatalogEntry(text, file, folder.origin);
      if (!result.ok) {
        problems.push(`${file}: ${result.error}. Fix the front matter (see the README for the format).`);
        continue;
      }
      const earlier = seen.get(result.entry.id);
      if (earlier !== undefined) {
        problems.push(`${file}: id "${result.entry.id}" is also used by ${earlier} in the same folder; this file wins. Give one of them another id.`);
      }
      seen.set(result.entry.id, file);
      entries.push(result.entry);
    }
  }
  const catalog = new Catalog(entries);
  problems.push(...catalog.validate());
  return { catalog, problems };
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return err instanceof Error ? err.message : String(err);
}
