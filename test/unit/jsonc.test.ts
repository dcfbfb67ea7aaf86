import * as assert from 'node:assert/strict';
import { parseJsonc } from '../../src/domain/jsonc';

describe('parseJsonc (settings files)', () => {
  it('reads comments and trailing commas as VS Code writes them', () => {
    const text = `{
      // a line comment
      "aksNodeRepair.catalogFolders": ["./runbooks", /* inline */ "~/team",],
      /* a block
         comment */
      "editor.tabSize": 2,
    }`;
    assert.deepEqual(parseJsonc(text), { 'aksNodeRepair.catalogFolders': ['./runbooks', '~/team'], 'editor.tabSize': 2 });
  });

  it('leaves comment and comma look-alikes inside strings alone', () => {
    const text = '{ "a": "http://x // not a comment", "b": "/* nor this */", "c": "a,]", "d": "quote \\" then ,}" }';
    assert.deepEqual(parseJsonc(text), { a: 'http://x // not a comment', b: '/* nor this */', c: 'a,]', d: 'quote " then ,}' });
  });

  it('throws on malformed text, so callers can say the file could not be read', () => {
    assert.throws(() => parseJsonc('{ "a": }'));
    assert.throws(() => parseJsonc('{ "unterminated": "x'));
  });
});
