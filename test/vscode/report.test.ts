import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as vscode from 'vscode';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import type { RepairHistoryPanels } from '../../src/historyPanel/historyPanels';
import type { TreeNode } from '../../src/tree/treeNodes';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';

interface Tree {
  getChildren(element?: TreeNode): TreeNode[];
  getTreeItem(element: TreeNode): vscode.TreeItem;
}

/** Every string value under a kubeconfig's `users` (tokens, keys, exec commands and arguments). */
function userSecrets(file: string): string[] {
  const config = yaml.load(fs.readFileSync(file, 'utf8')) as { users: { user: unknown }[] };
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= 6) {
      out.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (typeof v === 'object' && v !== null) {
      Object.values(v).forEach(walk);
    }
  };
  config.users.forEach((u) => walk(u.user));
  return out;
}

/** The text of the untitled Markdown document the command opened; the document is then closed unsaved. */
async function reportFor(node: string): Promise<string> {
  await vscode.commands.executeCommand('aksNodeRepair.createSupportReport', { kind: 'node', name: node });
  const doc = await until('the report document', () => {
    const d = vscode.window.activeTextEditor?.document;
    return d && d.isUntitled && d.languageId === 'markdown' && d.getText().includes(node) ? d : undefined;
  });
  const text = doc.getText();
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return text;
}

describe('Support report and repair history against the simulated AKS cluster', () => {
  let cluster: SimulatedCluster;
  let tree: Tree;
  let panels: RepairHistoryPanels;
  let history: { recordedFor(node: string): readonly unknown[] };
  let dir: string;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const node = SIMULATED_NODES.userNotReady[0];
  const loaded = () => /reimage failed/.test(String(tree.getTreeItem({ kind: 'node', name: node }).description));

  before(async function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-report-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const api = ext.exports as { nodesTree: Tree; historyPanels: RepairHistoryPanels; history: typeof history };
    tree = api.nodesTree;
    panels = api.historyPanels;
    history = api.history;
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    tree.getChildren();
    await until('the cluster loaded', loaded, 50_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Create Support Report opens Markdown with the node\'s timeline and codes, and no credential', async () => {
    const text = await reportFor(node);
    assert.match(text, new RegExp(`^# AKS node auto-repair report for \`${node}\``));
    assert.match(text, /- Kubeconfig context: `aks-demo-westeurope`/);
    assert.match(text, /- API server host: `127\.0\.0\.1:\d+`/);
    assert.match(text, /- Node pool: `userpool`/);
    const timeline = text.split('## Repair timeline (UTC)')[1].split('\n## ')[0];
    for (const reason of ['NodeRebootStart', 'NodeRebootEnd', 'NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError']) {
      assert.match(timeline, new RegExp(`\`${reason}\`.*· source: (cluster \\(live\\)|local history)`), `${reason} in the timeline`);
    }
    assert.match(timeline, /`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC` · `NodeReimageError` · `Warning` · code `VMExtensionProvisioningError`/);
    // The code's meaning, from the built-in catalog.
    assert.match(text, /- `VMExtensionProvisioningError`[^\n]* — [^\n]*[Ee]xtension/);
    assert.match(text, /- reimage #1: failed with `VMExtensionProvisioningError`/);
    assert.match(text, /^> Review this report before you share it\./m);
    const secrets = [cluster.server.token, ...userSecrets(cluster.kubeconfigPath)];
    assert.ok(secrets.includes(cluster.server.token) && secrets.length >= 1);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), 'the report holds a credential of the kubeconfig');
    }
  });

  it('keeps an exec plugin\'s command line and the token it hands out out of the report', async function () {
    this.timeout(90_000);
    if (process.versions.electron) {
      // The plugin runs with the extension host's own executable, which is Node only outside Electron.
      this.skip();
    }
    const plugin = path.join(dir, 'token-plugin.js');
    const secretArg = '--client-secret=exec-argument-s3cr3t-7f1e';
    fs.writeFileSync(plugin, `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: ${JSON.stringify(cluster.server.token)} } }));\n`);
    const file = path.join(dir, 'exec-kubeconfig');
    fs.writeFileSync(file, cluster.server.kubeconfig({
      contextName: 'aks-exec-westeurope', clusterName: 'aks-demo', userName: 'exec-user',
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin, secretArg], interactiveMode: 'Never' } },
    }), { mode: 0o600 });
    await config().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    try {
      const root = () => tree.getTreeItem(tree.getChildren()[0]).label;
      await until('the cluster through the exec plugin', () => root() === 'aks-exec-westeurope' && loaded(), 60_000);
      const text = await reportFor(node);
      assert.match(text, /- Kubeconfig context: `aks-exec-westeurope`/);
      for (const secret of [secretArg, 's3cr3t', plugin, process.execPath, cluster.server.token, 'exec-user']) {
        assert.ok(!text.includes(secret), `the report holds ${secret}`);
      }
      assert.match(text, /`NodeReimageError`/);
    } finally {
      await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
      await until('the cluster loaded again', () => tree.getTreeItem(tree.getChildren()[0]).label === SIMULATED_CONTEXT && loaded(), 50_000);
    }
  });

  it('Show Repair History opens the cluster\'s panel with its chart and codes', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('aksNodeRepair.showRepairHistory');
    await until('the history tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === `Repair History: ${SIMULATED_CONTEXT}`));
    const panel = await until('the panel with the node', () => {
      const p = panels.panel();
      return p?.data.kind === 'cluster' && p.data.nodes.some((n) => n.name === node) ? p : undefined;
    });
    const data = panel.data;
    assert.ok(data.kind === 'cluster');
    const row = data.nodes.find((n) => n.name === node)!;
    assert.deepEqual(row.marks.at(-1)!.actions.map((a) => `${a.action}:${a.outcome}`), ['reboot:succeeded', 'reimage:failed']);
    const html = panel.html();
    assert.match(html, /<div class="chart-wrap"/);
    assert.match(html, new RegExp(`<g class="mark outcome-failed" tabindex="0" role="button" data-node="${node}"`));
    assert.match(html, /<code>VMExtensionProvisioningError<\/code>/);
    // The markup in the simulated cluster's hostile message never reaches the page unescaped.
    assert.doesNotMatch(html, /<img|<b>bold/);
    // Shown again: the same panel, not a second one.
    await vscode.commands.executeCommand('aksNodeRepair.showRepairHistory');
    assert.equal(panels.panel(), panel);
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith('Repair History')).length, 1);
  });

  it('reports a node that left the cluster, after the cluster dropped its events, from the local history', async function () {
    this.timeout(60_000);
    const gone = SIMULATED_NODES.userNotReady[1];
    await until('its events recorded', () => history.recordedFor(gone).length >= 3, 30_000);
    // The node is deleted, and its events expire as AKS's one-hour retention would have it.
    for (const event of cluster.server.events().filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === gone)) {
      const meta = (event as { metadata: { namespace: string; name: string } }).metadata;
      cluster.server.deleteEvent(meta.namespace, meta.name);
    }
    cluster.server.deleteNode(gone);
    await until('the node gone from the pool', () => !tree.getChildren({ kind: 'pool', name: 'userpool' }).some((n) => n.kind === 'node' && n.name === gone));
    const text = await reportFor(gone);
    assert.match(text, /- In the cluster: no/);
    assert.match(text, /- Node pool: `userpool`/);
    assert.match(text, /`NodeRedeployError` · `Warning` · source: local history/);
    assert.match(text, /- The node is no longer in the cluster: its details are as the local history last saw them/);
    assert.ok(!text.includes('source: cluster (live)'), 'nothing of it is left in the cluster');
  });
});
