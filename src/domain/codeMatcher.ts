/**
 * Finding auto-repair error codes and event reasons in arbitrary text (logs, `kubectl` output,
 * YAML, JSON) in one linear pass. The work is split by job:
 * - termAutomaton: the Aho–Corasick automaton, built from the terms, and the scan;
 * - whitespaceRuns and tokenBoundaries: whitespace runs and JSON `\n` `\r` `\t` `\f` escapes as
 *   one symbol, and whole-token boundaries;
 * - matchSelection: choosing among overlapping candidates;
 * - autoRepairContext: whether an ambiguous code sits next to auto-repair wording.
 */
import { overlapClusterAt, select, selectInPlace } from './matchSelection';
import type { MatcherTerm, TermMatch } from './matchTypes';
import { TermAutomaton } from './termAutomaton';
import { walkBack, walkForward } from './whitespaceRuns';

export type { MatcherTerm, TermMatch } from './matchTypes';

/**
 * Matches a fixed set of terms in text, whole tokens only. A match is never preceded or followed
 * by an identifier character `[A-Za-z0-9_]` (a JSON whitespace escape before it counts as a
 * separator), nor followed by a combining mark. Overlaps are resolved leftmost first, then longest.
 */
export class CodeMatcher {
  private readonly automaton: TermAutomaton;
  /** The automaton's terms, duplicates dropped: what a candidate's termIndex points to. */
  private readonly terms: readonly MatcherTerm[];

  constructor(terms: readonly MatcherTerm[]) {
    this.automaton = new TermAutomaton(terms);
    this.terms = this.automaton.terms;
  }

  /** All matches, sorted by start, non-overlapping. */
  findAll(text: string): TermMatch[] {
    const automaton = this.automaton;
    if (automaton.maxLength === 0 || text.length === 0) {
      return [];
    }
    const count = automaton.scan(text, 0, text.length);
    const starts = automaton.candStart;
    const ends = automaton.candEnd;
    const terms = automaton.candTerm;
    const chosen = automaton.overlapping ? selectInPlace(starts, ends, terms, count) : count;
    const matches = new Array<TermMatch>(chosen);
    for (let k = 0; k < chosen; k++) {
      matches[k] = this.toMatch(terms[k], starts[k], ends[k]);
    }
    automaton.releaseBuffers();
    return matches;
  }

  /**
   * The match of `findAll(text)` that covers `offset` (`start <= offset < end`), or undefined.
   * Scans only a window of about two term lengths around the offset (whitespace runs inside the
   * window are skipped whole), so a hover on a long line stays cheap.
   */
  findAt(text: string, offset: number): TermMatch | undefined {
    const automaton = this.automaton;
    const maxLength = automaton.maxLength;
    if (maxLength === 0 || !Number.isInteger(offset) || offset < 0 || offset >= text.length) {
      return undefined;
    }
    // A match covering offset has at most maxLength symbols, offset's own included, so it starts
    // at most maxLength - 1 symbols back and ends within maxLength symbols ahead.
    const to = walkForward(text, offset, maxLength);
    let from = walkBack(text, offset, maxLength - 1);
    for (;;) {
      const candidates = automaton.candidates(automaton.scan(text, from, to));
      const cluster = overlapClusterAt(candidates, offset);
      if (cluster === undefined) {
        automaton.releaseBuffers();
        return undefined;
      }
      // A candidate starting before `from` can only change the choice if it overlaps the cluster,
      // which needs it to reach back at least maxLength symbols from the cluster's first start.
      const needed = walkBack(text, cluster.firstStart, maxLength - 1);
      if (needed >= from) {
        automaton.releaseBuffers();
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
}
