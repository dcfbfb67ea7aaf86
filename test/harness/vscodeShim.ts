/**
 * A stand-in for the desktop `code` executable, for `@vscode/test-electron`'s
 * `runTests({ vscodeExecutablePath })`: it accepts VS Code's desktop arguments, serves the
 * workbench with code-server, opens it in Chromium with the extension-test payload and exits
 * with mocha's result, which the extension host reports through the smoke-test driver.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from './browser';
import { startCodeServer } from './codeServer';

/** Printed by test/vscode/suite/index.ts when mocha starts. */
export const SUITE_START_MARKER = '[aks-node-repair] extension-host tests start';

interface DesktopArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  folder?: string;
}

function parseArgs(argv: readonly string[]): DesktopArgs {
  const out: DesktopArgs = { extensionDevelopmentPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') ? splitFlag(arg) : [undefined, undefined];
    const value = (): string => inline ?? argv[++i];
    switch (flag) {
      case undefined: out.folder = path.resolve(arg); break;
      case '--extensionDevelopmentPath': out.extensionDevelopmentPaths.push(path.resolve(value())); break;
      case '--extensionTestsPath': out.extensionTestsPath = path.resolve(value()); break;
      case '--user-data-dir': out.userDataDir = path.resolve(value()); break;
      case '--extensions-dir': out.extensionsDir = path.resolve(value()); break;
      default: break; // desktop-only switches (--no-sandbox, --disable-updates, ...) mean nothing here
    }
  }
  return out;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.extensionTestsPath || args.extensionDevelopmentPaths.length === 0) {
    console.error('usage: code --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]');
    return 2;
  }
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-vscode-'));
  const folder = args.folder ?? fs.mkdtempSync(path.join(stateDir, 'workspace-'));
  const verbose = process.env.AKS_REPAIR_TEST_VERBOSE === '1';
  const server = await startCodeServer({
    folder,
    stateDir,
    smokeTestDriver: true,
    log: verbose ? (l) => process.stderr.write(`[code-server] ${l}`) : undefined,
  });
  const browser = await launchChromium();
  const timeoutMs = Number(process.env.AKS_REPAIR_VSCODE_TIMEOUT_MS ?? 10 * 60_000);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const result = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      setTimeout(() => {
        console.error(`The extension tests did not finish within ${timeoutMs / 1000}s.`);
        resolve(1);
      }, timeoutMs).unref();
    });
    // The workbench forwards its whole console; show it from the suite's start marker on.
    let started = verbose;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = Array.isArray(args) ? format(...(args as [unknown, ...unknown[]])) : String(args);
      if (!started) {
        started = text.includes(SUITE_START_MARKER);
        return;
      }
      (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : `${text}\n`);
    });
    if (verbose) {
      page.on('console', (m) => process.stderr.write(`[browser] ${m.text()}\n`));
    }
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ...args.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(args.extensionTestsPath)],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    return await result;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (process.env.AKS_REPAIR_KEEP_STATE !== '1') {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
