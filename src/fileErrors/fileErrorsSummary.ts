/**
 * What a scan's groups mean to a reader: which are auto-repair errors (the number the status bar
 * shows), which are other events and mentions, and the order the view lists them in.
 */
import type { Catalog } from '../domain/catalog';
import type { CatalogEntry, EntrySeverity } from '../domain/catalogEntry';
import type { CodeGroup } from '../fileScan/fileScanner';

export interface ScanSummary {
  /** Error codes (an ambiguous one only next to auto-repair wording) and failed-action reasons. */
  readonly errors: number;
  /** Everything else found: start and end events, NotReady, links to the error docs. */
  readonly others: number;
}

/** Whether an occurrence of the entry is an auto-repair error rather than an event or a mention. */
export function isErrorEntry(entry: CatalogEntry): boolean {
  return entry.kind === 'code' || (entry.kind === 'reason' && entry.severity === 'error');
}

export function summarize(groups: readonly CodeGroup[], catalog: Catalog): ScanSummary {
  let errors = 0;
  let total = 0;
  for (const g of groups) {
    total += g.count;
    const entry = catalog.get(g.id);
    if (entry && isErrorEntry(entry)) {
      errors += g.count - g.outOfContext;
    }
  }
  return { errors, others: total - errors };
}

const SEVERITY_ORDER: Record<EntrySeverity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by severity, then the most frequent. */
export function sortGroups(groups: readonly CodeGroup[], catalog: Catalog): CodeGroup[] {
  const rank = (g: CodeGroup): number => {
    const entry = catalog.get(g.id);
    return entry ? (isErrorEntry(entry) ? 0 : 3) + SEVERITY_ORDER[entry.severity] : 9;
  };
  return [...groups].sort((a, b) => rank(a) - rank(b) || b.count - a.count || a.id.localeCompare(b.id));
}
