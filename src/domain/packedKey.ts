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

export function packKey(key: string): string {
  if (UUID.test(key)) {
    const hex = key.replace(/-/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < PACKED_LENGTH; i++) {
      bytes.push(parseInt(hex.slice(2 * i, 2 * i + 2), 16));
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
