/**
 * Reads catalog folders from disk: the only part of the catalog that does file I/O (plain Node,
 * no editor API). Parsing is catalogEntry's job, lookup and validation the Catalog's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalog } from './catalog';
import { parseCatalogEntry, type CatalogEntry, type EntryOrigin } from './catalogEntry';

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
