/**
 * What crashed or failed writers leave in the history folder: compaction temporaries
 * (`<file>.<pid>.compact.tmp`), lock renewal temporaries (`<file>.lock.<pid>.<token>.tmp`) and
 * lock files no live writer holds. Removed when a store opens and on Clear; a file that may
 * still be in use (a live process's, written to within the last minute) is left alone.
 */

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { lockIsStale, parseLock, processAlive } from './writerLock';

const COMPACT_TEMP = /^[0-9a-f]{24}\.jsonl\.(\d+)\.compact\.tmp$/;
const LOCK_TEMP = /^[0-9a-f]{24}\.jsonl\.lock\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const LOCK = /^[0-9a-f]{24}\.jsonl\.lock$/;

/** A temporary file untouched this long is no compaction or renewal in progress (they write it continuously, in seconds). */
export const STALE_TEMP_MS = 60_000;

export interface CleanupOptions {
  readonly now?: () => number;
  /** The writer lock's stale time (a lock file older than it, with no live holder, goes). */
  readonly lockStaleMs?: number;
}

/** Removes stale temporaries and lock files from `folder`; the names removed. Never throws. */
export async function removeStaleFiles(folder: string, options: CleanupOptions = {}): Promise<string[]> {
  const now = options.now ?? Date.now;
  const lockStaleMs = options.lockStaleMs ?? 20_000;
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    try {
      const temp = COMPACT_TEMP.exec(name) ?? LOCK_TEMP.exec(name);
      if (temp) {
        const stat = await fs.lstat(file);
        const pid = Number(temp[1]);
        const gone = pid !== process.pid && !processAlive(pid);
        if (stat.isFile() && (gone || now() - stat.mtimeMs > STALE_TEMP_MS)) {
          await fs.rm(file, { force: true });
          removed.push(name);
        }
      } else if (LOCK.test(name) && (await removeStaleLock(file, now(), lockStaleMs))) {
        removed.push(name);
      }
    } catch {
      // Gone meanwhile, or not ours to remove: the next open or Clear tries again.
    }
  }
  return removed;
}

async function removeStaleLock(file: string, now: number, staleMs: number): Promise<boolean> {
  const text = await fs.readFile(file, 'utf8');
  const lock = parseLock(text);
  const stale = lock === 'unreadable'
    ? now - (await fs.stat(file)).mtimeMs > staleMs
    : lockIsStale(lock, now, staleMs);
  // A window may have taken it over since it was read: remove it only if it still says the same.
  if (!stale || (await fs.readFile(file, 'utf8')) !== text) {
    return false;
  }
  await fs.rm(file, { force: true });
  return true;
}
