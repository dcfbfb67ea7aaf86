import * as assert from 'node:assert/strict';

import { ApiStandIn } from '../standin/apiServer';
import { makeNode, makeNoiseEvent, makeRepairEvent } from '../standin/fixtures';
import { SimulatedCluster, startSimulatedCluster } from '../standin/simulatedCluster';
import { ClientNode, loadClientNode, recordWatch } from './clientNode';

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('API stand-in, checked with the real @kubernetes/client-node', function () {
  let k8s: ClientNode;
  let cluster: SimulatedCluster;
  let server: ApiStandIn;
  let kc: KubeConfig;

  before(async function () {
    k8s = await loadClientNode();
    cluster = await startSimulatedCluster();
    server = cluster.server;
    kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig({ contextName: 'aks-demo-westeurope', clusterName: 'aks-demo' }));
  });

  after(async function () {
    await cluster?.stop();
  });

  afterEach(function () {
    server.clearFaults();
  });

  function core(config: KubeConfig = kc): InstanceType<ClientNode['CoreV1Api']> {
    return config.makeApiClient(k8s.CoreV1Api);
  }

  it('lists nodes, deserialized, with the list resourceVersion', async function () {
    const list = await core().listNode();
    assert.equal(list.items.length, 11);
    assert.equal(list.metadata?.resourceVersion, server.resourceVersion);
    const node = list.items.find((n) => n.metadata?.name === 'aks-userpool-12345678-vmss000003');
    assert.ok(node);
    assert.ok(node.metadata?.creationTimestamp instanceof Date);
    assert.equal(node.metadata?.labels?.['kubernetes.azure.com/agentpool'], 'userpool');
    assert.match(node.spec?.providerID ?? '', /^azure:\/\/\/subscriptions\/.+\/virtualMachineScaleSets\/aks-userpool-12345678-vmss\/virtualMachines\/3$/);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  });

  it('lists auto-repair events across namespaces with a field selector', async function () {
    const list = await core().listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Node,source=aks-auto-repair' });
    assert.ok(list.items.length >= 15);
    assert.ok(list.items.every((e) => e.involvedObject.kind === 'Node' && e.source?.component === 'aks-auto-repair'));
    const messages = list.items.map((e) => e.message ?? '');
    assert.ok(messages.some((m) => m.endsWith('operation failure: VMExtensionProvisioningError')));
    assert.ok(messages.some((m) => m.endsWith('See error details here: InvalidParameter')));
    assert.ok(messages.some((m) => m.endsWith('Learn more: aka.ms/aks/node-auto-repair-errors')));
    assert.ok(messages.some((m) => m.includes('SomeNewAksError')));
    assert.ok(messages.some((m) => m.includes('<img src=x onerror=alert(1)>')));
    assert.ok(list.items.some((e) => (e.count ?? 0) > 1));
    assert.ok(list.items[0].lastTimestamp instanceof Date);
  });

  it('lists namespaced events and rejects an unknown field with a 400 ApiException', async function () {
    const shop = await core().listNamespacedEvent({ namespace: 'shop' });
    assert.ok(shop.items.length >= 3);
    assert.ok(shop.items.every((e) => e.involvedObject.kind === 'Pod'));
    await assert.rejects(core().listEventForAllNamespaces({ fieldSelector: 'spec.nodeName=x' }), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 400);
      assert.match(String(err.body), /field label not supported: spec.nodeName/);
      return true;
    });
  });

  it('serves events.k8s.io/v1 events converted from core events', async function () {
    const api = kc.makeApiClient(k8s.EventsV1Api);
    const list = await api.listEventForAllNamespaces({ fieldSelector: 'regarding.kind=Node,reason=NodeRedeployError' });
    assert.ok(list.items.length >= 2);
    assert.ok(list.items.every((e) => e.regarding?.kind === 'Node' && e.reason === 'NodeRedeployError'));
    assert.ok(list.items.every((e) => e.reportingController === 'aks-auto-repair'));
  });

  it('pages with limit and continue over a consistent snapshot', async function () {
    const first = await core().listNode({ limit: 4 });
    assert.equal(first.items.length, 4);
    assert.ok(first.metadata?._continue);
    assert.equal(first.metadata?.remainingItemCount, 7);
    // A node added between pages is not part of this list: the continuation reads the first page's snapshot.
    server.upsertNode(makeNode({ name: 'aks-aaapool-12345678-vmss000000' }));
    try {
      const names = first.items.map((n) => n.metadata?.name);
      let token: string | undefined = first.metadata?._continue;
      let pages = 1;
      while (token) {
        const page = await core().listNode({ limit: 4, _continue: token });
        assert.equal(page.metadata?.resourceVersion, first.metadata?.resourceVersion);
        names.push(...page.items.map((n) => n.metadata?.name));
        token = page.metadata?._continue;
        pages++;
      }
      assert.equal(pages, 3);
      assert.equal(names.length, 11);
      assert.equal(new Set(names).size, 11);
      assert.ok(!names.includes('aks-aaapool-12345678-vmss000000'));
      const log = server.requestLog.filter((e) => e.path === '/api/v1/nodes' && e.query.limit === '4');
      assert.ok(log.filter((e) => e.query.continue).length >= 2);
    } finally {
      server.deleteNode('aks-aaapool-12345678-vmss000000');
    }
  });

  it('pages through a field-selected event list', async function () {
    const all = await core().listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Node' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await core().listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Node', limit: 5, _continue: token });
      assert.ok(page.items.length <= 5);
      seen.push(...page.items.map((e) => `${e.metadata?.namespace}/${e.metadata?.name}`));
      token = page.metadata?._continue;
    } while (token);
    assert.deepEqual(seen, all.items.map((e) => `${e.metadata?.namespace}/${e.metadata?.name}`));
  });

  it('watches nodes: ADDED, MODIFIED, DELETED from the list resourceVersion', async function () {
    const list = await core().listNode();
    const w = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: list.metadata?.resourceVersion });
    try {
      const name = 'aks-newpool-12345678-vmss000000';
      server.upsertNode(makeNode({ name, pool: 'newpool' }));
      server.upsertNode(makeNode({ name, pool: 'newpool', ready: 'False', since: new Date() }));
      server.deleteNode(name);
      await w.waitFor((ev) => ev.length >= 3);
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata?.name}`), [`ADDED ${name}`, `MODIFIED ${name}`, `DELETED ${name}`]);
      // Watched objects are raw JSON: timestamps stay strings.
      assert.equal(typeof w.events[0].object.metadata?.resourceVersion, 'string');
      assert.ok(Number(w.events[2].object.metadata?.resourceVersion) > Number(w.events[1].object.metadata?.resourceVersion));
    } finally {
      w.abort();
    }
  });

  it('watches from no resourceVersion: current objects arrive as ADDED first', async function () {
    const w = await recordWatch(k8s, kc, '/api/v1/nodes', {});
    try {
      await w.waitFor((ev) => ev.length >= 11);
      assert.ok(w.events.slice(0, 11).every((e) => e.type === 'ADDED'));
    } finally {
      w.abort();
    }
  });

  it('applies the field selector to watched events, and replays changes since a resourceVersion', async function () {
    const rv = server.resourceVersion;
    server.upsertEvent(makeNoiseEvent({ reason: 'Pulled', namespace: 'shop', at: new Date() }));
    server.upsertEvent(makeRepairEvent({ node: 'aks-userpool-12345678-vmss000001', reason: 'NodeRebootStart', at: new Date() }));
    const w = await recordWatch(k8s, kc, '/api/v1/events', { resourceVersion: rv, fieldSelector: 'involvedObject.kind=Node' });
    try {
      await w.waitFor((ev) => ev.length >= 1);
      server.upsertEvent(makeNoiseEvent({ reason: 'BackOff', namespace: 'shop', at: new Date() }));
      server.upsertEvent(makeRepairEvent({ node: 'aks-userpool-12345678-vmss000001', reason: 'NodeRebootEnd', at: new Date() }));
      await w.waitFor((ev) => ev.length >= 2);
      await delay(100);
      assert.deepEqual(w.events.map((e) => `${e.type} ${String(e.object.reason)}`), ['ADDED NodeRebootStart', 'ADDED NodeRebootEnd']);
    } finally {
      w.abort();
    }
  });

  it('sends DELETED when an object leaves a label-selected watch', async function () {
    const name = 'aks-userpool-12345678-vmss000002';
    const original = server.nodes().find((n) => n.metadata?.name === name);
    assert.ok(original);
    const w = await recordWatch(k8s, kc, '/api/v1/nodes', { labelSelector: 'agentpool=userpool,!quarantine' });
    try {
      await w.waitFor((ev) => ev.length >= 6);
      server.upsertNode({ ...original, metadata: { ...original.metadata, labels: { ...original.metadata?.labels, quarantine: 'yes' } } });
      await w.waitFor((ev) => ev.some((e) => e.type === 'DELETED'));
      assert.equal(w.events.find((e) => e.type === 'DELETED')?.object.metadata?.name, name);
    } finally {
      w.abort();
      server.upsertNode(original);
    }
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired', async function () {
    const small = await ApiStandIn.start({ historyLimit: 3 });
    try {
      const kc2 = new k8s.KubeConfig();
      kc2.loadFromString(small.kubeconfig());
      const startRv = small.resourceVersion;
      for (let i = 0; i < 6; i++) {
        small.upsertNode(makeNode({ name: `aks-p-12345678-vmss00000${i}` }));
      }
      const w = await recordWatch(k8s, kc2, '/api/v1/nodes', { resourceVersion: startRv });
      assert.equal(await w.ended, null);
      assert.equal(w.events.length, 1);
      assert.equal(w.events[0].type, 'ERROR');
      assert.equal(w.events[0].object.code, 410);
      assert.equal(w.events[0].object.reason, 'Expired');
      // A recent one still resumes.
      const recent = await recordWatch(k8s, kc2, '/api/v1/nodes', { resourceVersion: String(Number(small.resourceVersion) - 2) });
      await recent.waitFor((ev) => ev.length >= 2);
      assert.deepEqual(recent.events.map((e) => e.type), ['ADDED', 'ADDED']);
      recent.abort();
    } finally {
      await small.stop();
    }
  });

  it('makes a 403 on events an ApiException with code 403, for lists and watches', async function () {
    server.forbidEvents(true);
    await assert.rejects(core().listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Node' }), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 403);
      const body = JSON.parse(String(err.body)) as { kind: string; reason: string; code: number };
      assert.deepEqual([body.kind, body.reason, body.code], ['Status', 'Forbidden', 403]);
      return true;
    });
    const w = await recordWatch(k8s, kc, '/api/v1/events', {});
    const err = await w.ended as { statusCode?: number };
    assert.equal(err.statusCode, 403);
    server.forbidEvents(false);
    assert.ok((await core().listEventForAllNamespaces()).items.length > 0);
  });

  it('returns 401 for a wrong or rotated token', async function () {
    const bad = new k8s.KubeConfig();
    bad.loadFromString(server.kubeconfig({ user: { token: 'wrong' } }));
    await assert.rejects(core(bad).listNode(), (err: unknown) => err instanceof k8s.ApiException && err.code === 401);

    const oldToken = server.token;
    const rotated = new k8s.KubeConfig();
    rotated.loadFromString(server.kubeconfig());
    server.rotateToken('rotated-token');
    try {
      await assert.rejects(core(rotated).listNode(), (err: unknown) => err instanceof k8s.ApiException && err.code === 401);
      const fresh = new k8s.KubeConfig();
      fresh.loadFromString(server.kubeconfig());
      assert.equal((await core(fresh).listNode()).items.length, 11);
    } finally {
      server.rotateToken(oldToken);
    }
  });

  it('injects 429 with Retry-After and 500, then recovers', async function () {
    server.failNext('/api/v1/nodes', 429, 1, { retryAfterSeconds: 7 });
    server.failNext('/api/v1/nodes', 500, 1);
    await assert.rejects(core().listNode(), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 429);
      assert.equal(err.headers['retry-after'], '7');
      return true;
    });
    await assert.rejects(core().listNode(), (err: unknown) => err instanceof k8s.ApiException && err.code === 500);
    assert.equal((await core().listNode()).items.length, 11);
    assert.deepEqual(server.requestLog.filter((e) => e.path === '/api/v1/nodes').slice(-3).map((e) => e.status), [429, 500, 200]);
  });

  it('hangs a request when asked, so callers need their own timeout', async function () {
    server.hangNext((r) => r.path === '/api/v1/nodes' && !r.watch);
    // client-node API calls have no default timeout: the hung list only ends when the server goes away.
    const hung = core().listNode().then(() => 'answered', () => 'failed');
    const outcome = await Promise.race([hung, delay(500).then(() => 'still waiting')]);
    assert.equal(outcome, 'still waiting');
    assert.equal(server.requestLog.filter((e) => e.path === '/api/v1/nodes' && !e.watch).at(-1)?.status, 0);
    assert.equal((await core().listNode()).items.length, 11, 'only the next request hangs');
  });

  it('survives a malformed watch line (client-node skips it), then expires and drops watches on demand', async function () {
    const list = await core().listNode();
    const w = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: list.metadata?.resourceVersion });
    server.malformedWatchLine();
    const name = 'aks-userpool-12345678-vmss000001';
    const node = server.nodes().find((n) => n.metadata?.name === name);
    assert.ok(node);
    server.upsertNode(node);
    await w.waitFor((ev) => ev.some((e) => e.type === 'MODIFIED'));
    server.expireWatches();
    assert.equal(await w.ended, null);
    assert.equal(w.events.at(-1)?.type, 'ERROR');
    assert.equal(w.events.at(-1)?.object.code, 410);

    const w2 = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: server.resourceVersion });
    await delay(50);
    server.dropWatches();
    assert.ok(await w2.ended, 'a dropped watch ends with an error');
    assert.equal(server.openWatches, 0);
  });

  it('ends a watch cleanly at timeoutSeconds and sends bookmarks when allowed', async function () {
    const withBookmarks = await ApiStandIn.start({ bookmarks: true, bookmarkIntervalMs: 100 });
    try {
      const kc2 = new k8s.KubeConfig();
      kc2.loadFromString(withBookmarks.kubeconfig());
      const w = await recordWatch(k8s, kc2, '/api/v1/nodes', { allowWatchBookmarks: true, timeoutSeconds: 1 });
      await w.waitFor((ev) => ev.some((e) => e.type === 'BOOKMARK'));
      const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
      assert.equal(bookmark?.object.kind, 'Node');
      assert.equal(bookmark?.object.metadata?.resourceVersion, withBookmarks.resourceVersion);
      assert.equal(await w.ended, null);
    } finally {
      await withBookmarks.stop();
    }
  });

  it('feeds a ListWatch informer with a field selector, which relists after 410', async function () {
    const path = '/api/v1/events';
    const fieldSelector = 'involvedObject.kind=Node';
    const api = core();
    const informer = new k8s.ListWatch(path, new k8s.Watch(kc),
      () => api.listEventForAllNamespaces({ fieldSelector }), false, undefined, fieldSelector);
    const added: string[] = [];
    informer.on('add', (e) => added.push(String(e.reason)));
    await informer.start();
    try {
      const initial = informer.list().length;
      assert.equal(initial, server.events().filter((e) => (e.involvedObject as { kind: string }).kind === 'Node').length);
      server.upsertEvent(makeRepairEvent({ node: 'aks-userpool-12345678-vmss000000', reason: 'NodeReimageStart', at: new Date() }));
      await waitUntil(() => informer.list().length === initial + 1, 'informer sees the new event');
      const lists = server.requestLog.filter((e) => e.path === path && !e.watch).length;
      server.expireWatches();
      await waitUntil(() => server.requestLog.filter((e) => e.path === path && !e.watch).length > lists, 'informer relists after 410');
      server.upsertEvent(makeRepairEvent({ node: 'aks-userpool-12345678-vmss000000', reason: 'NodeReimageEnd', at: new Date() }));
      await waitUntil(() => informer.list().length === initial + 2, 'informer keeps watching after the relist');
      assert.ok(added.includes('NodeReimageEnd'));
    } finally {
      await informer.stop();
    }
  });

  it('stop() breaks open watches and connections; restart() serves the same state on the same port', async function () {
    const before = await core().listNode();
    const url = server.url;
    const w = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: before.metadata?.resourceVersion });
    await delay(50);
    await server.stop();
    const err = await w.ended;
    assert.ok(err, 'the watch ends with an error during the outage');
    await assert.rejects(core().listNode(), (e: unknown) => {
      assert.ok(e instanceof TypeError, String(e));
      assert.equal((e.cause as { code?: string } | undefined)?.code, 'ECONNREFUSED');
      return true;
    });
    await server.restart();
    assert.equal(server.url, url);
    const after = await core().listNode();
    assert.equal(after.items.length, before.items.length);
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
    // A watch resumes from the old resourceVersion after the outage.
    const resumed = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: after.metadata?.resourceVersion });
    try {
      server.upsertNode(makeNode({ name: 'aks-userpool-12345678-vmss000000' }));
      await resumed.waitFor((ev) => ev.some((e) => e.type === 'MODIFIED'));
    } finally {
      resumed.abort();
    }
  });
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out: ${what}`);
    }
    await delay(20);
  }
}
