/**
 * Reads catalog folders from disk: the only part of the catalog that does file I/O (plain Node,
 * no editor API). Parsing is catalogEntry's job, lookup and validation the Catalog's.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalog } from './catalog';
import { parseCatalogEntry, type CatalogEntry, type EntryOrigin } from './catalogEntry';
import { settingId, Settings } from '../ids';

/** Larger files are not guidance; refusing them keeps a mistaken folder from stalling the editor. */
export const MAX_ENTRY_BYTES = 1024 * 1024;

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
      problems.push(l10n.t('{0}: cannot read the catalog folder ({1}). Check that it exists and is readable, or remove it from "{2}".', folder.path, errorCode(err), settingId(Settings.catalogFolders)));
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
          problems.push(l10n.t('{0}: skipped, {1} bytes is over the 1 MB limit for a guidance entry. Split it or move it out of the folder.', file, stat.size));
          continue;
        }
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        problems.push(l10n.t('{0}: cannot read the file ({1}). Check its permissions.', file, errorCode(err)));
        continue;
      }
      const result = parseCatalogEntry(text, file, folder.origin);
      if (!result.ok) {
        problems.push(l10n.t('{0}: {1}. Fix the front matter (see the README for the format).', file, result.error));
        continue;
      }
      const earlier = seen.get(result.entry.id);
      if (earlier !== undefined) {
        problems.push(l10n.t('{0}: id "{1}" is also used by {2} in the same folder; this file wins. Give one of them another id.', file, result.entry.id, earlier));
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
