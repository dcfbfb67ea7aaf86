import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { screenshotFailures, Workbench } from './workbench';

/**
 * As an operator: open "Show Repair History" from the Nodes view's title bar, read the chart and
 * the codes table, reach a node with the keyboard and show it in the tree; then right-click the
 * node and create a support report.
 */
describe('ui: repair history and support report, as an operator uses them', () => {
  let wb: Workbench | undefined;
  let cluster: SimulatedCluster;
  let dir: string;
  const node = SIMULATED_NODES.userNotReady[0];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-history-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    wb = await Workbench.open({ env: { KUBECONFIG: cluster.kubeconfigPath } });
  });
  screenshotFailures(() => wb);
  after(async () => {
    await wb?.close();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string) => wb!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();

  /** Picks a colour theme with Ctrl+K Ctrl+T, as a person would. */
  async function useTheme(name: string): Promise<void> {
    const page = wb!.page;
    await page.locator('.part.sidebar').click({ position: { x: 150, y: 600 } });
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    const input = page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(800);
  }

  it('opens the history from the Nodes view title bar, reads it, and shows a node from the keyboard', async () => {
    const page = wb!.page;
    await page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    await row(node).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.part.sidebar').hover();
    await page.locator('.part.sidebar a.action-label[aria-label^="Show Repair History"]').first().click();
    await page.locator('.tab', { hasText: `Repair History: ${SIMULATED_CONTEXT}` }).first().waitFor({ state: 'visible', timeout: 20_000 });

    const view = wb!.webview();
    await view.locator('svg.chart-days').waitFor({ state: 'visible', timeout: 20_000 });
    await view.locator(`svg.chart-days g.mark.outcome-failed[data-node="${node}"]`).first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await view.locator('#sources').innerText(), /Local history|Cluster events/);
    const codes = view.locator('table.codes');
    assert.match(await codes.innerText(), /VMExtensionProvisioningError/);
    assert.match(await codes.innerText(), /TooManyVMRedeploymentRequests/);
    assert.match(await codes.innerText(), /\(no code\)/);
    // The markup in a node's event message stays text.
    assert.equal(await view.locator('img, b').count(), 0);

    // Tab through the chart to the node's label, as a keyboard user would.
    await view.locator('h1').click();
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await view.locator(`g.node-label[data-node="${node}"]:focus`).count() > 0;
    }
    assert.ok(reached, 'the node\'s label is reachable with Tab');
    await page.mouse.move(1380, 880);
    await page.waitForTimeout(300);
    await wb!.screenshot('history-panel', { docs: true });

    await page.keyboard.press('Enter');
    await page.locator('.pane-body .monaco-list-row.selected', { hasText: node }).first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.locator('.pane-body .monaco-list-row.focused', { hasText: node }).count(), 1, 'the tree has the node in focus');
  });

  it('reads the same panel in a light and a high-contrast theme', async () => {
    for (const [theme, shot] of [['Light Modern', 'history-panel-light'], ['Dark High Contrast', 'history-panel-hc']] as const) {
      await useTheme(theme);
      await wb!.page.locator('.tab', { hasText: 'Repair History' }).first().click();
      const view = wb!.webview();
      await view.locator('svg.chart-days').waitFor({ state: 'visible', timeout: 20_000 });
      const body = await view.locator('body').getAttribute('class');
      assert.match(body ?? '', theme.includes('High') ? /vscode-high-contrast/ : /vscode-light/);
      await wb!.screenshot(shot);
    }
    await useTheme('Dark Modern');
  });

  it('right-clicks the node and creates a support report', async () => {
    const page = wb!.page;
    const nodeRow = row(node);
    await nodeRow.waitFor({ state: 'visible', timeout: 15_000 });
    await page.mouse.move(1000, 800);
    await wb!.contextMenu(nodeRow, 'Create Support Report');
    await page.locator('.tab.active', { hasText: /Untitled/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.getByText('AKS node auto-repair report for').first().waitFor({ state: 'visible', timeout: 15_000 });
    const shown = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(shown, /## Cluster/);
    assert.match(shown, /## Node/);
    assert.ok(!shown.includes(cluster.server.token), 'no token on screen');
    await page.mouse.move(1380, 880);
    await page.waitForTimeout(300);
    await wb!.screenshot('support-report', { docs: true });
  });
});
