import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { looksLikeAutoRepairContext } from '../../src/domain/autoRepairContext';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';
import { CodeMatcher, type MatcherTerm } from '../../src/domain/codeMatcher';
import { FileScanner, type FileScanOutcome, type FileScanResult, type ScanOptions } from '../../src/fileScan/fileScanner';
import { TERMS } from './matcherTerms';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/text');
const { catalog } = loadCatalogFolders([{ path: path.join(__dirname, '../../../media/catalog'), origin: 'builtin' }]);
const CATALOG_TERMS = catalog.terms();
const AMBIGUOUS = new Set(catalog.entries.filter((e) => e.ambiguous).map((e) => e.id));
const scanner = new FileScanner(CATALOG_TERMS, AMBIGUOUS);
const matcher = new CodeMatcher(CATALOG_TERMS);

interface Found {
  id: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Line starts as VS Code's text model splits lines: `\r\n`, `\r` or `\n`. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      starts.push(i + 1);
    }
  }
  return starts;
}

function positionOf(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return { line: lo, column: offset - starts[lo] };
}

/** What CodeMatcher.findAll finds in the whole text, with positions: the oracle. */
function expected(text: string, m: CodeMatcher = matcher): Found[] {
  const starts = lineStarts(text);
  return m.findAll(text).map((x) => {
    const s = positionOf(starts, x.start);
    const e = positionOf(starts, x.end);
    return { id: x.id, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  });
}

function found(result: FileScanResult): Found[] {
  return result.groups
    .flatMap((g) => g.occurrences().map((o) => ({ id: g.id, line: o.line, column: o.column, endLine: o.endLine, endColumn: o.endColumn })))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-filescan-'));
let fileNo = 0;
function fileWith(content: string | Buffer): string {
  const file = path.join(tmp, `f${fileNo++}.log`);
  fs.writeFileSync(file, content);
  return file;
}

async function scanFile(file: string, options: ScanOptions = {}, s: FileScanner = scanner): Promise<FileScanResult> {
  const outcome: FileScanOutcome = await s.scanFile(file, options);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.problem.message);
  return outcome.value;
}

/** The same text from disk (in chunks of `chunkSize` bytes) and as a document's text (in slices): both must equal the oracle. */
async function assertLikeMatcher(text: string, chunkSize: number, s: FileScanner = scanner, m: CodeMatcher = matcher): Promise<void> {
  const want = expected(text, m);
  const fromDisk = await scanFile(fileWith(text), { chunkSize }, s);
  assert.deepEqual(found(fromDisk), want, `from disk, chunks of ${chunkSize}`);
  assert.equal(fromDisk.total, want.length);
  assert.equal(fromDisk.lines, lineStarts(text).length);
  const fromText = await s.scanText(text, { chunkSize });
  assert.deepEqual(found(fromText), want, `as text, slices of ${chunkSize}`);
}

describe('whole-file scan (fileScanner)', () => {
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds every code and reason of the fixtures with its line and column, grouped by code with counts', async () => {
    for (const name of ['aks.log', 'kubectl-get-events.txt', 'events.yaml', 'events.json']) {
      const file = path.join(FIXTURES, name);
      const text = fs.readFileSync(file, 'utf8');
      const result = await scanFile(file);
      assert.deepEqual(found(result), expected(text), name);
      assert.ok(result.total > 0, `${name} has codes`);
      for (const g of result.groups) {
        assert.equal(g.count, expected(text).filter((x) => x.id === g.id).length, `${name}: count of ${g.id}`);
      }
      assert.deepEqual(found(await scanner.scanText(text)), expected(text), `${name} as text`);
      assert.equal(result.scanned, result.size);
      assert.ok(result.complete);
    }
  });

  it('finds nothing in near-miss words (prefixes, suffixes, case, split words)', async () => {
    const result = await scanFile(path.join(FIXTURES, 'negatives.txt'), { chunkSize: 7 });
    assert.equal(result.total, 0);
    assert.deepEqual(result.groups, []);
  });

  it('finds a code split across a chunk boundary at every offset, at the first boundary and past the carried text', async () => {
    const chunk = 4096;
    for (const code of ['VMExtensionProvisioningError', 'ManagedIdentityCredential\\n   authentication\r\n\tfailed', 'aka.ms/aks/node-auto-repair-errors']) {
      for (const boundary of [chunk, 3 * chunk]) {
        for (let cut = 0; cut <= code.length; cut++) {
          const before = `${'kubelet: x=1 '.repeat(Math.ceil(boundary / 13))}`.slice(0, boundary - cut - 1);
          const text = `${before} ${code} NodeRebootStart\n${'tail '.repeat(20)}`;
          const want = expected(text);
          assert.equal(want.length, 2, 'the oracle sees both codes');
          const result = await scanFile(fileWith(text), { chunkSize: chunk });
          assert.deepEqual(found(result), want, `${code} cut after ${cut} characters at byte ${boundary}`);
        }
      }
    }
  });

  it('gives the editor\'s line numbers for CRLF and lone CR line ends, also when a chunk ends between \\r and \\n', async () => {
    const text = 'a NodeRebootStart\r\nb\r\n\r\nc NodeRebootEnd\rd\re VMRedeploymentFailed\n\r\nf NodeRebootError\r\n';
    for (const chunkSize of [1, 2, 3, 5, 8, 13, 4096]) {
      await assertLikeMatcher(text, chunkSize);
    }
    const starts = lineStarts(text);
    const result = await scanFile(fileWith(text), { chunkSize: 3 });
    assert.deepEqual(found(result).map((f) => f.line), [0, 3, 5, 7]);
    assert.equal(result.lines, starts.length);
  });

  it('reads a line longer than a chunk, with the columns on that line', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      parts.push(`{"n":${i},"code":"${i % 7 === 0 ? 'TooManyVMRedeploymentRequests' : 'OperationNotAllowed'}","msg":"${'x'.repeat(i % 400)}"} `);
    }
    const text = `first line\n${parts.join('')}\nlast NodeRedeployEnd`;
    assert.ok(text.length > 3 * 65536);
    await assertLikeMatcher(text, 65536);
    const result = await scanFile(fileWith(text), { chunkSize: 65536 });
    assert.ok(found(result).filter((f) => f.line === 1).length > 400);
  });

  it('decodes UTF-8 split by a chunk boundary and counts columns in UTF-16 units, as the editor does', async () => {
    const text = `😀é NodeReimageEnd ノード «OutboundConnectivityNotEnabledOnVMSS» 𝒜 InvalidParameter\u0301 NodeRebootError\n`.repeat(40);
    for (const chunkSize of [1, 2, 3, 4, 5, 7, 11, 64, 100]) {
      await assertLikeMatcher(text, chunkSize);
    }
    // Mostly ASCII with a few non-ASCII lines: the carried text switches between bytes and a string.
    const mixed = Array.from({ length: 3000 }, (_, i) => (i % 150 === 0 ? `« NodeRebootError » ${'ü'.repeat(i % 5)} VMRedeploymentFailed` : `plain ${i} NodeRebootStart x=${i}`)).join('\n');
    for (const chunkSize of [97, 1000, 2500, 20_000, 65_536]) {
      await assertLikeMatcher(mixed, chunkSize);
    }
  });

  it('agrees with the matcher on the whole text for random text and chunk sizes (property)', async () => {
    const pieces = [
      ...CATALOG_TERMS.map((t) => t.term), 'Node', 'Reboot', 'NodeReboot', 'InvalidParamete', 'ManagedIdentityCredential', 'authentication',
      'failed', 'aka.ms/aks/', ' ', '  ', '\t', '\n', '\r\n', '\r', '\u00a0', '\\', '\\n', '\\"', 'n', '"', ':', '_', 'x', '0', 'é', '\u0301',
      '😀', 'ノ', 'Node auto-repair', 'aks-remediator',
    ];
    const text = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4000, size: 'max' }).map((p) => p.join(''));
    await fc.assert(fc.asyncProperty(text, fc.integer({ min: 16, max: 3000 }), async (t, chunkSize) => {
      const want = expected(t);
      assert.deepEqual(found(await scanFile(fileWith(t), { chunkSize })), want);
      assert.deepEqual(found(await scanner.scanText(t, { chunkSize })), want);
    }), { numRuns: 60 });
  });

  it('counts every occurrence but keeps only the first maxPerCode of each code', async () => {
    const text = Array.from({ length: 25 }, (_, i) => `line ${i} NodeRebootError VMExtensionProvisioningError`).join('\n');
    const result = await scanFile(fileWith(text), { maxPerCode: 10, chunkSize: 100 });
    assert.equal(result.total, 50);
    assert.equal(result.maxPerCode, 10);
    for (const g of result.groups) {
      assert.equal(g.count, 25);
      assert.deepEqual(g.occurrences().map((o) => o.line), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.throws(() => g.occurrence(10), RangeError);
    }
    const countsOnly = await scanner.scanText(text, { maxPerCode: 0 });
    assert.deepEqual(countsOnly.groups.map((g) => [g.id, g.count, g.kept]), [['NodeRebootError', 25, 0], ['VMExtensionProvisioningError', 25, 0]]);
  });

  it('stops when cancelled, between chunks, keeping what was found so far', async () => {
    const text = 'NodeRebootStart ok\n'.repeat(20_000);
    const file = fileWith(text);
    const abort = new AbortController();
    const progress: number[] = [];
    const result = await scanFile(file, {
      chunkSize: 16 * 1024, signal: abort.signal, onProgress: (done) => {
        progress.push(done);
        if (progress.length === 3) {
          abort.abort();
        }
      },
    });
    assert.equal(result.complete, false);
    assert.equal(result.scanned, 3 * 16 * 1024);
    assert.ok(result.total > 0 && result.total < 20_000, `found ${result.total} before stopping`);
    assert.equal(result.groups[0].kept, result.total);
    const before = new AbortController();
    before.abort();
    const none = await scanner.scanText(text, { signal: before.signal });
    assert.equal(none.complete, false);
    assert.equal(none.total, 0);
    const inText = new AbortController();
    const partial = await scanner.scanText(text, { chunkSize: 50_000, signal: inText.signal, onProgress: (done, total) => (done > total / 2 ? inText.abort() : undefined) });
    assert.equal(partial.complete, false);
    assert.ok(partial.scanned > text.length / 2 && partial.scanned < text.length, `stopped at ${partial.scanned} of ${text.length}`);
    assert.ok(partial.total > 0 && partial.total < 20_000);
  });

  it('reports progress in bytes up to the file size', async () => {
    const text = 'é NodeReimageStart\n'.repeat(5000);
    const file = fileWith(text);
    const seen: [number, number][] = [];
    const result = await scanFile(file, { chunkSize: 10_000, onProgress: (done, total) => seen.push([done, total]) });
    const size = fs.statSync(file).size;
    assert.ok(seen.length >= Math.floor(size / 10_000));
    assert.ok(seen.every(([done, total], i) => total === size && done <= size && (i === 0 || done >= seen[i - 1][0])));
    assert.equal(seen[seen.length - 1][0], size);
    assert.equal(result.size, size);
  });

  it('yields to the event loop between chunks', async () => {
    const text = 'NodeRebootStart\n'.repeat(200_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await scanner.scanText(text, { chunkSize: 64 * 1024 });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'a timer ran while the text was scanned');
  });

  it('says whether an ambiguous code sits next to auto-repair wording, as the hover does, across chunks', async () => {
    const filler = 'level=info msg="reconciled"\n'.repeat(120);
    const text = `az vm create: (InvalidParameter) The value of parameter imageReference is invalid.\n${filler}`
      + `Warning NodeRebootError node/aks-1 Node auto-repair reboot action failed due to an operation failure: InvalidParameter\n${filler}`
      + `az network nsg rule create: InvalidParameter\n${filler}Node auto-repair is initiating...\n${filler}InvalidParameter\n`;
    const oracle = matcher.findAll(text).filter((m) => m.id === 'InvalidParameter').map((m) => looksLikeAutoRepairContext(text, m));
    assert.deepEqual(oracle, [false, true, false, false], 'the oracle tells the unrelated ones apart');
    for (const result of [await scanFile(fileWith(text), { chunkSize: 1000 }), await scanner.scanText(text, { chunkSize: 1000 })]) {
      const group = result.groups.find((g) => g.id === 'InvalidParameter');
      assert.ok(group);
      assert.deepEqual(group.occurrences().map((o) => o.inRepairContext), oracle);
      assert.equal(group.outOfContext, 3);
      assert.equal(group.count, 4);
    }
  });

  it('previews the line trimmed, with the code highlighted and … where a long line was cut', async () => {
    const result = await scanner.scanText(`\t   reason=NodeRebootError msg="x"\n${'a'.repeat(500)} VMRedeploymentFailed ${'b'.repeat(500)}`);
    const [first, second] = found(result).map((f, i) => ({ f, o: result.groups[i].occurrence(0) }));
    assert.equal(first.o.preview, 'reason=NodeRebootError msg="x"');
    assert.equal(first.o.preview.slice(first.o.previewStart, first.o.previewEnd), 'NodeRebootError');
    assert.ok(second.o.preview.startsWith('…') && second.o.preview.endsWith('…'));
    assert.equal(second.o.preview.slice(second.o.previewStart, second.o.previewEnd), 'VMRedeploymentFailed');
    assert.ok(second.o.preview.length < 240);
  });

  it('keeps going through a whitespace run longer than it carries, and finds the codes on both sides', async () => {
    const texts = [
      `NodeRebootStart${' '.repeat(600_000)}\n${'\n'.repeat(300_000)}NodeRebootEnd ${'\\n'.repeat(200_000)} VMRedeploymentFailed\n`,
      // The longest run is followed by a code and a shorter run: the cut goes after the longest.
      `NodeRebootStart${' '.repeat(280_000)}VMRedeploymentFailed${' '.repeat(100_000)}NodeRebootEnd\n`,
    ];
    for (const text of texts) {
      const result = await scanFile(fileWith(text), { chunkSize: 64 * 1024 });
      assert.deepEqual(found(result), expected(text));
      assert.equal(result.lines, lineStarts(text).length);
    }
  });

  it('finds multi-word codes whose words are far apart, near a chunk end (the decision waits for their context)', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `ManagedIdentityCredential${' '.repeat(300 + 97 * i)}authentication\t\\n failed NodeRebootError\n`).join('');
    for (const chunkSize of [1000, 4096, 65_536]) {
      await assertLikeMatcher(text, chunkSize);
    }
  });

  it('matches exactly with terms too short to filter on (the automaton scans every range)', async () => {
    const terms: MatcherTerm[] = [...TERMS, { term: 'OK', id: 'ok' }, { term: 'OK go', id: 'ok-go' }];
    const short = new FileScanner(terms);
    const m = new CodeMatcher(terms);
    const text = 'OK NodeRebootStart xOK OK_ "OK" OK go OK\tgo\n'.repeat(300);
    await assertLikeMatcher(text, 100, short, m);
    assert.ok(expected(text, m).some((f) => f.id === 'ok-go'), 'the longer term wins at the same start');
    const far = Array.from({ length: 40 }, (_, i) => `OK${' '.repeat(200 + 131 * i)}go ManagedIdentityCredential${' '.repeat(2500)}authentication failed\n`).join('');
    for (const chunkSize of [1000, 4096]) {
      await assertLikeMatcher(far, chunkSize, short, m);
    }
    const forced = `OK${' '.repeat(400_000)}go NodeRebootEnd\n`;
    assert.deepEqual(found(await scanFile(fileWith(forced), { chunkSize: 65_536 }, short)).map((f) => f.id), ['ok', 'NodeRebootEnd'],
      'a match across a whitespace run longer than the carried text is the one thing not found (documented)');
  });

  it('says why a file cannot be read, with a next step', async () => {
    const missing = await scanner.scanFile(path.join(tmp, 'nope.log'));
    assert.ok(!missing.ok);
    assert.match(missing.problem.message, /does not exist/);
    assert.ok(missing.problem.nextStep.length > 0);
    const folder = await scanner.scanFile(tmp);
    assert.ok(!folder.ok);
    assert.match(folder.problem.message, /not a file|folder/);
    const gz = await scanner.scanFile(fileWith(zlib.gzipSync('NodeRebootError')));
    assert.ok(!gz.ok);
    assert.match(gz.problem.message, /compressed/);
    assert.match(gz.problem.nextStep, /gunzip/);
  });

  it('scans an empty file', async () => {
    const result = await scanFile(fileWith(''));
    assert.equal(result.total, 0);
    assert.equal(result.lines, 1);
    assert.ok(result.complete);
  });
});
