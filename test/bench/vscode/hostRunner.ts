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

/**
 * The registration floor: the same host calls our activate() cannot do without (the log channel,
 * every command in ids.ts, the Nodes tree view, the hover and terminal link providers, the
 * guidance panel's serializer), each with an empty handler: what activation costs before any
 * of our own code runs.
 */
export function makeFloorExtension(dir: string, commandIds: readonly string[]): void {
  const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'floor', publisher: 'aks-node-repair-bench', version: '0.0.1', engines: { vscode: '^1.101.0' },
    main: './dist/extension.js', activationEvents: ours.activationEvents,
    // A tree view needs a contributed view: one in the Explorer, so the floor adds no container.
    contributes: { views: { explorer: [{ id: 'aksNodeRepairFloor.nodes', name: 'Bench floor' }] } },
  }));
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), [
    "const vscode = require('vscode');",
    `const COMMANDS = ${JSON.stringify(commandIds.map((id) => id.replace('aksNodeRepair.', 'aksNodeRepairFloor.')))};`,
    'exports.activate = (context) => {',
    '  const started = performance.now();',
    "  const log = vscode.window.createOutputChannel('Bench floor', { log: true });",
    '  const noop = () => undefined;',
    '  context.subscriptions.push(log, ...COMMANDS.map((id) => vscode.commands.registerCommand(id, noop)));',
    '  const tree = { getTreeItem: (e) => e, getChildren: () => [] };',
    "  context.subscriptions.push(vscode.window.createTreeView('aksNodeRepairFloor.nodes', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true }));",
    // The selector of src/hover/errorCodeHoverProvider.ts (HOVER_SELECTOR).
    "  const selector = [...['log', 'yaml', 'json', 'jsonc', 'plaintext', 'markdown'].map((language) => ({ language })), { scheme: 'output' }];",
    '  context.subscriptions.push(vscode.languages.registerHoverProvider(selector, { provideHover: noop }));',
    '  context.subscriptions.push(vscode.window.registerTerminalLinkProvider({ provideTerminalLinks: () => [], handleTerminalLink: noop }));',
    "  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer('aksNodeRepairFloor.guidance', { deserializeWebviewPanel: async () => undefined }));",
    '  return { activationMs: performance.now() - started };',
    '};',
    'exports.deactivate = () => {};',
    '',
  ].join('\n'));
}

/** One fresh host with `extensionPath` (the checkout, or a copy of it) as the development extension; resolves with the exit code the extension-tests entry reported. */
export async function runInHost(
  installed: string | readonly string[], env: Record<string, string>, timeoutMs = 180_000, extensionPath = REPO_ROOT,
): Promise<number> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-bench-host-'));
  const folder = path.join(stateDir, 'workspace');
  fs.mkdirSync(folder);
  const server = await startCodeServer({ folder, stateDir, smokeTestDriver: true, installExtensionFolders: typeof installed === 'string' ? [installed] : installed, env });
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
      ['extensionDevelopmentPath', remote(extensionPath)],
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
