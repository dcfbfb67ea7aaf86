/**
 * The part of a whole-file scan that finds and keeps matches, piece after piece, with the code
 * matcher's semantics (CodeMatcher.findAll on the whole text: whole tokens, whitespace runs and
 * JSON escapes as one space, leftmost first then longest). The prefix filter says where a term
 * may start, and the terms with that prefix are compared there, word by word; the automaton
 * reads the text only when the terms are too short to filter on. What is kept per code is
 * capped; counts are not.
 */
import { looksLikeAutoRepairContext } from '../domain/autoRepairContext';
import type { MatcherTerm } from '../domain/matchTypes';
import { TermAutomaton } from '../domain/termAutomaton';
import { boundaryAfter, boundaryBefore } from '../domain/tokenBoundaries';
import { walkForward, whitespaceRunEnd, whitespaceUnitAt } from '../domain/whitespaceRuns';
import { LineTracker, positionAfter } from './lineTracker';
import { CodeGroup, PreviewPages } from './occurrences';
import { PrefixFilter } from './prefixFilter';

export type TextTail = 'complete' | 'more' | 'forced';

/** The bytes an ASCII text was decoded from: text[i] is bytes[at + i]. */
export interface AsciiSource {
  readonly bytes: Uint8Array;
  readonly at: number;
}

/** How much text either side of a match the context check and the preview may read (autoRepairContext looks 2,000 characters along the line). */
export const CONTEXT = 2048;
const PREVIEW_BEFORE = 60;
const PREVIEW_AFTER = 160;

/** The terms, built once per catalog: the automaton and filter are shared by every scan. */
export class ScanTerms {
  readonly automaton: TermAutomaton;
  readonly filter: PrefixFilter;
  readonly terms: readonly MatcherTerm[];

  constructor(terms: readonly MatcherTerm[], readonly ambiguousIds: ReadonlySet<string> = new Set()) {
    this.automaton = new TermAutomaton(terms);
    this.terms = this.automaton.terms;
    this.filter = new PrefixFilter(this.terms);
  }

  get maxLength(): number {
    return this.automaton.maxLength;
  }
}

/** The matches of one scan, fed the text in order. */
export class MatchCollector {
  readonly lines = new LineTracker();
  readonly groups = new Map<string, CodeGroup>();
  total = 0;
  private readonly pages = new PreviewPages();
  /** Stream offset where the last chosen match ends: a later candidate before it overlaps it. */
  private lastEnd = 0;
  /** The group of each term index, once it has one. */
  private readonly byTerm: (CodeGroup | undefined)[] = [];

  constructor(private readonly scan: ScanTerms, private readonly maxPerCode: number) {}

  /**
   * Decides every match that starts in [from, to) of `text` (which holds the stream from offset
   * `base`) and returns where the next call must start. `tail` says what follows `text`:
   * - 'complete': nothing, the text ends where the stream does;
   * - 'more': more text; a match too near the end to read its context stops the call there;
   * - 'forced': more text, but the caller cannot carry this much (see fileScanner's streamLimit):
   *   a match that reaches the end of `text` is dropped.
   * `ascii`, when the text is ASCII decoded from bytes, lets the filter read the bytes.
   */
  run(text: string, base: number, from: number, to: number, tail: TextTail, ascii?: AsciiSource): number {
    try {
      return this.scan.filter.width > 0 ? this.runFiltered(text, base, from, to, tail, ascii) : this.runAutomaton(text, base, from, to, tail);
    } finally {
      this.pages.seal();
      this.scan.automaton.releaseBuffers();
    }
  }

  private runFiltered(text: string, base: number, from: number, to: number, tail: TextTail, ascii?: AsciiSource): number {
    const filter = this.scan.filter;
    const hits = ascii ? filter.hitsInAscii(text, ascii.bytes, ascii.at, from, to) : filter.hits(text, from, to);
    const n = text.length;
    for (let h = 0; h < hits; h++) {
      const p = filter.hitStart[h];
      if (base + p < this.lastEnd || !boundaryBefore(text, p)) {
        continue;
      }
      const prefix = filter.prefixes[filter.hitPrefix[h]];
      // Same start: the longest term written here, as a whole token.
      let term = -1;
      let end = -1;
      for (let t = 0; t < prefix.terms.length; t++) {
        const e = writtenAt(text, p, prefix.words[t], filter.width);
        if (e > end && boundaryAfter(text, e)) {
          term = prefix.terms[t];
          end = e;
        }
      }
      if (term < 0 || (tail === 'forced' && end >= n)) {
        continue;
      }
      if (tail === 'more' && end + CONTEXT > n) {
        return p;
      }
      this.lastEnd = base + end;
      this.record(text, base, term, p, end);
    }
    return to;
  }

  /** With terms too short to filter on: the automaton over the whole range, candidates in order of start. */
  private runAutomaton(text: string, base: number, from: number, to: number, tail: TextTail): number {
    const automaton = this.scan.automaton;
    const count = automaton.scan(text, from, Math.min(text.length, walkForward(text, to, this.scan.maxLength)));
    const order = Array.from({ length: count }, (_, k) => k)
      .sort((a, b) => automaton.candStart[a] - automaton.candStart[b] || automaton.candEnd[b] - automaton.candEnd[a]);
    for (const k of order) {
      const s = automaton.candStart[k];
      const e = automaton.candEnd[k];
      if (s >= to) {
        return to;
      }
      if (base + s < this.lastEnd || s < from || (tail === 'forced' && e >= text.length)) {
        continue;
      }
      if (tail === 'more' && e + CONTEXT > text.length) {
        return s;
      }
      this.lastEnd = base + e;
      this.record(text, base, automaton.candTerm[k], s, e);
    }
    return to;
  }

  private record(text: string, base: number, termIndex: number, s: number, e: number): void {
    const term = this.scan.terms[termIndex];
    let group = this.byTerm[termIndex];
    if (group === undefined) {
      group = this.groups.get(term.id) ?? new CodeGroup(term.id, this.pages);
      this.groups.set(term.id, group);
      this.byTerm[termIndex] = group;
    }
    group.count++;
    this.total++;
    const inRepairContext = !this.scan.ambiguousIds.has(term.id) || looksLikeAutoRepairContext(text, { term: term.term, id: term.id, start: s, end: e });
    if (!inRepairContext) {
      group.outOfContext++;
    }
    if (group.kept >= this.maxPerCode) {
      return;
    }
    this.lines.advance(text, base, s);
    const line = this.lines.line;
    const lineStart = this.lines.lineStart - base;
    const column = s - lineStart;
    // Where the match's line ends; a match that goes past it spans lines (its whitespace run has a break).
    const lineEnd = this.lines.nextBreak;
    const endPos = lineEnd < e ? positionAfter(text, s, e, line, column) : undefined;
    const matchLineEnd = Math.min(lineEnd, e);
    // The preview: the match's line, cut to a readable length around it, trimmed.
    let from = Math.max(lineStart, s - PREVIEW_BEFORE);
    let to = Math.min(lineEnd, Math.max(matchLineEnd, s + PREVIEW_AFTER));
    const cutBefore = from > lineStart;
    const cutAfter = to < lineEnd;
    while (from < s && isBlank(text.charCodeAt(from))) {
      from++;
    }
    while (to > matchLineEnd && isBlank(text.charCodeAt(to - 1))) {
      to--;
    }
    group.add(line, column, endPos?.line ?? line, endPos?.column ?? column + e - s, text.slice(from, to), s - from, matchLineEnd - from, cutBefore, cutAfter, inRepairContext);
  }

  /** Every preview is in its page: the groups can be read. */
  finish(): CodeGroup[] {
    this.pages.seal();
    return [...this.groups.values()];
  }
}

/**
 * Where the term whose words are given ends if it is written at p, else -1. Between two words any
 * whitespace run counts, JSON escapes included, as the automaton reads them (whitespaceRunEnd);
 * the first `known` characters are already compared.
 */
function writtenAt(text: string, p: number, words: readonly Uint16Array[], known: number): number {
  let q = p;
  for (let w = 0; w < words.length; w++) {
    if (w > 0) {
      if (whitespaceUnitAt(text, q) === 0) {
        return -1;
      }
      q = whitespaceRunEnd(text, q);
    }
    const word = words[w];
    if (q + word.length > text.length) {
      return -1;
    }
    for (let i = w === 0 ? known : 0; i < word.length; i++) {
      if (text.charCodeAt(q + i) !== word[i]) {
        return -1;
      }
    }
    q += word.length;
  }
  return q;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

