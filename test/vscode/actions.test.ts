import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as vscode from 'vscode';
import { ArmControl } from '../harness/armControl';
import { aksNodeName } from '../standin/fixtures';
import { makePod } from '../standin/podFixtures';
import { SIMULATED_CONTEXT, SIMULATED_NODES, startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { SIMULATED_BUDGET, SIMULATED_PODS } from '../standin/simulatedWorkloads';
import type { ActionHost, ConfirmRequest, NoticeSeverity, ProgressReport } from '../../src/actions/actionHost';
import type { NodeActionsTestHook } from '../../src/actions/nodeActionService';
import type { TreeNode } from '../../src/tree/treeNodes';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const OTHER_CONTEXT = 'aks-other-northeurope';

interface Api {
  nodesTree: { getChildren(element?: TreeNode): TreeNode[]; getTreeItem(element: TreeNode): vscode.TreeItem };
  nodeActionsTestHook: NodeActionsTestHook;
}

interface Notice {
  readonly severity: NoticeSeverity;
  readonly message: string;
  readonly buttons: readonly string[];
}

/**
 * Answers the actions' dialogs as the test says and keeps what was shown: the confirmations,
 * the notifications and every progress line. Progress runs the task directly; `cancelWhen`
 * aborts it (the notification's Cancel) on the first line it accepts.
 */
class ScriptedHost implements ActionHost {
  confirms: ConfirmRequest[] = [];
  notices: Notice[] = [];
  progresses: { title: string; cancellable: boolean; lines: string[] }[] = [];
  answer: (request: ConfirmRequest) => boolean | Promise<boolean> = () => true;
  choose: (notice: Notice) => string | undefined = () => undefined;
  cancelWhen: ((line: string) => boolean) | undefined;

  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.confirms.push(request);
    return this.answer(request);
  }

  async notify(severity: NoticeSeverity, message: string, ...buttons: string[]): Promise<string | undefined> {
    const notice = { severity, message, buttons };
    this.notices.push(notice);
    return this.choose(notice);
  }

  async progress<T>(title: string, cancellable: boolean, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = { title, cancellable, lines: [] as string[] };
    this.progresses.push(entry);
    const controller = new AbortController();
    return task((line) => {
      entry.lines.push(line);
      if (cancellable && this.cancelWhen?.(line)) {
        controller.abort();
      }
    }, controller.signal);
  }

  reset(): void {
    this.confirms = [];
    this.notices = [];
    this.progresses = [];
    this.answer = () => true;
    this.choose = () => undefined;
    this.cancelWhen = undefined;
  }
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

describe('Node actions, against the simulated cluster and the simulated Azure', function () {
  this.timeout(90_000);
  const arm = ArmControl.fromEnv();
  const host = new ScriptedHost();
  let cluster: SimulatedCluster;
  let dir: string;
  let api: Api;
  let hostHandle: vscode.Disposable | undefined;
  const config = () => vscode.workspace.getConfiguration('aksNodeRepair');
  const item = (name: string) => api.nodesTree.getTreeItem({ kind: 'node', name });
  const row = (name: string) => ({ kind: 'node', name });
  const loaded = () => /reimage failed/.test(String(item(SIMULATED_NODES.userNotReady[0]).description));
  const rootLabel = () => label(api.nodesTree.getTreeItem({ kind: 'cluster' }));
  let kubeconfigFile = '';
  /** Requests that change something in the cluster, since `from` (an index into the request log). */
  const k8sWrites = (from: number) => cluster.server.requestLog.slice(from).filter((r) => !['GET', 'HEAD'].includes(r.method));
  const armWrites = async (from: number) => (await arm!.requests()).filter((r) => r.at >= from && r.method !== 'GET');
  const spec = (name: string) => cluster.server.nodes().find((n) => n.metadata?.name === name)?.spec as { unschedulable?: boolean } | undefined;

  before(async function () {
    if (!arm) {
      // Run through test/vscode/runTest.ts, which starts the simulated Azure before VS Code.
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-actions-'));
    kubeconfigFile = path.join(dir, 'two-contexts');
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    // The kubeconfig has a second context on the same API server, listed first (the context
    // picker's first item), for the test that switches context while a dialog is open.
    const kubeconfig = yaml.load(fs.readFileSync(cluster.kubeconfigPath, 'utf8')) as { contexts: { name: string; context: object }[] };
    kubeconfig.contexts.unshift({ name: OTHER_CONTEXT, context: kubeconfig.contexts[0].context });
    fs.writeFileSync(kubeconfigFile, yaml.dump(kubeconfig));
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    api = ext.exports as Api;
    hostHandle = api.nodeActionsTestHook.useHost(host);
    await config().update('kubeconfig', kubeconfigFile, vscode.ConfigurationTarget.Global);
    await config().update('azure.resourceManagerEndpoint', arm!.url, vscode.ConfigurationTarget.Global);
    await config().update('azure.credential', 'azureCli', vscode.ConfigurationTarget.Global);
    api.nodesTree.getChildren();
  });

  // Loaded from this test's API server (the tooltip names it), not a model left from before.
  beforeEach(async () => {
    await until('the cluster loaded', () => String(api.nodesTree.getTreeItem({ kind: 'cluster' }).tooltip).includes(cluster.server.url) && loaded(), 50_000);
  });

  afterEach(async () => {
    host.reset();
    api.nodeActionsTestHook.setDrainOptions(undefined);
    cluster.server.clearFaults();
    await arm?.clearFaults();
    await config().update('actions.enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    hostHandle?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of ['kubeconfig', 'azure.resourceManagerEndpoint', 'azure.credential', 'actions.enabled']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await cluster?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cordons a node after asking: the row shows SchedulingDisabled and the cordoned token, from the watch', async () => {
    const name = aksNodeName('userpool', 0);
    assert.doesNotMatch(String(item(name).contextValue), /cordoned/);
    await vscode.commands.executeCommand('aksNodeRepair.cordonNode', row(name));
    assert.equal(host.confirms.length, 1);
    const [asked] = host.confirms;
    assert.equal(asked.message, `Cordon node ${name}?`);
    assert.equal(asked.button, 'Cordon');
    const port = new URL(cluster.server.url).port;
    assert.ok(asked.detail.includes(`Cluster: context "${SIMULATED_CONTEXT}", API server 127.0.0.1:${port}`), asked.detail);
    assert.ok(asked.detail.includes(`Node: ${name} (Ready)`), asked.detail);
    assert.ok(asked.detail.includes(`kubectl --context ${SIMULATED_CONTEXT} cordon ${name}`), asked.detail);
    assert.equal(spec(name)?.unschedulable, true, 'the stand-in has the node cordoned');
    await until('the cordoned row', () => /(^| )cordoned( |$)/.test(String(item(name).contextValue)) && /^Ready,SchedulingDisabled/.test(String(item(name).description)));
    assert.match(String(item(name).tooltip), /Cordoned: new pods are not scheduled here/);
    assert.deepEqual(host.notices.map((n) => n.severity), ['info']);
    assert.match(host.notices[0].message, new RegExp(`^Cordoned ${name}`));
  });

  it('uncordons it again', async () => {
    const name = aksNodeName('userpool', 0);
    const node = cluster.server.nodes().find((n) => n.metadata?.name === name)!;
    if (!spec(name)?.unschedulable) {
      cluster.server.upsertNode({ ...node, spec: { ...(node.spec as object), unschedulable: true } });
    }
    await until('the cordoned row', () => /cordoned/.test(String(item(name).contextValue)));
    await vscode.commands.executeCommand('aksNodeRepair.uncordonNode', row(name));
    assert.equal(host.confirms[0]?.button, 'Uncordon');
    assert.ok(host.confirms[0].detail.includes(`Node: ${name} (Ready,SchedulingDisabled)`), host.confirms[0].detail);
    await until('the row without the token', () => !/cordoned/.test(String(item(name).contextValue)) && String(item(name).description) === 'Ready');
    assert.equal(spec(name)?.unschedulable ?? false, false);
  });

  it('does nothing on Cancel: no request changes the cluster or Azure', async () => {
    const name = SIMULATED_NODES.userNotReady[0];
    const k8sFrom = cluster.server.requestLog.length;
    const armFrom = Date.now();
    host.answer = () => false;
    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    await vscode.commands.executeCommand('aksNodeRepair.reimageNodeVm', row(name));
    assert.equal(host.confirms.length, 2, 'both asked');
    assert.deepEqual(k8sWrites(k8sFrom), []);
    assert.deepEqual(await armWrites(armFrom), []);
    assert.deepEqual(host.notices, [], 'and said nothing more');
    assert.equal(host.progresses.length, 0);
  });

  it('asks about every selected node, and names each in the dialog', async () => {
    const names = [aksNodeName('userpool', 1), aksNodeName('userpool', 2)];
    host.answer = () => false;
    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(names[1]), names.map(row));
    const [asked] = host.confirms;
    assert.equal(asked.message, 'Drain 2 nodes?');
    assert.equal(asked.button, 'Drain 2 nodes');
    for (const name of names) {
      assert.ok(asked.detail.includes(`  • ${name} (Ready)`), asked.detail);
    }
    assert.ok(asked.detail.includes(`drain ${names[0]} ${names[1]} --ignore-daemonsets --delete-emptydir-data`), asked.detail);
  });

  it('shows a node name from the cluster on one line: a line break in it forges no line of the dialog', async () => {
    const base = cluster.server.nodes().find((n) => n.metadata?.name === aksNodeName('userpool', 1))!;
    const shown = `${aksNodeName('userpool', 9)} Cluster: context "prod", API server prod.example:443`;
    const forged = shown.replace(' Cluster:', '\nCluster:');
    cluster.server.upsertNode({ ...base, metadata: { ...base.metadata, name: forged, uid: '0b7c2f7e-2d7a-4c1e-9b59-000000000009' } });
    try {
      await until('the node in the view', () => String(item(forged).description).startsWith('Ready'));
      host.answer = () => false;
      await vscode.commands.executeCommand('aksNodeRepair.cordonNode', row(forged));
      const [asked] = host.confirms;
      assert.equal(asked.message, `Cordon node ${shown}?`);
      const lines = asked.detail.split('\n');
      assert.equal(lines.filter((l) => l.startsWith('Cluster:')).length, 1, asked.detail);
      assert.ok(lines.includes(`Node: ${shown} (Ready)`), asked.detail);
      assert.ok(lines.some((l) => l.startsWith('kubectl ') && l.includes(shown)), asked.detail);
    } finally {
      cluster.server.deleteNode(forged);
    }
  });

  it('drains a NotReady node: the budget blocks an eviction, the drain times out, and deleting the pods left is a second choice', async () => {
    // The simulated cluster's vmss000003: its kubelet is down (evictions are accepted, never complete),
    // and checkout-pdb refuses every eviction of its checkout pod.
    const name = SIMULATED_NODES.userNotReady[0];
    const pod = SIMULATED_PODS.protectedByBudget;
    assert.ok(cluster.server.pod(pod.namespace, pod.name), 'the protected pod is on the node');
    api.nodeActionsTestHook.setDrainOptions({ timeoutMs: 3_000, retryDelayMs: 200 });

    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    const [drain, remove] = host.confirms;
    assert.equal(drain.button, `Drain ${name}`, 'the button names the action and the node');
    assert.ok(drain.detail.includes(`kubectl --context ${SIMULATED_CONTEXT} drain ${name} --ignore-daemonsets --delete-emptydir-data --timeout=3s`), drain.detail);
    const progress = host.progresses.find((p) => p.title === `Draining ${name}`)!;
    assert.ok(progress.cancellable, 'a drain can be cancelled');
    assert.ok(progress.lines.some((l) => l.includes(`${pod.namespace}/${pod.name} blocked by PodDisruptionBudget ${SIMULATED_BUDGET}`)), progress.lines.join('\n'));
    assert.ok(remove, `the second choice was offered: ${JSON.stringify(host.notices)}`);
    assert.match(remove.message, new RegExp(`^\\d+ pods? (is|are) still on ${name} after 3s\\. Delete (it|them)\\?$`));
    assert.match(remove.button, new RegExp(`^Delete \\d+ pods? on ${name}$`));
    assert.ok(remove.detail.includes(`${pod.namespace}/${pod.name} (PodDisruptionBudget ${SIMULATED_BUDGET})`), remove.detail);
    assert.match(remove.detail, /grace period 0/, 'a NotReady node\'s pods are deleted at once');
    await until('the protected pod deleted', () => !cluster.server.pod(pod.namespace, pod.name));
    assert.equal(spec(name)?.unschedulable, true, 'the node stays cordoned');
    const left = cluster.server.podsOn(name).map((p) => (p.metadata?.ownerReferences as { kind: string }[] | undefined)?.[0]?.kind);
    assert.ok(left.length > 0 && left.every((kind) => kind === 'DaemonSet'), `only DaemonSet pods stay: ${JSON.stringify(left)}`);
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'info', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Drained ${name} \\(pods evicted: \\d+, deleted: \\d+\\)\\. The node stays cordoned`));
    await until('the row cordoned', () => /^NotReady,SchedulingDisabled \d+m/.test(String(item(name).description)));
  });

  it('cancelling a drain leaves the node cordoned and says so', async () => {
    const name = aksNodeName('userpool', 4);
    cluster.server.upsertPod(makePod({ namespace: 'shop', node: name, owner: { kind: 'StatefulSet', name: 'db' }, labels: { app: 'db' } }));
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'db-pdb', matchLabels: { app: 'db' }, refusals: Infinity });
    host.cancelWhen = (line) => /blocked by PodDisruptionBudget db-pdb/.test(line);
    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    assert.equal(host.confirms.length, 1, 'no second question after a cancel');
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Drain of ${name} cancelled \\(pods evicted: \\d+, still on the node: \\d+\\)\\. The node stays cordoned`));
    assert.equal(spec(name)?.unschedulable, true);
    assert.ok(cluster.server.pod('shop', 'db-0'), 'the protected pod is still there');
  });

  it('names the missing RBAC permission when the server answers 403', async () => {
    const name = aksNodeName('system', 0);
    cluster.server.forbid('patch', 'nodes');
    try {
      await vscode.commands.executeCommand('aksNodeRepair.cordonNode', row(name));
    } finally {
      cluster.server.permit('patch', 'nodes');
    }
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'error');
    assert.match(last.message, /Missing Kubernetes permission: "patch nodes"/);
    assert.equal(spec(name)?.unschedulable ?? false, false);
  });

  // A healthy node of the simulated Azure: the diagnosis tests read the NotReady ones, and a
  // finished reimage changes its instance there (as Azure would).
  const vmNode = aksNodeName('userpool', 1);

  it('reimages a node\'s instance through Azure and reports the final status', async () => {
    const armFrom = Date.now();
    await vscode.commands.executeCommand('aksNodeRepair.reimageNodeVm', row(vmNode));
    const [asked] = host.confirms;
    assert.equal(asked.message, `Reimage the VM of node ${vmNode}?`);
    assert.equal(asked.button, `Reimage ${vmNode}`);
    assert.ok(asked.detail.includes('az vmss reimage --resource-group mc_rg-aks-demo_aks-demo_westeurope --name aks-userpool-12345678-vmss --instance-ids 1'), asked.detail);
    assert.ok(asked.detail.includes('the OS disk is rebuilt from the image'), asked.detail);
    const posts = (await armWrites(armFrom)).filter((r) => r.method === 'POST');
    assert.deepEqual(posts.map((r) => r.path.replace(/^.*\/virtualMachineScaleSets\//, '')), ['aks-userpool-12345678-vmss/virtualMachines/1/reimage']);
    const progress = host.progresses.find((p) => p.title === `Reimage ${vmNode}`)!;
    assert.ok(progress.cancellable);
    assert.ok(progress.lines.some((l) => /^Azure: InProgress · \d+s$/.test(l)), progress.lines.join('\n'));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'info', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Reimage of ${vmNode} finished: Succeeded after \\d+s`));
  });

  it('shows Azure\'s error and code when a reimage fails, with a button to its guidance', async () => {
    const message = 'VM has reported a failure when processing extension \'vmssCSE\'. Error message: "Enable failed: exit status=50".';
    await arm!.inject({ kind: 'status', method: 'POST', path: /\/virtualMachines\/1\/reimage$/, status: 400, code: 'VMExtensionProvisioningError', message, times: 1 });
    host.choose = (notice) => (notice.severity === 'error' ? 'Open Guidance' : undefined);
    await vscode.commands.executeCommand('aksNodeRepair.reimageNodeVm', row(vmNode));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'error', JSON.stringify(host.notices));
    assert.ok(last.message.startsWith(`Reimage of ${vmNode} failed: ${message}`), last.message);
    assert.match(last.message, /\(VMExtensionProvisioningError\)/);
    assert.deepEqual(last.buttons, ['Open Guidance', 'Show Log']);
    await until('the guidance tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'AKS: VMExtensionProvisioningError'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('names the missing Azure role when Azure answers 403', async () => {
    await arm!.inject({ kind: 'status', method: 'POST', path: /\/virtualMachines\/1\/restart$/, status: 403, times: 1 });
    await vscode.commands.executeCommand('aksNodeRepair.restartNodeVm', row(vmNode));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'error', JSON.stringify(host.notices));
    assert.match(last.message, /Missing Azure role: .+ on \/subscriptions\//);
    assert.deepEqual(last.buttons, ['Show Log'], 'no guidance for a permission error');
  });

  it('stops waiting when cancelled, and says the operation may continue in Azure', async () => {
    const name = aksNodeName('userpool', 4);
    host.cancelWhen = (line) => /^Azure: InProgress/.test(line);
    await vscode.commands.executeCommand('aksNodeRepair.restartNodeVm', row(name));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Stopped waiting after \\d+s: Restart of ${name} may still continue in Azure`));
  });

  it('asks which node when run from the palette, unhealthy nodes first', async () => {
    host.answer = () => false;
    const running = vscode.commands.executeCommand('aksNodeRepair.cordonNode');
    let done = false;
    void running.then(() => { done = true; }, () => { done = true; });
    while (!done) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 200));
    }
    await running;
    // NotReady nodes come first, by name: the shutdown-tainted GPU node leads.
    assert.equal(host.confirms[0]?.message, `Cordon node ${SIMULATED_NODES.gpuShutdownTainted}?`);
  });

  it('refuses after the context was switched between the click and the confirmation', async () => {
    assert.equal(rootLabel(), SIMULATED_CONTEXT);
    const name = aksNodeName('system', 1);
    const k8sFrom = cluster.server.requestLog.length;
    host.answer = async () => {
      // While the dialog is open, the operator switches context in the Nodes view (the picker's first item).
      const switching = vscode.commands.executeCommand('aksNodeRepair.switchContext');
      let done = false;
      void switching.then(() => { done = true; }, () => { done = true; });
      while (!done) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 200));
      }
      // The new connection is up (its model listed) before the operator confirms.
      await until('the other context loaded', () => rootLabel() === OTHER_CONTEXT && loaded(), 50_000);
      return true;
    };
    await vscode.commands.executeCommand('aksNodeRepair.cordonNode', row(name));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Nothing was done: the cluster changed since you chose the action \\(context "${SIMULATED_CONTEXT}" at 127\\.0\\.0\\.1:\\d+, now "${OTHER_CONTEXT}"`));
    assert.deepEqual(k8sWrites(k8sFrom), []);
    assert.equal(spec(name)?.unschedulable ?? false, false);
  });

  it('refuses when the node was replaced (new uid) while the dialog was open', async () => {
    const name = aksNodeName('system', 2);
    const k8sFrom = cluster.server.requestLog.length;
    host.answer = () => {
      const node = cluster.server.nodes().find((n) => n.metadata?.name === name)!;
      cluster.server.upsertNode({ ...node, metadata: { ...node.metadata, uid: '0b7c2f7e-2d7a-4c1e-9b59-000000000001' } });
      return true;
    };
    await vscode.commands.executeCommand('aksNodeRepair.restartNodeVm', row(name));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning');
    assert.match(last.message, new RegExp(`^Nothing was done: node ${name} was replaced by a new node of the same name`));
    assert.deepEqual(k8sWrites(k8sFrom), []);
  });

  it('refuses every action while aksNodeRepair.actions.enabled is false, even by command id', async () => {
    await config().update('actions.enabled', false, vscode.ConfigurationTarget.Global);
    const k8sFrom = cluster.server.requestLog.length;
    for (const id of ['cordonNode', 'drainNode', 'reimageNodeVm', 'deleteNodeMachine']) {
      await vscode.commands.executeCommand(`aksNodeRepair.${id}`, row(SIMULATED_NODES.userNotReady[0]));
    }
    assert.equal(host.confirms.length, 0, 'nothing was asked');
    assert.equal(host.notices.length, 4);
    for (const notice of host.notices) {
      assert.equal(notice.severity, 'warning');
      assert.match(notice.message, /^Node actions are turned off by the setting aksNodeRepair\.actions\.enabled/);
    }
    assert.deepEqual(k8sWrites(k8sFrom), []);
  });

  it('checks aksNodeRepair.actions.enabled again after the confirmation: turned off meanwhile, nothing is done', async () => {
    const name = aksNodeName('system', 0);
    const k8sFrom = cluster.server.requestLog.length;
    host.answer = async () => {
      await config().update('actions.enabled', false, vscode.ConfigurationTarget.Global);
      return true;
    };
    await vscode.commands.executeCommand('aksNodeRepair.cordonNode', row(name));
    assert.equal(host.confirms.length, 1, 'it was on when the dialog opened');
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning', JSON.stringify(host.notices));
    assert.match(last.message, /^Nothing was done: node actions were turned off by the setting aksNodeRepair\.actions\.enabled while the dialog was open/);
    assert.deepEqual(k8sWrites(k8sFrom), []);
    assert.equal(spec(name)?.unschedulable ?? false, false);
  });

  it('refuses a second action on a node while a drain runs there, naming the drain; after it ends, the node is free again', async () => {
    const name = aksNodeName('system', 1);
    cluster.server.upsertPod(makePod({ namespace: 'shop', node: name, owner: { kind: 'StatefulSet', name: 'ledger' }, labels: { app: 'ledger' } }));
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'ledger-pdb', matchLabels: { app: 'ledger' }, refusals: Infinity });
    api.nodeActionsTestHook.setDrainOptions({ timeoutMs: 60_000, retryDelayMs: 200 });
    let blocked!: () => void;
    const isBlocked = new Promise<void>((resolve) => (blocked = resolve));
    let cancel = false;
    host.cancelWhen = (line) => {
      if (/blocked by PodDisruptionBudget ledger-pdb/.test(line)) {
        blocked();
      }
      return cancel;
    };
    const draining = vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    await isBlocked;
    const armFrom = Date.now();
    const k8sFrom = cluster.server.requestLog.length;
    for (const id of ['uncordonNode', 'drainNode', 'reimageNodeVm']) {
      await vscode.commands.executeCommand(`aksNodeRepair.${id}`, row(name));
    }
    assert.equal(host.confirms.length, 1, `only the drain was asked: ${host.confirms.map((c) => c.message).join(' | ')}`);
    const refusals = host.notices.filter((n) => n.message.startsWith(`Drain of ${name} is still running`));
    assert.equal(refusals.length, 3, JSON.stringify(host.notices));
    assert.ok(refusals.every((n) => n.severity === 'warning' && n.message === `Drain of ${name} is still running: wait for it or cancel it from its notification.`));
    assert.deepEqual(k8sWrites(k8sFrom).filter((r) => r.method !== 'POST' || !r.path.endsWith('/eviction')), [], 'only the drain\'s own retries');
    assert.deepEqual(await armWrites(armFrom), []);

    cancel = true;
    await draining;
    assert.match(host.notices.at(-1)!.message, new RegExp(`^Drain of ${name} cancelled`));
    // Released at the end: the next action on the node is asked about as usual.
    host.answer = () => false;
    await vscode.commands.executeCommand('aksNodeRepair.uncordonNode', row(name));
    assert.equal(host.confirms.at(-1)?.message, `Uncordon node ${name}?`);
    cluster.server.deletePod('shop', 'ledger-0');
  });

  it('checks each further node again just before acting on it: one replaced meanwhile is not restarted', async () => {
    const [first, second] = [aksNodeName('userpool', 2), aksNodeName('userpool', 4)];
    const armFrom = Date.now();
    let replaced = false;
    host.cancelWhen = (line) => {
      // While the first node's restart runs, the second node is replaced (new uid, same name).
      if (!replaced && /^Azure: /.test(line)) {
        replaced = true;
        const node = cluster.server.nodes().find((n) => n.metadata?.name === second)!;
        cluster.server.upsertNode({ ...node, metadata: { ...node.metadata, uid: '0b7c2f7e-2d7a-4c1e-9b59-000000000002' } });
      }
      return false;
    };
    await vscode.commands.executeCommand('aksNodeRepair.restartNodeVm', row(first), [row(first), row(second)]);
    assert.equal(host.confirms[0]?.message, 'Restart the VMs of 2 nodes?');
    assert.ok(replaced, 'the first restart ran');
    const posts = (await armWrites(armFrom)).filter((r) => r.method === 'POST').map((r) => r.path.replace(/^.*\/virtualMachineScaleSets\//, ''));
    assert.deepEqual(posts, ['aks-userpool-12345678-vmss/virtualMachines/2/restart'], 'only the first node\'s instance');
    assert.ok(host.notices.some((n) => n.severity === 'info' && n.message.startsWith(`Restart of ${first} finished`)), JSON.stringify(host.notices));
    const last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning');
    assert.match(last.message, new RegExp(`^Nothing was done: node ${second} was replaced by a new node of the same name`));
  });

  it('a drain that finds a pod no controller manages asks again, naming it; Cancel leaves the node cordoned, confirming evicts it too', async () => {
    // A system node: the userpool ones may by now hold replacements of pods whose budgets refuse every eviction.
    const name = aksNodeName('system', 0);
    cluster.server.upsertPod(makePod({ namespace: 'default', name: 'scratch-shell', node: name }));
    const unmanaged = 'default/scratch-shell';
    const evictionsOf = (from: number) => cluster.server.requestLog.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/eviction'));

    // First time: the drain is confirmed, evicting the unmanaged pod is not.
    let k8sFrom = cluster.server.requestLog.length;
    host.answer = (request) => !request.message.includes('not managed by a controller');
    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    assert.equal(host.confirms.length, 2, JSON.stringify(host.confirms.map((c) => c.message)));
    const force = host.confirms[1];
    assert.equal(force.message, `1 pod is not managed by a controller; nothing recreates it elsewhere: ${unmanaged}. Evict it too?`);
    assert.equal(force.button, `Evict 1 Pod and Drain ${name}`);
    assert.ok(force.detail.includes(`drain ${name} --ignore-daemonsets --delete-emptydir-data --force --timeout=`), force.detail);
    assert.ok(!host.confirms[0].detail.includes('--force'), 'the first dialog\'s command has no --force');
    assert.deepEqual(evictionsOf(k8sFrom), [], 'nothing was evicted');
    assert.equal(spec(name)?.unschedulable, true, 'the node stays cordoned');
    assert.ok(cluster.server.pod('default', 'scratch-shell'));
    let last = host.notices.at(-1)!;
    assert.equal(last.severity, 'warning', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Drain of ${name} stopped before any eviction: pods no controller manages are on it \\(${unmanaged}\\)\\. The node stays cordoned`));

    // Then both are confirmed: every pod is evicted, the unmanaged one included.
    host.reset();
    k8sFrom = cluster.server.requestLog.length;
    await vscode.commands.executeCommand('aksNodeRepair.drainNode', row(name));
    assert.equal(host.confirms.length, 2);
    assert.ok(evictionsOf(k8sFrom).some((r) => r.path === '/api/v1/namespaces/default/pods/scratch-shell/eviction' && r.status === 201));
    await until('the unmanaged pod gone', () => !cluster.server.pod('default', 'scratch-shell'));
    last = host.notices.at(-1)!;
    assert.equal(last.severity, 'info', JSON.stringify(host.notices));
    assert.match(last.message, new RegExp(`^Drained ${name} \\(pods evicted: \\d+;`));
  });
});
