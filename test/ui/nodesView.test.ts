import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { aksNodeName, makeNoiseEvent } from '../standin/fixtures';
import { Workbench } from './workbench';

function screenshotOnFailure(get: () => Workbench | undefined) {
  return async function (this: Mocha.Context) {
    if (this.currentTest?.state === 'failed') {
      await get()?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      const rows = await get()?.page.locator('.pane-body .monaco-list-row').allTextContents().catch(() => []);
      console.log(`Rows on screen:\n  ${(rows ?? []).join('\n  ')}`);
    }
  };
}

describe('ui: the Nodes view, as an operator uses it', () => {
  let wb: Workbench | undefined;
  let cluster: SimulatedCluster;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-cluster-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    wb = await Workbench.open({ env: { KUBECONFIG: cluster.kubeconfigPath } });
  });
  afterEach(screenshotOnFailure(() => wb));
  after(async () => {
    await wb?.close();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string) => wb!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  /** The tooltip of the row under the mouse covers the rows below it: move away first, as a person would. */
  const clickRow = async (r: ReturnType<typeof row>) => {
    await wb!.page.mouse.move(1000, 800);
    await wb!.page.keyboard.press('Escape');
    await r.waitFor({ state: 'visible', timeout: 10_000 });
    await r.click();
  };
  /** Selects a row and expands it from the keyboard. */
  const expand = async (text: string) => {
    const r = row(text);
    await clickRow(r);
    if ((await r.getAttribute('aria-expanded')) !== 'true') {
      await wb!.page.keyboard.press('ArrowRight');
    }
    await wb!.page.locator('.pane-body .monaco-list-row[aria-expanded="true"]', { hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
  };

  it('opens the view and sees the cluster, pools and unhealthy nodes', async () => {
    await wb!.page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    await wb!.widenSideBar(760);
    await row(SIMULATED_CONTEXT).waitFor({ state: 'visible', timeout: 30_000 });
    await row('userpool').waitFor({ state: 'visible', timeout: 30_000 });
    const notReady = row(SIMULATED_NODES.userNotReady[0]);
    await notReady.waitFor({ state: 'visible' });
    // The nodes are listed before their events: the row may read "awaiting auto-repair" for a
    // moment, then shows the failed step once the events are in.
    await wb!.page.locator('.pane-body .monaco-list-row', { hasText: /NotReady\s*\d+m · reimage failed: VMExtensionProvisioningError/ })
      .filter({ hasText: SIMULATED_NODES.userNotReady[0] }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const status = wb!.page.locator('.statusbar-item', { hasText: 'NotReady' }).first();
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await status.innerText(), /3 NotReady/);
  });

  it('expands a NotReady node, clicks its failed step and reads the guidance', async () => {
    await expand(SIMULATED_NODES.userNotReady[0]);
    const failed = wb!.page.locator('.pane-body .monaco-list-row', { hasText: /Reimage\s*failed: VMExtensionProvisioningError/ }).first();
    await failed.waitFor({ state: 'visible', timeout: 10_000 });
    await wb!.page.mouse.move(1000, 800);
    await wb!.page.waitForTimeout(500);
    await wb!.screenshot('nodes-view', { docs: true });
    await clickRow(failed);
    const view = wb!.webview();
    await view.locator('header h1', { hasText: 'VMExtensionProvisioningError' }).waitFor({ state: 'visible', timeout: 20_000 });
    const context = await view.locator('.context').innerText();
    assert.ok(context.includes(SIMULATED_NODES.userNotReady[0]), 'the panel names the node');
    assert.match(context, /operation failure: VMExtensionProvisioningError/);
    await wb!.screenshot('nodes-guidance', { docs: true });
  });

  it('shows event text with HTML in it as text, in the tree and in the panel', async () => {
    const node = aksNodeName('userpool', 2);
    await expand(node);
    const step = wb!.page.locator('.pane-body .monaco-list-row', { hasText: /Reboot\s*failed: OutboundConnectivityNotEnabledOnVMSS/ }).first();
    await clickRow(step);
    const view = wb!.webview();
    await view.locator('header h1', { hasText: 'OutboundConnectivityNotEnabledOnVMSS' }).waitFor({ state: 'visible', timeout: 20_000 });
    const context = view.locator('.context');
    assert.ok((await context.innerText()).includes('<img src=x onerror=alert(1)><b>bold</b>'));
    assert.equal(await view.locator('img').count(), 0);
    assert.equal(await view.locator('.context b').count(), 0);
  });

  it('shows a new event under its expanded node as it arrives', async () => {
    // An event that moves no count redraws that node's row alone (the vscode tier checks which
    // rows are redrawn): here, that the redraw reaches the screen.
    const node = aksNodeName('userpool', 2);
    await expand(node);
    const message = `Starting kubelet (ui redraw check ${Date.now()}).`;
    cluster.server.upsertEvent(makeNoiseEvent({ reason: 'Starting', node, at: new Date(), message }));
    await wb!.page.locator('.pane-body .monaco-list-row', { hasText: message }).first().waitFor({ state: 'visible', timeout: 15_000 });
  });
});

describe('ui: the Nodes view without a kubeconfig', () => {
  let wb: Workbench | undefined;
  afterEach(screenshotOnFailure(() => wb));
  after(async () => { await wb?.close(); });

  it('explains what to do in the welcome content', async () => {
    wb = await Workbench.open({ env: { KUBECONFIG: path.join(os.tmpdir(), 'aks-repair-no-such-kubeconfig') } });
    await wb.page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    const welcome = wb.page.locator('.welcome-view-content', { hasText: 'No kubeconfig was found' });
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await welcome.innerText(), /az aks get-credentials/);
    await wb.page.locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'Retry' }).first().waitFor({ state: 'visible' });
    await wb.screenshot('nodes-no-kubeconfig', { docs: true });
  });
});
