/**
 * The vscode tier's last test (files run in name order after activation.test; "zz" sorts last):
 * no secret of the stand-ins reached the user or the log during the whole tier. What it scans is
 * kept by tierCapture.ts from the moment this file loads, before the first test runs; the log is
 * read from the extension's log files. Every secret the stand-ins registered counts, those of
 * the ARM stand-in's process included (ArmControl.secrets()).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ArmControl } from '../harness/armControl';
import { describeFindings, findSecrets, registerAll, registeredSecrets, selfTestScanner } from '../harness/secrets';
import { installCapture, instrumentExtension, type CaptureSource } from './tierCapture';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';

const capture = installCapture();
// Debug and trace lines too: a token in a debug line leaks as soon as someone raises the level.
void Promise.resolve(vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace')).catch(() => undefined);

let instrumented = false;
// Root hooks (outside any describe): they run around every test of the tier.
beforeEach(() => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!instrumented && ext?.isActive) {
    instrumentExtension(capture, ext.exports as Parameters<typeof instrumentExtension>[1]);
    instrumented = true;
  }
});
afterEach(() => {
  capture.testsRun++;
});

/**
 * The extension's log folders (`<logs>/<session>/.../aks-node-repair.aks-node-repair/`, where its
 * LogOutputChannel writes `AKS Node Auto-Repair.log`). The extension host's logs live in the
 * user-data folder, which test/harness/codeServer.ts puts beside the HOME it gives VS Code.
 */
function logFolders(): string[] {
  const root = path.join(process.env.HOME ?? '', '..', 'user-data', 'logs');
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of fs.existsSync(dir) && depth < 5 ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      if (entry.isDirectory()) {
        const p = path.join(dir, entry.name);
        if (entry.name === EXTENSION_ID) {
          found.push(p);
        } else {
          walk(p, depth + 1);
        }
      }
    }
  };
  walk(root, 0);
  return found;
}

/** The text of every log file in those folders. */
function logText(folders: readonly string[]): string {
  return folders.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))).join('\n');
}

/** At least this many tests before this one: the whole tier ran, so every source must have something. */
const FULL_RUN_TESTS = 40;

describe('Secret scan of the vscode tier (runs last)', () => {
  it('finds no stand-in token, key or exec argument in the log, notifications, panels, reports, clipboard or Nodes view', async () => {
    const arm = ArmControl.fromEnv();
    if (arm) {
      registerAll(await arm.secrets());
    }
    // The log channel writes in the background: give it a moment to flush.
    await new Promise((r) => setTimeout(r, 500));
    const folders = logFolders();
    const texts: Record<CaptureSource | 'log' | 'clipboard', string> = {
      log: logText(folders),
      notifications: capture.text('notifications'),
      panels: capture.text('panels'),
      documents: capture.text('documents'),
      clipboard: await vscode.env.clipboard.readText(),
      tree: capture.text('tree'),
    };
    const summary = Object.entries(texts).map(([k, t]) => `${k} ${(t.length / 1000).toFixed(1)} kB`).join(', ');
    console.log(`  secret scan: ${registeredSecrets().length} secrets registered; ${capture.testsRun} tests captured; ${summary}`);

    selfTestScanner(texts.log.slice(0, 10_000));
    assert.ok(texts.log.includes('Activated in'), `the extension's log was read (from ${folders.join(', ') || 'no folder found'})`);
    const leaks = Object.entries(texts).flatMap(([where, text]) => {
      const found = findSecrets(text);
      return found.length > 0 ? [describeFindings(found, where)] : [];
    });
    assert.deepEqual(leaks, [], leaks.join('\n'));

    if (capture.testsRun >= FULL_RUN_TESTS) {
      // The whole tier ran: each route must have carried something, or the scan proved nothing.
      const minimum: Record<keyof typeof texts, number> = { log: 20_000, notifications: 200, panels: 20_000, documents: 2_000, clipboard: 0, tree: 2_000 };
      for (const [where, min] of Object.entries(minimum) as [keyof typeof texts, number][]) {
        assert.ok(texts[where].length >= min, `the scan saw only ${texts[where].length} characters of ${where} (expected ${min} or more): its capture route is broken`);
      }
    }
  });
});
