import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Catalog, CHECKLIST_ID, MONITORING_ID, UNKNOWN_ERROR_ID } from '../../src/domain/catalog';
import { CatalogEntry, parseCatalogEntry } from '../../src/domain/catalogEntry';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';

// Tests compile to out/test/unit/, so the repo root is three levels up.
const BUILTIN = path.resolve(__dirname, '../../../media/catalog');

// From /work/shared/domain.md: every code as it appears in a message, and every reason.
const CODES = [
  'VMExtensionProvisioningError',
  'InvalidParameter',
  'scaleSetNameAndInstanceIDFromProviderID failed',
  'ManagedIdentityCredential authentication failed',
  'VMRedeploymentFailed',
  'TooManyVMRedeploymentRequests',
  'OutboundConnectivityNotEnabledOnVMSS',
];
const REASONS = ['Reboot', 'Reimage', 'Redeploy'].flatMap((a) => ['Start', 'End', 'Error'].map((p) => `Node${a}${p}`));

const GOOD = [
  '---',
  'id: my-code',
  'title: My code',
  'kind: code',
  'matches:',
  '  - MyCode',
  'action: any',
  'severity: error',
  'summary: Something broke.',
  'firstStep: Look at it.',
  'docs:',
  '  - Node auto-repair | https://learn.microsoft.com/azure/aks/node-auto-repair',
  'related:',
  '  - unknown-error',
  '---',
  '',
  '# My code',
  '',
  'See [unknown](./unknown-error.md).',
  '',
].join('\n');

function withLine(key: string, line: string | undefined): string {
  return GOOD.split('\n').map((l) => (l.startsWith(`${key}:`) ? line : l)).filter((l) => l !== undefined).join('\n');
}

describe('catalog', () => {
  describe('built-in entries', () => {
    const { catalog, problems } = loadCatalogFolders([{ path: BUILTIN, origin: 'builtin' }]);
    const files = fs.readdirSync(BUILTIN).filter((f) => f.endsWith('.md'));

    it('loads every file without problems', () => {
      assert.deepEqual(problems, []);
      assert.equal(catalog.entries.length, files.length);
      assert.equal(catalog.entries.length, 19);
    });

    it('covers every error code from the domain facts', () => {
      for (const code of CODES) {
        const entry = catalog.byMatch(code);
        assert.ok(entry, `no entry matches ${code}`);
        assert.equal(entry.kind, 'code', code);
      }
      assert.equal(catalog.entries.filter((e) => e.kind === 'code').length, CODES.length);
    });

    it('covers every event reason, with the reason as id', () => {
      for (const reason of REASONS) {
        const entry = catalog.get(reason);
        assert.ok(entry, `no entry for ${reason}`);
        assert.equal(entry.kind, 'reason');
        assert.equal(catalog.byMatch(reason), entry);
      }
    });

    it('has the three topics', () => {
      for (const id of [UNKNOWN_ERROR_ID, CHECKLIST_ID, MONITORING_ID]) {
        assert.equal(catalog.get(id)?.kind, 'topic', id);
      }
    });

    it('uses unique ids equal to the file names', () => {
      const ids = catalog.entries.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const entry of catalog.entries) {
        assert.equal(path.basename(entry.source), `${entry.id}.md`);
        assert.equal(entry.origin, 'builtin');
      }
    });

    it('resolves every related id and cross-link, and validates clean', () => {
      for (const entry of catalog.entries) {
        for (const r of entry.related) {
          assert.ok(catalog.get(r), `${entry.id}: related ${r}`);
        }
        for (const link of catalog.crossLinks(entry)) {
          assert.ok(catalog.get(link), `${entry.id}: link ${link}`);
        }
      }
      assert.deepEqual(catalog.validate(), []);
    });

    it('gives every entry a summary, a first step, https docs and a body', () => {
      for (const entry of catalog.entries) {
        assert.ok(entry.summary.length > 10, `${entry.id}: summary`);
        assert.ok(entry.firstStep.length > 10, `${entry.id}: firstStep`);
        assert.ok(entry.docs.length > 0, `${entry.id}: docs`);
        for (const doc of entry.docs) {
          assert.ok(doc.url.startsWith('https://'), `${entry.id}: ${doc.url}`);
          assert.ok(doc.title.length > 0);
        }
        assert.ok(entry.body.includes('## What to do') || entry.kind === 'topic', `${entry.id}: "What to do" section`);
        assert.ok(!entry.body.startsWith('---'), `${entry.id}: body keeps front matter`);
      }
    });

    it('flags only InvalidParameter as ambiguous', () => {
      assert.deepEqual(catalog.entries.filter((e) => e.ambiguous).map((e) => e.id), ['InvalidParameter']);
    });

    it('warns that InvalidParameter is shared by unrelated Azure errors', () => {
      const entry = catalog.get('InvalidParameter');
      assert.ok(entry);
      assert.match(entry.body, /unrelated Azure errors/i);
      assert.match(entry.body, /NodeRebootError/);
      assert.match(entry.body, /NodeReimageError/);
      assert.match(entry.body, /NodeRedeployError/);
    });

    it('says End is not healthy, and Error covers all message formats', () => {
      for (const a of ['Reboot', 'Reimage', 'Redeploy']) {
        assert.match(catalog.get(`Node${a}End`)?.body ?? '', /not mean the node is healthy/i);
        const error = catalog.get(`Node${a}Error`)?.body ?? '';
        assert.match(error, /See error details here:/);
        assert.match(error, /aka\.ms\/aks\/node-auto-repair-errors/);
        assert.match(error, /\.\/unknown-error\.md/);
      }
    });

    it('gives monitoring the KQL query, the ConfigMap switch and the watch command', () => {
      const body = catalog.get(MONITORING_ID)?.body ?? '';
      assert.match(body, /```kusto\n[^`]*KubeEvents[^`]*NodeRedeployError[^`]*```/);
      assert.match(body, /collect_all_kube_events = true/);
      assert.match(body, /container-azm-ms-agentconfig/);
      assert.match(body, /kubectl get events --field-selector=source=aks-auto-repair --watch/);
    });

    it('tells teams how to add entries', () => {
      assert.match(catalog.get(UNKNOWN_ERROR_ID)?.body ?? '', /aksNodeRepair\.catalogFolders/);
    });

    it('matches case-insensitively only after an exact match fails', () => {
      assert.equal(catalog.byMatch('invalidparameter')?.id, 'InvalidParameter');
      assert.equal(catalog.byMatch('  VMRedeploymentFailed  ')?.id, 'VMRedeploymentFailed');
      assert.equal(catalog.byMatch('SomethingElse'), undefined);
      const terms = catalog.terms();
      assert.ok(terms.some((t) => t.term === 'ManagedIdentityCredential authentication failed' && t.id === 'ManagedIdentityCredential-authentication-failed'));
    });
  });

  describe('parseCatalogEntry', () => {
    it('parses front matter and body', () => {
      const r = parseCatalogEntry(GOOD, '/x/my-code.md', 'user');
      assert.ok(r.ok);
      const e = r.entry;
      assert.equal(e.id, 'my-code');
      assert.deepEqual(e.matches, ['MyCode']);
      assert.deepEqual(e.docs, [{ title: 'Node auto-repair', url: 'https://learn.microsoft.com/azure/aks/node-auto-repair' }]);
      assert.deepEqual(e.related, ['unknown-error']);
      assert.equal(e.origin, 'user');
      assert.equal(e.source, '/x/my-code.md');
      assert.ok(e.body.startsWith('# My code'));
    });

    it('tolerates CRLF and a BOM', () => {
      const r = parseCatalogEntry('\uFEFF' + GOOD.replace(/\n/g, '\r\n'), 'f', 'builtin');
      assert.ok(r.ok);
      assert.equal(r.entry.title, 'My code');
      assert.deepEqual(r.entry.matches, ['MyCode']);
      assert.ok(!r.entry.body.includes('\r'));
    });

    it('names the missing or invalid key', () => {
      const cases: [string, string][] = [
        [withLine('title', undefined), 'missing "title"'],
        [withLine('firstStep', undefined), 'missing "firstStep"'],
        [withLine('kind', 'kind: x'), 'invalid kind "x"'],
        [withLine('action', 'action: heal'), 'invalid action "heal"'],
        [withLine('severity', 'severity: fatal'), 'invalid severity "fatal"'],
        [GOOD.replace('https://learn', 'http://learn'), 'https'],
        [GOOD.replace(' | https://', ' https://'), 'invalid docs item'],
        [withLine('id', 'id: ../evil'), 'invalid id'],
        [GOOD.replace(/^---\n/, ''), 'front matter'],
        [GOOD.replace('\n---\n\n#', '\n\n#'), 'not closed'],
        [GOOD.replace('title: My code', 'title: My code\ntitle: Again'), 'duplicate key "title"'],
        [GOOD.replace('title: My code', 'this is not yaml'), 'expected "key: value"'],
      ];
      for (const [text, expected] of cases) {
        const r = parseCatalogEntry(text, 'f', 'user');
        assert.equal(r.ok, false, expected);
        assert.ok(!r.ok && r.error.includes(expected), `${expected}: got ${!r.ok ? r.error : ''}`);
      }
    });

    it('reads "ambiguous" as true or false, and false when absent', () => {
      const flagged = parseCatalogEntry(GOOD.replace('action: any', 'ambiguous: true\naction: any'), 'f', 'user');
      assert.ok(flagged.ok, !flagged.ok ? flagged.error : '');
      assert.equal(flagged.entry.ambiguous, true);
      const plain = parseCatalogEntry(GOOD.replace('action: any', 'ambiguous: false\naction: any'), 'f', 'user');
      assert.ok(plain.ok, !plain.ok ? plain.error : '');
      assert.equal(plain.entry.ambiguous, false);
      const absent = parseCatalogEntry(GOOD, 'f', 'user');
      assert.ok(absent.ok);
      assert.equal(absent.entry.ambiguous, false);
    });

    it('rejects an "ambiguous" that is not true or false', () => {
      for (const value of ['yes', 'True', '1', '']) {
        const r = parseCatalogEntry(GOOD.replace('action: any', `ambiguous: ${value}\naction: any`), 'f', 'user');
        assert.equal(r.ok, false, value);
        assert.ok(!r.ok && r.error.includes('invalid ambiguous') && r.error.includes('true|false'), `${value}: got ${!r.ok ? r.error : ''}`);
      }
      const listed = parseCatalogEntry(GOOD.replace('action: any', 'ambiguous:\n  - true\naction: any'), 'f', 'user');
      assert.equal(listed.ok, false);
    });

    it('defaults missing lists to empty and reads a single value as a list', () => {
      const r = parseCatalogEntry(withLine('docs', undefined).replace(/^ {2}- Node auto-repair.*\n/m, '').replace('related:\n  - unknown-error', 'related: monitoring'), 'f', 'user');
      assert.ok(r.ok, !r.ok ? r.error : '');
      assert.deepEqual(r.entry.docs, []);
      assert.deepEqual(r.entry.related, ['monitoring']);
    });
  });

  describe('Catalog', () => {
    function entry(id: string, extra: Partial<CatalogEntry> = {}): CatalogEntry {
      return {
        id, title: id, kind: 'code', matches: [id], ambiguous: false, action: 'any', severity: 'error', summary: 's', firstStep: 'f',
        docs: [], related: [], body: '', source: `${id}.md`, origin: 'builtin', ...extra,
      };
    }

    it('lets a later entry with the same id override an earlier one', () => {
      const c = new Catalog([entry('A'), entry('B'), entry('A', { title: 'Ours', origin: 'user' })]);
      assert.deepEqual(c.entries.map((e) => e.id), ['A', 'B']);
      assert.equal(c.get('A')?.title, 'Ours');
      assert.equal(c.byMatch('A')?.origin, 'user');
    });

    it('reports duplicate match strings and dangling links', () => {
      const c = new Catalog([
        entry('A', { matches: ['X'] }),
        entry('B', { matches: ['x'], related: ['nope'], body: 'See [A](./A.md) and [C](./C.md#step).' }),
      ]);
      assert.deepEqual(c.crossLinks(c.get('B') as CatalogEntry), ['A', 'C']);
      const problems = c.validate();
      assert.equal(problems.length, 3, problems.join('\n'));
      assert.ok(problems.some((p) => p.includes('"x"') && p.includes('"A"') && p.includes('"B"')));
      assert.ok(problems.some((p) => p.includes('related id "nope"')));
      assert.ok(problems.some((p) => p.includes('./C.md')));
    });

    it('prefers an exact-case match over a case-insensitive one', () => {
      const c = new Catalog([entry('lower', { matches: ['abc'] }), entry('upper', { matches: ['ABC'] })]);
      assert.equal(c.byMatch('ABC')?.id, 'upper');
      assert.equal(c.byMatch('abc')?.id, 'lower');
      assert.equal(c.byMatch('Abc')?.id, 'lower');
    });
  });

  describe('loadCatalogFolders', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-test-'));
    });
    afterEach(() => {
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('lets a user folder override a built-in entry', () => {
      fs.writeFileSync(path.join(tmp, 'InvalidParameter.md'), GOOD.replace('id: my-code', 'id: InvalidParameter').replace('  - MyCode', '  - InvalidParameter').replace('title: My code', 'title: Our runbook'));
      const { catalog, problems } = loadCatalogFolders([{ path: BUILTIN, origin: 'builtin' }, { path: tmp, origin: 'user' }]);
      assert.deepEqual(problems, []);
      const e = catalog.get('InvalidParameter');
      assert.equal(e?.title, 'Our runbook');
      assert.equal(e?.origin, 'user');
      assert.equal(catalog.byMatch('InvalidParameter')?.origin, 'user');
      assert.equal(catalog.entries.length, 19);
    });

    it('turns a missing folder into a problem, not a throw', () => {
      const missing = path.join(tmp, 'does-not-exist');
      const { catalog, problems } = loadCatalogFolders([{ path: BUILTIN, origin: 'builtin' }, { path: missing, origin: 'user' }]);
      assert.equal(catalog.entries.length, 19);
      assert.equal(problems.length, 1);
      assert.ok(problems[0].includes(missing) && problems[0].includes('ENOENT') && problems[0].includes('aksNodeRepair.catalogFolders'));
    });

    it('reports bad and oversized files by name and loads the rest', () => {
      fs.writeFileSync(path.join(tmp, 'good.md'), GOOD.replace('  - unknown-error', '').replace('See [unknown](./unknown-error.md).', ''));
      fs.writeFileSync(path.join(tmp, 'bad.md'), withLine('title', undefined));
      fs.writeFileSync(path.join(tmp, 'huge.md'), GOOD + 'x'.repeat(1024 * 1024));
      fs.writeFileSync(path.join(tmp, 'notes.txt'), 'ignored');
      fs.mkdirSync(path.join(tmp, 'sub.md'));
      const { catalog, problems } = loadCatalogFolders([{ path: tmp, origin: 'user' }]);
      assert.deepEqual(catalog.entries.map((e) => e.id), ['my-code']);
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.ok(problems.some((p) => p.includes('bad.md') && p.includes('missing "title"')));
      assert.ok(problems.some((p) => p.includes('huge.md') && p.includes('1 MB')));
    });

    it('reports links from user entries that lead nowhere', () => {
      fs.writeFileSync(path.join(tmp, 'my-code.md'), GOOD);
      const { problems } = loadCatalogFolders([{ path: tmp, origin: 'user' }]);
      assert.ok(problems.some((p) => p.includes('related id "unknown-error"')));
      assert.ok(problems.some((p) => p.includes('./unknown-error.md')));
    });
  });
});
