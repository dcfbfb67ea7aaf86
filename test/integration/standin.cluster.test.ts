import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';

import { ApiStandIn } from '../standin/apiServer';
import { aksNodeName, makeNode, makeRepairEvent } from '../standin/fixtures';
import { LIVE_NODE, startSimulatedCluster } from '../standin/simulatedCluster';
import { loadClientNode } from './clientNode';

describe('Simulated AKS cluster and bulk loads on the API stand-in', function () {
  it('plays the live repair script (time-scaled) and stops its timers on stop()', async function () {
    const k8s = await loadClientNode();
    const cluster = await startSimulatedCluster({ live: true, liveTimeScale: 0.02 });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      assert.equal(kc.getCurrentContext(), 'aks-demo-westeurope');
      assert.equal(kc.getCurrentCluster()?.name, 'aks-demo');
      const api = kc.makeApiClient(k8s.CoreV1Api);
      const deadline = Date.now() + 10_000;
      let reasons: string[] = [];
      while (Date.now() < deadline && !reasons.includes('NodeReimageError')) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const list = await api.listEventForAllNamespaces({ fieldSelector: `involvedObject.name=${LIVE_NODE}` });
        reasons = list.items.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion)).map((e) => String(e.reason));
      }
      assert.deepEqual(reasons, ['NodeNotReady', 'NodeRebootStart', 'NodeRebootEnd', 'NodeReimageStart', 'NodeReimageError']);
      const node = await api.readNode({ name: LIVE_NODE });
      assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
      const error = (await api.listEventForAllNamespaces({ fieldSelector: `involvedObject.name=${LIVE_NODE},reason=NodeReimageError` })).items[0];
      assert.match(error.message ?? '', /OutboundConnectivityNotEnabledOnVMSS$/);
    } finally {
      await cluster.stop();
    }
  });

  it('serves 5,000 bulk nodes and 50,000 events loaded on the fast path', async function () {
    this.timeout(120_000);
    const server = await ApiStandIn.start();
    try {
      const nodes = Array.from({ length: 5000 }, (_, i) => makeNode({ name: aksNodeName(`pool${i % 10}`, Math.floor(i / 10)), bulk: true }));
      const size = JSON.stringify(nodes[0]).length;
      assert.ok(size > 8_000 && size < 16_000, `a bulk node is about 10 KB (${size})`);
      const t0 = Date.now();
      server.loadNodes(nodes);
      const at = new Date();
      server.loadEvents(Array.from({ length: 50_000 }, (_, i) => makeRepairEvent({
        node: nodes[i % 5000].metadata?.name ?? '', reason: i % 3 === 0 ? 'NodeRebootStart' : 'NodeRebootEnd', at,
      })));
      const loadMs = Date.now() - t0;
      assert.ok(loadMs < 30_000, `bulk load took ${loadMs} ms`);

      const k8s = await loadClientNode();
      const kc = new k8s.KubeConfig();
      kc.loadFromString(server.kubeconfig());
      const api = kc.makeApiClient(k8s.CoreV1Api);
      let count = 0;
      let token: string | undefined;
      do {
        const page = await api.listNode({ limit: 500, _continue: token });
        count += page.items.length;
        token = page.metadata?._continue;
      } while (token);
      assert.equal(count, 5000);
      const starts = await api.listEventForAllNamespaces({ fieldSelector: 'reason=NodeRebootStart', limit: 100_000 });
      assert.equal(starts.items.length, Math.ceil(50_000 / 3));
      // History starts after the bulk load: a watch from before it is told to relist.
      const raw = await fetchStatusOfOldWatch(server);
      assert.match(raw, /"code":410/);
    } finally {
      await server.stop();
    }
  });

  it('runs as a CLI that prints the kubeconfig path and URL and exits on SIGTERM', async function () {
    const script = path.join(__dirname, '..', 'standin', 'runSimulatedCluster.js');
    const kubeconfigPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-cli-')), 'kubeconfig');
    const child = spawn(process.execPath, [script, '--kubeconfig', kubeconfigPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!/url: https:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      assert.ok(out.includes(`kubeconfig: ${kubeconfigPath}\n`), `stdout: ${out}\nstderr: ${err}`);
      assert.match(fs.readFileSync(kubeconfigPath, 'utf8'), /current-context: "aks-demo-westeurope"/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});

/** A raw watch from resourceVersion 1, read to its end. */
function fetchStatusOfOldWatch(server: ApiStandIn): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${server.url}/api/v1/nodes?watch=true&resourceVersion=1`, {
      ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c;
      }).on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fixtures', function () {
  it('builds AKS-shaped nodes and repair events', function () {
    const node = makeNode({ name: 'aks-userpool-12345678-vmss00000a', ready: 'Unknown', zone: 'westeurope-2' });
    const labels = node.metadata?.labels ?? {};
    assert.equal(labels['kubernetes.azure.com/agentpool'], 'userpool');
    assert.equal(labels.agentpool, 'userpool');
    assert.equal(labels['topology.kubernetes.io/zone'], 'westeurope-2');
    assert.ok(labels['node.kubernetes.io/instance-type']);
    assert.match(String((node.spec as { providerID: string }).providerID), /virtualMachineScaleSets\/aks-userpool-12345678-vmss\/virtualMachines\/10$/);
    const conditions = (node.status as { conditions: { type: string; status: string }[] }).conditions;
    assert.deepEqual(conditions.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'NetworkUnavailable', 'PIDPressure', 'Ready']);
    assert.equal(conditions.find((c) => c.type === 'Ready')?.status, 'Unknown');

    const error = makeRepairEvent({ node: 'n', reason: 'NodeReimageError', at: new Date(), format: 2, code: 'InvalidParameter', count: 3 });
    assert.equal(error.type, 'Warning');
    assert.equal(error.message, 'Node auto-repair reimage action failed due to an operation failure. See error details here: InvalidParameter');
    assert.notEqual(error.firstTimestamp, error.lastTimestamp);
    const end = makeRepairEvent({ node: 'n', reason: 'NodeRedeployEnd', at: new Date() });
    assert.equal(end.type, 'Normal');
    assert.equal(end.message, 'Redeploy action from node auto-repair has completed.');
  });
});
