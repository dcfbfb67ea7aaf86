/**
 * Finding auto-repair error codes and event reasons in arbitrary text (logs, `kubectl` output,
 * YAML, JSON) in one linear pass: an Aho–Corasick automaton over a normalized view of the text,
 * so a 1 MB log line costs the same whatever it contains, and no regex can backtrack.
 *
 * The normalized view (never materialized) collapses every run of whitespace, including JSON
 * `\n` `\r` `\t` `\f` escapes, into one space, so `ManagedIdentityCredential\n   authentication
 * failed` still matches a multi-word term. Offsets reported are always into the original text.
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

interface Candidate {
  readonly termIndex: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Matches a fixed set of terms in text, whole tokens only. A match is never preceded or followed
 * by an identifier character `[A-Za-z0-9_]` (a JSON whitespace escape before it counts as a
 * separator), nor followed by a combining mark. Overlaps are resolved leftmost first, then longest.
 */
export class CodeMatcher {
  private readonly terms: readonly MatcherTerm[] = [];
  /** Normalized length of each term, in symbols (a whitespace run is one symbol). */
  private readonly lengths: number[] = [];
  /** Dense transition table for ASCII symbols: delta[state * ASCII + code]. */
  private readonly delta: Int32Array;
  /** Sparse goto for non-ASCII symbols; followed with failure links. */
  private readonly wideGoto: Map<number, number>[];
  private readonly fail: Int32Array;
  /** Term index ending exactly at a state, or -1. */
  private readonly output: Int32Array;
  /** Nearest state on the failure chain that has an output, or -1. */
  private readonly dictLink: Int32Array;
  private readonly maxLength: number;

  constructor(terms: readonly MatcherTerm[]) {
    const gotoMaps: Map<number, number>[] = [new Map()];
    const outputs: number[] = [-1];
    const kept: MatcherTerm[] = [];
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
      this.lengths.push(normalized.length);
      maxLength = Math.max(maxLength, normalized.length);
    }
    this.terms = kept;
    this.maxLength = maxLength;

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
  }

  /** All matches, sorted by start, non-overlapping. */
  findAll(text: string): TermMatch[] {
    if (this.maxLength === 0 || text.length === 0) {
      return [];
    }
    return this.select(this.scan(text, 0, text.length)).map((c) => this.toMatch(c));
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
      const candidates = this.scan(text, from, to);
      const cluster = overlapClusterAt(candidates, offset);
      if (cluster === undefined) {
        return undefined;
      }
      // A candidate starting before `from` can only change the choice if it overlaps the cluster,
      // which needs it to reach back at least maxLength symbols from the cluster's first start.
      const needed = this.walkBack(text, cluster.firstStart, this.maxLength - 1);
      if (needed >= from) {
        const chosen = this.select(cluster.members).find((c) => c.start <= offset && offset < c.end);
        return chosen === undefined ? undefined : this.toMatch(chosen);
      }
      from = needed;
    }
  }

  private toMatch(c: Candidate): TermMatch {
    const t = this.terms[c.termIndex];
    return { term: t.term, id: t.id, start: c.start, end: c.end };
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
   * starts before `to`, in order of end.
   */
  private scan(text: string, from: number, to: number): Candidate[] {
    const found: Candidate[] = [];
    const ring = new Int32Array(this.maxLength);
    let state = ROOT;
    let symbol = 0;
    let i = from;
    while (i < to) {
      const symbolStart = i;
      let code: number;
      if (whitespaceUnitAt(text, i) > 0) {
        code = SPACE;
        let unit: number;
        while (i < text.length && (unit = whitespaceUnitAt(text, i)) > 0) {
          i += unit;
        }
      } else {
        code = text.charCodeAt(i);
        i++;
      }
      ring[symbol % this.maxLength] = symbolStart;
      state = this.step(state, code);
      let s = this.output[state] >= 0 ? state : this.dictLink[state];
      while (s >= 0) {
        const termIndex = this.output[s];
        const length = this.lengths[termIndex];
        const start = ring[(symbol - length + 1) % this.maxLength];
        if (boundaryBefore(text, start) && boundaryAfter(text, i)) {
          found.push({ termIndex, start, end: i });
        }
        s = this.dictLink[s];
      }
      symbol++;
    }
    return found;
  }

  /** Leftmost first, longest at the same start, skipping anything overlapping a chosen match. */
  private select(candidates: readonly Candidate[]): Candidate[] {
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

  /** The symbol boundary `symbols` symbols before `offset`'s symbol (or 0). */
  private walkBack(text: string, offset: number, symbols: number): number {
    // Start from the beginning of the symbol containing offset.
    let p = offset;
    if (whitespaceUnitAt(text, p) > 0 || whitespaceUnitBefore(text, p + 1) === 2) {
      p = this.whitespaceRunStart(text, p + (whitespaceUnitBefore(text, p + 1) === 2 ? 1 : 0));
    }
    for (let n = 0; n < symbols && p > 0; n++) {
      p = whitespaceUnitBefore(text, p) > 0 ? this.whitespaceRunStart(text, p) : p - 1;
    }
    return p;
  }

  /** Start of the maximal whitespace run that ends at or contains position p - 1. */
  private whitespaceRunStart(text: string, p: number): number {
    let q = p;
    let unit: number;
    while ((unit = whitespaceUnitBefore(text, q)) > 0) {
      q -= unit;
    }
    return q;
  }

  /** A position at least `symbols` symbols after offset (or the end of the text). */
  private walkForward(text: string, offset: number, symbols: number): number {
    let p = offset;
    for (let n = 0; n < symbols && p < text.length; n++) {
      if (whitespaceUnitAt(text, p) > 0) {
        let unit: number;
        while (p < text.length && (unit = whitespaceUnitAt(text, p)) > 0) {
          p += unit;
        }
      } else {
        p++;
      }
    }
    return p;
  }
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
