/**
 * What a scan keeps per code, in columns rather than one object per occurrence: a 100 MB log
 * can hold a hundred thousand kept occurrences, and as objects they cost the garbage collector
 * more than the scan itself. Previews are copied out of each chunk into one string per chunk (a
 * slice would keep the whole chunk alive); an Occurrence object is made when one is shown.
 */

/** One place a code or reason is written. Lines and columns are 0-based, in UTF-16 units (vscode.Position). */
export interface Occurrence {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The line's text around the match, trimmed, with `…` where it was cut. */
  readonly preview: string;
  /** Where the match is in `preview` (its first line, when it spans lines). */
  readonly previewStart: number;
  readonly previewEnd: number;
  /** For an ambiguous code: whether the text around it shows an auto-repair event (always true otherwise). */
  readonly inRepairContext: boolean;
}

/** The previews of a scan: one string per chunk, joined when the chunk is done. */
export class PreviewPages {
  private readonly pages: string[] = [];
  private parts: string[] = [];
  private length = 0;

  /** The page the next add() goes to. */
  get page(): number {
    return this.pages.length;
  }

  /** Adds `text` to the page being filled; returns its offset there. */
  add(text: string): number {
    const offset = this.length;
    this.parts.push(text);
    this.length += text.length;
    return offset;
  }

  /** Copies the pending previews into a page of their own, so the chunk they were cut from can go. */
  seal(): void {
    if (this.parts.length > 0) {
      this.pages.push(this.parts.join(''));
      this.parts = [];
      this.length = 0;
    }
  }

  read(page: number, offset: number, length: number): string {
    return (this.pages[page] ?? '').slice(offset, offset + length);
  }
}

const LINE = 0;
const COLUMN = 1;
const END_LINE = 2;
const END_COLUMN = 3;
const PAGE = 4;
const OFFSET = 5;
const LENGTH = 6;
const MATCH_START = 7;
const MATCH_END = 8;
const FLAGS = 9;
const FIELDS = 10;
const CUT_BEFORE = 1;
const CUT_AFTER = 2;
const IN_CONTEXT = 4;

/** Everything found for one catalog entry. */
export class CodeGroup {
  /** Every occurrence, kept or not. */
  count = 0;
  /** Occurrences of an ambiguous code with nothing around them that shows an auto-repair event. */
  outOfContext = 0;
  private columns = new Int32Array(FIELDS * 8);
  private size = 0;

  constructor(readonly id: string, private readonly pages: PreviewPages) {}

  /** How many occurrences are kept (the first ones in the file). */
  get kept(): number {
    return this.size;
  }

  add(line: number, column: number, endLine: number, endColumn: number, preview: string, matchStart: number, matchEnd: number,
    cutBefore: boolean, cutAfter: boolean, inRepairContext: boolean): void {
    if ((this.size + 1) * FIELDS > this.columns.length) {
      const grown = new Int32Array(this.columns.length * 2);
      grown.set(this.columns);
      this.columns = grown;
    }
    const page = this.pages.page;
    const offset = this.pages.add(preview);
    const c = this.columns;
    const at = this.size * FIELDS;
    c[at + LINE] = line;
    c[at + COLUMN] = column;
    c[at + END_LINE] = endLine;
    c[at + END_COLUMN] = endColumn;
    c[at + PAGE] = page;
    c[at + OFFSET] = offset;
    c[at + LENGTH] = preview.length;
    c[at + MATCH_START] = matchStart;
    c[at + MATCH_END] = matchEnd;
    c[at + FLAGS] = (cutBefore ? CUT_BEFORE : 0) | (cutAfter ? CUT_AFTER : 0) | (inRepairContext ? IN_CONTEXT : 0);
    this.size++;
  }

  occurrence(index: number): Occurrence {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`occurrence ${index} of ${this.size}`);
    }
    const c = this.columns;
    const at = index * FIELDS;
    const flags = c[at + FLAGS];
    const head = flags & CUT_BEFORE ? '…' : '';
    const preview = head + this.pages.read(c[at + PAGE], c[at + OFFSET], c[at + LENGTH]) + (flags & CUT_AFTER ? '…' : '');
    return {
      line: c[at + LINE], column: c[at + COLUMN], endLine: c[at + END_LINE], endColumn: c[at + END_COLUMN],
      preview, previewStart: head.length + c[at + MATCH_START], previewEnd: head.length + c[at + MATCH_END],
      inRepairContext: (flags & IN_CONTEXT) !== 0,
    };
  }

  /** All kept occurrences as objects (for a few; the view reads them one by one). */
  occurrences(): Occurrence[] {
    return Array.from({ length: this.size }, (_, i) => this.occurrence(i));
  }
}
