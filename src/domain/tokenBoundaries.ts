/**
 * Whole tokens only: a match is never preceded or followed by an identifier character
 * `[A-Za-z0-9_]` (a JSON whitespace escape before it counts as a separator), nor followed by a
 * combining mark.
 */
import { BACKSLASH, isWhitespaceEscapeLetter } from './whitespaceRuns';

function isIdentifierCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

export function boundaryBefore(text: string, start: number): boolean {
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

export function boundaryAfter(text: string, end: number): boolean {
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
