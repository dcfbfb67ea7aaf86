import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { aksNodeName, makeNode, makeRepairEvent } from '../standin/fixtures';
import { LIVE_NODE, SimulatedCluster, startSimulatedCluster } from '../standin/simulatedCluster';
import { SIMULATED_PODS } from '../standin/simulatedWorkloads';
import { KUBECTL, kubectlAvailable, runKubectl, spawnKubectl } from './kubectl';

interface ListJson {
  kind: string;
  items: { metadata: { name: string }; involvedObject?: { kind: string }; source?: { component?: string } }[];
}

describe('API stand-in, checked with the real kubectl', function () {
  let cluster: SimulatedCluster;
  let kubeconfig: string;

  before(async function () {
    if (!kubectlAvailable()) {
      console.warn(`    kubectl not found at ${KUBECTL}: skipping the kubectl checks of the API stand-in (set KUBECTL to its path).`);
      this.skip();
    }
    cluster = await startSimulatedCluster();
    kubeconfig = cluster.kubeconfigPath;
  });

  after(async function () {
    await cluster?.stop();
  });

  it('reports the server version', async function () {
    const r = await runKubectl(kubeconfig, ['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server Version: v1\.31\.5/);
  });

  it('prints the node table with server-side columns (names and Ready/NotReady)', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'nodes']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    assert.equal(lines.length, 1 + 11);
    assert.match(r.stdout, /aks-system-12345678-vmss000000\s+Ready\s/);
    assert.match(r.stdout, /aks-userpool-12345678-vmss000003\s+NotReady\s/);
    // Unknown shows as NotReady, as the real printer does.
    assert.match(r.stdout, /aks-gpupool-12345678-vmss000000\s+NotReady\s/);
  });

  it('lists nodes as JSON and YAML', async function () {
    const json = await runKubectl(kubeconfig, ['get', 'nodes', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as ListJson;
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 11);
    const yaml = await runKubectl(kubeconfig, ['get', 'no', '-o', 'yaml']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.equal(yaml.stdout.match(/^- apiVersion: v1\n {2}kind: Node$/gm)?.length, 11);
  });

  it('gets one node by name, and reports a missing one as NotFound', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'node', 'aks-userpool-12345678-vmss000003', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'False');
    const missing = await runKubectl(kubeconfig, ['get', 'node', 'aks-nope-1-vmss000000']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound.*nodes "aks-nope-1-vmss000000" not found/);
  });

  it('filters nodes with a label selector', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'nodes', '-l', 'kubernetes.azure.com/agentpool=gpupool', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['node/aks-gpupool-12345678-vmss000000', 'node/aks-gpupool-12345678-vmss000001']);
  });

  it('lists only node events across namespaces with --field-selector involvedObject.kind=Node', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'events', '-A', '--field-selector', 'involvedObject.kind=Node', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as ListJson;
    const expected = cluster.server.events().filter((e) => (e.involvedObject as { kind: string }).kind === 'Node');
    assert.equal(list.items.length, expected.length);
    assert.ok(list.items.length > 10);
    assert.ok(list.items.every((e) => e.involvedObject?.kind === 'Node'));
    // The pod events exist, they are just filtered out.
    assert.ok(cluster.server.events().some((e) => (e.involvedObject as { kind: string }).kind === 'Pod'));
  });

  it('runs the documented auto-repair query (source=aks-auto-repair) and prints the event table', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'events', '--field-selector=source=aks-auto-repair']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.ok(lines.slice(1).every((l) => /\sNode(Reboot|Reimage|Redeploy)(Start|End|Error)\s/.test(l)), r.stdout);
    assert.match(r.stdout, /Warning\s+NodeReimageError\s+node\/aks-userpool-12345678-vmss000003\s+Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError/);
  });

  it('combines field selectors with != and ==', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'events', '-A', '--field-selector', 'involvedObject.kind==Node,type!=Normal', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const items = (JSON.parse(r.stdout) as { items: { type: string; reason: string }[] }).items;
    assert.ok(items.length >= 4);
    assert.ok(items.every((e) => e.type === 'Warning' && e.reason.endsWith('Error')));
  });

  it('rejects an unknown field selector with kubectl\'s BadRequest error', async function () {
    const r = await runKubectl(kubeconfig, ['get', 'events', '-A', '--field-selector', 'spec.color=blue']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\).*field label not supported: spec\.color/);
  });

  it('pages with --chunk-size (limit and continue on the wire)', async function () {
    const before = cluster.server.requestLog.length;
    const r = await runKubectl(kubeconfig, ['get', 'nodes', '--chunk-size=2', '--request-timeout=10s', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 11);
    const lists = cluster.server.requestLog.slice(before).filter((e) => e.path === '/api/v1/nodes' && !e.watch);
    assert.equal(lists.length, 6, JSON.stringify(lists));
    assert.ok(lists.every((e) => e.query.limit === '2' && e.status === 200));
    assert.equal(lists[0].query.continue, undefined);
    assert.ok(lists.slice(1).every((e) => typeof e.query.continue === 'string' && e.query.continue.length > 0));
  });

  it('fails with Unauthorized for a wrong token', async function () {
    const r = await runKubectl(kubeconfig, ['--token', 'not-the-token', 'get', 'nodes']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized/);
  });

  it('works with a kubeconfig whose context and cluster names are the AKS ones', async function () {
    const r = await runKubectl(kubeconfig, ['config', 'current-context']);
    assert.equal(r.stdout.trim(), 'aks-demo-westeurope');
  });

  it('streams a new event to `kubectl get events --watch`', async function () {
    const watch = spawnKubectl(kubeconfig, ['get', 'events', '-A', '--watch', '--field-selector', 'involvedObject.kind=Node']);
    try {
      await watch.waitFor('NodeReimageError');
      cluster.server.upsertEvent(makeRepairEvent({
        node: LIVE_NODE, reason: 'NodeRedeployError', at: new Date(), format: 1, code: 'VMRedeploymentFailed',
      }));
      const out = await watch.waitFor(/NodeRedeployError\s+node\/aks-userpool-12345678-vmss000004\s+.*VMRedeploymentFailed/);
      assert.match(out, /Warning/);
    } finally {
      await watch.kill();
    }
  });

  it('streams node changes to `kubectl get nodes --watch --output-watch-events`', async function () {
    const name = 'aks-userpool-12345678-vmss000000';
    const watch = spawnKubectl(kubeconfig, ['get', 'nodes', '--watch', '--output-watch-events']);
    try {
      await watch.waitFor(new RegExp(`ADDED\\s+${name}\\s+Ready`));
      cluster.server.upsertNode(makeNode({ name, ready: 'False', since: new Date() }));
      await watch.waitFor(new RegExp(`MODIFIED\\s+${name}\\s+NotReady`));
      cluster.server.deleteNode(name);
      await watch.waitFor(new RegExp(`DELETED\\s+${name}`));
    } finally {
      await watch.kill();
      cluster.server.upsertNode(makeNode({ name }));
    }
  });

  it('answers 403 on events when forbidden, and kubectl says so', async function () {
    cluster.server.forbidEvents(true);
    try {
      const r = await runKubectl(kubeconfig, ['get', 'events', '-A']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error from server \(Forbidden\): events is forbidden/);
    } finally {
      cluster.server.forbidEvents(false);
    }
  });

  it('writes a kubeconfig kubectl accepts for a second, independent stand-in', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-kc-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, cluster.server.kubeconfig({ contextName: 'other' }));
    const r = await runKubectl(file, ['get', 'namespaces', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/default/);
    assert.match(r.stdout, /namespace\/shop/);
  });
});

describe('API stand-in node actions, checked with the real kubectl (cordon, uncordon, drain)', function () {
  let cluster: SimulatedCluster;
  let kubeconfig: string;
  const ready = aksNodeName('userpool', 0);
  const unschedulable = (name: string): unknown =>
    (cluster.server.nodes().find((n) => n.metadata?.name === name)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable;
  const workloadPods = (node: string): string[] => cluster.server.podsOn(node)
    .filter((p) => !(p.metadata?.ownerReferences as { kind: string }[] | undefined)?.some((o) => o.kind === 'DaemonSet'))
    .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);

  before(async function () {
    if (!kubectlAvailable()) {
      console.warn(`    kubectl not found at ${KUBECTL}: skipping the kubectl checks of node actions on the API stand-in.`);
      this.skip();
    }
    cluster = await startSimulatedCluster({ podTerminationMs: 200 });
    kubeconfig = cluster.kubeconfigPath;
  });

  after(async function () {
    await cluster?.stop();
  });

  it('cordons and uncordons a node with kubectl\'s strategic merge patch', async function () {
    const cordon = await runKubectl(kubeconfig, ['cordon', ready]);
    assert.equal(cordon.code, 0, cordon.stderr);
    assert.equal(cordon.stdout.trim(), `node/${ready} cordoned`);
    assert.equal(unschedulable(ready), true);
    const patch = cluster.server.requestLog.find((e) => e.method === 'PATCH' && e.path === `/api/v1/nodes/${ready}`);
    assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
    const table = await runKubectl(kubeconfig, ['get', 'node', ready]);
    assert.match(table.stdout, new RegExp(`${ready}\\s+Ready,SchedulingDisabled\\s`));

    const uncordon = await runKubectl(kubeconfig, ['uncordon', ready]);
    assert.equal(uncordon.code, 0, uncordon.stderr);
    assert.equal(uncordon.stdout.trim(), `node/${ready} uncordoned`);
    assert.equal(unschedulable(ready), undefined);
  });

  it('patches labels and annotations (merge and JSON patches), bumping the resourceVersion, and refuses a stale one', async function () {
    const node = aksNodeName('userpool', 4);
    const rv = (): number => Number(cluster.server.nodes().find((n) => n.metadata?.name === node)?.metadata?.resourceVersion);
    const metadata = (): { labels?: Record<string, string>; annotations?: Record<string, string> } =>
      cluster.server.nodes().find((n) => n.metadata?.name === node)?.metadata ?? {};
    const first = rv();
    const label = await runKubectl(kubeconfig, ['label', 'node', node, 'team=payments']);
    assert.equal(label.code, 0, label.stderr);
    const annotate = await runKubectl(kubeconfig, ['annotate', 'node', node, 'aks-repair/reason=drain test']);
    assert.equal(annotate.code, 0, annotate.stderr);
    const json = await runKubectl(kubeconfig, ['patch', 'node', node, '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/tier","value":"web"}]']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(metadata().labels?.team, 'payments');
    assert.equal(metadata().labels?.tier, 'web');
    assert.equal(metadata().annotations?.['aks-repair/reason'], 'drain test');
    assert.ok(rv() >= first + 3);
    const types = cluster.server.requestLog.filter((e) => e.method === 'PATCH' && e.path === `/api/v1/nodes/${node}`).map((e) => e.contentType);
    assert.deepEqual(types, ['application/merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json']);

    const unlabel = await runKubectl(kubeconfig, ['label', 'node', node, 'team-', 'tier-']);
    assert.equal(unlabel.code, 0, unlabel.stderr);
    assert.equal(metadata().labels?.team, undefined);
    const stale = await runKubectl(kubeconfig, ['patch', 'node', node, '--type=merge', '-p', '{"metadata":{"resourceVersion":"1","labels":{"x":"y"}}}']);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Error from server \(Conflict\).*the object has been modified/);
  });

  it('drains a node: DaemonSet pods ignored, every other pod evicted through the Eviction API and gone', async function () {
    const before = workloadPods(ready);
    assert.ok(before.includes(`${SIMULATED_PODS.emptyDir.namespace}/${SIMULATED_PODS.emptyDir.name}`));
    const r = await runKubectl(kubeconfig, ['drain', ready, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20s'], 40_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: ignoring DaemonSet-managed Pods: kube-system\/csi-azuredisk-node-\w+, kube-system\/kube-proxy-\w+/);
    for (const pod of before) {
      assert.ok(r.stdout.includes(`evicting pod ${pod}`), r.stdout);
      assert.ok(r.stdout.includes(`pod/${pod.split('/')[1]} evicted`), r.stdout);
    }
    assert.match(r.stdout, new RegExp(`node/${ready} drained`));
    assert.deepEqual(workloadPods(ready), []);
    assert.equal(unschedulable(ready), true);
    const evictions = cluster.server.requestLog.filter((e) => e.method === 'POST' && e.path.endsWith('/eviction'));
    assert.equal(evictions.length, before.length);
    assert.ok(evictions.every((e) => e.status === 201 && e.contentType.startsWith('application/json')));
    // The web ReplicaSet's pod was recreated on another node.
    assert.ok(cluster.server.pods().some((p) => p.metadata?.name?.startsWith('web-7d4b9c6f5-') && (p.spec as { nodeName?: string }).nodeName !== ready
      && !before.includes(`shop/${p.metadata.name}`) && p.metadata.name !== SIMULATED_PODS.web.name));
    await runKubectl(kubeconfig, ['uncordon', ready]);
  });

  it('refuses, as kubectl does, to drain a node with an unmanaged pod without --force', async function () {
    const node = aksNodeName('userpool', 1);
    const r = await runKubectl(kubeconfig, ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot delete Pods that declare no controller \(use --force to override\): default\/debug-shell/);
    await runKubectl(kubeconfig, ['uncordon', node]);
  });

  it('retries a PodDisruptionBudget\'s 429 as kubectl does, then drains', async function () {
    this.timeout(60_000);
    const node = aksNodeName('userpool', 2);
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'orders-pdb', matchLabels: { app: 'orders' }, refusals: 1 });
    const r = await runKubectl(kubeconfig, ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20s'], 40_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /error when evicting pods\/"orders-5b7c9d8f6-\w+" -n "shop" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.deepEqual(workloadPods(node), []);
    await runKubectl(kubeconfig, ['uncordon', node]);
  });

  it('times out on a node whose kubelet is down: the evicted pods stay Terminating until force-deleted', async function () {
    const node = aksNodeName('userpool', 5);
    const r = await runKubectl(kubeconfig, ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=3s'], 30_000);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error when waiting for pod "orders-5b7c9d8f6-\w+" in namespace "shop" to terminate: global timeout reached: 3s/);
    const [pod] = workloadPods(node);
    const table = await runKubectl(kubeconfig, ['get', 'pod', '-n', 'shop', pod.split('/')[1]]);
    assert.match(table.stdout, /\sTerminating\s/);
    const deleted = await runKubectl(kubeconfig, ['delete', 'pod', '-n', 'shop', pod.split('/')[1], '--grace-period=0', '--force']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(workloadPods(node), []);
  });
});
