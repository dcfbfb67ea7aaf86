import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aksNodeName } from '../standin/fixtures';
import { SIMULATED_CONTEXT, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { screenshotFailures, Workbench } from './workbench';

/**
 * As an operator: right-click a node, cordon it through the confirmation and see
 * SchedulingDisabled; press Escape on a drain and see nothing happen; drain a node whose pods a
 * PodDisruptionBudget protects for a while, confirm with the button that names the node, and
 * watch the per-pod progress until the result.
 */
describe('ui: node actions, as an operator uses them', () => {
  let wb: Workbench | undefined;
  let cluster: SimulatedCluster;
  let dir: string;
  const cordonMe = aksNodeName('userpool', 0);
  const drainMe = aksNodeName('userpool', 2);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-actions-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    // The node to drain runs a web pod, an orders pod and two DaemonSet pods (simulatedWorkloads.ts);
    // a budget on the web pods refuses the first three evictions.
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'web-pdb', matchLabels: { app: 'web' }, refusals: 3 });
    wb = await Workbench.open({ env: { KUBECONFIG: cluster.kubeconfigPath } });
  });
  screenshotFailures(() => wb);
  after(async () => {
    await wb?.close();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string) => wb!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  const dialog = (text: string | RegExp) => wb!.page.locator('.monaco-dialog-box', { hasText: text });
  const toast = (text: string | RegExp) => wb!.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  const writes = (from: number) => cluster.server.requestLog.slice(from).filter((r) => !['GET', 'HEAD'].includes(r.method));
  const rowText = async (name: string) => (await row(name).innerText()).replace(/\s+/g, ' ');
  /** Right-clicks the row, picks the action and waits for its dialog. */
  const openDialog = async (name: string, action: string, question: string) => {
    const asked = dialog(question);
    await wb!.page.mouse.move(1000, 800);
    await wb!.contextMenu(row(name), action);
    await asked.waitFor({ state: 'visible', timeout: 15_000 });
    return asked;
  };

  it('right-clicks a node, cordons it through the dialog and sees SchedulingDisabled', async () => {
    const page = wb!.page;
    await page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    await wb!.widenSideBar(640);
    await row(cordonMe).waitFor({ state: 'visible', timeout: 30_000 });
    const asked = await openDialog(cordonMe, 'Cordon Node', `Cordon node ${cordonMe}?`);
    const text = (await asked.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(`Cluster: context "${SIMULATED_CONTEXT}", API server 127.0.0.1:`), text);
    assert.ok(text.includes(`kubectl --context ${SIMULATED_CONTEXT} cordon ${cordonMe}`), text);
    await asked.locator('.monaco-button', { hasText: /^Cordon$/ }).click();
    await asked.waitFor({ state: 'hidden', timeout: 10_000 });

    await toast(`Cordoned ${cordonMe}`).waitFor({ state: 'visible', timeout: 15_000 });
    await row(cordonMe).filter({ hasText: 'Ready,SchedulingDisabled' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await rowText(cordonMe), /Ready,SchedulingDisabled/);
    const node = cluster.server.nodes().find((n) => n.metadata?.name === cordonMe);
    assert.equal((node?.spec as { unschedulable?: boolean }).unschedulable, true);
  });

  it('presses Escape on the drain dialog, and nothing happens', async () => {
    const from = cluster.server.requestLog.length;
    const asked = await openDialog(drainMe, 'Drain Node', `Drain node ${drainMe}?`);
    await wb!.page.keyboard.press('Escape');
    await asked.waitFor({ state: 'hidden', timeout: 10_000 });
    await wb!.page.waitForTimeout(1000);
    assert.deepEqual(writes(from), [], 'the cluster saw no change');
    assert.doesNotMatch(await rowText(drainMe), /SchedulingDisabled/);
  });

  it('drains a node through the dialog with its named button, and watches the per-pod progress', async () => {
    const page = wb!.page;
    // The earlier results' notifications would cover the progress (and the screenshot): dismiss them first.
    await wb!.runCommand('Notifications: Clear All Notifications');
    await wb!.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    const asked = await openDialog(drainMe, 'Drain Node', `Drain node ${drainMe}?`);
    const confirm = asked.locator('.monaco-button', { hasText: `Drain ${drainMe}` });
    await confirm.waitFor({ state: 'visible' });
    const text = (await asked.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes('--ignore-daemonsets --delete-emptydir-data'), text);
    assert.match(text, /PodDisruptionBudgets are honoured/);
    await page.waitForTimeout(300);
    await wb!.screenshot('node-actions', { docs: true });
    await confirm.click();
    await asked.waitFor({ state: 'hidden', timeout: 10_000 });

    // The progress notification names the pod its budget holds back, then the drain ends.
    const progress = toast(`Draining ${drainMe}`);
    await progress.waitFor({ state: 'visible', timeout: 15_000 });
    await toast(/blocked by PodDisruptionBudget web-pdb, retrying/).waitFor({ state: 'visible', timeout: 20_000 });
    await wb!.screenshot('node-actions-progress');
    const done = toast(`Drained ${drainMe}`);
    await done.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await done.innerText()).replace(/\s+/g, ' '), /pods evicted: 2; DaemonSet and mirror pods left in place, as kubectl drain does: 2/);
    await row(drainMe).filter({ hasText: 'SchedulingDisabled' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.deepEqual(cluster.server.podsOn(drainMe).map((p) => p.metadata?.name?.replace(/-[a-z0-9]{5}$/, '')).sort(), ['csi-azuredisk-node', 'kube-proxy']);
  });
});
