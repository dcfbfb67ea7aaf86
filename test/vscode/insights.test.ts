import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ArmControl } from '../harness/armControl';
import { SIMULATED_INSIGHTS } from '../standin/azure/insightsScenario';
import { SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import type { InsightsRead } from '../../src/insights/containerInsightsService';
import type { TreeNode } from '../../src/tree/treeNodes';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const COPY = 'aksNodeRepair.copyContainerInsightsQuery';

interface Api {
  nodesTree: { getChildren(element?: TreeNode): TreeNode[]; getTreeItem(element: TreeNode): vscode.TreeItem };
  containerInsights: {
    current(): InsightsRead | undefined;
    read(trigger?: 'connect' | 'refresh' | 'request'): Promise<InsightsRead | undefined>;
  };
}

describe('Container Insights, against the simulated cluster and the simulated Log Analytics', function () {
  this.timeout(90_000);
  const arm = ArmControl.fromEnv();
  let cluster: SimulatedCluster;
  let dir: string;
  let api: Api;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const [failedReimage] = SIMULATED_NODES.userNotReady;

  /** Runs Refresh and waits for the read that follows it. */
  async function refreshed(after: number): Promise<InsightsRead> {
    const before = api.containerInsights.current();
    await vscode.commands.executeCommand('aksNodeRepair.refresh');
    // A new read that began at or after `after` (a quick one can begin within the same millisecond).
    return until('a Container Insights read after Refresh', () => {
      const read = api.containerInsights.current();
      return read !== undefined && read !== before && read.status.at >= after && read;
    }, 30_000);
  }

  before(async function () {
    if (!arm?.logAnalyticsUrl) {
      // Run through test/vscode/runTest.ts, which starts the simulated Azure (with Log Analytics) before VS Code.
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-insights-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    api = ext.exports as Api;
    // Azure first: the read happens when the cluster connects, with the credential set then.
    await config().update('azure.resourceManagerEndpoint', arm!.url, vscode.ConfigurationTarget.Global);
    await config().update('azure.logAnalyticsEndpoint', arm!.logAnalyticsUrl, vscode.ConfigurationTarget.Global);
    await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    api.nodesTree.getChildren();
    await until('the cluster loaded', () => /reimage failed/.test(String(api.nodesTree.getTreeItem({ kind: 'node', name: failedReimage }).description)), 50_000);
  });

  afterEach(async () => {
    await arm?.clearLogAnalyticsFaults();
    await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
    await config().update('containerInsights.days', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of ['kubeconfig', 'azure.resourceManagerEndpoint', 'azure.logAnalyticsEndpoint', 'azure.credential', 'containerInsights.days']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await cluster?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the cluster\'s workspace when it connects, with the Azure CLI\'s account, and hands the rows to the history', async () => {
    const read = await until('the read on connect', () => api.containerInsights.current(), 30_000);
    assert.equal(read.status.kind, 'ok', JSON.stringify(read.status));
    assert.equal(read.workspace?.foundBy, 'omsagent');
    assert.equal(read.workspace?.customerId, SIMULATED_INSIGHTS.addonWorkspace.customerId);
    assert.equal(read.azureCluster?.name, 'aks-demo');
    assert.equal(read.days, 7);
    assert.ok(read.status.rows > 20 && read.status.rows === read.events.length, JSON.stringify(read.status));
    assert.ok(read.events.every((e) => e.origin === 'containerInsights'));
    // Days-old repairs, and a node that is gone from the cluster: evidence past the hour.
    const gone = read.events.filter((e) => e.node === SIMULATED_INSIGHTS.goneNode);
    assert.equal(gone.at(-1)?.code, 'OutboundConnectivityNotEnabledOnVMSS');
    assert.ok(read.events.some((e) => e.node === failedReimage && e.code === 'VMExtensionProvisioningError' && (e.firstSeen ?? 0) < Date.now() - 3 * 86_400_000));
    const requests = await arm!.logAnalyticsRequests();
    assert.ok(requests.some((r) => r.workspace === SIMULATED_INSIGHTS.addonWorkspace.customerId && /_ResourceId =~ '[^']*managedClusters\/aks-demo'/.test(r.query ?? '')));

    // In the tree: the gone node under "No longer in the cluster", its steps marked as Container Insights rows.
    const goneRow: TreeNode = { kind: 'node', name: SIMULATED_INSIGHTS.goneNode };
    await until('the gone node in the tree', () => api.nodesTree.getChildren({ kind: 'cluster' }).some((n) => n.kind === 'gone')
      && api.nodesTree.getChildren({ kind: 'gone' }).some((n) => n.kind === 'node' && n.name === SIMULATED_INSIGHTS.goneNode));
    const steps = api.nodesTree.getChildren(goneRow).filter((n) => n.kind === 'step');
    assert.ok(steps.length > 0);
    for (const step of steps) {
      assert.match(String(api.nodesTree.getTreeItem(step).description), /from Container Insights/);
    }
    assert.match(String(api.nodesTree.getTreeItem(steps.at(-1)!).description), /OutboundConnectivityNotEnabledOnVMSS|failed/);
  });

  it('Refresh reads again; with only Warning rows it says Normal events are not collected and how to collect them', async () => {
    await until('the first read', () => api.containerInsights.current(), 30_000);
    await arm!.setErrorsOnly(true);
    const read = await refreshed(Date.now());
    assert.equal(read.status.kind, 'errorsOnly', JSON.stringify(read.status));
    assert.ok(read.events.length > 0 && read.events.every((e) => e.type === 'Warning'));
    assert.match(read.status.nextStep ?? '', /collect_all_kube_events/);
    assert.match(read.status.nextStep ?? '', /container-azm-ms-agentconfig/);
    const row = await until('the Container Insights row under the cluster', () =>
      api.nodesTree.getChildren({ kind: 'cluster' }).find((n) => n.kind === 'message' && n.id === 'insights'));
    assert.match(String(api.nodesTree.getTreeItem(row).label), /not collected/);
  });

  it('a 403 from Log Analytics is a status naming the role, not a broken view', async () => {
    await arm!.injectLogAnalytics({ kind: 'status', status: 403 });
    const read = await refreshed(Date.now());
    assert.equal(read.status.kind, 'problem');
    assert.ok(read.events.length > 0, 'the rows read before are kept');
    assert.match(read.status.message, /Showing rows read at \d\d:\d\d UTC\.$/);
    assert.match(read.status.nextStep ?? '', /Log Analytics Reader role on \/subscriptions\/.+\/workspaces\/law-aks-demo/);
    const row = await until('the Container Insights problem row', () =>
      api.nodesTree.getChildren({ kind: 'cluster' }).find((n) => n.kind === 'message' && n.id === 'insights' && /Not allowed/.test(n.text)));
    assert.equal(row.kind === 'message' && row.icon, 'warning');
    assert.ok(api.nodesTree.getChildren({ kind: 'cluster' }).some((n) => n.kind === 'pool'), 'the pools are still there');
  });

  it('never asks to sign in: with VS Code\'s account signed out, nothing is read', async () => {
    await config().update('azure.credential', 'vscode', vscode.ConfigurationTarget.Global);
    const before = (await arm!.logAnalyticsRequests()).length;
    assert.equal(await api.containerInsights.read('refresh'), undefined);
    assert.equal((await arm!.logAnalyticsRequests()).length, before);
  });

  it('Copy Container Insights Query puts the node\'s KQL on the clipboard; the cluster row, the cluster\'s', async () => {
    await until('a read that found the cluster', () => api.containerInsights.current()?.azureCluster, 30_000);
    await config().update('containerInsights.days', 30, vscode.ConfigurationTarget.Global);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(COPY, { kind: 'node', name: failedReimage });
    const node = await vscode.env.clipboard.readText();
    assert.match(node, /^\/\/ AKS node auto-repair events of one node over the last 30 days/);
    assert.match(node, /^KubeEvents$/m);
    assert.match(node, /\| where TimeGenerated > ago\(30d\)/);
    assert.match(node, /\| where ObjectKind == 'Node'/);
    assert.match(node, /'NodeReimageError'/);
    assert.match(node, new RegExp(`\\| where Name == '${failedReimage}'`));
    assert.match(node, /\| where _ResourceId =~ '\/subscriptions\/[^']+\/managedClusters\/aks-demo'/);

    await vscode.commands.executeCommand(COPY, { kind: 'cluster' });
    const whole = await vscode.env.clipboard.readText();
    assert.doesNotMatch(whole, /where Name ==/);
    assert.match(whole, /of the cluster's nodes over the last 30 days/);
    assert.match(whole, /_ResourceId =~/);
  });
});
