import * as assert from 'node:assert/strict';
import { escapeHtml } from '../../src/domain/html';

describe('html', () => {
  it('escapes what can open markup or close an attribute', () => {
    assert.equal(escapeHtml(`<img src=x onerror="a('b')"> & more`), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; &amp; more');
    assert.equal(escapeHtml('&amp;'), '&amp;amp;');
    assert.equal(escapeHtml('plain text'), 'plain text');
  });
});
