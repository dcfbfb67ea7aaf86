/**
 * Where a store is in its history file: how far it has read or written, which file (inode) that
 * was, whether the file ends in a line cut short. Reads fold complete lines into the state and
 * leave a last line without its newline for the next read; appends are one write each.
 */

import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { decodeLine, encodeLine, FORMAT_VERSION } from './historyCodec';
import type { HistoryState } from './historyRecords';
import type { CompactionResult } from './historyCompaction';
import { removeStaleFiles } from './historyCleanup';
import { code } from './writerLock';

export const HISTORY_FILE_SUFFIX = '.jsonl';

/** `<sha256 of the key, 24 hex>.jsonl`: the key has characters no file name may hold. */
export function historyFileName(cluster: string): string {
  return `${createHash('sha256').update(cluster).digest('hex').slice(0, 24)}${HISTORY_FILE_SUFFIX}`;
}

/**
 * Deletes every cluster's history file in the folder (open stores notice and start over), and
 * what failed or crashed writers left there (temporaries, stale locks).
 */
export async function clearAllHistory(folder: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    if (code(err) === 'ENOENT') {
      return 0;
    }
    throw err;
  }
  const files = names.filter((n) => n.endsWith(HISTORY_FILE_SUFFIX));
  await Promise.all(files.map((n) => fs.rm(path.join(folder, n), { force: true })));
  await removeStaleFiles(folder);
  return files.length;
}

/** Reading a large file yields to the event loop after this long of parsing (checked every 256 lines). */
const PARSE_SLICE_MS = 8;

export interface HistoryLog {
  info(message: string): void;
  warn(message: string): void;
}

export class HistoryFile {
  /** Bytes of the file read or written so far. */
  offset = 0;
  ino: number | undefined;
  /** The file ends in a line cut short: the next append starts a new line first. */
  cutShort = false;
  lines = 0;
  /** Lines skipped as unreadable since open. */
  skipped = 0;
  /** The highest format version a header of the file named (a newer extension wrote it when above ours). */
  version = 0;

  constructor(readonly path: string, private readonly cluster: string, private readonly log: HistoryLog) {}

  reset(): void {
    this.offset = 0;
    this.ino = undefined;
    this.lines = 0;
    this.cutShort = false;
    this.version = 0;
  }

  async stat(): Promise<{ ino: number; size: number } | undefined> {
    try {
      return await fs.stat(this.path);
    } catch (err) {
      if (code(err) === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
  }

  /** Reads the whole file into `state` (cleared first); how many lines were unreadable. */
  async readAll(state: HistoryState): Promise<number> {
    state.clear();
    this.reset();
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (err) {
      if (code(err) === 'ENOENT') {
        return 0;
      }
      throw err;
    }
    try {
      // One handle for size and content: a compaction renaming a new file in meanwhile does not mix the two.
      const stat = await handle.stat();
      this.ino = stat.ino;
      const buffer = Buffer.allocUnsafe(stat.size);
      const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
      return await this.fold(buffer.subarray(0, bytesRead), 0, state);
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads what was appended since the last read (another window's records); `replaced` when the
   * file is no longer the one read so far (compacted or cleared meanwhile): read it all again.
   */
  async readTail(state: HistoryState): Promise<number | 'replaced'> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (err) {
      if (code(err) === 'ENOENT') {
        return 'replaced';
      }
      throw err;
    }
    try {
      // The handle's own inode and size: a rename between a stat and this open cannot mix two files.
      const stat = await handle.stat();
      if (stat.ino !== this.ino || stat.size < this.offset) {
        return 'replaced';
      }
      if (stat.size === this.offset) {
        return 0;
      }
      const buffer = Buffer.allocUnsafe(stat.size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      return await this.fold(buffer.subarray(0, bytesRead), this.offset, state);
    } finally {
      await handle.close();
    }
  }

  /** Appends `body` (complete lines) in one write, after the header when the file is new. */
  async append(body: string, lineCount: number, created: number): Promise<void> {
    let text = body;
    if (this.offset === 0) {
      text = encodeLine({ t: 'h', v: FORMAT_VERSION, cluster: this.cluster, created }) + text;
      this.lines++;
    }
    if (this.cutShort) {
      // A write cut short (a crash, a full disk) left a line without its end: ours starts on a new one.
      text = `\n${text}`;
    }
    const bytes = Buffer.from(text, 'utf8');
    // One append per batch: O_APPEND keeps each batch whole even when two processes append.
    await fs.appendFile(this.path, bytes, { mode: 0o600 });
    const stat = await fs.stat(this.path);
    this.ino = stat.ino;
    this.lines += lineCount;
    if (stat.size === this.offset + bytes.length) {
      this.offset = stat.size;
      this.cutShort = false;
    }
    // Otherwise another process appended too: the next read starts at the old offset and reads
    // theirs and ours again (folding a line twice changes nothing).
  }

  /** The file a compaction renamed into place. */
  adopt(result: CompactionResult): void {
    this.ino = result.ino;
    this.offset = result.bytes;
    this.lines = result.lines;
    this.cutShort = false;
  }

  /** Folds the complete lines of `bytes` (which starts at `start` in the file). */
  private async fold(bytes: Buffer, start: number, state: HistoryState): Promise<number> {
    let problems = 0;
    let pos = 0;
    let lineNo = 0;
    let sliceStart = performance.now();
    for (;;) {
      const nl = bytes.indexOf(10, pos);
      if (nl < 0) {
        break;
      }
      const text = bytes.toString('utf8', pos, nl).trim();
      this.lines++;
      if (text.length > 0) {
        const decoded = decodeLine(text);
        if ('problem' in decoded) {
          problems++;
          this.skipped++;
          this.log.warn(`Repair history ${this.path}: skipped line ${this.lines} (${decoded.problem}).`);
        } else if (decoded.line.t === 'h' && decoded.line.cluster !== this.cluster) {
          problems++;
          this.log.warn(`Repair history ${this.path} belongs to another cluster: ignoring what it holds.`);
          state.clear();
        } else {
          if (decoded.line.t === 'h') {
            this.version = Math.max(this.version, decoded.line.v);
          }
          state.apply(decoded.line);
        }
      }
      pos = nl + 1;
      if ((++lineNo & 255) === 0 && performance.now() - sliceStart > PARSE_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    this.offset = start + pos;
    this.cutShort = pos < bytes.length;
    return problems;
  }
}
