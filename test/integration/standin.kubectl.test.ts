import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { makeNode, makeRepairEvent } from '../standin/fixtures';
import { LIVE_NODE, SimulatedCluster, startSimulatedCluster } from '../standin/simulatedCluster';
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
