import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Tests compile to out/test/unit/, so the repo root is three levels up.
const REPO_ROOT = path.resolve(__dirname, '../../..');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
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

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-bundles-'));
    const outdir = path.join(tmp, 'dist');
    const metadir = path.join(tmp, 'meta');
    execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', outdir, '--metafile', metadir], { cwd: REPO_ROOT, stdio: 'pipe' });
    for (const bundle of ['extension', 'guidance', 'cluster', 'azure']) {
      const metafile = JSON.parse(fs.readFileSync(path.join(metadir, `${bundle}.meta.json`), 'utf8')) as Metafile;
      packages[bundle] = bundledPackages(metafile, bundle);
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
});
