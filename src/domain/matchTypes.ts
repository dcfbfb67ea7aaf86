/** What the code matcher is given and what it finds: shared by its parts and its callers. */

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
