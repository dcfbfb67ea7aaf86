/**
 * "Find Auto-Repair Errors in File" without the editor: every code and event reason the code
 * matcher knows, with its line and column, in a file read from disk in chunks (never whole, so a
 * log of gigabytes costs a few megabytes) or in a document's text, one slice at a time. Between
 * chunks the event loop runs, a signal can stop the scan, and progress is reported.
 *
 * A chunk is decoded in slices, each as Latin-1 when it is ASCII (a copy, no UTF-8 decoding),
 * else as UTF-8, a sequence the slice's end cuts carried to the next slice. Matches across slice
 * and chunk boundaries are exact: the text after the last decided position is carried over, with
 * enough before it for the boundary and context checks (see streamLimit).
 */
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import type { MatcherTerm } from '../domain/matchTypes';
import { walkBack, whitespaceRunEnd, whitespaceUnitAt, whitespaceUnitBefore } from '../domain/whitespaceRuns';
import type { CodeGroup } from './occurrences';
import { ChunkReader } from './chunkReader';
import { CONTEXT, MatchCollector, ScanTerms } from './scanCore';

export type { CodeGroup, Occurrence } from './occurrences';

export interface ScanOptions {
  readonly signal?: AbortSignal;
  /** After each chunk: bytes read so far and the file's size (characters, for a text). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Occurrences kept per code; the rest are counted. */
  readonly maxPerCode?: number;
  /** Bytes (characters, for a text) read at a time. */
  readonly chunkSize?: number;
}

export interface FileScanResult {
  /** One per code or reason found, in order of first occurrence. */
  readonly groups: readonly CodeGroup[];
  /** Occurrences of all codes together. */
  readonly total: number;
  /** Lines read (to where the scan stopped, when it was cancelled). */
  readonly lines: number;
  /** The file's size in bytes, or the text's length. */
  readonly size: number;
  /** How much of it was read: `size` unless cancelled. */
  readonly scanned: number;
  readonly complete: boolean;
  readonly maxPerCode: number;
}

export interface ScanProblem {
  readonly message: string;
  readonly nextStep: string;
}

export type FileScanOutcome = { readonly ok: true; readonly value: FileScanResult } | { readonly ok: false; readonly problem: ScanProblem };

export const DEFAULT_MAX_PER_CODE = 10_000;
const DEFAULT_CHUNK = 1024 * 1024;
/** Room after a candidate for its context: the carried text is about this long. */
const LOOKAHEAD = CONTEXT + 256;
/** A carried tail longer than this can only be whitespace runs no term spans in practice (see cutAfterLongRun). */
const MAX_TAIL = 256 * 1024;
/**
 * A chunk is decoded and scanned in slices of this many bytes: a string under V8's 128 KB limit
 * for young objects is allocated and collected cheaply, while a 1 MB one costs a large-object
 * allocation each time and old-generation collections of the whole heap.
 */
const SLICE = 60 * 1024;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Scans built from the catalog's terms. Several scans may run at once: each slice is decided in
 * one synchronous call, so the buffers the scans share (the filter's hits, the automaton's
 * candidates) never hold two scans' results.
 */
export class FileScanner {
  private readonly scan: ScanTerms;

  constructor(terms: readonly MatcherTerm[], ambiguousIds: ReadonlySet<string> = new Set()) {
    this.scan = new ScanTerms(terms, ambiguousIds);
  }

  /** A document's text, in slices of `chunkSize` characters. */
  async scanText(text: string, options: ScanOptions = {}): Promise<FileScanResult> {
    const maxPerCode = options.maxPerCode ?? DEFAULT_MAX_PER_CODE;
    const chunk = options.chunkSize ?? DEFAULT_CHUNK;
    const collector = new MatchCollector(this.scan, maxPerCode);
    let from = 0;
    while (from < text.length) {
      if (options.signal?.aborted) {
        return result(collector, text, 0, from, text.length, false, maxPerCode);
      }
      from = collector.run(text, 0, from, sliceEnd(text, from + chunk), 'complete');
      options.onProgress?.(from, text.length);
      if (from < text.length) {
        await yieldToEventLoop();
      }
    }
    return result(collector, text, 0, text.length, text.length, true, maxPerCode);
  }

  /** A file on disk, however large; a problem (not an exception) when it cannot be read. */
  async scanFile(path: string, options: ScanOptions = {}): Promise<FileScanOutcome> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(path, 'r');
    } catch (err) {
      return { ok: false, problem: readProblem(path, err) };
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        return { ok: false, problem: { message: l10n.t('{0} is not a file.', path), nextStep: l10n.t('Pick a log file.') } };
      }
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
      if (magic[0] === 0x1f && magic[1] === 0x8b) {
        return { ok: false, problem: { message: l10n.t('{0} is compressed (gzip).', path), nextStep: l10n.t('Decompress it first (gunzip -k), then pick the decompressed file.') } };
      }
      return { ok: true, value: await this.read(handle, stat.size, options) };
    } catch (err) {
      return { ok: false, problem: readProblem(path, err) };
    } finally {
      await handle.close();
    }
  }

  private async read(handle: fs.promises.FileHandle, size: number, options: ScanOptions): Promise<FileScanResult> {
    const maxPerCode = options.maxPerCode ?? DEFAULT_MAX_PER_CODE;
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    const sliceSize = Math.max(4, Math.min(SLICE, chunkSize));
    const collector = new MatchCollector(this.scan, maxPerCode);
    const reader = new ChunkReader(handle, chunkSize);
    // Text carried to the next slice stays in the buffer when it is ASCII (one decoding then
    // gives the whole window, nothing to concatenate), else goes as a string. A UTF-8 sequence
    // a slice cut always stays as bytes.
    let carriedText = '';
    let base = 0;
    let from = 0;
    let bytes = 0;
    let last = { window: '', base: 0, decided: 0 };
    try {
      for (;;) {
        if (options.signal?.aborted) {
          return result(collector, last.window, last.base, last.decided, size, false, maxPerCode, bytes);
        }
        const chunk = await reader.next();
        bytes += chunk.bytesRead;
        const atEnd = chunk.bytesRead === 0;
        // buffer[windowStart, sliceFrom) is carried text, [sliceFrom, ...) new bytes.
        let windowStart = chunk.start;
        let sliceFrom = chunk.end - chunk.bytesRead;
        for (;;) {
          const lastSlice = chunk.end - sliceFrom <= sliceSize;
          const sliceEnd = lastSlice ? chunk.end : sliceFrom + sliceSize;
          const whole = atEnd ? chunk.end : completeUtf8(chunk.buffer, windowStart, sliceEnd);
          const ascii = isAscii(chunk.buffer.subarray(windowStart, whole));
          const window = carriedText + chunk.buffer.toString(ascii ? 'latin1' : 'utf8', windowStart, whole);
          const bytesOf = ascii && carriedText === '' ? { bytes: chunk.buffer, at: windowStart } : undefined;
          if (atEnd) {
            collector.run(window, base, from, window.length, 'complete', bytesOf);
            return result(collector, window, base, window.length, size, true, maxPerCode, bytes);
          }
          const limit = streamLimit(window, from, this.scan.maxLength);
          const decided = collector.run(window, base, from, limit.to, limit.forced ? 'forced' : 'more', bytesOf);
          last = { window, base, decided };
          // Keep what the next slice's matches may need to look back at; count its lines first.
          const keep = Math.max(0, decided - CONTEXT);
          collector.lines.advance(window, base, keep);
          const carry = window.length - keep;
          if (keep >= carriedText.length && (ascii || isAsciiFrom(window, keep))) {
            // ASCII is one byte a character: the carried text is the last `carry` bytes decoded.
            windowStart = whole - carry;
            carriedText = '';
          } else {
            windowStart = whole;
            carriedText = window.slice(keep);
          }
          base += keep;
          from = decided - keep;
          sliceFrom = whole;
          if (lastSlice) {
            break;
          }
        }
        reader.keep(chunk, windowStart, chunk.end);
        options.onProgress?.(bytes, size);
      }
    } finally {
      await reader.settle();
    }
  }
}

/**
 * Where to stop deciding in a window that more text follows: far enough back that every match
 * starting before it ends, and is followed by CONTEXT characters, inside the window. Matches are
 * at most maxLength symbols, but a whitespace run is one symbol however long, so when the tail
 * grows past MAX_TAIL the window is cut after its longest whitespace run (`forced`): only a
 * match that spans that run itself (a multi-word code with over 256 KB of whitespace between its
 * words) is lost.
 */
function streamLimit(window: string, from: number, maxLength: number): { to: number; forced: boolean } {
  const len = window.length;
  const to = Math.max(from, Math.min(len - LOOKAHEAD, walkBack(window, len - 1, maxLength + 2)));
  if (len - to <= MAX_TAIL) {
    return { to, forced: false };
  }
  return { to: Math.max(to, cutAfterLongRun(window, to)), forced: true };
}

/** The end of the longest whitespace run after `from`, or the start of the window's last unit when that run reaches the end. */
function cutAfterLongRun(window: string, from: number): number {
  let bestLength = 0;
  let bestEnd = from;
  for (let p = from; p < window.length;) {
    if (whitespaceUnitAt(window, p) > 0) {
      const end = whitespaceRunEnd(window, p);
      if (end - p > bestLength) {
        bestLength = end - p;
        bestEnd = end;
      }
      p = end;
    } else {
      p++;
    }
  }
  return bestEnd < window.length ? bestEnd : window.length - Math.max(1, whitespaceUnitBefore(window, window.length));
}

/** A slice end for text mode: not inside a JSON escape, nor inside a whitespace run (its end instead). */
function sliceEnd(text: string, to: number): number {
  if (to >= text.length) {
    return text.length;
  }
  let p = to;
  if (whitespaceUnitBefore(text, p + 1) === 2) {
    p++; // between `\` and `n`
  }
  return whitespaceUnitBefore(text, p) > 0 && whitespaceUnitAt(text, p) > 0 ? whitespaceRunEnd(text, p) : p;
}

/** Where the whole UTF-8 sequences of buffer[start, end) end (a sequence the read cut waits for the next). */
function completeUtf8(buffer: Buffer, start: number, end: number): number {
  for (let back = 1; back <= Math.min(3, end - start); back++) {
    const b = buffer[end - back];
    if ((b & 0xc0) === 0x80) {
      continue;
    }
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return back >= need ? end : end - back;
  }
  return end;
}

function isAsciiFrom(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      return false;
    }
  }
  return true;
}

function result(collector: MatchCollector, text: string, base: number, upTo: number, size: number, complete: boolean, maxPerCode: number, scanned?: number): FileScanResult {
  collector.lines.advance(text, base, upTo);
  return {
    groups: collector.finish(),
    total: collector.total,
    lines: collector.lines.line + 1,
    size,
    scanned: scanned ?? base + upTo,
    complete,
    maxPerCode,
  };
}

function readProblem(path: string, err: unknown): ScanProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return { message: l10n.t('{0} does not exist.', path), nextStep: l10n.t('Check the path, or pick the file again.') };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return { message: l10n.t('{0} cannot be read: permission denied.', path), nextStep: l10n.t('Copy the file somewhere you can read it, or change its permissions.') };
  }
  if (code === 'EISDIR') {
    return { message: l10n.t('{0} is a folder, not a file.', path), nextStep: l10n.t('Pick a log file.') };
  }
  return { message: l10n.t('{0} could not be read ({1}).', path, err instanceof Error ? err.message : String(err)), nextStep: l10n.t('Check that the file is readable, then try again.') };
}
