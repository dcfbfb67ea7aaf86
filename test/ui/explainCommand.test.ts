import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

describe('ui: Explain Auto-Repair Error from the command palette', () => {
  let wb: Workbench;
  before(async () => { wb = await Workbench.open(); });
  after(async () => { await wb?.close(); });

  it('lists the command as "AKS: Explain Auto-Repair Error" and runs it', async () => {
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('>Explain Auto-Repair');
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Explain Auto-Repair Error' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /AKS: Explain Auto-Repair Error/);
    await wb.screenshot('palette-explain-command');
    await wb.page.keyboard.press('Enter');
    const picker = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'VMExtensionProvisioningError' }).first();
    await picker.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('explain-quick-pick');
  });
});
