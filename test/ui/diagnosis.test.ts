import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlledArmStandIn, type ControlledArmStandIn } from '../harness/armControl';
import { SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { screenshotFailures, Workbench } from './workbench';

/**
 * As an operator: a NotReady node whose reimage failed; right-click it, "Diagnose Node in Azure",
 * read the bootstrap exit code and the finding, follow the guidance link and come back.
 */
describe('ui: Diagnose Node in Azure, as an operator uses it', () => {
  let wb: Workbench | undefined;
  let cluster: SimulatedCluster;
  let arm: ControlledArmStandIn;
  let dir: string;
  const node = SIMULATED_NODES.userNotReady[0];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-azure-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    arm = await startControlledArmStandIn();
    // Container Insights answers from the stand-in, with only Warning events collected, so its read
    // ends in one known row under the cluster: the last change the tree makes after connecting.
    arm.logAnalytics.workspaces.forEach((w) => { w.errorsOnly = true; });
    wb = await Workbench.open({
      env: { KUBECONFIG: cluster.kubeconfigPath, ...arm.env },
      settings: {
        'aksNodeRepair.azure.resourceManagerEndpoint': arm.standin.url,
        'aksNodeRepair.azure.logAnalyticsEndpoint': arm.logAnalytics.url,
        'aksNodeRepair.azure.credential': 'azureCli',
      },
    });
  });
  screenshotFailures(() => wb);
  after(async () => {
    await wb?.close();
    await arm?.stop();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string) => wb!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();

  it('right-clicks the NotReady node, diagnoses it and reads the exit code and the finding', async () => {
    const page = wb!.page;
    await page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    await wb!.widenSideBar(560);
    const nodeRow = row(node);
    await nodeRow.waitFor({ state: 'visible', timeout: 30_000 });
    // Container Insights' row is the last the tree adds after connecting; contextMenu() then waits
    // for the side bar to stop changing, as a row the live tree is replacing loses its element.
    await wb!.page.locator('.pane-body .monaco-list-row', { hasText: /Container Insights: \d+ error events/ }).first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.mouse.move(1000, 800);
    await wb!.contextMenu(nodeRow, 'Diagnose Node in Azure');

    await page.locator('.tab', { hasText: `Azure: ${node}` }).first().waitFor({ state: 'visible', timeout: 20_000 });
    const view = wb!.webview();
    await view.locator('h1', { hasText: node }).waitFor({ state: 'visible', timeout: 20_000 });
    const exit = view.locator('#extensions .exit-code');
    await exit.waitFor({ state: 'visible', timeout: 30_000 });
    const exitText = (await exit.innerText()).replace(/\s+/g, ' ');
    assert.match(exitText, /Exit code 50: ERR_OUTBOUND_CONN_FAIL/);
    const finding = view.locator('#findings .finding', { hasText: 'VMExtensionProvisioningError' }).first();
    await finding.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await finding.innerText()).replace(/\s+/g, ' '), /50/);
    await view.locator('main[aria-busy="false"]').waitFor({ state: 'attached', timeout: 30_000 });
    assert.match(await view.locator('#status').innerText(), /Read from Azure at/);
    assert.match(await view.locator('#cluster').innerText(), /Outbound type/);
    // Nothing is left loading, and no section failed.
    assert.equal(await view.locator('.spinner').count(), 0);
    assert.equal(await view.locator('.section-body .problem:not(.kind-providerid)').count(), 0);

    // Copy the command of the finding, as a person would.
    const copy = finding.locator('button.copy').first();
    assert.ok(await copy.count() > 0, 'the finding has a command to copy');
    await copy.click();
    await finding.locator('button.copy', { hasText: 'Copied' }).first().waitFor({ state: 'visible', timeout: 5_000 });
    await page.mouse.move(1000, 850);
    await page.waitForTimeout(300);
    await wb!.screenshot('diagnosis-panel', { docs: true });
  });

  it('follows the finding\'s guidance link, and the guidance leads back to the diagnosis', async () => {
    const view = wb!.webview();
    await view.locator('#findings a.guidance-link', { hasText: 'VMExtensionProvisioningError' }).first().click();
    const guidanceTab = wb!.page.locator('.tab', { hasText: 'AKS: VMExtensionProvisioningError' }).first();
    await guidanceTab.waitFor({ state: 'visible', timeout: 20_000 });
    const guidance = wb!.webview();
    await guidance.locator('header h1', { hasText: 'VMExtensionProvisioningError' }).waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok((await guidance.locator('.context').innerText()).includes(node), 'the guidance names the node');
    await guidance.locator('button[data-action="diagnose"]', { hasText: 'Diagnose in Azure' }).click();
    await wb!.page.locator('.tab.active', { hasText: `Azure: ${node}` }).first().waitFor({ state: 'visible', timeout: 20_000 });
  });
});
