import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Tests compile to out/test/unit/, so the repo root is three levels up.
const REPO_ROOT = path.resolve(__dirname, '../../..');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown>; imports?: { path: string; external?: boolean }[] }>;
}

/** The lazy bundles of esbuild.mjs, each with modules of the feature it holds (and extension.js must not). */
const FEATURES: Record<string, readonly string[]> = {
  diagnosis: ['src/diagnosis/diagnosisPanel.ts', 'src/diagnosis/diagnosisRenderer.ts', 'src/diagnosis/sectionRenderers.ts', 'src/domain/findings/index.ts', 'src/domain/diagnosisMarkdown.ts'],
  actions: ['src/actions/nodeActionService.ts', 'src/actions/clusterActionRunner.ts', 'src/actions/azureActionRunner.ts', 'src/actions/confirmation.ts'],
  historyStore: ['src/history/historyStore.ts', 'src/history/historyRecorder.ts', 'src/history/historySync.ts'],
  historyPanel: ['src/historyPanel/historyPanel.ts', 'src/historyPanel/historyRenderer.ts', 'src/historyPanel/historyChart.ts'],
  fileScan: ['src/fileScan/fileScanner.ts', 'src/fileScan/scanCore.ts'],
  supportReport: ['src/domain/supportReport.ts'],
};

/** The repo-relative source files bundled into one output. */
function bundledSources(metafile: Metafile, bundle: string): Set<string> {
  const output = Object.entries(metafile.outputs).find(([file]) => path.basename(file) === `${bundle}.js`);
  assert.ok(output, `${bundle}.js is not among the metafile's outputs`);
  return new Set(Object.keys(output[1].inputs).filter((input) => input.startsWith('src/')));
}

/** What an output requires from outside itself that is one of our bundles (`./<name>.js`). */
function requiredBundles(metafile: Metafile, bundle: string): Set<string> {
  const output = Object.entries(metafile.outputs).find(([file]) => path.basename(file) === `${bundle}.js`);
  assert.ok(output, `${bundle}.js is not among the metafile's outputs`);
  return new Set((output[1].imports ?? []).filter((i) => i.external && /^\.\/\w+\.js$/.test(i.path)).map((i) => i.path.slice(2, -3)));
}

/** The npm packages bundled into one output, read from its metafile inputs (`node_modules/<pkg>/...`). */
function bundledPackages(metafile: Metafile, bundle: string): Set<string> {
  const output = Object.entries(metafile.outputs).find(([file]) => path.basename(file) === `${bundle}.js`);
  assert.ok(output, `${bundle}.js is not among the metafile's outputs`);
  const packages = new Set<string>();
  for (const input of Object.keys(output[1].inputs)) {
    // The last node_modules segment names the package, nested copies included.
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(input);
    if (m) {
      packages.add(m[1]);
    }
  }
  return packages;
}

// Activation loads dist/extension.js; the heavy dependencies belong in the bundles loaded later.
describe('production bundles', function () {
  this.timeout(120_000);
  let tmp: string;
  const packages: Record<string, Set<string>> = {};
  const sources: Record<string, Set<string>> = {};
  const requires: Record<string, Set<string>> = {};

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-bundles-'));
    const outdir = path.join(tmp, 'dist');
    const metadir = path.join(tmp, 'meta');
    execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', outdir, '--metafile', metadir], { cwd: REPO_ROOT, stdio: 'pipe' });
    for (const bundle of ['extension', 'guidance', 'cluster', 'azure', ...Object.keys(FEATURES)]) {
      const metafile = JSON.parse(fs.readFileSync(path.join(metadir, `${bundle}.meta.json`), 'utf8')) as Metafile;
      packages[bundle] = bundledPackages(metafile, bundle);
      sources[bundle] = bundledSources(metafile, bundle);
      requires[bundle] = requiredBundles(metafile, bundle);
      assert.ok(fs.existsSync(path.join(outdir, `${bundle}.js`)), `${bundle}.js was not written to the temp outdir`);
    }
  });

  after(() => {
    if (tmp) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('extension.js holds neither markdown-it, nor @kubernetes/client-node, nor @azure/*, nor undici', () => {
    const heavy = [...packages.extension].filter((p) =>
      p === 'markdown-it' || p === '@kubernetes/client-node' || p.startsWith('@azure/') || p === 'undici');
    assert.deepEqual(heavy, []);
  });

  it('guidance.js holds markdown-it', () => {
    assert.ok(packages.guidance.has('markdown-it'), `guidance.js packages: ${[...packages.guidance].join(', ')}`);
  });

  it('cluster.js holds @kubernetes/client-node', () => {
    assert.ok(packages.cluster.has('@kubernetes/client-node'), `cluster.js packages: ${[...packages.cluster].join(', ')}`);
  });

  it('azure.js holds the @azure/* clients and the CLI credential', () => {
    const wanted = ['@azure/arm-compute', '@azure/arm-containerservice', '@azure/arm-monitor', '@azure/arm-resourcehealth', '@azure/identity'];
    const missing = wanted.filter((p) => !packages.azure.has(p));
    assert.deepEqual(missing, [], `azure.js packages: ${[...packages.azure].join(', ')}`);
  });

  it('the lazy bundles stay apart: cluster.js holds no @azure/*, azure.js no client-node', () => {
    assert.deepEqual([...packages.cluster].filter((p) => p.startsWith('@azure/')), []);
    assert.ok(!packages.azure.has('@kubernetes/client-node'));
  });

  it('extension.js leaves each feature to its lazy bundle, and requires that bundle instead', () => {
    for (const [bundle, modules] of Object.entries(FEATURES)) {
      assert.deepEqual(modules.filter((m) => sources.extension.has(m)), [], `in extension.js instead of ${bundle}.js`);
      assert.deepEqual(modules.filter((m) => !sources[bundle].has(m)), [], `missing from ${bundle}.js`);
      assert.ok(requires.extension.has(bundle), `extension.js does not require ./${bundle}.js: ${[...requires.extension].join(', ')}`);
    }
  });

  it('the feature bundles hold neither client-node nor @azure/* nor markdown-it, and load the heavy bundles only through require', () => {
    for (const bundle of Object.keys(FEATURES)) {
      const heavy = [...packages[bundle]].filter((p) => p === 'markdown-it' || p === '@kubernetes/client-node' || p.startsWith('@azure/'));
      assert.deepEqual(heavy, [], `${bundle}.js`);
      assert.ok(!sources[bundle].has('src/cluster/clusterBackend.ts') && !sources[bundle].has('src/azure/azureBackend.ts'), `${bundle}.js bundles a backend`);
    }
  });
});
