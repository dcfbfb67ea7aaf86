/**
 * An event's key as the cluster model holds it. Kubernetes gives every object a uid in the
 * canonical UUID form (`0f8fad5b-d9cb-469f-a165-70867728950e`): 36 characters, a 56 B string in
 * V8. Its 16 bytes, one character each, are a 32 B string: 240 B less per node with 10 events.
 * By length, nothing is mistaken for a packed uid: a shorter key is held as it is, a longer one
 * (or one of 16 characters that is not a uid) behind one more character.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PACKED_LENGTH = 16;
const ESCAPE = '\u0000';
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Where the 32 hex digits of a canonical UUID are. */
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
const bytes: number[] = new Array<number>(PACKED_LENGTH).fill(0);

/** '0'–'9' and 'a'–'f' (the only digits UUID lets through). */
function digit(key: string, at: number): number {
  const c = key.charCodeAt(DIGITS[at]);
  return c <= 57 ? c - 48 : c - 87;
}

export function packKey(key: string): string {
  if (UUID.test(key)) {
    for (let i = 0; i < PACKED_LENGTH; i++) {
      bytes[i] = digit(key, 2 * i) * 16 + digit(key, 2 * i + 1);
    }
    // One call with every code: a flat string (adding characters one at a time builds a chain of pairs).
    return String.fromCharCode(...bytes);
  }
  // join, not +: a flat string, where + would hold a pair of the two parts.
  return key.length < PACKED_LENGTH ? key : [ESCAPE, key].join('');
}

export function unpackKey(packed: string): string {
  if (packed.length < PACKED_LENGTH) {
    return packed;
  }
  if (packed.length > PACKED_LENGTH) {
    return packed.slice(1);
  }
  const h = (i: number): string => HEX[packed.charCodeAt(i)];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
