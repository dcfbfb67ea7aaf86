/**
 * Finding auto-repair error codes and event reasons in arbitrary text (logs, `kubectl` output,
 * YAML, JSON) in one linear pass: an Aho–Corasick automaton over a normalized view of the text,
 * so a 1 MB log line costs the same whatever it contains, and no regex can backtrack.
 *
 * The normalized view (never materialized) collapses every run of whitespace, including JSON
 * `\n` `\r` `\t` `\f` escapes, into one space, so `ManagedIdentityCredential\n   authentication
 * failed` still matches a multi-word term. Offsets reported are always into the original text.
 *
 * Speed: while no match is under way the scan jumps ahead Horspool-style on the last character of
 * a window as long as the shortest first word of a term, then over characters that cannot start
 * a term; candidates go to reused typed arrays and are selected without sorting unless they
 * overlap; long repeated whitespace runs are skipped by whole repetitions (whitespaceRunEnd).
 */

export interface MatcherTerm {
  /** Exact, case-sensitive text of a code or reason; inner whitespace matches any whitespace run. */
  term: string;
  /** Catalog id the term stands for. */
  id: string;
}

export interface TermMatch {
  /** The term as given to the matcher (not the text as written; use `text.slice(start, end)`). */
  term: string;
  id: string;
  /** UTF-16 offset of the first matched code unit. */
  start: number;
  /** UTF-16 offset just past the match (exclusive). */
  end: number;
}

/** Codes so common in unrelated Azure errors that a match means little without auto-repair context. */
export const AMBIGUOUS_CODES: ReadonlySet<string> = new Set(['InvalidParameter']);

const BACKSLASH = 0x5c;
const SPACE = 0x20;
const ASCII = 128;
const ROOT = 0;

function isIdentifierCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isWhitespaceCode(c: number): boolean {
  return c === SPACE || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680
    || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f
    || c === 0x3000;
}

/** Letters that, after a backslash, form a JSON escape for whitespace: n, r, t, f. */
function isWhitespaceEscapeLetter(c: number): boolean {
  return c === 0x6e || c === 0x72 || c === 0x74 || c === 0x66;
}

/**
 * Length (1 or 2) of the whitespace unit starting at i, or 0 if none. The rule looks at two code
 * units only, so it reads the same backwards and forwards: `\\n` counts as a backslash then a
 * newline escape, which is what double-encoded JSON (common in Azure errors) means by it.
 */
function whitespaceUnitAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isWhitespaceCode(c)) {
    return 1;
  }
  if (c === BACKSLASH && i + 1 < text.length && isWhitespaceEscapeLetter(text.charCodeAt(i + 1))) {
    return 2;
  }
  return 0;
}

/** Length of the whitespace unit ending just before i, or 0. */
function whitespaceUnitBefore(text: string, i: number): number {
  if (i <= 0) {
    return 0;
  }
  const c = text.charCodeAt(i - 1);
  if (isWhitespaceCode(c)) {
    return 1;
  }
  if (i >= 2 && isWhitespaceEscapeLetter(c) && text.charCodeAt(i - 2) === BACKSLASH) {
    return 2;
  }
  return 0;
}

function boundaryBefore(text: string, start: number): boolean {
  if (start === 0) {
    return true;
  }
  const c = text.charCodeAt(start - 1);
  if (!isIdentifierCode(c)) {
    return true;
  }
  // `...failure:\nVMExtensionProvisioningError`: the `n` belongs to an escape, not to the code.
  return start >= 2 && isWhitespaceEscapeLetter(c) && text.charCodeAt(start - 2) === BACKSLASH;
}

const COMBINING_MARK = /^\p{M}$/u;

function boundaryAfter(text: string, end: number): boolean {
  if (end >= text.length) {
    return true;
  }
  const c = text.charCodeAt(end);
  if (isIdentifierCode(c)) {
    return false;
  }
  // A combining mark changes the last letter (`InvalidParameteŕ`), so the token is not the code.
  return c < 0x300 || !COMBINING_MARK.test(text[end]);
}

/** Terms as the automaton sees them: whitespace runs collapsed to one space, ends trimmed. */
function normalizeTerm(term: string): string {
  let out = '';
  let i = 0;
  while (i < term.length) {
    const ws = whitespaceUnitAt(term, i);
    if (ws > 0) {
      while (i < term.length && whitespaceUnitAt(term, i) > 0) {
        i += whitespaceUnitAt(term, i);
      }
      out += ' ';
    } else {
      out += term[i];
      i++;
    }
  }
  return out.trim();
}

/** A whitespace run must be this long before its repetitions are looked for (see whitespaceRunEnd). */
const GALLOP_AFTER = 64;
/** Length of the tail used to find a whitespace run's period; periods up to GALLOP_TAIL - 1. */
const GALLOP_TAIL = 32;

/**
 * End of the maximal whitespace run starting at unit boundary i (i itself if none).
 *
 * A run is one symbol for the automaton, so a hover inside a megabyte of padding or `\n` escapes
 * has to find both ends of it. Long runs in real text are one short pattern repeated (spaces,
 * indentation, `\n  ` escapes), so once the run is long enough its period is looked for and
 * whole repetitions are checked by one native string comparison each, doubling in length
 * (galloping) until the repetition breaks; then characters are read one by one again. Any other
 * run costs one pass over its characters, as before.
 */
function whitespaceRunEnd(text: string, i: number): number {
  const n = text.length;
  const runStart = i;
  let gallopAt = i + GALLOP_AFTER;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SPACE || (c >= 0x09 && c <= 0x0d)) {
      i++;
    } else if (c === BACKSLASH && i + 1 < n && isWhitespaceEscapeLetter(text.charCodeAt(i + 1))) {
      i += 2;
    } else if (c >= 0x80 && isWhitespaceCode(c)) {
      i++;
    } else {
      break;
    }
    if (i >= gallopAt) {
      i = gallopForward(text, runStart, i);
      gallopAt = i + (i - runStart); // an aperiodic run is tried O(log length) times only
    }
  }
  return i;
}

/**
 * Given `[runStart, i)` made of whole whitespace units (`i` a unit boundary), returns the end of
 * the longest continuation that repeats the run's period, a unit boundary with only whole
 * whitespace units before it, or i if there is no period.
 *
 * Why it is sound: the units of a string depend on its characters only (a position is inside a
 * unit only if it holds n, r, t or f right after a backslash), and a unit never ends with a
 * backslash. The period P is found on a P-periodic stretch of at least P + 1 characters ending at
 * i, so `text[i - P - 1]` is a copy of `text[i - 1]`, the end of a unit, hence no backslash: `i - P`
 * is a unit boundary and `[i - P, i)` whole units. A continuation by whole periods copies those
 * units, and its end is again preceded by a copy of `text[i - 1]`.
 */
function gallopForward(text: string, runStart: number, i: number): number {
  if (i - runStart < 2 * GALLOP_TAIL) {
    return i;
  }
  const window = text.substring(i - 2 * GALLOP_TAIL, i);
  const found = window.lastIndexOf(window.substring(GALLOP_TAIL), GALLOP_TAIL - 1);
  if (found < 1) {
    return i; // no period below GALLOP_TAIL
  }
  const period = GALLOP_TAIL - found;
  const n = text.length;
  let step = period * Math.ceil(GALLOP_AFTER / period);
  while (step >= period) {
    // text[i, i + step) equals text[i - period, i - period + step) iff [i - period, i + step) is
    // periodic. (`===` on two substrings is a native memory comparison; startsWith reads by character.)
    if (i + step <= n && text.substring(i, i + step) === text.substring(i - period, i - period + step)) {
      i += step;
      step *= 2;
    } else {
      step = period * Math.floor(step / period / 2);
    }
  }
  return i;
}

/**
 * The mirror image of gallopForward: `[q, runEnd)` is whole units, q a unit boundary; returns the
 * start of the longest run of whole periods before q.
 */
function gallopBack(text: string, q: number, runEnd: number): number {
  if (runEnd - q < 2 * GALLOP_TAIL) {
    return q;
  }
  const window = text.substring(q, q + 2 * GALLOP_TAIL);
  const period = window.indexOf(window.substring(0, GALLOP_TAIL), 1);
  if (period < 1 || period > GALLOP_TAIL - 1) {
    return q;
  }
  // A unit starts at q, so text[q] (and each copy of it) is a whitespace character or a backslash,
  // never the letter of an escape: every copy of q is a unit boundary.
  let step = period * Math.ceil(GALLOP_AFTER / period);
  while (step >= period) {
    if (q - step >= 0 && text.substring(q - step, q) === text.substring(q + period - step, q + period)) {
      q -= step;
      step *= 2;
    } else {
      step = period * Math.floor(step / period / 2);
    }
  }
  return q;
}

/** Start of the maximal whitespace run that ends at or contains position p - 1 (p a unit boundary). */
function whitespaceRunStart(text: string, p: number): number {
  let q = p;
  let gallopAt = p - GALLOP_AFTER;
  while (q > 0) {
    const c = text.charCodeAt(q - 1);
    if (c === SPACE || (c >= 0x09 && c <= 0x0d)) {
      q--;
    } else if (q >= 2 && isWhitespaceEscapeLetter(c) && text.charCodeAt(q - 2) === BACKSLASH) {
      q -= 2;
    } else if (c >= 0x80 && isWhitespaceCode(c)) {
      q--;
    } else {
      break;
    }
    if (q <= gallopAt) {
      q = gallopBack(text, q, p);
      gallopAt = q - (p - q);
    }
  }
  return q;
}

interface Candidate {
  readonly termIndex: number;
  readonly start: number;
  readonly end: number;
}

/** Candidates a matcher keeps buffers for between calls; bigger buffers are dropped after use. */
const KEPT_CAPACITY = 1 << 14;

/**
 * Matches a fixed set of terms in text, whole tokens only. A match is never preceded or followed
 * by an identifier character `[A-Za-z0-9_]` (a JSON whitespace escape before it counts as a
 * separator), nor followed by a combining mark. Overlaps are resolved leftmost first, then longest.
 */
export class CodeMatcher {
  private readonly terms: readonly MatcherTerm[] = [];
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
  private readonly maxLength: number;
  /** Start offsets of the last symbols read, a power-of-two ring at least maxLength long. */
  private readonly ring: Int32Array;
  private readonly ringMask: number;
  /** Candidates of the last scan(), in order of end (longest first at the same end). */
  private candStart = new Int32Array(256);
  private candEnd = new Int32Array(256);
  private candTerm = new Int32Array(256);
  /** Whether two candidates of the last scan() overlap (else every candidate is chosen). */
  private overlapping = false;

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

  /** All matches, sorted by start, non-overlapping. */
  findAll(text: string): TermMatch[] {
    if (this.maxLength === 0 || text.length === 0) {
      return [];
    }
    const count = this.scan(text, 0, text.length);
    const matches = this.selectAll(count);
    this.releaseBuffers();
    return matches;
  }

  /**
   * The match of `findAll(text)` that covers `offset` (`start <= offset < end`), or undefined.
   * Scans only a window of about two term lengths around the offset (whitespace runs inside the
   * window are skipped whole), so a hover on a long line stays cheap.
   */
  findAt(text: string, offset: number): TermMatch | undefined {
    if (this.maxLength === 0 || !Number.isInteger(offset) || offset < 0 || offset >= text.length) {
      return undefined;
    }
    // A match covering offset has at most maxLength symbols, offset's own included, so it starts
    // at most maxLength - 1 symbols back and ends within maxLength symbols ahead.
    const to = this.walkForward(text, offset, this.maxLength);
    let from = this.walkBack(text, offset, this.maxLength - 1);
    for (;;) {
      const candidates = this.candidates(this.scan(text, from, to));
      const cluster = overlapClusterAt(candidates, offset);
      if (cluster === undefined) {
        this.releaseBuffers();
        return undefined;
      }
      // A candidate starting before `from` can only change the choice if it overlaps the cluster,
      // which needs it to reach back at least maxLength symbols from the cluster's first start.
      const needed = this.walkBack(text, cluster.firstStart, this.maxLength - 1);
      if (needed >= from) {
        this.releaseBuffers();
        const chosen = select(cluster.members).find((c) => c.start <= offset && offset < c.end);
        return chosen === undefined ? undefined : this.toMatch(chosen.termIndex, chosen.start, chosen.end);
      }
      from = needed;
    }
  }

  private toMatch(termIndex: number, start: number, end: number): TermMatch {
    const t = this.terms[termIndex];
    return { term: t.term, id: t.id, start, end };
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
  private scan(text: string, from: number, to: number): number {
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
  private releaseBuffers(): void {
    if (this.candStart.length > KEPT_CAPACITY) {
      this.candStart = new Int32Array(256);
      this.candEnd = new Int32Array(256);
      this.candTerm = new Int32Array(256);
    }
  }

  private candidates(count: number): Candidate[] {
    const out: Candidate[] = [];
    for (let k = 0; k < count; k++) {
      out.push({ termIndex: this.candTerm[k], start: this.candStart[k], end: this.candEnd[k] });
    }
    return out;
  }

  /**
   * select() over the candidate buffers, without a sort of them all. When no two candidates overlap
   * (the usual case) every one is chosen. Otherwise, in one pass: candidates come in order of end,
   * so the ones a new candidate overlaps form the last clusters, which it merges into one. Clusters
   * do not overlap each other, so each is resolved on its own, and only clusters of two or more
   * (overlapping terms) are sorted.
   */
  private selectAll(count: number): TermMatch[] {
    if (!this.overlapping) {
      const all = new Array<TermMatch>(count);
      for (let k = 0; k < count; k++) {
        all[k] = this.toMatch(this.candTerm[k], this.candStart[k], this.candEnd[k]);
      }
      return all;
    }
    const starts = this.candStart;
    const ends = this.candEnd;
    // Overlap clusters: index of each one's first candidate, and its end.
    const firsts = new Int32Array(count);
    const clusterEnds = new Int32Array(count);
    let clusters = 0;
    for (let k = 0; k < count; k++) {
      const start = starts[k];
      let first = k;
      while (clusters > 0 && clusterEnds[clusters - 1] > start) {
        clusters--;
        first = firsts[clusters];
      }
      firsts[clusters] = first;
      clusterEnds[clusters] = ends[k];
      clusters++;
    }
    // The chosen candidates, moved to the front of the buffers (there are never more of them than
    // candidates before the cluster being resolved), then one TermMatch each in an array of the
    // right size.
    const terms = this.candTerm;
    let chosen = 0;
    for (let c = 0; c < clusters; c++) {
      const first = firsts[c];
      const last = c + 1 < clusters ? firsts[c + 1] : count;
      if (last - first === 1) {
        starts[chosen] = starts[first];
        ends[chosen] = ends[first];
        terms[chosen] = terms[first];
        chosen++;
        continue;
      }
      const members: Candidate[] = [];
      for (let k = first; k < last; k++) {
        members.push({ termIndex: terms[k], start: starts[k], end: ends[k] });
      }
      for (const m of select(members)) {
        starts[chosen] = m.start;
        ends[chosen] = m.end;
        terms[chosen] = m.termIndex;
        chosen++;
      }
    }
    const matches = new Array<TermMatch>(chosen);
    for (let k = 0; k < chosen; k++) {
      matches[k] = this.toMatch(terms[k], starts[k], ends[k]);
    }
    return matches;
  }

  /** The symbol boundary `symbols` symbols before `offset`'s symbol (or 0). */
  private walkBack(text: string, offset: number, symbols: number): number {
    // Start from the beginning of the symbol containing offset.
    let p = offset;
    if (whitespaceUnitAt(text, p) > 0 || whitespaceUnitBefore(text, p + 1) === 2) {
      p = whitespaceRunStart(text, p + (whitespaceUnitBefore(text, p + 1) === 2 ? 1 : 0));
    }
    for (let n = 0; n < symbols && p > 0; n++) {
      p = whitespaceUnitBefore(text, p) > 0 ? whitespaceRunStart(text, p) : p - 1;
    }
    return p;
  }

  /** A position at least `symbols` symbols after offset (or the end of the text). */
  private walkForward(text: string, offset: number, symbols: number): number {
    let p = offset;
    for (let n = 0; n < symbols && p < text.length; n++) {
      p = whitespaceUnitAt(text, p) > 0 ? whitespaceRunEnd(text, p) : p + 1;
    }
    return p;
  }
}

/** Leftmost first, longest at the same start, skipping anything overlapping a chosen match. */
function select(candidates: readonly Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: Candidate[] = [];
  let lastEnd = -1;
  for (const c of sorted) {
    if (c.start >= lastEnd) {
      chosen.push(c);
      lastEnd = c.end;
    }
  }
  return chosen;
}

/** The candidates transitively overlapping one that covers offset, or undefined if none covers it. */
function overlapClusterAt(candidates: readonly Candidate[], offset: number): { members: Candidate[]; firstStart: number } | undefined {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  let members: Candidate[] = [];
  let clusterEnd = -1;
  let covers = false;
  for (const c of sorted) {
    if (c.start >= clusterEnd) {
      if (covers) {
        break;
      }
      members = [];
      clusterEnd = c.end;
    }
    members.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
    covers ||= c.start <= offset && offset < c.end;
  }
  return covers ? { members, firstStart: members[0].start } : undefined;
}

/** How far around a match the context check looks, and how far it follows the match's line. */
const CONTEXT_RADIUS = 400;
const LINE_CAP = 2000;

const CONTEXT_MARKERS: readonly string[] = [
  'NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError',
  'NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError',
  'NodeRedeployStart', 'NodeRedeployEnd', 'NodeRedeployError',
  'aks-auto-repair', 'aks-remediator', 'See error details here',
];
/** Matched case-insensitively: prose and links spell it `Node auto-repair`, `node-auto-repair`. */
const CONTEXT_MARKERS_ANY_CASE: readonly string[] = ['node auto-repair', 'node-auto-repair'];

/**
 * Whether a match sits in auto-repair context: its line (up to 2,000 characters each way) and
 * 400 characters either side contain an auto-repair reason, `aks-auto-repair`, `aks-remediator`,
 * `node auto-repair` in any case, or `See error details here`. Cost is bounded whatever the text.
 */
export function looksLikeAutoRepairContext(text: string, match: TermMatch): boolean {
  const start = Math.max(0, Math.min(match.start, text.length));
  const end = Math.max(start, Math.min(match.end, text.length));
  let lineStart = start;
  const lineFloor = Math.max(0, start - LINE_CAP);
  while (lineStart > lineFloor && text.charCodeAt(lineStart - 1) !== 0x0a) {
    lineStart--;
  }
  let lineEnd = end;
  const lineCeiling = Math.min(text.length, end + LINE_CAP);
  while (lineEnd < lineCeiling && text.charCodeAt(lineEnd) !== 0x0a) {
    lineEnd++;
  }
  const from = Math.min(lineStart, Math.max(0, start - CONTEXT_RADIUS));
  const to = Math.max(lineEnd, Math.min(text.length, end + CONTEXT_RADIUS));
  const window = text.slice(from, to);
  if (CONTEXT_MARKERS.some((m) => window.includes(m))) {
    return true;
  }
  const lower = window.toLowerCase();
  return CONTEXT_MARKERS_ANY_CASE.some((m) => lower.includes(m));
}
