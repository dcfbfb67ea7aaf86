/**
 * Activation benchmark: activates the production bundle in the real extension host of
 * code-server (several fresh instances), next to a trivial extension activated in the same host;
 * bundle sizes; and, in plain Node, the cost of requiring each bundle against importing
 * @kubernetes/client-node, which is what lazy loading keeps out of activation.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { BenchRow, benchScale, emit, fmtBytes, fmtMs, fmtRatio, log, median, REPO_ROOT } from './common';
import { makeTrivialExtension, runInHost } from './vscode/hostRunner';
import type { HostFigures } from './vscode/index';

const KB = 1024;

async function hostRuns(runs: number): Promise<HostFigures[]> {
  const figures: HostFigures[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-bench-act-'));
  try {
    const trivial = path.join(scratch, 'trivial');
    makeTrivialExtension(trivial);
    for (let i = 0; i < runs; i++) {
      const out = path.join(scratch, `host-${i}.json`);
      // Alternate which extension activates first, so neither always gets the warmer host.
      const order = i % 2 === 0 ? 'trivial,ours' : 'ours,trivial';
      const started = Date.now();
      const code = await runInHost(trivial, { AKS_REPAIR_BENCH_OUT: out, AKS_REPAIR_BENCH_ORDER: order });
      if (code !== 0 || !fs.existsSync(out)) {
        throw new Error(`the extension host run failed (exit ${code}); rerun with output above`);
      }
      const f = JSON.parse(fs.readFileSync(out, 'utf8')) as HostFigures;
      figures.push(f);
      log(`activation: host run ${i + 1}/${runs} (${((Date.now() - started) / 1000).toFixed(0)} s): activate() ${fmtMs(f.oursActivationMs)} vs baseline ${fmtMs(f.trivialActivationMs)}; active before: ${f.oursActiveBefore}/${f.trivialActiveBefore}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return figures;
}

/** Milliseconds to load `what` in a fresh Node process (median of `reps`), `vscode` stubbed. */
function loadTime(what: string, reps: number): number {
  const script = `
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') { return new Proxy({}, { get: () => new Proxy(function () {}, { get: () => undefined }) }); }
  return load.call(this, request, ...rest);
};
const what = process.argv[1];
const t0 = performance.now();
const done = () => process.stdout.write(String(performance.now() - t0));
if (what.startsWith('import:')) { import(what.slice(7)).then(done); } else { require(what); done(); }
`;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    times.push(Number(execFileSync(process.execPath, ['-e', script, what], { cwd: REPO_ROOT, encoding: 'utf8' })));
  }
  return median(times);
}

async function main(): Promise<void> {
  const scale = benchScale();
  const runs = Math.max(1, Math.round(5 * scale));
  const dist = (f: string): string => path.join(REPO_ROOT, 'dist', f);
  const size = (f: string): number => fs.statSync(dist(f)).size;
  const sizes = { extension: size('extension.js'), cluster: size('cluster.js'), guidance: size('guidance.js') };

  const reps = 5;
  const empty = path.join(os.tmpdir(), `aks-repair-empty-${process.pid}.js`);
  fs.writeFileSync(empty, '');
  const req = {
    empty: loadTime(empty, reps),
    extension: loadTime(dist('extension.js'), reps),
    guidance: loadTime(dist('guidance.js'), reps),
    cluster: loadTime(dist('cluster.js'), reps),
    clientNode: loadTime('import:@kubernetes/client-node', reps),
  };
  fs.rmSync(empty);
  log(`activation: plain-Node load times ${JSON.stringify(Object.fromEntries(Object.entries(req).map(([k, v]) => [k, v.toFixed(2)])))}`);

  const host = await hostRuns(runs);
  const med = (f: (h: HostFigures) => number): number => median(host.map(f));
  const activationMs = med((h) => h.oursActivationMs);
  const trivialMs = med((h) => h.trivialActivationMs);
  const activeBefore = host.filter((h) => h.oursActiveBefore).length;
  const trivialBefore = host.filter((h) => h.trivialActiveBefore).length;
  const oursWall = med((h) => h.oursActivateWallMs);
  const trivialWall = med((h) => h.trivialActivateWallMs);
  const clientAfterActivation = host.some((h) => h.clusterClientLoadedAfterActivation);
  const loadedAtActivation = [...new Set(host.flatMap((h) => h.loadedAfterActivation))].filter((f) => f.endsWith('.js'));
  const lazyLeaked = loadedAtActivation.filter((f) => f !== 'dist/extension.js');
  const afterTree = host.every((h) => h.clusterClientLoadedAfterTree === true);
  const treeTimes = host.map((h) => h.msToClientAfterTree).filter((x): x is number => x !== undefined);
  const treeErrors = [...new Set(host.map((h) => h.treeError).filter(Boolean))];
  const bundleAtActivation = loadedAtActivation.reduce((n, f) => n + fs.statSync(path.join(REPO_ROOT, f)).size, 0);

  const rows: BenchRow[] = [
    {
      id: 'activation.ms', area: 'Activation', metric: `activate() body in the real extension host (median of ${runs} fresh hosts)`,
      value: fmtMs(activationMs), baseline: `baseline extension (1 log channel + 1 command), same host and moment: ${fmtMs(trivialMs)}`,
      ratio: fmtRatio(activationMs / trivialMs, 'baseline'), target: '< 10 ms', met: activationMs < 10,
      gap: activationMs < 10 ? undefined : `${fmtMs(activationMs - 10)} over`,
    },
    {
      id: 'activation.wall', area: 'Activation', metric: 'Activated by the host at startup (before the bench asked) / ext.activate() wall',
      value: `${activeBefore}/${runs} runs; ${activeBefore === runs ? 'already active' : fmtMs(oursWall)}`,
      baseline: `baseline extension: ${trivialBefore}/${runs}; ${trivialBefore === runs ? 'already active' : fmtMs(trivialWall)}`,
    },
    {
      id: 'activation.clientNotLoaded', area: 'Activation', metric: 'Cluster client loaded after activation (isClusterClientLoaded(), module cache)',
      value: `${clientAfterActivation ? 'loaded' : 'not loaded'}; dist files in the host's module cache: ${loadedAtActivation.join(', ') || 'none'}`,
      target: 'not loaded', met: !clientAfterActivation && lazyLeaked.length === 0,
      gap: !clientAfterActivation && lazyLeaked.length === 0 ? undefined : `loaded at activation: ${[clientAfterActivation ? 'cluster client' : '', ...lazyLeaked].filter(Boolean).join(', ')}`,
    },
    {
      id: 'activation.bundle', area: 'Activation', metric: 'Bundle loaded at activation (production, minified)',
      value: fmtBytes(bundleAtActivation || sizes.extension),
      baseline: `dist/cluster.js ${fmtBytes(sizes.cluster)}, dist/guidance.js ${fmtBytes(sizes.guidance)} (lazy)`,
      ratio: fmtRatio((bundleAtActivation || sizes.extension) / (sizes.extension + sizes.cluster + sizes.guidance), 'of all bundles'),
      target: '< 200 KB', met: (bundleAtActivation || sizes.extension) < 200 * KB,
      gap: (bundleAtActivation || sizes.extension) < 200 * KB ? undefined : `${fmtBytes((bundleAtActivation || sizes.extension) - 200 * KB)} over`,
    },
    {
      id: 'activation.lazyOnTree', area: 'Activation', metric: 'Cluster client loaded once the Nodes view is shown',
      value: afterTree ? `loaded, ${fmtMs(median(treeTimes))} after focusing the view` : `not loaded within 10 s of focusing the view${treeErrors.length ? ` (${treeErrors.join('; ')})` : ''}`,
      target: 'loaded on first show, not before', met: afterTree && !clientAfterActivation,
      gap: afterTree ? undefined : 'the Nodes view does not load the cluster client yet (isClusterClientLoaded() stays false)',
    },
    {
      id: 'activation.require', area: 'Activation', metric: 'Plain Node: require(dist/extension.js), vscode stubbed (fresh process, median of 5)',
      value: fmtMs(req.extension), baseline: `import('@kubernetes/client-node'): ${fmtMs(req.clientNode)}`, ratio: fmtRatio(req.extension / req.clientNode, 'client-node import'),
    },
    {
      id: 'activation.requireLazy', area: 'Activation', metric: 'Plain Node: require(dist/cluster.js) / require(dist/guidance.js)',
      value: `${fmtMs(req.cluster)} / ${fmtMs(req.guidance)}`, baseline: `require(empty file): ${fmtMs(req.empty)}`,
    },
  ];
  const notes = [
    `Each host run starts a fresh code-server (VS Code ${host[0]?.vscodeVersion ?? '?'}) and Chromium (test/bench/vscode/hostRunner.ts, the steps of test/harness/vscodeShim.ts), our extension as the development extension and a baseline extension installed beside it. The baseline has our activationEvents, so the host activates both at the same moment under the same startup load, and its activate() creates one log output channel and registers one command: the floor for any extension with a command. Both time their own activate() body with performance.now(); test/bench/vscode/index.ts reads them from the exports.`,
    `In these runs the host activated both extensions during startup, before the bench entry ran (one of the onLanguage events fires while the workbench starts), so ext.activate() wall times are ~0 and the body times include startup contention from the other extensions.`,
    `Plain Node (fresh process each, \`vscode\` stubbed): require(dist/extension.js) ${fmtMs(req.extension)} vs require(empty file) ${fmtMs(req.empty)} (Node's own floor); import('@kubernetes/client-node') ${fmtMs(req.clientNode)}, require(dist/cluster.js) ${fmtMs(req.cluster)}: what lazy loading keeps out of activation.`,
    `Bundle sizes: dist/extension.js ${fmtBytes(sizes.extension)}, dist/guidance.js ${fmtBytes(sizes.guidance)}, dist/cluster.js ${fmtBytes(sizes.cluster)} (node esbuild.mjs --production). Our dist files in the host's module cache after activation: ${loadedAtActivation.join(', ') || 'none'}; after showing the Nodes view: ${[...new Set(host.flatMap((h) => h.loadedAfterTree))].join(', ') || 'none'}.`,
  ];
  emit({ section: 'activation', rows, notes, raw: { sizes, req, host } });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
