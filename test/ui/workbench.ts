/**
 * A person's view of VS Code: code-server with the packaged extension installed, opened in
 * Chromium. Helpers click and type like a user and save screenshots.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { REPO_ROOT, RunningCodeServer, runtimePaths, startCodeServer, writeMachineSettings } from '../harness/codeServer';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'ui');
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');

/** Call inside a describe: keeps a screenshot of the workbench as each test that failed left it. */
export function screenshotFailures(workbench: () => Workbench | undefined): void {
  afterEach(async function () {
    const test = this.currentTest;
    const wb = workbench();
    if (test?.state === 'failed' && wb) {
      await wb.screenshot(`failed-${test.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      // What was on screen, in words: a CI log keeps this where the screenshot is not kept.
      const seen = await wb.describeScreen().catch((err: unknown) => [`(could not read the screen: ${String(err)})`]);
      console.log(`    on screen when "${test.title}" failed:\n${seen.map((l) => `      ${l}`).join('\n')}`);
    }
  });
}

export interface WorkbenchOptions {
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly settings?: Record<string, unknown>;
  readonly theme?: string;
  /** Workspace trust on: the folder opens with VS Code's trust prompt, as a fresh clone would. */
  readonly workspaceTrust?: boolean;
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
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.colorTheme': opts.theme ?? 'Default Dark Modern',
      'editor.hover.delay': 300,
      'security.workspace.trust.enabled': opts.workspaceTrust === true,
      ...opts.settings,
    }, null, 2));
    // Machine-scoped settings (aksNodeRepair.kubeconfig, aksNodeRepair.azure.*) apply from there only.
    writeMachineSettings(path.join(stateDir, 'user-data'), opts.settings ?? {});
    const server = await startCodeServer({ folder, stateDir, env: opts.env, workspaceTrust: opts.workspaceTrust });
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The extension's contributions (its activity-bar icon, its commands) arrive after the workbench
    // paints; a palette opened before then does not list them yet.
    await page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForTimeout(1000);
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

  /** Quick Open (Ctrl+P) a file of the workspace, as a person would. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Moves the mouse onto the first visible occurrence of `text` in the active editor. */
  async hoverText(text: string): Promise<void> {
    const line = this.page.locator('.monaco-editor .view-line', { hasText: text }).first();
    await line.waitFor({ state: 'visible', timeout: 15_000 });
    // Token spans split words (the log grammar colours "Error"), so aim by character: the editor
    // font is monospace and the line's outer span is exactly as wide as its text.
    const outer = line.locator(':scope > span').first();
    const box = await outer.boundingBox();
    const content = ((await outer.textContent()) ?? '').replace(/\u00a0/g, ' ');
    const at = content.indexOf(text);
    if (!box || at < 0) {
      throw new Error(`"${text}" is not on screen`);
    }
    const charWidth = box.width / content.length;
    await this.page.mouse.move(box.x + charWidth * (at + text.length / 2), box.y + box.height / 2);
  }

  /**
   * Answers VS Code's workspace trust question as a person would: the startup dialog ("Do you
   * trust the authors of the files in this folder?") when it comes, else the Restricted Mode
   * banner's Manage link and the Workspace Trust editor it opens. code-server does not show the
   * startup dialog (it decides before its remote authority is resolved), so the banner is the
   * usual path there.
   */
  async answerTrustPrompt(trust: boolean): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: 'trust the authors' });
    const banner = this.page.locator('.monaco-workbench .banner', { hasText: 'Restricted Mode' });
    await dialog.or(banner).first().waitFor({ state: 'visible', timeout: 30_000 });
    if (await dialog.isVisible()) {
      const label = trust ? /Yes, I trust the authors/ : /No, I don.t trust the authors/;
      await dialog.locator('.monaco-button', { hasText: label }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
      return;
    }
    await banner.locator('a', { hasText: 'Manage' }).first().click();
    await this.answerTrustEditor(trust);
  }

  /** In the open Workspace Trust editor: Trust, or stay in Restricted Mode; then closes it (Escape). */
  async answerTrustEditor(trust: boolean): Promise<void> {
    const editor = this.page.locator('.workspace-trust-editor');
    await editor.getByText(/You are in Restricted Mode|You trust this/).first().waitFor({ state: 'visible', timeout: 15_000 });
    if (trust) {
      await editor.getByRole('button', { name: 'Trust', exact: true }).first().click();
      await this.page.locator('.workspace-trust-editor:not(.untrusted)').waitFor({ state: 'visible', timeout: 15_000 });
    }
    // Clicking Trust re-renders the editor and drops keyboard focus; Escape closes it once focused.
    await editor.focus();
    await this.page.keyboard.press('Escape');
    await editor.waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Drags the side bar's edge so tree rows show their descriptions, as a person would. */
  async widenSideBar(width: number): Promise<void> {
    const bar = await this.page.locator('.part.sidebar').boundingBox();
    if (!bar) {
      return;
    }
    const y = bar.y + bar.height / 2;
    await this.page.mouse.move(bar.x + bar.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(bar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /**
   * Right-clicks `row` and picks `item` from its context menu. The workbench can drop a right-click
   * that lands while it is still re-laying out the tree (after a sash drag or a live refresh), so a
   * menu that has not opened is dismissed and the right-click repeated, as a person would.
   */
  async contextMenu(row: Locator, item: string): Promise<void> {
    const entry = this.page.getByRole('menuitem', { name: item, exact: true }).first();
    for (let attempt = 1; ; attempt++) {
      // A row the live tree is replacing loses its element in the extension host for a moment, and
      // the command would then get no argument: right-click once the side bar has stopped changing.
      await this.quiet('.sidebar');
      await row.click({ button: 'right' });
      try {
        await entry.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt === 4) {
          throw err;
        }
        await this.page.keyboard.press('Escape');
      }
    }
    // A menu item listens for the mouse button's release only from a moment after it is drawn
    // (VS Code's menu arms it on a 100 ms timer, later on a busy page), and a click before then
    // does nothing. A person's click comes later than Playwright's; if the menu is still open
    // after one, the click was too early, so click again. A click that ran the item closed the menu.
    await this.page.waitForTimeout(300);
    for (let attempt = 1; ; attempt++) {
      await entry.click();
      try {
        await entry.waitFor({ state: 'hidden', timeout: 2_000 });
        return;
      } catch (err) {
        if (attempt === 3) {
          throw new Error(`The context menu's "${item}" did not run after ${attempt} clicks.`, { cause: err });
        }
      }
    }
  }

  /**
   * Resolves once nothing under `selector` has changed in the DOM for `quietMs` (rows added,
   * replaced or relabelled), or after `timeoutMs` in any case.
   */
  async quiet(selector: string, quietMs = 1_000, timeoutMs = 15_000): Promise<void> {
    // Runs in the page (a string: this project's tests compile without the DOM's types).
    await this.page.evaluate(`(async () => {
      const target = document.querySelector(${JSON.stringify(selector)}) ?? document.body;
      let last = Date.now();
      const observer = new MutationObserver(() => { last = Date.now(); });
      observer.observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
      const started = Date.now();
      while (Date.now() - last < ${quietMs} && Date.now() - started < ${timeoutMs}) {
        await new Promise((r) => setTimeout(r, 100));
      }
      observer.disconnect();
    })()`);
  }

  /** The open tabs, the quick input, the notifications and the sidebar's rows, a line each. */
  async describeScreen(): Promise<string[]> {
    const texts = async (selector: string) => (await this.page.locator(selector).allInnerTexts())
      .map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t !== '');
    const quickInput = await this.page.locator('.quick-input-widget').isVisible()
      ? await texts('.quick-input-widget .quick-input-title, .quick-input-widget .monaco-list-row') : [];
    return [
      `tabs: ${(await texts('.tab')).join(' | ') || '(none)'}`,
      `quick input: ${quickInput.join(' | ') || '(none)'}`,
      `notifications: ${(await texts('.notification-toast .notification-list-item-message')).join(' | ') || '(none)'}`,
      ...(await texts('.sidebar .pane-body .monaco-list-row')).slice(0, 30).map((t) => `row: ${t.slice(0, 160)}`),
    ];
  }

  /** The content frame of the visible webview panel (code-server nests it in two iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
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
