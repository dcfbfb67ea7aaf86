/**
 * A list's body, read item by item: the bytes of each element of the top-level `items` array are
 * found by a scan that only tracks strings and brackets, and each item is JSON.parse'd on its own.
 * Why not one JSON.parse of the page: a page of 500 bulky nodes parses into tens of MB of objects
 * that outlive many young-generation collections while the page is projected, so they are
 * promoted and pile up as old-generation garbage (measured: a peak heap of 1.0–1.4× all the JSON
 * for 5,000 nodes and 50,000 events). An item parsed, projected and dropped dies young; the peak
 * stays near what the model keeps. Every byte is still checked by JSON.parse: each item, and the
 * envelope (the body with an empty `items`) for the list's metadata.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ITEMS_KEY = Buffer.from('"items"');

/** The body is not a list: `reason` says where it went wrong. */
export class ListBodyError extends Error {
  override readonly name = 'ListBodyError';
}

export interface SplitList {
  /** The body without its items (`"items":[]`), parsed: kind, apiVersion, metadata. */
  readonly envelope: unknown;
  /** How many items there were. */
  readonly count: number;
}

/**
 * Calls `onItems` with the parsed items of `body`, `groupSize` at a time, in order, and returns the
 * rest of the list. Throws a ListBodyError (or JSON.parse's SyntaxError for a bad item).
 */
export function splitList(body: Buffer, groupSize: number, onItems: (items: unknown[]) => void): SplitList {
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) {
    throw new ListBodyError(i >= body.length ? 'empty body' : 'not a JSON object');
  }
  i = skipSpace(body, i + 1);
  let count = 0;
  let itemsAt: { open: number; close: number } | undefined;
  while (body[i] !== CLOSE_BRACE) {
    if (body[i] !== QUOTE) {
      throw new ListBodyError(i >= body.length ? 'cut off' : `unexpected byte at ${i}`);
    }
    const keyEnd = endOfString(body, i) + 1;
    const isItems = keyEnd - i === ITEMS_KEY.length && body.compare(ITEMS_KEY, 0, ITEMS_KEY.length, i, keyEnd) === 0;
    i = skipSpace(body, keyEnd);
    if (body[i] !== COLON) {
      throw new ListBodyError(i >= body.length ? 'cut off' : `expected ":" at ${i}`);
    }
    i = skipSpace(body, i + 1);
    if (isItems && body[i] === OPEN_BRACKET) {
      const open = i;
      let group: unknown[] = [];
      i = skipSpace(body, i + 1);
      while (body[i] !== CLOSE_BRACKET) {
        const end = endOfValue(body, i);
        group.push(JSON.parse(body.toString('utf8', i, end)));
        count++;
        if (group.length === groupSize) {
          onItems(group);
          group = [];
        }
        i = skipSpace(body, end);
        if (body[i] === COMMA) {
          i = skipSpace(body, i + 1);
        } else if (body[i] !== CLOSE_BRACKET) {
          throw new ListBodyError(i >= body.length ? 'cut off' : `expected "," or "]" at ${i}`);
        }
      }
      if (group.length > 0) {
        onItems(group);
      }
      itemsAt = { open, close: i };
      i += 1;
    } else {
      i = endOfValue(body, i);
    }
    i = skipSpace(body, i);
    if (body[i] === COMMA) {
      i = skipSpace(body, i + 1);
    } else if (body[i] !== CLOSE_BRACE) {
      throw new ListBodyError(i >= body.length ? 'cut off' : `expected "," or "}" at ${i}`);
    }
  }
  if (!itemsAt) {
    throw new ListBodyError('no "items"');
  }
  // Trailing bytes after the object are JSON.parse's to refuse.
  const envelope = JSON.parse(body.toString('utf8', 0, itemsAt.open + 1) + body.toString('utf8', itemsAt.close));
  return { envelope, count };
}

function skipSpace(body: Buffer, from: number): number {
  let i = from;
  for (let c = body[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = body[++i]) {
    // whitespace
  }
  return i;
}

/** The index of the quote that closes the string opening at `start`. */
function endOfString(body: Buffer, start: number): number {
  for (let q = body.indexOf(QUOTE, start + 1); q >= 0; q = body.indexOf(QUOTE, q + 1)) {
    let backslashes = 0;
    while (body[q - 1 - backslashes] === BACKSLASH) {
      backslashes++;
    }
    if (backslashes % 2 === 0) {
      return q;
    }
  }
  throw new ListBodyError('cut off inside a string');
}

/** Just past the value starting at `start` (an object, array, string or scalar). Not validated: JSON.parse does that. */
function endOfValue(body: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      i = endOfString(body, i);
      if (depth === 0) {
        return i + 1;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) {
        return i;
      }
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
      return i;
    }
  }
  if (depth === 0 && start < body.length) {
    return body.length;
  }
  throw new ListBodyError('cut off');
}
