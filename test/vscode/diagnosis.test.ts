import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ArmControl } from '../harness/armControl';
import { aksNodeName, makeNode } from '../standin/fixtures';
import { SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import type { DiagnosisPanels } from '../../src/diagnosis/diagnosisPanels';
import { buildTimeline } from '../../src/domain/repairTimeline';
import { assessHealth } from '../../src/domain/nodeHealth';
import { projectNode } from '../../src/domain/nodeProjection';
import { nodeItem } from '../../src/tree/nodeItems';
import type { TreeNode } from '../../src/tree/treeNodes';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const COMMAND = 'aksNodeRepair.diagnoseNode';

interface Api {
  nodesTree: { getChildren(element?: TreeNode): TreeNode[]; getTreeItem(element: TreeNode): vscode.TreeItem };
  diagnoses: DiagnosisPanels;
  isAzureClientLoaded(): boolean;
}

function diagnosisTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aksNodeRepair.diagnosis'));
}

describe('Diagnose Node in Azure, against the simulated cluster and the simulated Azure', function () {
  this.timeout(60_000);
  const arm = ArmControl.fromEnv();
  let cluster: SimulatedCluster;
  let dir: string;
  let api: Api;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const [failedReimage] = SIMULATED_NODES.userNotReady;

  /** Runs the command for a node and waits for its panel to finish reading. */
  async function diagnose(arg: unknown, node: string) {
    await vscode.commands.executeCommand(COMMAND, arg);
    const panel = await until(`the panel for ${node}`, () => api.diagnoses.panel(node));
    await panel.whenDone();
    return panel;
  }

  before(async function () {
    if (!arm) {
      // Run through test/vscode/runTest.ts, which starts the simulated Azure before VS Code.
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-diagnosis-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    api = ext.exports as Api;
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await config().update('azure.resourceManagerEndpoint', arm!.url, vscode.ConfigurationTarget.Global);
    await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
    api.nodesTree.getChildren();
    await until('the cluster loaded', () => /reimage failed/.test(String(api.nodesTree.getTreeItem({ kind: 'node', name: failedReimage }).description)), 50_000);
  });

  afterEach(async () => {
    await arm?.clearFaults();
    await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of ['kubeconfig', 'azure.resourceManagerEndpoint', 'azure.credential']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await cluster?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('contributes the command with its settings, all machine-scoped', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } };
    };
    const props = pkg.contributes.configuration.properties;
    for (const key of ['credential', 'tenant', 'resourceManagerEndpoint', 'logAnalyticsEndpoint']) {
      assert.equal(props[`aksNodeRepair.azure.${key}`]?.scope, 'machine', key);
    }
    assert.equal(props['aksNodeRepair.azure.credential'].default, 'vscode');
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMAND));
  });

  it('reads the instance, its extensions and the exit code of the failed bootstrap, and says what it means', async () => {
    const panel = await diagnose({ kind: 'node', name: failedReimage }, failedReimage);
    assert.equal(api.isAzureClientLoaded(), true, 'a diagnosis loads the Azure client');
    const request = panel.lastDiagnoseRequest!;
    assert.match(request.providerId ?? '', /^azure:\/\/\/subscriptions\/.+\/virtualMachineScaleSets\/aks-userpool-12345678-vmss\/virtualMachines\/3$/);
    assert.equal(request.pool, 'userpool');
    assert.ok(request.notReadySince !== undefined && request.notReadySince < Date.now(), 'NotReady since is passed on');
    assert.deepEqual(request.errors.map((e) => [e.action, e.code]), [['reimage', 'VMExtensionProvisioningError']]);

    const { diagnosis, findings } = panel.current;
    assert.equal(diagnosis.instance.state, 'ok', JSON.stringify(diagnosis.instance));
    assert.equal(diagnosis.extensions.state, 'ok', JSON.stringify(diagnosis.extensions));
    assert.equal(diagnosis.cluster.state, 'ok', JSON.stringify(diagnosis.cluster));
    assert.equal(diagnosis.activity.state, 'ok', JSON.stringify(diagnosis.activity));
    assert.equal(diagnosis.health.state, 'ok', JSON.stringify(diagnosis.health));
    assert.ok(diagnosis.completedAt);
    const cse = diagnosis.extensions.state === 'ok' ? diagnosis.extensions.value.find((x) => x.name === 'vmssCSE') : undefined;
    assert.equal(cse?.exitCode, 50);

    const html = panel.html();
    assert.match(html, /Exit code 50<\/strong>: <code>ERR_OUTBOUND_CONN_FAIL<\/code>/);
    assert.match(html, /Outbound type<\/dt><dd><code>[A-Za-z]+<\/code>/);
    const finding = findings.find((f) => f.code === 'VMExtensionProvisioningError');
    assert.ok(finding, `a finding for the reimage error: ${JSON.stringify(findings)}`);
    assert.match(`${finding.title} ${finding.evidence}`, /50/);
    assert.match(`${finding.title} ${finding.evidence}`, /ERR_OUTBOUND_CONN_FAIL|OutboundConnFail/);
    // The link names the finding by index; the panel opens the entry and context of its own finding.
    assert.match(html, new RegExp(`data-action="guidance" data-finding="${findings.indexOf(finding)}"`));
    assert.equal(finding.guidanceId, 'VMExtensionProvisioningError');
    await until('the panel\'s tab', () => diagnosisTabs().find((t) => t.label === `Azure: ${failedReimage}`));

    // The tree's tooltip mentions the diagnosis.
    const note = api.diagnoses.noteFor(failedReimage);
    assert.ok(note && note.findings === findings.length);
    const summary = projectNode(makeNode({ name: failedReimage, pool: 'userpool', ready: 'False', since: new Date(Date.now() - 40 * 60_000) }))!;
    const now = Date.now();
    const item = nodeItem({ name: failedReimage, summary, health: assessHealth(summary, now), timeline: buildTimeline([]), event: () => undefined }, now, note);
    assert.match(String(item.tooltip), new RegExp(`Azure diagnosis: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, ${findings.length} finding`));
  });

  it('reuses the node\'s panel, also from its failed step', async () => {
    const first = await diagnose({ kind: 'node', name: failedReimage }, failedReimage);
    const panel = await diagnose({ kind: 'step', node: failedReimage, index: 1 }, failedReimage);
    assert.equal(panel, first, 'one panel per node');
    assert.equal(diagnosisTabs().filter((t) => t.label === `Azure: ${failedReimage}`).length, 1);
  });

  it('names the cluster\'s outbound type for OutboundConnectivityNotEnabledOnVMSS, and shows cluster text escaped', async () => {
    const node = aksNodeName('userpool', 2);
    const panel = await diagnose(node, node);
    const { diagnosis, findings } = panel.current;
    const outbound = diagnosis.cluster.state === 'ok' ? diagnosis.cluster.value.outboundType : undefined;
    assert.ok(outbound, 'the cluster\'s outbound type is read');
    const finding = findings.find((f) => f.code === 'OutboundConnectivityNotEnabledOnVMSS');
    assert.ok(finding, JSON.stringify(findings));
    assert.ok(`${finding.title} ${finding.evidence}`.includes(outbound), `${finding.evidence} names ${outbound}`);
    const html = panel.html();
    assert.doesNotMatch(html, /<img|<b>bold/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;&lt;b&gt;bold&lt;\/b&gt;/, 'the markup Azure sent is shown as text');
  });

  it('says "Sign in to Azure" when VS Code has no Azure account signed in', async () => {
    await config().update('azure.credential', 'vscode', vscode.ConfigurationTarget.Global);
    const panel = await diagnose(failedReimage, failedReimage);
    const { diagnosis, problem } = panel.current;
    const signIn = problem ?? diagnosis.signIn;
    assert.equal(signIn?.kind, 'not-signed-in', `${JSON.stringify(problem)} ${JSON.stringify(diagnosis.signIn)}`);
    const html = panel.html();
    // Said once for the page, not once per section.
    assert.equal((html.match(/<button type="button" class="primary" data-action="signIn">Sign in to Azure<\/button>/g) ?? []).length, 1, html);
    assert.doesNotMatch(html, /class="spinner"/, 'nothing is left loading');
  });

  it('names the missing role when Azure answers 403, and the other sections still fill in', async () => {
    await arm!.inject({ kind: 'status', status: 403, path: /\/providers\/Microsoft\.ResourceHealth\// });
    const panel = await diagnose(failedReimage, failedReimage);
    const { diagnosis } = panel.current;
    assert.equal(diagnosis.health.state, 'error', JSON.stringify(diagnosis.health));
    const problem = diagnosis.health.state === 'error' ? diagnosis.health.problem : undefined;
    assert.equal(problem?.kind, 'forbidden');
    assert.equal(problem?.status, 403);
    assert.ok(problem?.missingRole, JSON.stringify(problem));
    assert.match(panel.html(), /Missing role: <strong>[^<]+<\/strong> on <code>\/subscriptions\//);
    assert.equal(diagnosis.instance.state, 'ok');
    assert.equal(diagnosis.extensions.state, 'ok');
    assert.equal(diagnosis.cluster.state, 'ok');
  });

  it('asks which node when run from the palette, unhealthy nodes first', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand(COMMAND);
    // NotReady nodes come first, by name: the shutdown-tainted GPU node leads.
    const first = SIMULATED_NODES.gpuShutdownTainted;
    // Accept as soon as the pick shows: until its panel opens, accept again (an accept before the
    // pick is up does nothing), rather than guessing how long the pick takes to appear.
    let done = false;
    void running.then(() => { done = true; }, () => { done = true; });
    const deadline = Date.now() + 20_000;
    while (!done && Date.now() < deadline) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 200));
    }
    await running;
    const panel = await until('the panel for the first node of the pick', () => api.diagnoses.panel(first));
    await panel.whenDone();
    assert.equal(panel.current.diagnosis.instance.state, 'ok');
  });

  // Last: it deletes a node from the simulated cluster.
  it('on Refresh after the node left the cluster, reads its last providerID and says the node left', async () => {
    const node = SIMULATED_NODES.userNotReady[1];
    const panel = await diagnose({ kind: 'node', name: node }, node);
    const before = panel.lastDiagnoseRequest!;
    assert.match(before.providerId ?? '', /^azure:\/\/\//);
    assert.equal(panel.current.nodeLeft, undefined);
    assert.ok(cluster.server.deleteNode(node));
    await until('the node gone from the Nodes view', () => /^gone/.test(String(api.nodesTree.getTreeItem({ kind: 'node', name: node }).description)));
    panel.run(); // what the page's Refresh does
    await panel.whenDone();
    const after = panel.lastDiagnoseRequest!;
    assert.equal(after.providerId, before.providerId, 'the last known providerID, not none');
    assert.equal(after.pool, before.pool);
    assert.equal(panel.current.nodeLeft, true);
    assert.equal(panel.current.diagnosis.target.ok, true);
    assert.ok(!panel.current.findings.some((f) => /ProviderID/i.test(f.code)), JSON.stringify(panel.current.findings.map((f) => f.code)));
    assert.match(panel.html(), /class="notice node-left"/);
  });
});
