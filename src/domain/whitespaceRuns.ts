/**
 * The matcher's view of whitespace: every run of whitespace, including JSON `\n` `\r` `\t` `\f`
 * escapes, is one symbol, so `ManagedIdentityCredential\n   authentication failed` still matches a
 * multi-word term. Finding both ends of a run, and moving a number of symbols through text.
 *
 * Long repeated whitespace runs are skipped by whole repetitions (whitespaceRunEnd), so a hover
 * inside a megabyte of padding stays cheap.
 */

export const BACKSLASH = 0x5c;
export const SPACE = 0x20;

export function isWhitespaceCode(c: number): boolean {
  return c === SPACE || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680
    || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f
    || c === 0x3000;
}

/** Letters that, after a backslash, form a JSON escape for whitespace: n, r, t, f. */
export function isWhitespaceEscapeLetter(c: number): boolean {
  return c === 0x6e || c === 0x72 || c === 0x74 || c === 0x66;
}

/**
 * Length (1 or 2) of the whitespace unit starting at i, or 0 if none. The rule looks at two code
 * units only, so it reads the same backwards and forwards: `\\n` counts as a backslash then a
 * newline escape, which is what double-encoded JSON (common in Azure errors) means by it.
 */
export function whitespaceUnitAt(text: string, i: number): number {
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
export function whitespaceUnitBefore(text: string, i: number): number {
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

/** Terms as the automaton sees them: whitespace runs collapsed to one space, ends trimmed. */
export function normalizeTerm(term: string): string {
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
export function whitespaceRunEnd(text: string, i: number): number {
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

/** The symbol boundary `symbols` symbols before `offset`'s symbol (or 0). */
export function walkBack(text: string, offset: number, symbols: number): number {
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
export function walkForward(text: string, offset: number, symbols: number): number {
  let p = offset;
  for (let n = 0; n < symbols && p < text.length; n++) {
    p = whitespaceUnitAt(text, p) > 0 ? whitespaceRunEnd(text, p) : p + 1;
  }
  return p;
}
