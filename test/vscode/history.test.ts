import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeRepairEvent } from '../standin/fixtures';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import type { GuidanceTarget } from '../../src/domain/guidanceTarget';
import type { RepairHistoryService } from '../../src/repairHistory/repairHistoryService';
import { RepairHistoryService as HistoryServiceClass } from '../../src/repairHistory/repairHistoryService';
import { ClusterSession } from '../../src/session/clusterSession';
import { ClusterTreeProvider } from '../../src/tree/clusterTreeProvider';
import { recordedLabel } from '../../src/tree/recordedRows';
import type { TreeNode } from '../../src/tree/treeNodes';
import { MemoryMemento } from './memoryMemento';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const DAY = 86_400_000;

interface Tree {
  getChildren(element?: TreeNode): TreeNode[];
  getTreeItem(element: TreeNode): vscode.TreeItem;
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');
const icon = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon | undefined)?.id;
/**
 * A recorded row's time: the clock time on the day it was recorded, with the date before it once
 * the UTC day has changed. The fixture's events are at most an hour old, so within the first hour
 * after midnight UTC they may carry yesterday's date (the rule itself is checked exactly below).
 */
const recordedAt = (): string => (new Date().getUTCHours() === 0 ? String.raw`recorded (?:\d{4}-\d\d-\d\d )?\d\d:\d\d UTC` : String.raw`recorded \d\d:\d\d UTC`);

describe('Repair history in the Nodes view (local history past the cluster\'s hour)', () => {
  let cluster: SimulatedCluster;
  let tree: Tree;
  let history: RepairHistoryService;
  let dir: string;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const stepsOf = (t: Tree, name: string) => t.getChildren({ kind: 'node', name }).filter((c) => c.kind === 'step').map((c) => t.getTreeItem(c));
  const recordedKeys = (name: string) => (history.snapshot()?.events.get(name) ?? []).map((e) => e.key);

  /** What the one-hour expiry does: the cluster deletes the node's events (watches see DELETED). */
  async function expire(name: string): Promise<void> {
    const events = cluster.server.events().filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name);
    const keys = events.map((e) => (e.metadata as { uid: string }).uid);
    await until(`the history to hold ${name}'s events`, () => keys.every((k) => recordedKeys(name).includes(k)));
    await history.flush();
    for (const e of events) {
      const m = e.metadata as { namespace: string; name: string };
      assert.ok(cluster.server.deleteEvent(m.namespace, m.name));
    }
    await until(`the live events of ${name} to go`, () => history.eventsFor(name).every((e) => e.origin === 'history'));
  }

  before(async function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-history-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const api = ext.exports as { nodesTree: Tree; history: RepairHistoryService };
    tree = api.nodesTree;
    history = api.history;
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    tree.getChildren();
    await until('the cluster loaded and recorded', () => history.stats()?.role === 'writer'
      && recordedKeys(SIMULATED_NODES.userNotReady[0]).length >= 6, 50_000);
  });

  after(async () => {
    history.testHook.answerClear(undefined);
    await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a node\'s repair steps after the cluster dropped its events, marked as recorded history', async () => {
    const name = SIMULATED_NODES.userNotReady[0];
    await expire(name);
    await until('the recorded steps', () => stepsOf(tree, name).length === 2 && stepsOf(tree, name).every((s) => icon(s) === 'history'));
    const [reboot, reimage] = stepsOf(tree, name);
    assert.deepEqual([label(reboot), label(reimage)], ['Reboot', 'Reimage']);
    assert.match(String(reboot.description), new RegExp(`^completed · ${recordedAt()}`));
    assert.match(String(reimage.description), new RegExp(`^failed: VMExtensionProvisioningError · ${recordedAt()}`));
    assert.match(String(reimage.contextValue), /(^| )recorded( |$)/);
    assert.match(String(reimage.tooltip), /Recorded by this extension \(local repair history\)/);
    // The node is still NotReady in the spell those steps belong to: its line says so, and where from.
    const node = tree.getTreeItem({ kind: 'node', name });
    assert.match(String(node.description), new RegExp(`^NotReady \\d+m · reimage failed: VMExtensionProvisioningError · ${recordedAt()}`));
    // The step's events, recorded too.
    const events = tree.getChildren(tree.getChildren({ kind: 'node', name }).find((c) => c.kind === 'step' && c.index === 1)).map((e) => tree.getTreeItem(e));
    assert.deepEqual(events.map(label), ['NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError']);
    assert.ok(events.every((e) => new RegExp(`^${recordedAt()}`).test(String(e.description)) && icon(e) === 'history'));
  });

  it('labels a recorded row with its clock time on the day it was recorded, and with its date after that', () => {
    const now = Date.parse('2026-12-02T00:10:00Z');
    assert.equal(recordedLabel('history', Date.parse('2026-12-02T00:05:30Z'), now), 'recorded 00:05 UTC');
    assert.equal(recordedLabel('history', Date.parse('2026-12-01T23:42:10Z'), now), 'recorded 2026-12-01 23:42 UTC');
    assert.equal(recordedLabel('containerInsights', Date.parse('2026-11-28T08:30:00Z'), now), 'from Container Insights 2026-11-28 08:30 UTC');
    assert.equal(recordedLabel('history', undefined, now), 'recorded');
  });

  it('keeps a node that left the cluster under "No longer in the cluster", with what it was', async () => {
    const name = SIMULATED_NODES.userNotReady[1];
    await expire(name);
    assert.ok(cluster.server.deleteNode(name));
    await until('the gone group', () => tree.getChildren({ kind: 'gone' }).some((c) => c.kind === 'node' && c.name === name));
    const item = tree.getTreeItem({ kind: 'node', name });
    assert.match(String(item.description), /^gone · redeploy failed: no error code/);
    await until('the departure recorded', () => history.snapshot()?.nodes.get(name)?.goneAt !== undefined);
    const again = tree.getTreeItem({ kind: 'node', name });
    assert.match(String(again.tooltip), new RegExp(`${name} left the cluster at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC`));
    assert.match(String(again.tooltip), /kept for 30 days/);
    assert.match(String(again.tooltip), /Node: pool userpool, Standard_D8ds_v5/);
    assert.match(String(tree.getTreeItem({ kind: 'gone' }).description), /with repair history/);
    assert.deepEqual(stepsOf(tree, name).map(label), ['Reboot', 'Reimage', 'Redeploy']);
  });

  it('says "seen N times over D days" in the tooltip and the guidance context when a code recurs', async () => {
    const name = SIMULATED_NODES.gpuUnknown; // its reboot failed with InvalidParameter 8 minutes ago
    const at = (msAgo: number) => new Date(Date.now() - msAgo);
    // Earlier failures the extension saw on other days (the stand-in serves them as the cluster would have).
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootError', at: at(3 * DAY), format: 2, code: 'InvalidParameter', name: `${name}.old1` }));
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootError', at: at(DAY), format: 2, code: 'InvalidParameter', name: `${name}.old2` }));
    await until('the tooltip', () => /InvalidParameter: seen 3 times over 3 days/.test(String(tree.getTreeItem({ kind: 'node', name }).tooltip)));
    // They expire from the cluster (once recorded); the history still counts them.
    await until('the old ones recorded', () => (history.snapshot()?.events.get(name) ?? []).filter((e) => e.lastSeen! < Date.now() - 12 * 3_600_000).length === 2);
    cluster.server.deleteEvent('default', `${name}.old1`);
    cluster.server.deleteEvent('default', `${name}.old2`);
    await until('the old ones only in the history', () => history.eventsFor(name).filter((e) => e.origin === 'history').length === 2);
    assert.match(String(tree.getTreeItem({ kind: 'node', name }).tooltip), /InvalidParameter: seen 3 times over 3 days/);
    const failed = tree.getChildren({ kind: 'node', name }).filter((c) => c.kind === 'step').map((c) => tree.getTreeItem(c)).at(-1)!;
    const target = failed.command!.arguments![0] as GuidanceTarget;
    assert.equal(target.id, 'InvalidParameter');
    assert.deepEqual(target.context?.recurrence, { times: 3, days: 3 });
  });

  it('after a window reload, a new service reads the file back (and only one window records)', async () => {
    const name = SIMULATED_NODES.userNotReady[0];
    await expire(name);
    await history.flush();
    // What a reloaded window builds at activation: a session, the history service over the same
    // global storage folder, the Nodes view's provider. Nothing of that node is live any more.
    const log = vscode.window.createOutputChannel('AKS history reload test', { log: true });
    const session = new ClusterSession(new MemoryMemento(), log);
    const service = new HistoryServiceClass(session, history.storageFolder, log);
    const provider = new ClusterTreeProvider(session, Date.now, undefined, service);
    try {
      provider.getChildren();
      await until('the second window connected', () => session.state.kind === 'connected' && session.model.node(name) !== undefined, 30_000);
      await service.whenReady();
      assert.equal(service.stats()?.role, 'reader', 'the first window holds the lock and records');
      provider.refresh();
      const steps = stepsOf(provider, name);
      assert.deepEqual(steps.map(label), ['Reboot', 'Reimage']);
      assert.ok(steps.every((s) => icon(s) === 'history'));
      assert.equal(session.model.eventsFor(name).length, 0, 'none of it came from the cluster');
    } finally {
      await service.close();
      provider.dispose();
      session.dispose();
      log.dispose();
    }
  });

  it('AKS: Clear Repair History asks, naming the cluster, then empties it', async () => {
    const name = SIMULATED_NODES.userNotReady[0];
    await expire(name);
    const asked: string[] = [];
    history.testHook.answerClear(async (message, _detail, buttons) => {
      asked.push(message, ...buttons);
      return 'Clear History';
    });
    await vscode.commands.executeCommand('aksNodeRepair.clearRepairHistory');
    assert.deepEqual(asked, [`Clear the repair history of ${SIMULATED_CONTEXT}?`, 'Clear History', 'Clear All Clusters']);
    assert.equal(history.snapshot()?.events.get(name), undefined);
    await until('the recorded steps gone from the tree', () => stepsOf(tree, name).length === 0);
    // Cancelling changes nothing.
    history.testHook.answerClear(async () => undefined);
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootError', at: new Date(), code: 'OutboundConnectivityNotEnabledOnVMSS', name: `${name}.after-clear` }));
    await until('the new event recorded', () => recordedKeys(name).length === 1);
    await vscode.commands.executeCommand('aksNodeRepair.clearRepairHistory');
    assert.equal(recordedKeys(name).length, 1);
  });
});
