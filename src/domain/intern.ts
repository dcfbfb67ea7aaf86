/**
 * One copy of each repeated string (a node's name in each of its events, reasons, messages,
 * sources, zones, versions), so that thousands of nodes and events do not each hold their own.
 */

/** Returns a string equal to its argument, possibly one already held elsewhere. */
export type Intern = (text: string) => string;

/** For projections whose result is not kept: every string is its own. */
export const noIntern: Intern = (text) => text;

/** Strings longer than this are kept as they come: long texts rarely repeat exactly. */
const MAX_INTERNED_LENGTH = 1000;

/**
 * A string pool of two generations. When the current one is full (entries or characters), it
 * becomes the previous one and the one before is forgotten; a string found in the previous one
 * moves to the current one. The pool never holds more than twice its limits, strings no record
 * uses any more leave it after two turns, and a string that left it is still correct (only no
 * longer shared). Cluster input is untrusted, so an unbounded pool would be a leak.
 */
export class StringPool {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();
  private chars = 0;

  /**
   * The defaults hold what 5,000 nodes with 10 events each repeat (node names, messages,
   * labels: 5,541 strings, 178,585 characters with test/bench's fixtures) in one generation.
   */
  constructor(private readonly maxEntries = 20_000, private readonly maxChars = 500_000) {}

  /** `pool.intern` can be handed around as an Intern. */
  readonly intern: Intern = (text) => {
    if (text.length > MAX_INTERNED_LENGTH) {
      return text;
    }
    const held = this.current.get(text);
    if (held !== undefined) {
      return held;
    }
    const kept = this.previous.get(text) ?? text;
    if (this.current.size >= this.maxEntries || this.chars + kept.length > this.maxChars) {
      this.previous = this.current;
      this.current = new Map();
      this.chars = 0;
    }
    this.current.set(kept, kept);
    this.chars += kept.length;
    return kept;
  };

  /** Strings held now (both generations), for tests. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
    this.chars = 0;
  }
}
