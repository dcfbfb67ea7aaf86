/**
 * Line numbers for a text read piece by piece: lines end at `\n`, `\r\n` or a lone `\r`, as in
 * VS Code's text model, so a line and column found here is where the editor shows it. Breaks are
 * found with `indexOf` (native), and the next break is remembered, so a match on a line of a
 * hundred megabytes costs no more than one on a short line.
 */

const LF = 0x0a;
const CR = 0x0d;

export class LineTracker {
  /** Breaks before the cursor: the 0-based line of the cursor. */
  line = 0;
  /** Offset (in the whole stream) where the cursor's line starts. */
  lineStart = 0;
  /** Stream offset up to which breaks have been counted. */
  private cursor = 0;
  private text = '';
  private base = 0;
  /** Next `\n` and `\r` at or after the last search in `text` (text.length when none). */
  private nextLf = -1;
  private nextCr = -1;

  /**
   * Counts the breaks before `to`, an index into `text`, which holds the stream from offset
   * `base`. The character after a `\r` before `to` must be in `text` (or the stream must end there).
   */
  advance(text: string, base: number, to: number): void {
    if (text !== this.text || base !== this.base) {
      this.text = text;
      this.base = base;
      this.nextLf = -1;
      this.nextCr = -1;
    }
    let i = this.cursor - base;
    for (;;) {
      if (this.nextLf < i) {
        const at = text.indexOf('\n', i);
        this.nextLf = at < 0 ? text.length : at;
      }
      if (this.nextCr < i) {
        const at = text.indexOf('\r', i);
        this.nextCr = at < 0 ? text.length : at;
      }
      const next = Math.min(this.nextLf, this.nextCr);
      if (next >= to) {
        break;
      }
      i = next + 1;
      if (next === this.nextCr && text.charCodeAt(i) === LF) {
        continue; // `\r\n`: the `\n` ends the line
      }
      this.line++;
      this.lineStart = base + i;
    }
    this.cursor = Math.max(this.cursor, base + to);
  }

  /**
   * Index in the last advance()'s text of the first line break at or after where it stopped (the
   * text's length when there is none): where that line ends, known without another search.
   */
  get nextBreak(): number {
    return Math.min(this.nextLf, this.nextCr);
  }
}

/** Where text[from, to) ends in line and column, counting from (line, column) at from. */
export function positionAfter(text: string, from: number, to: number, line: number, column: number): { line: number; column: number } {
  let l = line;
  let c = column;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || (code === CR && text.charCodeAt(i + 1) !== LF)) {
      l++;
      c = 0;
    } else {
      c++;
    }
  }
  return { line: l, column: c };
}
