/**
 * The Aho–Corasick automaton behind CodeMatcher: built once from the terms, then one linear scan
 * of a normalized view of the text (see whitespaceRuns), so a 1 MB log line costs the same
 * whatever it contains, and no regex can backtrack. Offsets reported are always into the
 * original text.
 *
 * Speed: while no match is under way the scan jumps ahead Horspool-style on the last character of
 * a window as long as the shortest first word of a term, then over characters that cannot start
 * a term; candidates go to reused typed arrays, which matchSelection resolves.
 */
import type { MatcherTerm } from './matchTypes';
import { boundaryAfter, boundaryBefore } from './tokenBoundaries';
import { isWhitespaceCode, isWhitespaceEscapeLetter, normalizeTerm, whitespaceRunEnd } from './whitespaceRuns';

// Compared on every character scan() reads: local constants rather than imports, so the tsc
// build (tests, benchmarks) reads them as directly as the bundle does.
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const ASCII = 128;
const ROOT = 0;

/** A whole-token occurrence of a term found by scan(), before overlaps are resolved. */
export interface Candidate {
  readonly termIndex: number;
  readonly start: number;
  readonly end: number;
}

/** Candidates an automaton keeps buffers for between calls; bigger buffers are dropped after use. */
const KEPT_CAPACITY = 1 << 14;

/** Finds every whole-token occurrence of a fixed set of terms; choosing among them is not its job. */
export class TermAutomaton {
  /** The terms kept, duplicates dropped; a candidate's termIndex points here. */
  readonly terms: readonly MatcherTerm[] = [];
  /** Normalized length of each term, in symbols (a whitespace run is one symbol). */
  private readonly lengths: Int32Array;
  /** Dense transition table for ASCII symbols: delta[state * ASCII + code]. */
  private readonly delta: Int32Array;
  /** Sparse goto for non-ASCII symbols; followed with failure links. */
  private readonly wideGoto: Map<number, number>[];
  private readonly fail: Int32Array;
  /** Term index ending exactly at a state, or -1. */
  private readonly output: Int32Array;
  /** Nearest state on the failure chain that has an output, or -1. */
  private readonly dictLink: Int32Array;
  /** The state itself if it has an output, else its dictLink: one read per symbol. */
  private readonly firstOutput: Int32Array;
  /**
   * 1 for a UTF-16 unit that, read at the root, leaves the automaton at the root without output and
   * is a whitespace unit by itself or no whitespace at all (so not a backslash): scan() steps over
   * runs of them with one table read each.
   */
  private readonly rootSkip: Uint8Array;
  /**
   * Horspool window at the root: every term's first `window` symbols are single characters, no
   * whitespace, so a match starting at p has exactly them at `text[p, p + window)`.
   */
  private readonly window: number;
  /**
   * How far the window may move when `c` is its last character: `window - 1 - d` for the largest
   * d < window at which some term has c, or `window` if none has it there.
   */
  private readonly shift: Uint8Array;
  /** Longest normalized term, in symbols; 0 when there are no terms. */
  readonly maxLength: number;
  /** Start offsets of the last symbols read, a power-of-two ring at least maxLength long. */
  private readonly ring: Int32Array;
  private readonly ringMask: number;
  /**
   * Candidates of the last scan(), in order of end (longest first at the same end). Read them
   * after scan(): a scan that outgrows them replaces them.
   */
  candStart = new Int32Array(256);
  candEnd = new Int32Array(256);
  candTerm = new Int32Array(256);
  /** Whether two candidates of the last scan() overlap (else every candidate is chosen). */
  overlapping = false;

  constructor(terms: readonly MatcherTerm[]) {
    const gotoMaps: Map<number, number>[] = [new Map()];
    const outputs: number[] = [-1];
    const kept: MatcherTerm[] = [];
    const lengths: number[] = [];
    const normalizedTerms: string[] = [];
    const seen = new Set<string>();
    let maxLength = 0;
    for (const t of terms) {
      const normalized = normalizeTerm(t.term);
      if (normalized.length === 0 || seen.has(normalized)) {
        continue; // first id wins for a duplicate term
      }
      seen.add(normalized);
      let state = ROOT;
      for (let i = 0; i < normalized.length; i++) {
        const c = normalized.charCodeAt(i);
        let next = gotoMaps[state].get(c);
        if (next === undefined) {
          next = gotoMaps.length;
          gotoMaps.push(new Map());
          outputs.push(-1);
          gotoMaps[state].set(c, next);
        }
        state = next;
      }
      outputs[state] = kept.length;
      kept.push(t);
      normalizedTerms.push(normalized);
      lengths.push(normalized.length);
      maxLength = Math.max(maxLength, normalized.length);
    }
    this.terms = kept;
    this.lengths = Int32Array.from(lengths);
    this.maxLength = maxLength;
    let ringSize = 1;
    while (ringSize < maxLength) {
      ringSize *= 2;
    }
    this.ring = new Int32Array(ringSize);
    this.ringMask = ringSize - 1;

    const count = gotoMaps.length;
    this.fail = new Int32Array(count);
    this.output = Int32Array.from(outputs);
    this.dictLink = new Int32Array(count).fill(-1);
    this.delta = new Int32Array(count * ASCII);
    this.wideGoto = gotoMaps.map((m) => {
      const wide = new Map<number, number>();
      for (const [c, s] of m) {
        if (c >= ASCII) {
          wide.set(c, s);
        }
      }
      return wide;
    });

    // Breadth-first: a state's failure link and row are final before its children need them.
    const queue: number[] = [ROOT];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const failState = this.fail[state];
      for (let c = 0; c < ASCII; c++) {
        const child = gotoMaps[state].get(c);
        if (child !== undefined) {
          this.delta[state * ASCII + c] = child;
        } else {
          this.delta[state * ASCII + c] = state === ROOT ? ROOT : this.delta[failState * ASCII + c];
        }
      }
      for (const [c, child] of gotoMaps[state]) {
        const childFail = state === ROOT ? ROOT : this.step(failState, c);
        this.fail[child] = childFail;
        this.dictLink[child] = this.output[childFail] >= 0 ? childFail : this.dictLink[childFail];
        queue.push(child);
      }
    }
    this.firstOutput = new Int32Array(count);
    for (let s = 0; s < count; s++) {
      this.firstOutput[s] = this.output[s] >= 0 ? s : this.dictLink[s];
    }
    let window = 255;
    for (const normalized of normalizedTerms) {
      const space = normalized.indexOf(' ');
      window = Math.min(window, space < 0 ? normalized.length : space);
    }
    this.window = window;
    this.shift = new Uint8Array(0x10000).fill(window);
    for (const normalized of normalizedTerms) {
      for (let d = 0; d < window; d++) {
        const c = normalized.charCodeAt(d);
        this.shift[c] = Math.min(this.shift[c], window - 1 - d);
      }
    }
    // Normalized terms start with neither whitespace nor a space, so only the first characters of
    // terms and the backslash are not skippable.
    this.rootSkip = new Uint8Array(0x10000).fill(1);
    this.rootSkip[BACKSLASH] = 0;
    for (const c of gotoMaps[ROOT].keys()) {
      this.rootSkip[c] = 0;
    }
  }

  private step(state: number, c: number): number {
    if (c < ASCII) {
      return this.delta[state * ASCII + c];
    }
    let s = state;
    for (;;) {
      const next = this.wideGoto[s].get(c);
      if (next !== undefined) {
        return next;
      }
      if (s === ROOT) {
        return ROOT;
      }
      s = this.fail[s];
    }
  }

  /**
   * Every whole-token occurrence starting at or after `from` (a symbol boundary) whose last symbol
   * starts before `to`, in order of end, into the candidate buffers; returns how many.
   */
  scan(text: string, from: number, to: number): number {
    const delta = this.delta;
    const firstOutput = this.firstOutput;
    const rootSkip = this.rootSkip;
    const ring = this.ring;
    const mask = this.ringMask;
    let count = 0;
    let lastEnd = -1;
    this.overlapping = false;
    let state = ROOT;
    let symbol = 0;
    let i = from;
    const n = text.length;
    const window = this.window;
    const shift = this.shift;
    // Where a window may end while its start is still before `to`.
    const lastWindowEnd = Math.min(n, to + window - 1);
    while (i < to) {
      if (state === ROOT) {
        // At the root no match is under way, so whatever is skipped here is never part of one
        // and needs no symbol count or ring entry. First Horspool's jump: a match starting in
        // [i, j - window] would have text[j] among its first characters.
        if (window > 1) {
          let j = i + window - 1;
          while (j < lastWindowEnd) {
            const jump = shift[text.charCodeAt(j)];
            if (jump === 0) {
              break;
            }
            j += jump;
          }
          if (j >= lastWindowEnd) {
            return count; // no match starts before `to`, or none fits before the end
          }
          i = j - window + 1;
          if (i > from && isWhitespaceEscapeLetter(text.charCodeAt(i)) && text.charCodeAt(i - 1) === BACKSLASH) {
            i++; // landed on the letter of an escape: move past the whole unit
            continue;
          }
        }
        // Then characters that cannot start a term.
        if (rootSkip[text.charCodeAt(i)] === 1) {
          do {
            if (++i >= to) {
              return count;
            }
          } while (rootSkip[text.charCodeAt(i)] === 1);
          continue;
        }
      }
      let c = text.charCodeAt(i);
      const symbolStart = i;
      if (c > SPACE && c < 0x7f && c !== BACKSLASH) {
        i++; // the common case: printable ASCII, not whitespace, not an escape
      } else if (c === SPACE || (c >= 0x09 && c <= 0x0d) || (c >= 0x80 && isWhitespaceCode(c))
        || (c === BACKSLASH && i + 1 < text.length && isWhitespaceEscapeLetter(text.charCodeAt(i + 1)))) {
        c = SPACE;
        i = whitespaceRunEnd(text, i);
      } else {
        i++;
      }
      ring[symbol & mask] = symbolStart;
      state = c < ASCII ? delta[state * ASCII + c] : this.step(state, c);
      let s = firstOutput[state];
      while (s >= 0) {
        const termIndex = this.output[s];
        const start = ring[(symbol - this.lengths[termIndex] + 1) & mask];
        if (boundaryBefore(text, start) && boundaryAfter(text, i)) {
          if (count === this.candStart.length) {
            this.growCandidates();
          }
          this.candStart[count] = start;
          this.candEnd[count] = i;
          this.candTerm[count] = termIndex;
          count++;
          if (start < lastEnd) {
            this.overlapping = true;
          }
          lastEnd = i;
        }
        s = this.dictLink[s];
      }
      symbol++;
    }
    return count;
  }

  private growCandidates(): void {
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.candStart = grow(this.candStart);
    this.candEnd = grow(this.candEnd);
    this.candTerm = grow(this.candTerm);
  }

  /** Drops buffers a huge input grew, so a matcher does not hold on to them. */
  releaseBuffers(): void {
    if (this.candStart.length > KEPT_CAPACITY) {
      this.candStart = new Int32Array(256);
      this.candEnd = new Int32Array(256);
      this.candTerm = new Int32Array(256);
    }
  }

  /** The candidates of the last scan() as objects, for the few a hover looks at. */
  candidates(count: number): Candidate[] {
    const out: Candidate[] = [];
    for (let k = 0; k < count; k++) {
      out.push({ termIndex: this.candTerm[k], start: this.candStart[k], end: this.candEnd[k] });
    }
    return out;
  }
}
