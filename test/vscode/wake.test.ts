import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ArmControl } from '../harness/armControl';
import { makeNode } from '../standin/fixtures';
import { SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import type { InsightsStatus, RecordedEvent } from '../../src/domain/history';
import { ContainerInsightsService } from '../../src/insights/containerInsightsService';
import { AzureSession } from '../../src/session/azureSession';
import { ClusterSession } from '../../src/session/clusterSession';
import { ClusterTreeProvider } from '../../src/tree/clusterTreeProvider';
import type { MessageNode } from '../../src/tree/treeNodes';
import { MemoryMemento } from './memoryMemento';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const HOUR_AND_FIVE = 65 * 60_000;

// A session of its own (the extension's is not reachable from here), whose sleep check's clock
// the test moves an hour ahead: the real connection, view rows and Container Insights read follow.
describe('After the machine slept, the Nodes view says so', function () {
  this.timeout(90_000);
  const arm = ArmControl.fromEnv();
  let cluster: SimulatedCluster;
  let dir: string;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const keys = ['kubeconfig', 'azure.resourceManagerEndpoint', 'azure.logAnalyticsEndpoint', 'azure.credential'];

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-wake-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    if (arm?.logAnalyticsUrl) {
      await config().update('azure.resourceManagerEndpoint', arm.url, vscode.ConfigurationTarget.Global);
      await config().update('azure.logAnalyticsEndpoint', arm.logAnalyticsUrl, vscode.ConfigurationTarget.Global);
      await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
    }
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of keys) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await cluster?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('relists at once, says how long it slept and which events may be missing, then what Container Insights has for them', async function () {
    const log = vscode.window.createOutputChannel('AKS wake test', { log: true });
    const session = new ClusterSession(new MemoryMemento(), log);
    const insightsRows: { events: readonly RecordedEvent[]; status: InsightsStatus }[] = [];
    const insights = new ContainerInsightsService(session, new AzureSession(log), { setInsights: (_c, events, status) => insightsRows.push({ events, status }) }, log);
    const tree = new ClusterTreeProvider(session);
    const rows = (): MessageNode[] => tree.getChildren({ kind: 'cluster' }).filter((n): n is MessageNode => n.kind === 'message');
    const row = (id: string): MessageNode | undefined => rows().find((n) => n.id === id);
    const node = SIMULATED_NODES.systemHealthy[0];
    try {
      tree.getChildren();
      await until('the session connected', () => session.state.kind === 'connected' && session.model.nodes().length === 11, 30_000);
      if (arm?.logAnalyticsUrl) {
        await until('the read on connect', () => insights.current(), 30_000);
      }
      assert.equal(row('resumed'), undefined, 'no note before a sleep');

      // The sleep: the watches stay open and carry nothing; a node goes NotReady meanwhile.
      cluster.server.hangWatches();
      cluster.server.upsertNode(makeNode({ name: node, pool: 'system', ready: 'False', since: new Date() }));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(session.model.node(node)?.ready, 'True');
      const readsBefore = insightsRows.length;

      session.wakeTestHook.clockOffsetMs = HOUR_AND_FIVE;
      const resumed = await until('the note under the cluster', () => row('resumed'), 15_000);
      assert.match(resumed.text, /^Resumed after 1h 5m asleep \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); relisted the cluster$/);
      const missed = row('resumed-missed');
      assert.ok(missed, JSON.stringify(rows()));
      assert.match(missed.text, /^Events older than 1 h expire in the cluster: /);
      assert.equal((tree.getTreeItem(missed).iconPath as vscode.ThemeIcon).id, 'warning');
      await until('the change made during the sleep, by the relist', () => session.model.node(node)?.ready === 'False', 10_000);

      if (arm?.logAnalyticsUrl) {
        // A read of Container Insights over the gap, and the note says what it has from the expired part.
        await until('a Container Insights read after the wake', () => insightsRows.length > readsBefore, 30_000);
        const counted = await until('the count in the note', () => {
          const r = row('resumed-missed');
          return r && /Container Insights has none from|\d+ events? from .* may have been missed/.test(r.text) && r;
        }, 10_000);
        assert.ok(!/those from/.test(counted.text), counted.text);
      }
    } finally {
      insights.dispose();
      session.dispose();
      log.dispose();
    }
  });
});
