import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { looksLikeAutoRepairContext } from '../../src/domain/autoRepairContext';
import { CodeMatcher, type MatcherTerm, type TermMatch } from '../../src/domain/codeMatcher';
import { TERMS } from './matcherTerms';

const matcher = new CodeMatcher(TERMS);

/** Pieces that look like the terms and their surroundings, so random text hits the hard cases. */
const TRICKY = [
  'Node', 'Reboot', 'Error', 'NodeReboot', 'VMExtensionProvisioningErro', 'InvalidParamete', 'Invalid', 'Parameter',
  'ManagedIdentityCredential', 'authentication', 'failed', 'scaleSetNameAndInstanceIDFromProviderID', 'VMRedeployment',
  ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\\', '\\n', '\\"', '\\t', '\\f', 'n', '"', ':', '_', 'x', '0', 'é', '\u0301',
  '😀', '\u200b', '\u202e', 'ش', ...TERMS.map((t) => t.term),
];

const trickyText = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 24 })
  .map((parts) => parts.join(''));

/** Noise that starts and ends with a separator, so a term planted between two noises is a whole token. */
const SEPARATORS = [' ', '\t', '\n', '\r\n', '\u00a0', '"', "'", ':', ',', '.', '(', ')', '[', ']', '=', '\\n', '\\"', '/', '-', '😀', '\u200b', 'é ', '\u05d0'];
const separator = fc.constantFrom(...SEPARATORS);
const noise = fc.tuple(separator, fc.string({ unit: 'binary', maxLength: 12 }), separator).map(([a, b, c]) => a + b + c);
const noiseWithoutTerms = noise.filter((s) => matcher.findAll(s).length === 0);

/** A term as it might be written: inner spaces replaced by other whitespace runs or JSON escapes. */
const writtenTerm = fc.tuple(fc.constantFrom(...TERMS), fc.array(fc.constantFrom(' ', '\n   ', '\t', '\r\n', '\u00a0', '\\n', ' \\n '), { minLength: 2, maxLength: 2 }))
  .map(([t, gaps]) => {
    let k = 0;
    return { term: t, text: t.term.replace(/ /g, () => gaps[k++ % gaps.length]) };
  });

/**
 * A slow, obviously-correct reference: one sticky regex per term tried at every position, then
 * leftmost-longest selection. Whitespace as the matcher defines it (JS \\s minus the BOM).
 */
function referenceFindAll(terms: readonly MatcherTerm[], text: string): TermMatch[] {
  const ws = String.raw`(?:[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|\\[nrtf])+`;
  const patterns = terms.map((t) => new RegExp(
    String.raw`(?<=^|[^A-Za-z0-9_]|\\[nrtf])` + t.term.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(ws)
      + String.raw`(?![A-Za-z0-9_]|\p{M})`, 'uy'));
  const candidates: TermMatch[] = [];
  for (let i = 0; i < text.length; i++) {
    terms.forEach((t, k) => {
      patterns[k].lastIndex = i;
      const m = patterns[k].exec(text);
      if (m) {
        candidates.push({ term: t.term, id: t.id, start: i, end: i + m[0].length });
      }
    });
  }
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: TermMatch[] = [];
  for (const c of candidates) {
    if (chosen.length === 0 || c.start >= chosen[chosen.length - 1].end) {
      chosen.push(c);
    }
  }
  return chosen;
}

function coveringMatch(all: readonly TermMatch[], offset: number): TermMatch | undefined {
  return all.find((m) => m.start <= offset && offset < m.end);
}

describe('codeMatcher properties', () => {
  it('never throws and returns well-formed matches on arbitrary unicode', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), trickyText), (text) => {
      const all = matcher.findAll(text);
      let lastEnd = 0;
      for (const m of all) {
        assert.ok(m.start >= lastEnd && m.end > m.start && m.end <= text.length);
        assert.equal(text.slice(m.start, m.end).replace(/(?:\s|\\[nrtf])+/g, ' '), m.term);
        assert.equal(typeof looksLikeAutoRepairContext(text, m), 'boolean');
        lastEnd = m.end;
      }
    }), { numRuns: 500 });
  });

  it('finds terms planted between separator-bounded noise at their exact positions', () => {
    fc.assert(fc.property(noiseWithoutTerms, fc.array(fc.tuple(writtenTerm, noiseWithoutTerms), { maxLength: 6 }), (head, planted) => {
      let text = head;
      const expected: TermMatch[] = [];
      for (const [w, tail] of planted) {
        expected.push({ term: w.term.term, id: w.term.id, start: text.length, end: text.length + w.text.length });
        text += w.text + tail;
      }
      assert.deepEqual(matcher.findAll(text), expected);
    }), { numRuns: 500 });
  });

  it('agrees with a naive regex reference', () => {
    fc.assert(fc.property(trickyText, (text) => {
      assert.deepEqual(matcher.findAll(text), referenceFindAll(TERMS, text));
    }), { numRuns: 1000 });
  });

  it('findAt agrees with findAll at every offset', () => {
    fc.assert(fc.property(trickyText, (text) => {
      const all = matcher.findAll(text);
      for (let offset = -1; offset <= text.length; offset++) {
        assert.deepEqual(matcher.findAt(text, offset), coveringMatch(all, offset), `offset ${offset}`);
      }
    }), { numRuns: 500 });
  });

  it('agrees with the reference across long repeated whitespace runs, broken or not', () => {
    // Long runs that repeat a pattern are skipped a block of repetitions at a time; a spoiler
    // anywhere (a letter, a bare escape letter, a lone backslash, a combining mark) must end the run.
    const terms: MatcherTerm[] = [{ term: 'alpha beta', id: 'ab' }, { term: 'beta', id: 'b' }, { term: 'x beta', id: 'xb' }];
    const m = new CodeMatcher(terms);
    const unit = fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\\n', '\\t', '\\r', '\\f');
    const spoiler = fc.constantFrom('x', 'n', 'n x', '\\', '\\x', '\u0301', 'beta', '\\\\n');
    const runText = fc.tuple(fc.array(unit, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 300 }), fc.option(fc.tuple(spoiler, fc.nat())))
      .map(([pattern, repeats, spoil]) => {
        const run = pattern.join('').repeat(repeats);
        if (spoil === null) {
          return run;
        }
        const at = spoil[1] % (run.length + 1);
        return run.slice(0, at) + spoil[0] + run.slice(at);
      });
    fc.assert(fc.property(runText, fc.constantFrom('alpha', 'x alpha', '\\n'), fc.constantFrom('beta', 'beta.', 'betax', 'x'), (run, head, tail) => {
      const text = head + run + tail;
      const all = m.findAll(text);
      assert.deepEqual(all, referenceFindAll(terms, text));
      const offsets = [0, head.length, head.length + (run.length >> 1), head.length + run.length - 1, text.length - 1];
      for (let k = 0; k < 8; k++) {
        offsets.push(Math.floor((text.length * k) / 8));
      }
      for (const offset of offsets) {
        assert.deepEqual(m.findAt(text, offset), coveringMatch(all, offset), `offset ${offset}`);
      }
    }), { numRuns: 300 });
  });

  it('agrees with the reference on overlapping terms and terms starting with a backslash or non-ASCII', () => {
    // (The reference would let a term start at the letter of a `\n` escape, so no term here starts
    // with n, r, t or f; the unit tests cover those.)
    const terms: MatcherTerm[] = [
      { term: 'a b', id: 'ab' }, { term: 'b c', id: 'bc' }, { term: 'c a', id: 'ca' }, { term: 'a', id: 'a' }, { term: 'b c a b', id: 'bcab' },
      { term: 'xn', id: 'xn' }, { term: 'é中', id: 'u' }, { term: '\\q', id: 'q' }, { term: 'q é', id: 'qe' },
    ];
    const m = new CodeMatcher(terms);
    const word = fc.constantFrom('a', 'b', 'c', 'x', 'ab', 'n', 't', 'f', 'nt', 'tn', 'é', '中', 'é中', '\\', '\\q', 'q');
    const gap = fc.constantFrom(' ', ' ', '\n', '\\n', '\\t', '  ', '-', '', '\\');
    const text = fc.array(fc.tuple(word, gap), { maxLength: 30 }).map((p) => p.map(([w, g]) => w + g).join(''));
    fc.assert(fc.property(text, (t) => {
      assert.deepEqual(m.findAll(t), referenceFindAll(terms, t));
    }), { numRuns: 1000 });
  });

  it('agrees with the reference when the root jumps ahead (Horspool) over short alphabets', () => {
    // Every first word here is at least 3 characters, so scan() jumps at the root by up to 3.
    const terms: MatcherTerm[] = [
      { term: 'abcd', id: 'abcd' }, { term: 'bcd x', id: 'bcdx' }, { term: 'cdab', id: 'cdab' }, { term: 'é中ab', id: 'u' },
      { term: '\\qab', id: 'q' }, { term: 'dab', id: 'dab' },
    ];
    const m = new CodeMatcher(terms);
    const piece = fc.constantFrom('a', 'b', 'c', 'd', 'x', 'q', 'é', '中', '\\', '\\n', ' ', '  ', '\n', 'abcd', 'bcd', 'cdab', '-', '0');
    const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(fc.property(text, (t) => {
      const all = m.findAll(t);
      assert.deepEqual(all, referenceFindAll(terms, t));
      for (let offset = 0; offset < t.length; offset++) {
        assert.deepEqual(m.findAt(t, offset), coveringMatch(all, offset), `offset ${offset}`);
      }
    }), { numRuns: 1000 });
  });

  it('findAt agrees with findAll when terms overlap in chains', () => {
    const chain = new CodeMatcher([
      { term: 'a b', id: 'ab' }, { term: 'b c', id: 'bc' }, { term: 'c a', id: 'ca' }, { term: 'a', id: 'a' }, { term: 'b c a b', id: 'bcab' },
    ]);
    // Mostly words separated by whitespace, so candidates overlap in long chains that reach
    // further back than findAt's first window.
    const word = fc.constantFrom('a', 'a', 'b', 'b', 'c', 'c', 'x', 'ab');
    const gap = fc.constantFrom(' ', ' ', ' ', '\n', '\\n', '  ', '-');
    const chainText = fc.array(fc.tuple(word, gap), { maxLength: 30 }).map((p) => p.map(([w, g]) => w + g).join(''));
    fc.assert(fc.property(chainText, (text) => {
      const all = chain.findAll(text);
      for (let offset = 0; offset < text.length; offset++) {
        assert.deepEqual(chain.findAt(text, offset), coveringMatch(all, offset), `offset ${offset}`);
      }
    }), { numRuns: 1000 });
  });
});
