import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as vscode from 'vscode';
import { aksNodeName, makeNoiseEvent, makeRepairEvent } from '../standin/fixtures';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { RepairNotifier } from '../../src/notifications/repairNotifier';
import type { RecordedEvent } from '../../src/domain/history';
import type { RepairHistoryService } from '../../src/repairHistory/repairHistoryService';
import { ClusterSession } from '../../src/session/clusterSession';
import type { TreeNode } from '../../src/tree/treeNodes';
import { MemoryMemento } from './memoryMemento';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';

interface Tree {
  getChildren(element?: TreeNode): TreeNode[];
  getTreeItem(element: TreeNode): vscode.TreeItem;
  onDidChangeTreeData: vscode.Event<TreeNode | TreeNode[] | undefined>;
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

describe('Nodes view against the simulated AKS cluster', () => {
  let cluster: SimulatedCluster;
  let tree: Tree;
  let dir: string;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');

  /** The cluster row's children that are pools, by name. */
  const pools = () => tree.getChildren({ kind: 'cluster' }).filter((c): c is Extract<TreeNode, { kind: 'pool' }> => c.kind === 'pool');
  const nodeItem = (name: string) => tree.getTreeItem({ kind: 'node', name });
  /** Resolves once the tree has fired nothing for 2 s (at most 20 s). */
  const treeQuiet = async (): Promise<void> => {
    let last = Date.now();
    const subscription = tree.onDidChangeTreeData(() => { last = Date.now(); });
    try {
      await until('the tree quiet for 2 s', () => Date.now() - last >= 2_000, 20_000);
    } finally {
      subscription.dispose();
    }
  };
  /**
   * Makes `change` to one node and checks what the view redrew: that node's row, with the element
   * VS Code was given; no full refresh; no other node of its pool except in the clock's redraw,
   * which names every node row drawn. Should the clock's redraw be the one that carried the
   * node's, `change` runs again (at most three times).
   */
  const assertRedrawnAlone = async (element: TreeNode, pool: string, change: (attempt: number) => void): Promise<void> => {
    assert.equal(element.kind, 'node');
    const others = tree.getChildren({ kind: 'pool', name: pool })
      .flatMap((n) => n.kind === 'node' && n !== element ? [n.name] : []);
    assert.ok(others.length > 0, `${pool} has nodes besides the one that changes`);
    const namesOf = (batch: TreeNode | TreeNode[] | undefined) => new Set((Array.isArray(batch) ? batch : []).flatMap((n) => n.kind === 'node' ? [n.name] : []));
    for (let attempt = 1; ; attempt++) {
      await treeQuiet();
      const fired: (TreeNode | TreeNode[] | undefined)[] = [];
      const subscription = tree.onDidChangeTreeData((e) => fired.push(e));
      try {
        change(attempt);
        await until('the node row redrawn', () => fired.some((e) => Array.isArray(e) && e.includes(element)), 15_000);
      } finally {
        subscription.dispose();
      }
      assert.ok(!fired.includes(undefined), `no full refresh for one node's change: ${JSON.stringify(fired)}`);
      assert.ok(fired.every((e) => Array.isArray(e) && e.every((x) => x.kind === 'node')), `only node rows redrawn: ${JSON.stringify(fired)}`);
      for (const batch of fired) {
        const names = namesOf(batch);
        assert.ok(others.every((o) => names.has(o)) || others.every((o) => !names.has(o)), `a row that did not change was redrawn: ${JSON.stringify(batch)}`);
      }
      const alone = fired.some((e) => Array.isArray(e) && e.includes(element) && others.every((o) => !namesOf(e).has(o)));
      if (alone) {
        return;
      }
      assert.ok(attempt < 3, `the node's row came only with the clock's redraw of every row, three times: ${JSON.stringify(fired)}`);
    }
  };

  before(async function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-tree-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    tree = (ext.exports as { nodesTree: Tree }).nodesTree;
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    tree.getChildren();
  });

  // Each test starts from a loaded view (earlier tests reconnect and switch settings), so none
  // depends on another having waited for it.
  beforeEach(async function () {
    this.timeout(60_000);
    await until('the cluster loaded', () => pools().length === 3 && /reimage failed/.test(String(nodeItem(SIMULATED_NODES.userNotReady[0]).description)), 50_000);
  });

  after(async () => {
    await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the cluster, its pools and every node with its health', async () => {
    await until('three pools', () => pools().length === 3);
    const root = tree.getChildren();
    assert.equal(label(tree.getTreeItem(root[0])), SIMULATED_CONTEXT);
    assert.deepEqual(pools().map((p) => p.name).sort(), ['gpupool', 'system', 'userpool']);
    const user = tree.getChildren({ kind: 'pool', name: 'userpool' }) as Extract<TreeNode, { kind: 'node' }>[];
    assert.equal(user.length, 6);
    // Unhealthy nodes come first.
    assert.deepEqual(user.slice(0, 2).map((n) => n.name).sort(), [...SIMULATED_NODES.userNotReady].sort());
    // Nodes are listed first, their events right after.
    await until('repair events on the nodes', () => /reimage failed/.test(String(nodeItem(SIMULATED_NODES.userNotReady[0]).description)));
    const description = String(nodeItem(SIMULATED_NODES.userNotReady[0]).description);
    assert.match(description, /^NotReady \d+m · reimage failed: VMExtensionProvisioningError/);
    assert.equal((nodeItem(SIMULATED_NODES.userNotReady[0]).iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal((nodeItem(SIMULATED_NODES.systemHealthy[0]).iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(String(nodeItem(SIMULATED_NODES.gpuShutdownTainted).description), /auto-repair skips: shutdown taint/);
    assert.match(String(nodeItem(SIMULATED_NODES.userNotReady[1]).description), /redeploy failed \(no code\)/);
    assert.match(String(tree.getTreeItem({ kind: 'cluster' }).description), /11 nodes · 3 NotReady · 1 Unknown/);
  });

  it('lists a node\'s repair steps; a failed step opens its guidance with the event', async () => {
    const name = SIMULATED_NODES.userNotReady[0];
    const children = tree.getChildren({ kind: 'node', name });
    const steps = children.filter((c) => c.kind === 'step').map((c) => tree.getTreeItem(c));
    assert.deepEqual(steps.map(label), ['Reboot', 'Reimage']);
    assert.match(String(steps[0].description), /^completed /);
    assert.match(String(steps[1].description), /^failed: VMExtensionProvisioningError/);
    const cmd = steps[1].command!;
    assert.equal(cmd.command, 'aksNodeRepair.openGuidance');
    const target = cmd.arguments![0] as { id: string; context: { node: string; message: string } };
    assert.equal(target.id, 'VMExtensionProvisioningError');
    assert.equal(target.context.node, name);
    await vscode.commands.executeCommand(cmd.command, ...cmd.arguments!);
    await until('the guidance tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'AKS: VMExtensionProvisioningError'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The step's own events, in order.
    const events = tree.getChildren(children.find((c) => c.kind === 'step' && c.index === 1)).map((e) => label(tree.getTreeItem(e)));
    assert.deepEqual(events, ['NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError']);
  });

  it('follows the cluster live: a new repair error appears without a refresh', async () => {
    const name = aksNodeName('userpool', 0);
    assert.doesNotMatch(String(nodeItem(name).description), /failed/);
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootError', at: new Date(), format: 1, code: 'OutboundConnectivityNotEnabledOnVMSS' }));
    await until('the new error on the node row', () => /reboot failed: OutboundConnectivityNotEnabledOnVMSS/.test(String(nodeItem(name).description)));
  });

  it('redraws only the row of a node whose events changed, with the element VS Code was given', async () => {
    // VS Code's extension host forgets the elements under a redrawn one: a full refresh for one
    // node's event would leave a right-click on any other row without its element for a moment.
    const name = SIMULATED_NODES.systemHealthy[1];
    // Read as the workbench reads a visible view: root, cluster, pool, the node's rows.
    tree.getChildren();
    tree.getChildren({ kind: 'cluster' });
    const element = tree.getChildren({ kind: 'pool', name: 'system' }).find((n) => n.kind === 'node' && n.name === name);
    assert.ok(element, `${name} is listed under its pool`);
    const eventRows = () => tree.getChildren(element).filter((c) => c.kind === 'event').length;
    const before = eventRows();
    // The tests before this one changed other nodes, and the history records those changes a moment
    // later: assertRedrawnAlone starts once the tree has been quiet for a while.
    await assertRedrawnAlone(element, 'system', (attempt) => {
      cluster.server.upsertEvent(makeNoiseEvent({ reason: 'Starting', node: name, at: new Date(), pod: `redraw-${attempt}-${Date.now()}` }));
    });
    // The same object as before, as the extension host needs to match it, and its new rows.
    assert.equal(tree.getChildren({ kind: 'pool', name: 'system' }).find((n) => n.kind === 'node' && n.name === name), element);
    assert.ok(eventRows() > before, 'its new event is among its rows');
  });

  it('redraws only the node whose recorded rows changed when the history changes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const history = (ext.exports as { history: RepairHistoryService }).history;
    await until('the repair history open', () => history.snapshot() !== undefined, 20_000);
    const name = SIMULATED_NODES.systemHealthy[0];
    tree.getChildren();
    tree.getChildren({ kind: 'cluster' });
    const element = tree.getChildren({ kind: 'pool', name: 'system' }).find((n) => n.kind === 'node' && n.name === name)!;
    try {
      await assertRedrawnAlone(element, 'system', (attempt) => {
        // As the workbench draws it: the row reads its recorded rows now.
        tree.getTreeItem(element);
        // A Container Insights read with one row for this node, and nothing to say under the cluster (`ok`).
        const at = Date.now() - 3 * 3_600_000;
        const row: RecordedEvent = {
          key: `insights-redraw-${attempt}-${at}`, node: name, reason: 'NodeRebootError', action: 'reboot', phase: 'error', format: 'colon',
          code: 'OutboundConnectivityNotEnabledOnVMSS', message: 'Node auto-repair reboot action failed due to an operation failure: OutboundConnectivityNotEnabledOnVMSS',
          type: 'Warning', count: 1, firstSeen: at, lastSeen: at, origin: 'containerInsights', recordedAt: at,
        };
        history.setInsights(history.snapshot()!.cluster, [row], { kind: 'ok', message: '', at: Date.now(), rows: 1 });
      });
      assert.ok(tree.getChildren(element).some((c) => c.kind === 'step'), 'the recorded step is among its rows');
    } finally {
      history.setInsights(history.snapshot()!.cluster, [], { kind: 'ok', message: '', at: Date.now(), rows: 0 });
    }
  });

  it('notifies about a new repair error, not about the ones already there', async () => {
    const log = vscode.window.createOutputChannel('AKS notifier test', { log: true });
    const session = new ClusterSession(new MemoryMemento(), log);
    const shown: string[] = [];
    const notifier = new RepairNotifier(session, async (message) => {
      shown.push(message);
      return undefined;
    });
    try {
      session.ensureStarted();
      await until('the second session to connect', () => session.state.kind === 'connected' && session.model.nodeNamesWithEvents().length > 0);
      assert.deepEqual(shown, [], 'errors present at connect are not news');
      const name = SIMULATED_NODES.gpuShutdownTainted;
      cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeReimageError', at: new Date(), format: 1, code: 'TooManyVMRedeploymentRequests' }));
      await until('the notification', () => shown.length > 0, 15_000);
      // Errors already there at connect, had they been taken for news, would be in this batch
      // ("Auto-repair failed on N nodes") or in one before it: only the new error is announced.
      assert.deepEqual(shown, [`Auto-repair reimage failed on ${name}: TooManyVMRedeploymentRequests.`]);
    } finally {
      notifier.dispose();
      session.dispose();
      log.dispose();
    }
  });

  it('switches to another context of the kubeconfig and says which one it is on', async () => {
    const file = path.join(dir, 'two-contexts');
    const config = yaml.load(fs.readFileSync(cluster.kubeconfigPath, 'utf8')) as { contexts: { name: string; context: object }[] };
    config.contexts.push({ name: 'aks-second-northeurope', context: config.contexts[0].context });
    fs.writeFileSync(file, yaml.dump(config));
    const log = vscode.window.createOutputChannel('AKS context test', { log: true });
    const previous = vscode.workspace.getConfiguration('aksNodeRepair').get<string>('kubeconfig');
    await vscode.workspace.getConfiguration('aksNodeRepair').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    const session = new ClusterSession(new MemoryMemento(), log);
    try {
      const found = session.contexts();
      assert.ok('contexts' in found, 'the contexts are read');
      assert.deepEqual([...found.contexts].sort(), ['aks-demo-westeurope', 'aks-second-northeurope']);
      assert.equal(found.current, SIMULATED_CONTEXT);
      await session.switchContext('aks-second-northeurope');
      await until('the session on the second context', () => session.state.kind === 'connected' && session.identity?.context === 'aks-second-northeurope');
      assert.equal(session.model.nodes().length, 11);
    } finally {
      session.dispose();
      log.dispose();
      await vscode.workspace.getConfiguration('aksNodeRepair').update('kubeconfig', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('filters to unhealthy nodes and back', async () => {
    await vscode.commands.executeCommand('aksNodeRepair.clearFilter');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const provider = (ext.exports as { nodesTree: { filter: { unhealthyOnly: boolean; repairActivityOnly: boolean } } }).nodesTree;
    provider.filter = { unhealthyOnly: true, repairActivityOnly: false };
    try {
      assert.deepEqual(pools().map((p) => p.name).sort(), ['gpupool', 'userpool']);
      assert.equal(tree.getChildren({ kind: 'pool', name: 'userpool' }).length, 2);
    } finally {
      await vscode.commands.executeCommand('aksNodeRepair.clearFilter');
    }
    assert.equal(pools().length, 3);
  });

  it('says it is reconnecting while the API server is down, keeps the nodes, and recovers with no duplicates', async function () {
    this.timeout(90_000);
    await cluster.server.stop();
    await until('a reconnecting row', () => tree.getChildren({ kind: 'cluster' }).some((c) => c.kind === 'message' && /Reconnecting/.test(label(tree.getTreeItem(c)))), 60_000);
    assert.equal(pools().length, 3, 'the last known nodes stay on screen');
    const during = aksNodeName('userpool', 2);
    cluster.server.upsertEvent(makeRepairEvent({ node: during, reason: 'NodeReimageError', at: new Date(), format: 1, code: 'VMRedeploymentFailed' }));
    await cluster.server.restart();
    await vscode.commands.executeCommand('aksNodeRepair.refresh');
    await until('recovery', () => !tree.getChildren({ kind: 'cluster' }).some((c) => c.kind === 'message'), 60_000);
    await until('the event created during the outage', () => /reimage failed: VMRedeploymentFailed/.test(String(nodeItem(during).description)));
    assert.equal(tree.getChildren({ kind: 'pool', name: 'userpool' }).length, 6, 'no duplicate rows');
  });

  it('opens the right entry for a multi-word code written as AKS writes it', async () => {
    const name = aksNodeName('system', 2);
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeReimageError', at: new Date(), format: 1, code: 'ManagedIdentityCredential authentication failed' }));
    await until('the failed step', () => tree.getChildren({ kind: 'node', name }).some((c) => c.kind === 'step'));
    const step = tree.getChildren({ kind: 'node', name }).find((c) => c.kind === 'step')!;
    const cmd = tree.getTreeItem(step).command!;
    await vscode.commands.executeCommand(cmd.command, ...cmd.arguments!);
    await until('the guidance for the managed identity failure', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.label === 'AKS: ManagedIdentityCredential authentication failed'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('says how many events of a flooded node it does not show', async () => {
    const name = SIMULATED_NODES.systemHealthy[2];
    const now = Date.now();
    // 250 distinct events: the model keeps 200 (ClusterModel's cap), the view shows 20 of them.
    for (let i = 0; i < 250; i++) {
      cluster.server.upsertEvent(makeNoiseEvent({ reason: 'NodeNotReady', node: name, at: new Date(now - (250 - i) * 1000), message: `Node ${name} status is now: NodeNotReady (${i})` }));
    }
    const more = () => tree.getChildren({ kind: 'node', name }).find((c) => c.kind === 'message' && c.id === `more:${name}`);
    await until('the "more" row', () => more() && label(tree.getTreeItem(more()!)) === '230 more events not shown', 20_000);
    const children = tree.getChildren({ kind: 'node', name });
    assert.equal(children.filter((c) => c.kind === 'event').length, 20);
    assert.deepEqual(children.at(-1), more());
  });

  it('keeps a deleted node\'s repair history under "No longer in the cluster"', async () => {
    const name = SIMULATED_NODES.userNotReady[1];
    cluster.server.deleteNode(name);
    await until('the gone group', () => tree.getChildren({ kind: 'cluster' }).some((c) => c.kind === 'gone'));
    const gone = tree.getChildren({ kind: 'gone' });
    assert.deepEqual(gone, [{ kind: 'node', name }]);
    assert.match(String(tree.getTreeItem(gone[0]).description), /^gone · redeploy failed: no error code/);
    assert.equal(tree.getChildren({ kind: 'pool', name: 'userpool' }).length, 5);
  });

  it('shows nothing but the welcome content when the kubeconfig is missing', async () => {
    await config().update('kubeconfig', path.join(dir, 'does-not-exist'), vscode.ConfigurationTarget.Global);
    await until('an empty view', () => tree.getChildren().length === 0);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await until('the cluster back', () => pools().length === 3);
  });
});
