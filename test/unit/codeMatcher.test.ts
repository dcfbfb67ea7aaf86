import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { looksLikeAutoRepairContext } from '../../src/domain/autoRepairContext';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';
import { CodeMatcher, type TermMatch } from '../../src/domain/codeMatcher';
import { TERMS } from './matcherTerms';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/text');
const BUILTIN = path.join(__dirname, '../../../media/catalog');

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** What a match looks like to a reader: the id and the text as written. */
function written(text: string, matches: readonly TermMatch[]): [string, string][] {
  return matches.map((m) => [m.id, text.slice(m.start, m.end)]);
}

/** Every match must be a whole token whose text, whitespace collapsed, is its term. */
function assertWellFormed(text: string, matches: readonly TermMatch[]): void {
  let lastEnd = 0;
  for (const m of matches) {
    assert.ok(m.start >= lastEnd, `sorted and non-overlapping at ${m.start}`);
    assert.ok(m.end > m.start);
    const collapsed = text.slice(m.start, m.end).replace(/(?:\s|\\[nrtf])+/g, ' ');
    assert.equal(collapsed, m.term);
    lastEnd = m.end;
  }
}

const matcher = new CodeMatcher(TERMS);

describe('codeMatcher', () => {
  describe('the three error message formats', () => {
    it('format 1: code after a colon', () => {
      const text = 'Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError';
      assert.deepEqual(matcher.findAll(text), [
        { term: 'VMExtensionProvisioningError', id: 'VMExtensionProvisioningError', start: 67, end: 95 },
      ]);
    });

    it('format 2: code after "See error details here:"', () => {
      const text = 'Node auto-repair reimage action failed due to an operation failure. See error details here: InvalidParameter';
      const [m] = matcher.findAll(text);
      assert.equal(text.slice(m.start, m.end), 'InvalidParameter');
      assert.equal(m.end, text.length);
      assert.ok(looksLikeAutoRepairContext(text, m));
    });

    it('format 3: no code at all', () => {
      const text = 'Node auto-repair redeploy action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors';
      assert.deepEqual(matcher.findAll(text), []);
    });

    it('multi-word codes come back whole with the span as written', () => {
      const text = 'operation failure: ManagedIdentityCredential authentication failed';
      assert.deepEqual(written(text, matcher.findAll(text)), [
        ['ManagedIdentityCredential-authentication-failed', 'ManagedIdentityCredential authentication failed'],
      ]);
    });
  });

  describe('token boundaries', () => {
    it('accepts punctuation, quotes and brackets around a code', () => {
      for (const text of ['"VMExtensionProvisioningError"', ':VMExtensionProvisioningError,', '[VMExtensionProvisioningError]',
        '(VMExtensionProvisioningError)', "'VMExtensionProvisioningError'", 'x-VMExtensionProvisioningError.y']) {
        assert.deepEqual(written(text, matcher.findAll(text)), [['VMExtensionProvisioningError', 'VMExtensionProvisioningError']], text);
      }
      const text = 'code=InvalidParameter.';
      assert.deepEqual(matcher.findAll(text), [{ term: 'InvalidParameter', id: 'InvalidParameter', start: 5, end: 21 }]);
    });

    it('rejects codes glued to identifier characters', () => {
      for (const text of ['MyVMExtensionProvisioningErrorX', 'VMExtensionProvisioningErrors', 'xInvalidParameter', 'NodeRebootErrors',
        '_NodeRebootError', 'NodeRebootError_', 'InvalidParameter9', 'ManagedIdentityCredential authentication failedX']) {
        assert.deepEqual(matcher.findAll(text), [], text);
      }
    });

    it('is case-sensitive', () => {
      assert.deepEqual(matcher.findAll('invalidparameter INVALIDPARAMETER noderebooterror'), []);
    });

    it('treats JSON escapes for whitespace and quotes as separators', () => {
      const text = String.raw`"message": "operation failure:\nVMExtensionProvisioningError\n", "x": "\"InvalidParameter\"", "y": "\tNodeRebootError\r"`;
      assert.deepEqual(written(text, matcher.findAll(text)), [
        ['VMExtensionProvisioningError', 'VMExtensionProvisioningError'],
        ['InvalidParameter', 'InvalidParameter'],
        ['NodeRebootError', 'NodeRebootError'],
      ]);
    });

    it('lets a combining mark after the last letter spoil the token, but not other unicode around it', () => {
      assert.deepEqual(matcher.findAll('InvalidParameter\u0301'), []);
      const text = 'é😀InvalidParameter\u200b\u05d0';
      assert.deepEqual(matcher.findAll(text), [{ term: 'InvalidParameter', id: 'InvalidParameter', start: 3, end: 19 }]);
    });
  });

  describe('multi-word terms', () => {
    it('match across any whitespace run, line wraps and JSON \\n escapes', () => {
      const cases = [
        'ManagedIdentityCredential\n   authentication failed',
        'ManagedIdentityCredential\r\n\tauthentication\u00a0\u00a0failed',
        String.raw`ManagedIdentityCredential\nauthentication\n  failed`,
        'ManagedIdentityCredential \\r\\n authentication failed',
      ];
      for (const variant of cases) {
        const text = `x: ${variant}.`;
        assert.deepEqual(matcher.findAll(text), [{
          term: 'ManagedIdentityCredential authentication failed', id: 'ManagedIdentityCredential-authentication-failed',
          start: 3, end: 3 + variant.length,
        }], JSON.stringify(variant));
      }
    });

    it('do not match when a word is missing or glued', () => {
      for (const text of ['ManagedIdentityCredential authentication', 'ManagedIdentityCredentialauthentication failed',
        'scaleSetNameAndInstanceIDFromProviderIDfailed', 'scaleSetNameAndInstanceIDFromProviderID failedToMap']) {
        assert.deepEqual(matcher.findAll(text), [], text);
      }
    });
  });

  describe('overlaps', () => {
    it('prefers the longest match at a position and the leftmost overall', () => {
      const m = new CodeMatcher([
        { term: 'alpha', id: 'a' }, { term: 'alpha beta', id: 'ab' }, { term: 'beta gamma', id: 'bg' }, { term: 'gamma', id: 'g' },
      ]);
      const text = 'alpha  beta gamma';
      assert.deepEqual(written(text, m.findAll(text)), [['ab', 'alpha  beta'], ['g', 'gamma']]);
      assert.equal(m.findAt(text, 8)?.id, 'ab');
      assert.equal(m.findAt(text, 13)?.id, 'g');
    });

    it('findAt sees a chosen match that starts before its first window', () => {
      // At offset 7 the window starts at `q`; `p q r s` (chosen by findAll) starts one symbol earlier
      // and hides `s t`, so findAt must look further back before answering.
      const m = new CodeMatcher([{ term: 'p q r s', id: 'pqrs' }, { term: 's t', id: 'st' }]);
      const text = 'p q r s t';
      assert.deepEqual(written(text, m.findAll(text)), [['pqrs', 'p q r s']]);
      assert.equal(m.findAt(text, 6)?.id, 'pqrs');
      assert.equal(m.findAt(text, 7), undefined);
      assert.equal(m.findAt(text, 8), undefined);
    });

    it('handles terms with non-ASCII characters, failure links included', () => {
      const m = new CodeMatcher([{ term: 'ノード失敗', id: 'jp' }, { term: 'ノード', id: 'node' }, { term: 'Fehlerü', id: 'de' }]);
      const text = 'エラー: ノード失敗 / ノーノード / xノード / Fehlerü!';
      // `ノーノード` needs a failure link back into `ノード`; `xノード` is glued to an identifier.
      assert.deepEqual(written(text, m.findAll(text)), [['jp', 'ノード失敗'], ['node', 'ノード'], ['de', 'Fehlerü']]);
      assert.equal(m.findAll(text)[1].start, text.indexOf('ノーノード') + 2);
      assert.equal(m.findAt(text, text.indexOf('Fehlerü') + 6)?.id, 'de');
    });

    it('keeps the first id for a duplicate term and ignores empty terms', () => {
      const m = new CodeMatcher([{ term: 'X1', id: 'first' }, { term: ' X1 ', id: 'second' }, { term: '  ', id: 'blank' }]);
      assert.deepEqual(m.findAll('a X1 b'), [{ term: 'X1', id: 'first', start: 2, end: 4 }]);
      assert.deepEqual(new CodeMatcher([]).findAll('anything'), []);
      assert.equal(new CodeMatcher([]).findAt('anything', 2), undefined);
    });
  });

  describe('long whitespace runs', () => {
    // Runs longer than 64 characters that repeat a short pattern are skipped a whole block of
    // repetitions at a time (in findAll, and in findAt's walks to both ends of the run); these
    // cases break the repetition at every kind of spot and check that nothing is skipped wrongly.
    const m = new CodeMatcher([{ term: 'alpha beta', id: 'ab' }, { term: 'alpha', id: 'a' }, { term: 'beta', id: 'b' }]);
    const patterns = [' ', '\\n', ' \\n\\t', '\r\n    ', '\u00a0\\t', '\\n' + ' '.repeat(29), ' '.repeat(30) + '\t', '\\r\\n' + '\t'.repeat(40)];
    const spoilers = ['x', 'n', '\\', '\\x', '\u0301'];

    it('match across a long repeated run, found from anywhere inside it', () => {
      for (const pattern of patterns) {
        for (const repeats of [1, 20, 63, 64, 65, 200, 1000]) {
          const run = pattern.repeat(repeats);
          const text = `(alpha${run}beta)`;
          const expected = [{ term: 'alpha beta', id: 'ab', start: 1, end: text.length - 1 }];
          assert.deepEqual(m.findAll(text), expected, `${JSON.stringify(pattern)} x${repeats}`);
          for (const offset of [1, 6, 7, 6 + (run.length >> 1), 5 + run.length, text.length - 2]) {
            assert.deepEqual(m.findAt(text, offset), expected[0], `${JSON.stringify(pattern)} x${repeats} @${offset}`);
          }
        }
      }
    });

    it('a break anywhere in a long repeated run splits the multi-word match', () => {
      for (const pattern of patterns) {
        const run = pattern.repeat(Math.ceil(700 / pattern.length));
        for (const spoiler of spoilers) {
          for (const at of [0, 1, 63, 64, 65, 127, 128, 129, 333, run.length >> 1, run.length - 65, run.length - 1, run.length]) {
            const broken = run.slice(0, at) + spoiler + run.slice(at);
            const text = `(alpha${broken}beta)`;
            const all = m.findAll(text);
            const label = `${JSON.stringify(pattern)} ${JSON.stringify(spoiler)} at ${at}`;
            assertWellFormed(text, all);
            assert.ok(all.every((x) => x.id !== 'ab'), label);
            for (const offset of [1, 6, 6 + at - 1, 6 + at, 6 + at + spoiler.length, 6 + (broken.length >> 1), text.length - 2]) {
              if (offset >= 0 && offset < text.length) {
                assert.deepEqual(m.findAt(text, offset), all.find((x) => x.start <= offset && offset < x.end), `${label} @${offset}`);
              }
            }
          }
        }
      }
    });

    it('an escape letter right after a long run is not part of it', () => {
      // `\n` repeated, then `n`: the run ends before the bare letter, which glues to `alpha`.
      const text = `${'\\n'.repeat(100)}nalpha ${'\\t '.repeat(100)}beta`;
      assert.deepEqual(written(text, m.findAll(text)), [['b', 'beta']]);
      assert.equal(m.findAt(text, 150), undefined);
      assert.equal(m.findAt(text, text.length - 2)?.id, 'b');
    });
  });

  describe('overlapping candidates', () => {
    it('resolve each overlapping group on its own, leftmost then longest', () => {
      const m = new CodeMatcher([
        { term: 'b', id: 'b' }, { term: 'a b c', id: 'abc' }, { term: 'c d', id: 'cd' }, { term: 'd', id: 'd' }, { term: 'x', id: 'x' },
      ]);
      const text = 'x b a b c d x a b c';
      // `b` alone is chosen; `a b c` wins over `b` inside it and hides `c d`; `d` comes after; and so on.
      assert.deepEqual(written(text, m.findAll(text)), [
        ['x', 'x'], ['b', 'b'], ['abc', 'a b c'], ['d', 'd'], ['x', 'x'], ['abc', 'a b c'],
      ]);
    });
  });

  describe('terms that start like escapes, backslashes or non-ASCII', () => {
    it('are not started inside a JSON escape or glued to a backslash run', () => {
      const m = new CodeMatcher([{ term: 'node', id: 'n' }, { term: 'tree', id: 't' }, { term: 'é中x', id: 'u' }, { term: '\\q', id: 'q' }]);
      const text = 'a\\node \\\\node xnode é中x \\q \\\\tree\\tree';
      // `\node` is an escaped newline then `ode`; `\\node` a backslash, an escape, `ode`.
      assert.deepEqual(written(text, m.findAll(text)), [['u', 'é中x'], ['q', '\\q']]);
      const plain = 'node, tree é中x \\q';
      assert.deepEqual(m.findAll(plain).map((x) => x.id), ['n', 't', 'u', 'q']);
    });
  });

  describe('findAt', () => {
    it('finds the match covering an offset, start inclusive, end exclusive', () => {
      const text = 'failure: VMExtensionProvisioningError.';
      assert.equal(matcher.findAt(text, 8), undefined);
      assert.equal(matcher.findAt(text, 9)?.id, 'VMExtensionProvisioningError');
      assert.equal(matcher.findAt(text, 36)?.id, 'VMExtensionProvisioningError');
      assert.equal(matcher.findAt(text, 37), undefined);
      assert.equal(matcher.findAt(text, -1), undefined);
      assert.equal(matcher.findAt(text, text.length), undefined);
      assert.equal(matcher.findAt(text, 1.5), undefined);
    });

    it('finds a multi-word match from inside its whitespace, even a long run of it', () => {
      const gap = ' '.repeat(5000);
      const text = `see: ManagedIdentityCredential${gap}authentication\\n\\nfailed!`;
      const expected = { term: 'ManagedIdentityCredential authentication failed', id: 'ManagedIdentityCredential-authentication-failed', start: 5, end: text.length - 1 };
      for (const offset of [5, 20, 31, 2000, 5029, 5030, 5031, text.length - 12, text.length - 10, text.length - 2]) {
        assert.deepEqual(matcher.findAt(text, offset), expected, `offset ${offset}`);
      }
      assert.equal(matcher.findAt(text, text.length - 1), undefined);
    });

    it('agrees with findAll on every offset of each corpus file', () => {
      for (const name of ['kubectl-get-events.txt', 'events.yaml', 'events.json', 'aks.log', 'negatives.txt']) {
        const text = fixture(name);
        const all = matcher.findAll(text);
        let next = 0;
        for (let offset = 0; offset < text.length; offset++) {
          while (next < all.length && all[next].end <= offset) {
            next++;
          }
          const expected = next < all.length && all[next].start <= offset ? all[next] : undefined;
          assert.deepEqual(matcher.findAt(text, offset), expected, `${name} @${offset}`);
        }
      }
    });
  });

  describe('corpus', () => {
    it('kubectl get events -A table', () => {
      const text = fixture('kubectl-get-events.txt');
      const matches = matcher.findAll(text);
      assertWellFormed(text, matches);
      assert.deepEqual(written(text, matches), [
        ['InvalidParameter', 'InvalidParameter'],
        ['NodeRebootStart', 'NodeRebootStart'],
        ['NodeRebootEnd', 'NodeRebootEnd'],
        ['NodeRebootError', 'NodeRebootError'],
        ['VMExtensionProvisioningError', 'VMExtensionProvisioningError'],
        ['NodeReimageStart', 'NodeReimageStart'],
        ['NodeReimageEnd', 'NodeReimageEnd'],
        ['NodeReimageError', 'NodeReimageError'],
        ['InvalidParameter', 'InvalidParameter'],
        ['NodeRedeployStart', 'NodeRedeployStart'],
        ['NodeRedeployEnd', 'NodeRedeployEnd'],
        ['NodeRedeployError', 'NodeRedeployError'],
        ['NodeRebootError', 'NodeRebootError'],
        ['ManagedIdentityCredential-authentication-failed', 'ManagedIdentityCredential authentication failed'],
        ['NodeReimageError', 'NodeReimageError'],
        ['scaleSetNameAndInstanceIDFromProviderID-failed', 'scaleSetNameAndInstanceIDFromProviderID failed'],
        ['NodeRedeployError', 'NodeRedeployError'],
        ['TooManyVMRedeploymentRequests', 'TooManyVMRedeploymentRequests'],
        ['NodeRebootError', 'NodeRebootError'],
        ['OutboundConnectivityNotEnabledOnVMSS', 'OutboundConnectivityNotEnabledOnVMSS'],
        ['NodeRedeployError', 'NodeRedeployError'],
        ['VMRedeploymentFailed', 'VMRedeploymentFailed'],
      ]);
      // Offsets point into the file: the first code sits inside the load balancer's JSON error.
      assert.equal(matches[0].start, text.indexOf('"code":"InvalidParameter"') + 8);
      const [lbError, repairError] = matches.filter((m) => m.id === 'InvalidParameter');
      assert.equal(looksLikeAutoRepairContext(text, lbError), false, 'load balancer error in a service event');
      assert.equal(looksLikeAutoRepairContext(text, repairError), true, 'NodeReimageError row');
    });

    it('kubectl get events -o yaml', () => {
      const text = fixture('events.yaml');
      const matches = matcher.findAll(text);
      assertWellFormed(text, matches);
      assert.deepEqual(written(text, matches), [
        ['NodeReimageStart', 'NodeReimageStart'],
        ['InvalidParameter', 'InvalidParameter'],
        ['NodeReimageError', 'NodeReimageError'],
        ['ManagedIdentityCredential-authentication-failed', 'ManagedIdentityCredential\n    authentication failed'],
        ['NodeRebootError', 'NodeRebootError'],
      ]);
      assert.equal(looksLikeAutoRepairContext(text, matches[1]), true);
    });

    it('kubectl get events -o json', () => {
      const text = fixture('events.json');
      const matches = matcher.findAll(text);
      assertWellFormed(text, matches);
      assert.deepEqual(written(text, matches), [
        ['VMExtensionProvisioningError', 'VMExtensionProvisioningError'],
        ['NodeRebootError', 'NodeRebootError'],
        ['InvalidParameter', 'InvalidParameter'],
        ['NodeReimageError', 'NodeReimageError'],
        ['NodeRedeployError', 'NodeRedeployError'],
        ['scaleSetNameAndInstanceIDFromProviderID-failed', 'scaleSetNameAndInstanceIDFromProviderID\\nfailed'],
        ['NodeRebootError', 'NodeRebootError'],
        ['VMRedeploymentFailed', 'VMRedeploymentFailed'],
        ['NodeRedeployError', 'NodeRedeployError'],
      ]);
      assert.equal(text.slice(matches[0].start - 2, matches[0].start), '\\n', 'the code follows an escaped newline');
      assert.equal(text.slice(matches[2].start - 2, matches[2].end + 2), '\\"InvalidParameter\\"');
      assert.equal(looksLikeAutoRepairContext(text, matches[2]), true);
      // The parsed document still reads the same codes out of the decoded messages.
      const decoded = (JSON.parse(text) as { items: { message: string }[] }).items.map((e) => e.message).join('\n');
      assert.deepEqual(matcher.findAll(decoded).map((m) => m.id), [
        'VMExtensionProvisioningError', 'InvalidParameter', 'scaleSetNameAndInstanceIDFromProviderID-failed', 'VMRedeploymentFailed',
      ]);
    });

    it('plain log with CRLF, tabs, emoji, RTL and zero-width characters', () => {
      const text = fixture('aks.log');
      assert.ok(text.includes('\r\n'), 'fixture keeps its CRLF line endings');
      const matches = matcher.findAll(text);
      assertWellFormed(text, matches);
      assert.deepEqual(written(text, matches), [
        ['NodeRebootStart', 'NodeRebootStart'],
        ['NodeRebootError', 'NodeRebootError'],
        ['VMExtensionProvisioningError', 'VMExtensionProvisioningError'],
        ['NodeReimageError', 'NodeReimageError'],
        ['InvalidParameter', 'InvalidParameter'],
        ['TooManyVMRedeploymentRequests', 'TooManyVMRedeploymentRequests'],
        ['OutboundConnectivityNotEnabledOnVMSS', 'OutboundConnectivityNotEnabledOnVMSS'],
        ['VMRedeploymentFailed', 'VMRedeploymentFailed'],
        ['NodeRedeployError', 'NodeRedeployError'],
        ['NodeReimageEnd', 'NodeReimageEnd'],
        ['ManagedIdentityCredential-authentication-failed', 'ManagedIdentityCredential\u00a0authentication\tfailed'],
        ['InvalidParameter', 'InvalidParameter'],
      ]);
      // Offsets are UTF-16 code units: the emoji before NodeReimageEnd is a surrogate pair.
      const end = matches.find((m) => m.id === 'NodeReimageEnd');
      assert.equal(end?.start, text.indexOf('😀NodeReimageEnd') + 2);
    });

    it('near misses find nothing', () => {
      assert.deepEqual(matcher.findAll(fixture('negatives.txt')), []);
    });
  });

  describe('looksLikeAutoRepairContext', () => {
    it('is false for InvalidParameter in an unrelated Azure CLI error', () => {
      const text = [
        '$ az vm create -g rg -n vm1 --image Ubuntu2204 --size Standard_D2s_v3',
        "(InvalidParameter) The value of parameter osProfile.adminPassword is invalid.",
        'Code: InvalidParameter',
        'Message: The value of parameter osProfile.adminPassword is invalid.',
        'Target: adminPassword',
      ].join('\n');
      const matches = matcher.findAll(text);
      assert.equal(matches.length, 2);
      for (const m of matches) {
        assert.equal(looksLikeAutoRepairContext(text, m), false);
      }
    });

    it('is true next to each kind of marker', () => {
      const cases = [
        'Warning  NodeReimageError  node/aks-np-1-vmss000001  failed: InvalidParameter',
        'source: {component: aks-auto-repair}, message: InvalidParameter',
        'NODE AUTO-REPAIR says InvalidParameter',
        'See error details here: InvalidParameter',
        'InvalidParameter. Learn more: aka.ms/aks/node-auto-repair-errors',
      ];
      for (const text of cases) {
        const [m] = matcher.findAll(text);
        assert.equal(looksLikeAutoRepairContext(text, m), true, text);
      }
    });

    it('looks at the whole line and a bounded window, not the whole text', () => {
      const farLeft = 'NodeReimageError\n' + 'x'.repeat(1000) + '\n';
      const text = `${farLeft}code: InvalidParameter\n${'y'.repeat(1000)}\nNodeReimageError`;
      const [m] = matcher.findAll(text).filter((x) => x.id === 'InvalidParameter');
      assert.equal(looksLikeAutoRepairContext(text, m), false);
      const sameLine = `NodeReimageError ${'z'.repeat(1500)} InvalidParameter`;
      const [n] = matcher.findAll(sameLine).filter((x) => x.id === 'InvalidParameter');
      assert.equal(looksLikeAutoRepairContext(sameLine, n), true, 'same line, beyond 400 characters');
      const huge = `NodeReimageError ${'z'.repeat(1_000_000)} InvalidParameter`;
      const [h] = matcher.findAll(huge).filter((x) => x.id === 'InvalidParameter');
      assert.equal(looksLikeAutoRepairContext(huge, h), false, 'a marker a megabyte away on a huge line is out of reach');
    });

    it('marks only InvalidParameter as ambiguous', () => {
      const { catalog } = loadCatalogFolders([{ path: BUILTIN, origin: 'builtin' }]);
      assert.ok(catalog.get('InvalidParameter')?.ambiguous);
      assert.ok(!catalog.get('VMExtensionProvisioningError')?.ambiguous);
    });

    it('applies to a user entry flagged ambiguous as to InvalidParameter', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'matcher-test-'));
      try {
        fs.writeFileSync(path.join(tmp, 'QuotaExceeded.md'), [
          '---', 'id: QuotaExceeded', 'title: Quota exceeded', 'kind: code', 'matches:', '  - QuotaExceeded', 'ambiguous: true',
          'action: any', 'severity: error', 'summary: Out of quota.', 'firstStep: Ask for more.', '---', '', '# Quota', '',
        ].join('\n'));
        const { catalog, problems } = loadCatalogFolders([{ path: BUILTIN, origin: 'builtin' }, { path: tmp, origin: 'user' }]);
        assert.deepEqual(problems, []);
        const own = new CodeMatcher(catalog.terms());
        const flagged = (text: string) => own.findAll(text).filter((m) => catalog.get(m.id)?.ambiguous);
        const unrelated = 'Deployment failed. Code: QuotaExceeded';
        assert.deepEqual(flagged(unrelated).map((m) => [m.id, looksLikeAutoRepairContext(unrelated, m)]), [['QuotaExceeded', false]]);
        const repair = 'Warning  NodeRedeployError  node/aks-np-1-vmss000001  See error details here: QuotaExceeded';
        assert.deepEqual(flagged(repair).map((m) => [m.id, looksLikeAutoRepairContext(repair, m)]), [['QuotaExceeded', true]]);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  describe('adversarial input', () => {
    const cases: [string, () => string, number][] = [
      ['an almost-code repeated', () => 'VMExtensionProvisioningErro '.repeat(40_000), 0],
      ['an almost-code glued to itself', () => 'VMExtensionProvisioningErro'.repeat(40_000) + 'r', 0],
      ['Node repeated', () => 'Node'.repeat(250_000) + ' NodeRebootError', 1],
      ['one character', () => 'N'.repeat(1_000_000), 0],
      ['a multi-word prefix then endless whitespace', () => 'ManagedIdentityCredential authentication' + ' \t\\n'.repeat(250_000) + 'failed', 1],
      ['the same multi-word prefix many times', () => 'ManagedIdentityCredential '.repeat(40_000) + 'authentication failed', 1],
      ['backslashes and escapes', () => '\\'.repeat(500_000) + '\\n'.repeat(250_000) + 'InvalidParameter', 1],
      ['codes back to back', () => 'InvalidParameter '.repeat(60_000), 60_000],
    ];
    for (const [name, build, count] of cases) {
      it(`survives a 1 MB line: ${name}`, () => {
        const text = build();
        const t0 = process.hrtime.bigint();
        const matches = matcher.findAll(text);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        console.log(`      findAll on ${text.length} chars (${name}): ${ms.toFixed(1)} ms`);
        assert.equal(matches.length, count);
        assertWellFormed(text, matches);
        for (const offset of [0, text.length >> 1, text.length - 1]) {
          const at = matcher.findAt(text, offset);
          const expected = matches.find((m) => m.start <= offset && offset < m.end);
          assert.deepEqual(at, expected);
        }
      });
    }
  });
});
