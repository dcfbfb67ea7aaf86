/**
 * A person's view of VS Code: code-server with the packaged extension installed, opened in
 * Chromium. Helpers click and type like a user and save screenshots.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { REPO_ROOT, RunningCodeServer, runtimePaths, startCodeServer } from '../harness/codeServer';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'ui');
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');

export interface WorkbenchOptions {
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly settings?: Record<string, unknown>;
  readonly theme?: string;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly folder: string,
    private readonly browser: Browser,
    private readonly server: RunningCodeServer,
    private readonly stateDir: string,
  ) {}

  static async open(opts: WorkbenchOptions = {}): Promise<Workbench> {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-'));
    const folder = path.join(stateDir, 'workspace');
    fs.mkdirSync(folder, { recursive: true });
    for (const [name, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      fs.writeFileSync(path.join(folder, name), text);
    }
    const extensionsDir = path.join(stateDir, 'extensions');
    installPackagedExtension(stateDir, extensionsDir);
    const userDir = path.join(stateDir, 'user-data', 'User');
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'chat.disableAIFeatures': true,
      'workbench.colorTheme': opts.theme ?? 'Default Dark Modern',
      'editor.hover.delay': 300,
      ...opts.settings,
    }, null, 2));
    const server = await startCodeServer({ folder, stateDir, env: opts.env });
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The extension host and our extension start after the workbench paints.
    await page.waitForTimeout(1500);
    return new Workbench(page, folder, browser, server, stateDir);
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  async screenshot(name: string, opts: { docs?: boolean } = {}): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    if (opts.docs) {
      fs.mkdirSync(DOCS_DIR, { recursive: true });
      fs.copyFileSync(file, path.join(DOCS_DIR, `${name}.png`));
    }
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Installs the .vsix the test run packaged (AKS_REPAIR_VSIX), as a user would; else the built folder. */
function installPackagedExtension(stateDir: string, extensionsDir: string): void {
  const vsix = process.env.AKS_REPAIR_VSIX ? path.resolve(REPO_ROOT, process.env.AKS_REPAIR_VSIX) : undefined;
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (!vsix || !fs.existsSync(vsix)) {
    throw new Error('The ui tier installs the packaged extension: run it through `npm test` (or set AKS_REPAIR_VSIX to a .vsix).');
  }
  const { node, entry } = runtimePaths();
  const home = path.join(stateDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  execFileSync(node, [entry, '--user-data-dir', path.join(stateDir, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), TMPDIR: home, EXTENSIONS_GALLERY: '{}' },
    stdio: 'pipe',
    timeout: 60_000,
  });
}
