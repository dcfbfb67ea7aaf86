/**
 * Runs test/bench/vscode/index.ts in a fresh code-server extension host, with our extension as
 * the development extension and a trivial extension installed beside it. This is what
 * test/harness/vscodeShim.ts does for runTests, plus the installed extension: the web workbench
 * honours only one extensionDevelopmentPath (the last one wins), so the baseline cannot be a
 * second development extension.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { launchChromium } from '../../harness/browser';
import { startCodeServer } from '../../harness/codeServer';
import { REPO_ROOT } from '../common';

/**
 * The baseline extension: activated by the same events as ours, so the host starts both at the
 * same moment, and doing the least any extension with a command does (one log channel, one
 * command), timed the same way as our activate().
 */
export function makeTrivialExtension(dir: string): void {
  const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'trivial', publisher: 'aks-node-repair-bench', version: '0.0.1', engines: { vscode: '^1.101.0' },
    main: './dist/extension.js', activationEvents: ours.activationEvents,
  }));
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), [
    "const vscode = require('vscode');",
    'exports.activate = (context) => {',
    '  const started = performance.now();',
    "  const log = vscode.window.createOutputChannel('Bench baseline', { log: true });",
    "  context.subscriptions.push(log, vscode.commands.registerCommand('aksNodeRepairBench.noop', () => undefined));",
    '  return { activationMs: performance.now() - started };',
    '};',
    'exports.deactivate = () => {};',
    '',
  ].join('\n'));
}

/** One fresh host; resolves with the exit code the extension-tests entry reported. */
export async function runInHost(trivialExtension: string, env: Record<string, string>, timeoutMs = 180_000): Promise<number> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-bench-host-'));
  const folder = path.join(stateDir, 'workspace');
  fs.mkdirSync(folder);
  const server = await startCodeServer({ folder, stateDir, smokeTestDriver: true, installExtensionFolders: [trivialExtension], env });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const result = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      setTimeout(() => resolve(124), timeoutMs).unref();
    });
    let started = false;
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
      started ||= text.includes('extension-host tests start');
      if (started) {
        process.stderr.write(`[host] ${text}\n`);
      }
    });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(path.join(__dirname, 'index'))],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return await result;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
