import * as assert from 'node:assert/strict';
import { screenshotFailures, Workbench } from './workbench';

/** Short lines, so every code is on screen without scrolling sideways. */
const LOG = [
  '09:24:51 Warning NodeNotReady      node/aks-userpool-31415926-vmss000003',
  '09:34:43 Normal  NodeRebootStart   node/aks-userpool-31415926-vmss000003',
  '09:39:43 Warning NodeReimageError  node/aks-userpool-31415926-vmss000003',
  '  Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError',
  '',
].join('\n');

describe('ui: guidance for auto-repair codes, as a person uses it', () => {
  let wb: Workbench;
  before(async () => {
    wb = await Workbench.open({ files: { 'repair-events.log': LOG } });
  });
  screenshotFailures(() => wb);
  after(async () => { await wb?.close(); });

  it('shows a tooltip when hovering a code in a log', async () => {
    await wb.openFile('repair-events.log');
    const hover = wb.page.locator('.monaco-hover:visible', { hasText: 'First step' }).first();
    // A hover needs the mouse to rest on the word; on a loaded machine the first rest can be missed.
    for (let attempt = 0; ; attempt++) {
      await wb.page.mouse.move(5, 5);
      await wb.hoverText('VMExtensionProvisioningError');
      try {
        await hover.waitFor({ state: 'visible', timeout: 8_000 });
        break;
      } catch (err) {
        if (attempt === 2) {
          throw err;
        }
      }
    }
    await wb.page.waitForTimeout(500);
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /VMExtensionProvisioningError/);
    assert.match(text, /AKS auto-repair error/);
    assert.match(text, /First step:/);
    assert.match(text, /Open guidance/);
    await wb.screenshot('hover', { docs: true });

    // The link in the tooltip opens the full guidance.
    await hover.locator('a', { hasText: 'Open guidance' }).click();
    const h1 = wb.webview().locator('header h1');
    await h1.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await h1.innerText(), 'VMExtensionProvisioningError');
  });

  it('lists the command in the palette and opens guidance from its quick pick', async () => {
    // Move away from the tooltip so it closes, as a person would.
    await wb.page.mouse.move(700, 700);
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('>Explain Auto-Repair');
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Explain Auto-Repair Error' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /AKS: Explain Auto-Repair Error/);
    await wb.page.keyboard.press('Enter');
    // The panel has focus, so the command offers the catalog; type to filter like a person.
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'OutboundConnectivityNotEnabledOnVMSS' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('explain-quick-pick', { docs: true });
    await input.fill('Outbound');
    await wb.page.keyboard.press('Enter');
    const view = wb.webview();
    await view.locator('header h1', { hasText: 'OutboundConnectivityNotEnabledOnVMSS' }).waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await view.locator('.first-step').innerText(), /First step:/);
    const copy = view.locator('button.copy').first();
    await copy.click();
    await view.locator('button.copy', { hasText: 'Copied' }).first().waitFor({ state: 'visible', timeout: 5_000 });
    await wb.screenshot('guidance-panel', { docs: true });

    // Links between entries stay in the panel; Back returns.
    const related = view.locator('.related a[data-entry]').first();
    const relatedTitle = await related.innerText();
    await related.click();
    await view.locator('header h1', { hasText: relatedTitle }).waitFor({ state: 'visible', timeout: 20_000 });
    await view.locator('button.back').click();
    await view.locator('header h1', { hasText: 'OutboundConnectivityNotEnabledOnVMSS' }).waitFor({ state: 'visible', timeout: 20_000 });
  });

  it('shows pasted text with HTML in it escaped, running nothing', async () => {
    const hostile = `<img src=x onerror="document.body.dataset.pwned='1'"><script>document.body.dataset.pwned='2'</script>SomeNewAksError`;
    await wb.runCommand('AKS: Explain Auto-Repair Error');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill(hostile);
    await wb.page.keyboard.press('Enter');
    const view = wb.webview();
    const context = view.locator('.context');
    await context.waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok((await context.innerText()).includes('<img src=x onerror='), 'the pasted text is shown as text');
    assert.equal(await view.locator('img').count(), 0, 'no image element was created');
    assert.equal(await view.locator('main script').count(), 0, 'no script element was created');
    assert.equal(await view.locator('body').getAttribute('data-pwned'), null, 'nothing ran');
    await wb.screenshot('guidance-escaped');
  });

  it('brings the guidance panel back after a window reload', async () => {
    await wb.runCommand('AKS: Explain Auto-Repair Error');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('TooManyVMRedeploymentRequests');
    await wb.page.keyboard.press('Enter');
    await wb.webview().locator('header h1', { hasText: 'TooManyVMRedeploymentRequests' }).waitFor({ state: 'visible', timeout: 20_000 });
    await wb.runCommand('Developer: Reload Window');
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await wb.page.locator('.tab', { hasText: 'AKS: TooManyVMRedeploymentRequests' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.webview().locator('header h1', { hasText: 'TooManyVMRedeploymentRequests' }).waitFor({ state: 'visible', timeout: 30_000 });
  });
});
