import * as assert from 'node:assert/strict';

import { ListBodyError, splitList } from '../../src/cluster/listBody';

/** Splits `text` and collects what splitList hands over, `groupSize` items at a time. */
function split(text: string, groupSize = 2): { items: unknown[]; groups: number[]; envelope: unknown; count: number } {
  const items: unknown[] = [];
  const groups: number[] = [];
  const { envelope, count } = splitList(Buffer.from(text, 'utf8'), groupSize, (group) => {
    groups.push(group.length);
    items.push(...group);
  });
  return { items, groups, envelope, count };
}

/** A seeded generator of JSON values with the characters a scan could trip on. */
function randomValue(next: () => number, depth: number): unknown {
  const strings = ['', 'a"b', 'back\\slash\\', '\\"', '{[}]', ',:', 'ü€😀', '\n\t', 'items', '"items":[1]'];
  const r = next();
  if (depth > 3 || r < 0.3) {
    return [0, -1.5e3, true, false, null, strings[Math.floor(next() * strings.length)]][Math.floor(next() * 6)];
  }
  if (r < 0.6) {
    return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  }
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) {
    obj[strings[Math.floor(next() * strings.length)] + String(i)] = randomValue(next, depth + 1);
  }
  return obj;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('listBody: a list read item by item', function () {
  it('hands over the items in order, in groups, and returns the rest of the list', function () {
    const list = { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'abc' }, items: [{ a: 1 }, { b: '}' }, { c: [2] }] };
    const got = split(JSON.stringify(list));
    assert.deepEqual(got.items, list.items);
    assert.deepEqual(got.groups, [2, 1]);
    assert.equal(got.count, 3);
    assert.deepEqual(got.envelope, { ...list, items: [] });
  });

  it('reads what JSON.parse reads, whitespace and tricky strings included (random lists)', function () {
    const next = seeded(7);
    for (let round = 0; round < 300; round++) {
      const items = Array.from({ length: Math.floor(next() * 6) }, () => randomValue(next, 0));
      const list = { before: randomValue(next, 2), items, metadata: { resourceVersion: String(round) }, after: randomValue(next, 2) };
      const text = JSON.stringify(list, null, round % 3 === 0 ? 2 : undefined);
      const got = split(text, 1 + (round % 3));
      assert.deepEqual(got.items, items, text);
      assert.deepEqual(got.envelope, { ...list, items: [] }, text);
    }
  });

  it('refuses bodies that are not lists, cut off or not JSON', function () {
    const cases: [string, RegExp][] = [
      ['', /empty body/],
      ['<html>502 Bad Gateway</html>', /not a JSON object/],
      ['{"kind":"NodeList","metadata":{}}', /no "items"/],
      ['{"items":[{"a":1},{"b":"cut', /cut off inside a string/],
      ['{"items":[{"a":1},{"b":[1,2', /cut off/],
      ['{"items":[{"a":1}', /cut off/],
      ['{"items":[{"a":1}]', /cut off/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(() => split(text), (err: unknown) => err instanceof ListBodyError && reason.test(err.message), text);
    }
    // JSON.parse checks every item and the envelope.
    assert.throws(() => split('{"items":[{"a":nope}]}'), SyntaxError);
    assert.throws(() => split('{"items":[1 2]}'), ListBodyError);
    assert.throws(() => split('{"items":[],"metadata":{"resourceVersion":}}'), SyntaxError);
    assert.throws(() => split('{"items":[]} trailing'), SyntaxError);
  });
});
