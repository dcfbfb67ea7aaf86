/**
 * A Wu–Manber filter in front of the code matcher, for whole files: it finds the places where a
 * term can start, so only those are read closely. On a realistic log it looks at one character
 * in four or five; the automaton alone reads them all.
 *
 * Why it finds every match: the automaton's own skip relies on the same fact, that each
 * normalized term starts with `width` characters that are neither whitespace nor an escape, and a
 * match has exactly those characters at its start. The filter slides a window of `width`
 * characters and looks up the last three (hashed) in a table of how far the window may move
 * before some term's prefix could end there; a window whose shift is 0 is compared with the
 * prefixes. Hashing only merges table entries, so it can make the filter stop more often, never
 * skip a match.
 */
import type { MatcherTerm } from '../domain/matchTypes';
import { BACKSLASH, isWhitespaceEscapeLetter, normalizeTerm } from '../domain/whitespaceRuns';

const BLOCK = 3;
const TABLE_SIZE = 1 << 16;
const MASK = TABLE_SIZE - 1;
/** Shifts are kept in bytes; a longer window gains nothing measurable. */
const MAX_WIDTH = 64;

function hash3(a: number, b: number, c: number): number {
  return ((((a << 5) ^ b) << 5) ^ c) & MASK;
}

/** A prefix and the terms that start with it. */
export interface Prefix {
  /** Indexes into the terms given to the constructor. */
  readonly terms: readonly number[];
  /** Each term's words (normalized: split at its single spaces), as UTF-16 units, by the same index as `terms`. */
  readonly words: readonly (readonly Uint16Array[])[];
}

/** Where a term may start in a text: hitStart[k] with the prefix hitPrefix[k], in order. */
export class PrefixFilter {
  /** Characters every term starts with; 0 when some term is too short to filter on (scan everything). */
  readonly width: number;
  readonly prefixes: readonly Prefix[];
  /** How far the window may move when its last three characters hash to the index. */
  private readonly shift: Uint8Array;
  /** The prefixes' characters, `width` per prefix, and the next prefix with the same last-three hash. */
  private readonly prefixChars: Uint16Array;
  private readonly bucketHead: Int32Array;
  private readonly bucketNext: Int32Array;
  hitStart = new Int32Array(1024);
  hitPrefix = new Int32Array(1024);

  /** `terms` as the automaton keeps them (duplicates dropped), so an index means the same term to both. */
  constructor(terms: readonly MatcherTerm[]) {
    const normalized = terms.map((t) => normalizeTerm(t.term));
    let width = MAX_WIDTH;
    for (const t of normalized) {
      const space = t.indexOf(' ');
      width = Math.min(width, space < 0 ? t.length : space);
    }
    this.width = width >= BLOCK ? width : 0;
    const byPrefix = new Map<string, number[]>();
    normalized.forEach((t, i) => {
      const key = t.slice(0, this.width);
      byPrefix.set(key, [...(byPrefix.get(key) ?? []), i]);
    });
    const keys = [...byPrefix.keys()];
    this.prefixes = keys.map((key) => {
      const indexes = byPrefix.get(key) ?? [];
      const units = (word: string): Uint16Array => Uint16Array.from({ length: word.length }, (_, k) => word.charCodeAt(k));
      return { terms: indexes, words: indexes.map((i) => normalized[i].split(' ').map(units)) };
    });
    this.prefixChars = new Uint16Array(keys.length * this.width);
    this.bucketHead = new Int32Array(TABLE_SIZE).fill(-1);
    this.bucketNext = new Int32Array(keys.length).fill(-1);
    this.shift = new Uint8Array(TABLE_SIZE).fill(this.width - BLOCK + 1);
    if (this.width === 0) {
      return;
    }
    keys.forEach((p, k) => {
      for (let i = 0; i < this.width; i++) {
        this.prefixChars[k * this.width + i] = p.charCodeAt(i);
      }
      for (let d = BLOCK - 1; d < this.width; d++) {
        const h = hash3(p.charCodeAt(d - 2), p.charCodeAt(d - 1), p.charCodeAt(d));
        this.shift[h] = Math.min(this.shift[h], this.width - 1 - d);
      }
      const last = hash3(p.charCodeAt(this.width - 3), p.charCodeAt(this.width - 2), p.charCodeAt(this.width - 1));
      this.bucketNext[k] = this.bucketHead[last];
      this.bucketHead[last] = k;
    });
  }

  /** Fills hitStart/hitPrefix with every place in [from, to) where a prefix is written; returns how many. */
  hits(text: string, from: number, to: number): number {
    const width = this.width;
    const shift = this.shift;
    const lastWindowEnd = Math.min(text.length, to + width - 1);
    let count = 0;
    let j = from + width - 1;
    while (j < lastWindowEnd) {
      const h = hash3(text.charCodeAt(j - 2), text.charCodeAt(j - 1), text.charCodeAt(j));
      const s = shift[h];
      if (s !== 0) {
        j += s;
        continue;
      }
      count = this.accept(text, j - width + 1, h, count);
      j++;
    }
    return count;
  }

  /**
   * hits() for a text that is ASCII and decoded from `bytes` (text[i] is bytes[at + i]): the same
   * loop on the bytes, which a typed array reads faster than a string. Hits are checked on the text.
   */
  hitsInAscii(text: string, bytes: Uint8Array, at: number, from: number, to: number): number {
    const width = this.width;
    const shift = this.shift;
    const end = at + Math.min(text.length, to + width - 1);
    let count = 0;
    let j = at + from + width - 1;
    while (j < end) {
      const h = hash3(bytes[j - 2], bytes[j - 1], bytes[j]);
      const s = shift[h];
      if (s !== 0) {
        j += s;
        continue;
      }
      count = this.accept(text, j - at - width + 1, h, count);
      j++;
    }
    return count;
  }

  /** Records a hit at p when a prefix is written there (the window's last three characters hash to h). */
  private accept(text: string, p: number, h: number, count: number): number {
    const k = this.prefixAt(text, p, h);
    // Inside a JSON escape (`\n` + `ode...`) no symbol starts, so no match can.
    if (k < 0 || (p > 0 && text.charCodeAt(p - 1) === BACKSLASH && isWhitespaceEscapeLetter(text.charCodeAt(p)))) {
      return count;
    }
    if (count === this.hitStart.length) {
      this.grow();
    }
    this.hitStart[count] = p;
    this.hitPrefix[count] = k;
    return count + 1;
  }

  /** Index of the prefix written at p whose last three characters hash to h, or -1. */
  private prefixAt(text: string, p: number, h: number): number {
    const width = this.width;
    const chars = this.prefixChars;
    for (let k = this.bucketHead[h]; k >= 0; k = this.bucketNext[k]) {
      const base = k * width;
      let i = 0;
      while (i < width && text.charCodeAt(p + i) === chars[base + i]) {
        i++;
      }
      if (i === width) {
        return k;
      }
    }
    return -1;
  }

  private grow(): void {
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.hitStart = grow(this.hitStart);
    this.hitPrefix = grow(this.hitPrefix);
  }
}
