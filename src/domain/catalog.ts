/**
 * The guidance catalog: every entry by id and by match string, and the checks a reader would
 * otherwise trip over. Built-in entries ship in `media/catalog`; teams add or override entries
 * from their own folders (catalogLoader reads them, catalogEntry parses one).
 */
import * as l10n from '@vscode/l10n';
import type { CatalogEntry } from './catalogEntry';

export const UNKNOWN_ERROR_ID = 'unknown-error';
export const CHECKLIST_ID = 'notready-checklist';
export const MONITORING_ID = 'monitoring';

const CROSS_LINK = /\]\(\.\/([^)\s#?]+?)\.md(?:#[^)\s]*)?\)/g;

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
          problems.push(l10n.t('match string "{0}" is claimed by both "{1}" and "{2}"; remove it from one of them', m, other, entry.id));
        } else {
          owner.set(m, entry.id);
        }
      }
      if (entry.kind !== 'topic' && entry.matches.length === 0) {
        problems.push(l10n.t('{0}: a {1} entry needs at least one "matches" string ({2})', entry.id, entry.kind, entry.source));
      }
      for (const r of entry.related) {
        if (!this.byId.has(r)) {
          problems.push(l10n.t('{0}: related id "{1}" is not in the catalog ({2})', entry.id, r, entry.source));
        }
      }
      for (const link of this.crossLinks(entry)) {
        if (!this.byId.has(link)) {
          problems.push(l10n.t('{0}: link ./{1}.md leads to no catalog entry ({2})', entry.id, link, entry.source));
        }
      }
    }
    return problems;
  }
}
