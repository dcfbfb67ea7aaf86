/**
 * Fuzzing the parsers that read untrusted input (cluster events and nodes, runbooks, Container
 * Insights rows, providerIDs, extension messages, settings JSONC, the history file): no exception
 * escapes (except the ones a function documents), output stays bounded, and time grows about
 * linearly with the input, on random input and on the adversarial families that break regexes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseCatalogEntry } from '../../src/domain/catalogEntry';
import { loadCatalogFolders, MAX_ENTRY_BYTES } from '../../src/domain/catalogLoader';
import { INSIGHTS_COLUMNS, mapInsightsRows } from '../../src/domain/containerInsightsQuery';
import { extensionExitCode, readExitCode } from '../../src/domain/bootstrapExitCodes';
import { parseJsonc } from '../../src/domain/jsonc';
import { projectNode } from '../../src/domain/nodeProjection';
import { PROVIDER_ID_MAX_LENGTH, parseProviderId } from '../../src/domain/providerId';
import { projectEvent } from '../../src/domain/repairEvent';
import { AZURE_MESSAGE_MAX, parseRepairMessage, parseRepairReason } from '../../src/domain/repairMessage';
import { decodeLine, encodeLine, recordedEvent } from '../../src/history/historyCodec';
import { anyValue, hostileText, looseRecord, mostly, nastyValue } from '../fixtures/hostile/fuzzArbitraries';
import { HOSTILE_CORPUS, unsafeCharactersIn } from '../fixtures/hostile/hostileCorpus';
import { assertRoughlyLinear } from '../fixtures/hostile/scaling';

const RUNS = { numRuns: 300 };
/** "Megabytes" of input for the size checks: a quarter of one keeps the unit tier quick and is 100× any real value. */
const MB = 256 * 1024;

/** Fragments of what the repair-message parser looks for. */
const MESSAGE_PIECES = [
  'Node auto-repair ', 'reboot', 'reimage', 'redeploy', ' action failed', ' failed: ', 'failed', ': ', 'Code="', '" Message="',
  'code:', '"code":', '"message":', '{"error":{', '}}', 'see details', 'Learn more', 'ErrorCode', 'VMExtensionProvisioningError',
  'InvalidParameter', '\\"', '\\\\', '\\n', '\n', ' ', '"', "'", '{', '}', '[', ']', 'Status=', 'Message=', 'OperationNotAllowed',
];

/** Inputs that make a backtracking regex or a nested loop slow, built to length ~n. */
function adversarial(pieces: readonly string[]): ((n: number) => string)[] {
  return [
    ...pieces.map((p) => (n: number) => p.repeat(Math.max(1, Math.ceil(n / p.length)))),
    (n) => ' '.repeat(n) + 'x',
    (n) => 'a'.repeat(n) + '!',
    (n) => pieces.join('').repeat(Math.max(1, Math.ceil(n / pieces.join('').length))),
  ];
}

/** The longest string anywhere in a value. */
function longestString(value: unknown, seen = new Set<unknown>()): number {
  if (typeof value === 'string') {
    return value.length;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) {
    return 0;
  }
  seen.add(value);
  return Math.max(0, ...Object.values(value).map((v) => longestString(v, seen)));
}

describe('fuzz: parsers of untrusted input', function () {
  this.timeout(120_000);

  describe('event messages', () => {
    it('parseRepairMessage and parseRepairReason never throw, on any text', () => {
      fc.assert(fc.property(fc.option(hostileText(MESSAGE_PIECES, 24), { nil: undefined }), fc.option(hostileText(['NodeReimageError', 'NodeRebootStart', 'Node']), { nil: undefined }), (message, reason) => {
        const parsed = parseRepairMessage(message, reason);
        parseRepairReason(reason);
        assert.ok(parsed.code === undefined || (parsed.code.length > 0 && parsed.code.length <= 256), `code ${parsed.code?.length}`);
        assert.ok(parsed.azureMessage === undefined || parsed.azureMessage.length <= AZURE_MESSAGE_MAX + 1);
        assert.ok(['colon', 'see-details', 'learn-more', 'azure-error', 'none'].includes(parsed.format));
      }), RUNS);
    });

    it('parseRepairMessage keeps its output bounded and its time linear on a megabyte', () => {
      for (const make of adversarial(MESSAGE_PIECES)) {
        const parsed = parseRepairMessage(`Node auto-repair reimage action failed: ${make(MB)}`, 'NodeReimageError');
        assert.ok((parsed.code?.length ?? 0) <= 256 && (parsed.azureMessage?.length ?? 0) <= AZURE_MESSAGE_MAX + 1);
        assertRoughlyLinear(`parseRepairMessage(${JSON.stringify(make(12).slice(0, 12))}…)`, make, (text) => parseRepairMessage(`Node auto-repair reimage action failed: ${text}`, 'NodeReimageError'), 50);
      }
    });
  });

  describe('API objects', () => {
    const condition = looseRecord({ type: fc.constantFrom('Ready', 'DiskPressure', 'MemoryPressure', 'X'), status: fc.constantFrom('True', 'False', 'Unknown'), reason: hostileText(), message: hostileText(), lastTransitionTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostileText()) });
    const nodeLike = looseRecord({
      metadata: looseRecord({ name: hostileText(['aks-', 'vmss', '000003']), labels: fc.dictionary(hostileText(['kubernetes.azure.com/agentpool', 'kubernetes.io/os']), mostly(hostileText()), { maxKeys: 6 }), annotations: fc.dictionary(hostileText(), mostly(hostileText()), { maxKeys: 4 }), resourceVersion: hostileText() }),
      spec: looseRecord({ providerID: hostileText(['azure:///subscriptions/', '/resourceGroups/', '/virtualMachines/']), unschedulable: fc.boolean(), taints: fc.array(looseRecord({ key: hostileText(), effect: hostileText(), value: hostileText() }), { maxLength: 4 }) }),
      status: looseRecord({ conditions: fc.array(condition, { maxLength: 6 }), nodeInfo: looseRecord({ kubeletVersion: hostileText(), operatingSystem: hostileText() }) }),
    });
    const eventLike = looseRecord({
      metadata: looseRecord({ uid: hostileText(), name: hostileText(), namespace: hostileText(), creationTimestamp: hostileText() }),
      involvedObject: looseRecord({ kind: fc.constantFrom('Node', 'Pod', 'node'), name: hostileText() }),
      regarding: looseRecord({ kind: fc.constant('Node'), name: hostileText() }),
      reason: fc.oneof(fc.constantFrom('NodeReimageError', 'NodeRebootStart', 'NodeRedeployEnd', 'NodeNotReady'), hostileText()),
      message: hostileText(MESSAGE_PIECES, 16), note: hostileText(), type: hostileText(), count: fc.oneof(fc.integer(), fc.double()),
      firstTimestamp: hostileText(), lastTimestamp: fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      eventTime: hostileText(), series: looseRecord({ count: fc.integer(), lastObservedTime: hostileText() }), source: looseRecord({ component: hostileText() }),
    });

    it('projectNode and projectEvent never throw, and report what they cannot read', () => {
      fc.assert(fc.property(fc.oneof(nodeLike, eventLike, anyValue, nastyValue), (raw) => {
        const errors: unknown[] = [];
        const node = projectNode(raw, (_what, err) => errors.push(err));
        const event = projectEvent(raw, (_what, err) => errors.push(err));
        for (const out of [node, event]) {
          assert.ok(longestString(out) <= 2000, `a field of ${longestString(out)} characters`);
        }
        assert.ok(node === undefined || (node.name.length > 0 && node.pressures.length <= 10));
        assert.ok(event === undefined || (event.count >= 0 && event.count <= 1_000_000));
      }), { numRuns: 1000 });
    });

    it('a node or an event of megabytes projects to a bounded record in linear time', () => {
      const bigNode = (n: number) => ({
        metadata: { name: 'n'.repeat(n), labels: Object.fromEntries(Array.from({ length: n / 100 }, (_, i) => [`k${i}`, 'v'.repeat(100)])) },
        spec: { taints: Array.from({ length: n / 100 }, (_, i) => ({ key: `t${i}` })), providerID: 'azure://'.repeat(n / 8) },
        status: { conditions: Array.from({ length: n / 100 }, (_, i) => ({ type: `C${i}`, status: 'True', message: 'm'.repeat(100) })) },
      });
      const node = projectNode(bigNode(MB));
      assert.ok(node && longestString(node) <= 500 && node.pressures.length <= 10);
      assertRoughlyLinear('projectNode', (n) => bigNode(n * 100), (raw) => projectNode(raw), 50);
      const bigEvent = (n: number) => ({
        metadata: { uid: 'u'.repeat(n) }, involvedObject: { kind: 'Node', name: 'x'.repeat(n) }, reason: 'NodeReimageError',
        message: `Node auto-repair reimage action failed: ${'Code="'.repeat(n / 6)}`, count: 1e300,
      });
      const event = projectEvent(bigEvent(MB));
      assert.ok(event === undefined || longestString(event) <= 2000);
      assertRoughlyLinear('projectEvent', (n) => bigEvent(n * 10), (raw) => projectEvent(raw), 50);
    });
  });

  describe('providerIDs', () => {
    const PIECES = ['azure://', '/subscriptions/', '00000000-0000-0000-0000-000000000001', '/resourceGroups/', 'mc_rg', '/providers/', 'Microsoft.Compute',
      '/virtualMachineScaleSets/', 'aks-pool-vmss', '/virtualMachines/', '3', '/', '//', '%2F', '..', ' '];
    it('parseProviderId never throws; a target it returns is made of what the input held', () => {
      fc.assert(fc.property(mostly(hostileText(PIECES, 20)), (raw) => {
        const r = parseProviderId(raw as string);
        if (r.ok) {
          const t = r.target;
          assert.ok(typeof raw === 'string' && raw.length <= PROVIDER_ID_MAX_LENGTH);
          for (const part of [t.subscriptionId, t.resourceGroup, t.kind === 'vmss' ? t.scaleSet : t.vmName]) {
            assert.ok(part.length > 0 && !/[/\s]/.test(part), `part ${JSON.stringify(part)}`);
          }
        } else {
          assert.ok(r.reason.length <= 2000);
        }
      }), { numRuns: 1000 });
    });

    it('a providerID of megabytes is refused at once', () => {
      for (const make of adversarial(PIECES)) {
        assert.equal(parseProviderId(make(MB)).ok, false);
        assertRoughlyLinear('parseProviderId', make, (t) => parseProviderId(t), 50);
      }
    });
  });

  describe('bootstrap exit codes', () => {
    const PIECES = ['exit status=', 'exit status=50', '"ExitCode": "', '\\"ExitCode\\": \\"', '50', '999', '[stdout]', '{', '"', '\\', ' ', '\n', 'ExitCode'];
    it('readExitCode and extensionExitCode never throw and give 0..255 or nothing', () => {
      fc.assert(fc.property(hostileText(PIECES, 20), fc.oneof(fc.constantFrom('vmssCSE', 'cse-agent', 'x'), hostileText()), (message, name) => {
        for (const code of [readExitCode(message), extensionExitCode({ name, type: 'Microsoft.Azure.Extensions.CustomScript', message })]) {
          assert.ok(code === undefined || (Number.isInteger(code) && code >= 0 && code <= 255), String(code));
        }
      }), { numRuns: 1000 });
    });

    it('a message of megabytes is read in linear time', () => {
      for (const make of adversarial(PIECES)) {
        readExitCode(make(MB));
        assertRoughlyLinear('readExitCode', make, (t) => readExitCode(t), 50);
      }
    });
  });

  describe('settings JSONC', () => {
    const PIECES = ['//', '/*', '*/', '"', '\\"', '\\', ',', ',]', ',}', '{', '}', '[', ']', '\n', ':', '"a"', '1', 'true', ' '];
    it('parseJsonc returns a value or throws a SyntaxError (its documented failure), nothing else', () => {
      fc.assert(fc.property(hostileText(PIECES, 30), (text) => {
        try {
          parseJsonc(text);
        } catch (err) {
          assert.ok(err instanceof SyntaxError, `${(err as Error).name}: ${(err as Error).message}`);
        }
      }), { numRuns: 1000 });
    });

    it('parseJsonc reads JSON as JSON.parse does', () => {
      fc.assert(fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2);
        assert.deepEqual(parseJsonc(text), JSON.parse(text));
      }), RUNS);
    });

    it('parseJsonc takes linear time on comment, string and comma runs', () => {
      for (const make of adversarial(PIECES)) {
        assertRoughlyLinear(`parseJsonc(${JSON.stringify(make(4))}…)`, make, (t) => { try { parseJsonc(t); } catch { /* malformed is fine */ } }, 50);
      }
    });
  });

  describe('the history file', () => {
    const good = encodeLine({ t: 'e', e: recordedEvent({ key: 'k', node: 'aks-x', reason: 'NodeReimageError', action: 'reimage', phase: 'error', code: 'X', format: 'colon', message: 'm', count: 2, firstSeen: 1, lastSeen: 2 }, 3) }).trim();
    it('decodeLine never throws on a corrupt line: a cut, a flipped character, any JSON', () => {
      assert.ok('line' in decodeLine(good), 'the good line reads back');
      fc.assert(fc.property(fc.oneof(
        fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
        fc.tuple(fc.nat({ max: good.length - 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([i, s]) => good.slice(0, i) + s + good.slice(i + 1)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.record({ t: fc.constantFrom('h', 'e', 'r', 'n', 'x'), e: anyValue, r: anyValue, n: anyValue, v: anyValue, cluster: anyValue }).map((v) => { try { return JSON.stringify(v) ?? ''; } catch { return '{}'; } }),
        hostileText(['{"t":"e","e":{', '}', '"key":', '"count":', '1e999', '-0', 'null']),
      ), (text) => {
        const r = decodeLine(text);
        assert.ok('line' in r || ('problem' in r && r.problem.length > 0));
        if ('line' in r) {
          assert.ok(longestString(r.line) <= Math.max(text.length, 64));
        }
      }), { numRuns: 1000 });
    });

    it('decodeLine takes linear time on a long or deeply nested line', () => {
      assert.ok('problem' in decodeLine('['.repeat(1_000_000)));
      assertRoughlyLinear('decodeLine nested', (n) => '['.repeat(n), (t) => decodeLine(t), 50);
      assertRoughlyLinear('decodeLine long', (n) => good.replace('"m"', JSON.stringify('m'.repeat(n))), (t) => decodeLine(t), 50);
    });
  });

  describe('runbook front matter', () => {
    const PIECES = ['---\n', '---', '\n', '\r\n', 'id: ', 'title: ', 'kind: ', 'code', 'matches:\n', '  - ', 'docs:\n', ' | ', 'https://x', 'related:\n', 'action: ', 'none',
      'severity: ', 'error', 'summary: ', 'firstStep: ', 'ambiguous: ', 'true', '#', ':', '"', "'", '\uFEFF', ' '];
    it('parseCatalogEntry never throws; an entry it accepts has a safe id and bounded fields', () => {
      fc.assert(fc.property(hostileText(PIECES, 40), (text) => {
        const r = parseCatalogEntry(text, '/runbooks/x.md', 'user');
        if (r.ok) {
          assert.match(r.entry.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
          for (const doc of r.entry.docs) {
            assert.match(doc.url, /^https:\/\//i, `doc url ${doc.url}`);
          }
        } else {
          assert.ok(r.error.length <= 400, `error of ${r.error.length}`);
        }
      }), { numRuns: 1000 });
    });

    it('parseCatalogEntry takes linear time on long front matter, long lists and unclosed blocks', () => {
      const head = '---\nid: x\ntitle: t\nkind: code\naction: none\nseverity: error\nsummary: s\nfirstStep: f\n';
      const cases: [string, (n: number) => string][] = [
        ['many matches', (n) => `${head}matches:\n${'  - Code\n'.repeat(n / 9)}---\nbody`],
        ['many docs', (n) => `${head}docs:\n${'  - t | https://learn.microsoft.com/x\n'.repeat(n / 40)}---\nbody`],
        ['unclosed', (n) => `${head}${'summary: s\n'.repeat(n / 11)}`],
        ['long value', (n) => `${head.replace('title: t', `title: ${'t'.repeat(n)}`)}---\nbody`],
        ['long body', (n) => `${head}---\n${'# x\n[a](b) '.repeat(n / 12)}`],
        ['dashes', (n) => `---\n${'-'.repeat(n)}\n`],
      ];
      for (const [what, make] of cases) {
        assertRoughlyLinear(`parseCatalogEntry ${what}`, make, (t) => parseCatalogEntry(t, 'x.md', 'user'), 50);
      }
    });
  });

  describe('runbook folders', () => {
    it('loadCatalogFolders reads a folder of hostile runbooks (every corpus string as a file, a file over 1 MB, a directory named .md) without throwing', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-fuzz-catalog-'));
      try {
        HOSTILE_CORPUS.forEach((h, i) => fs.writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}-${h.id}.md`), h.text));
        HOSTILE_CORPUS.forEach((h, i) => fs.writeFileSync(path.join(dir, `fm-${i}.md`), `---\nid: e${i}\ntitle: ${h.text.split('\n')[0]}\nkind: code\nmatches:\n  - ${h.text.split('\n')[0]}\naction: none\nseverity: error\nsummary: s\nfirstStep: f\n---\n${h.text}`));
        fs.writeFileSync(path.join(dir, 'huge.md'), `---\nid: huge\n---\n${'x'.repeat(MAX_ENTRY_BYTES + 1)}`);
        fs.mkdirSync(path.join(dir, 'folder.md'));
        const { catalog, problems } = loadCatalogFolders([{ path: dir, origin: 'user' }, { path: path.join(dir, 'missing'), origin: 'user' }]);
        assert.ok(problems.some((p) => p.includes('huge.md')), 'the big file is named in a problem');
        assert.ok(problems.length >= HOSTILE_CORPUS.length, `${problems.length} problems`);
        // Problems go to the log, one entry each: a runbook's text cannot add lines or controls to it.
        assert.deepEqual(problems.filter((p) => unsafeCharactersIn(p, ['terminal', 'bidi', 'control', 'lineBreak']).length > 0).map((p) => p.slice(0, 120)), []);
        for (const e of catalog.entries) {
          assert.match(e.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Container Insights rows', () => {
    const column = fc.constantFrom(...INSIGHTS_COLUMNS);
    const cellValue = fc.oneof(hostileText(['NodeReimageError', 'aks-x', 'Warning', 'Normal', 'Node auto-repair reimage action failed: X']),
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'not a date' : d.toISOString())), fc.integer(), fc.double(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
    it('mapInsightsRows never throws on any table the service could send', () => {
      fc.assert(fc.property(
        fc.array(fc.oneof(column.map((name) => ({ name })), fc.record({ name: anyValue as fc.Arbitrary<string> }, { requiredKeys: [] })), { maxLength: 16 }),
        fc.array(fc.oneof(fc.array(cellValue, { maxLength: 16 }), anyValue as fc.Arbitrary<unknown[]>), { maxLength: 20 }),
        (columns, rows) => {
          const errors: unknown[] = [];
          const events = mapInsightsRows({ columns, rows }, (_w, e) => errors.push(e));
          assert.ok(events.length <= rows.length);
          for (const e of events) {
            assert.ok(longestString(e) <= 2100, `a field of ${longestString(e)}`);
            assert.ok(e.count >= 0 && e.count <= 1_000_000);
          }
        }), { numRuns: 500 });
    });

    it('mapInsightsRows takes linear time in the number of rows and in cell size', () => {
      const columns = INSIGHTS_COLUMNS.map((name) => ({ name }));
      const row = (i: number, size: number): unknown[] => INSIGHTS_COLUMNS.map((c) => (c === 'Name' ? `aks-x-${i}` : c === 'Reason' ? 'NodeReimageError'
        : c === 'Count' ? i : c.endsWith('Seen') || c === 'TimeGenerated' ? new Date(1_700_000_000_000 + i).toISOString() : `Code="${'x'.repeat(size)}`));
      assertRoughlyLinear('mapInsightsRows rows', (n) => ({ columns, rows: Array.from({ length: n }, (_, i) => row(i, 10)) }), (t) => mapInsightsRows(t), 50);
      assertRoughlyLinear('mapInsightsRows cells', (n) => ({ columns, rows: [row(1, n)] }), (t) => mapInsightsRows(t), 50);
    });
  });
});
