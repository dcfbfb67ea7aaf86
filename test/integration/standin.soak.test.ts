import * as assert from 'node:assert/strict';
import * as https from 'node:https';

import { ApiStandIn } from '../standin/apiServer';
import { makeNode, makeRepairEvent } from '../standin/fixtures';
import { ClientNode, loadClientNode, recordWatch } from './clientNode';

// The stand-in controls the reliability soak (test/soak) relies on, checked with the real
// @kubernetes/client-node: a restart in another instance with the state and certificates of the
// first, 410 for every resourceVersion before the restart point, a hung watch, and the event TTL.

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const NODE = 'aks-userpool-12345678-vmss000000';

describe('API stand-in: the soak\'s controls (restart with state, 410 after it, hung watch, event TTL)', function () {
  let k8s: ClientNode;
  const servers: ApiStandIn[] = [];

  before(async function () {
    k8s = await loadClientNode();
  });

  afterEach(async function () {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  async function start(options: Parameters<typeof ApiStandIn.start>[0] = {}): Promise<ApiStandIn> {
    const server = await ApiStandIn.start(options);
    servers.push(server);
    return server;
  }

  function client(server: ApiStandIn): KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig());
    return kc;
  }

  it('a restarted server (another instance, same port, certificates, token and state) keeps the objects and answers 410 to a watch from before the restart', async function () {
    const first = await start({ token: 'soak-token' });
    first.upsertNode(makeNode({ name: NODE, ready: 'True' }));
    first.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date(), format: 2, code: 'InvalidParameter' }));
    const kc = client(first);
    const before = await kc.makeApiClient(k8s.CoreV1Api).listEventForAllNamespaces();
    const nodesBefore = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const state = structuredClone(first.exportState());
    const { port, certificates } = first;
    await first.stop();

    const second = await start({ port, certificates, token: 'soak-token' });
    second.restoreState(state);
    assert.equal(second.port, port);
    // The old client: same CA, same token, same address.
    const after = await kc.makeApiClient(k8s.CoreV1Api).listEventForAllNamespaces();
    const nodesAfter = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const ids = (items: { metadata?: { uid?: string; resourceVersion?: string; name?: string } }[]): string[] =>
      items.map((o) => `${o.metadata?.name} ${o.metadata?.uid} ${o.metadata?.resourceVersion}`);
    assert.deepEqual(ids(after.items), ids(before.items));
    assert.deepEqual(ids(nodesAfter.items), ids(nodesBefore.items));
    assert.ok(Number(after.metadata?.resourceVersion) > Number(before.metadata?.resourceVersion), 'the restart point is past every old resourceVersion');

    // A watch from the last resourceVersion before the restart: 410 Gone.
    const stale = await recordWatch(k8s, kc, '/api/v1/events', { resourceVersion: before.metadata?.resourceVersion });
    await stale.waitFor((es) => es.some((e) => e.type === 'ERROR'), 5_000, 'the 410');
    assert.equal(stale.events[0].object.code, 410);
    await stale.ended;

    // From the restart point on, watches resume as usual.
    const fresh = await recordWatch(k8s, kc, '/api/v1/events', { resourceVersion: after.metadata?.resourceVersion });
    second.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at: new Date(), name: 'after-restart' }));
    await fresh.waitFor((es) => es.some((e) => e.type === 'ADDED' && e.object.metadata?.name === 'after-restart'));
    fresh.abort();
  });

  it('restoreState expires the watches open on the instance that takes the state over', async function () {
    const server = await start();
    server.upsertNode(makeNode({ name: NODE, ready: 'True' }));
    const watch = await recordWatch(k8s, client(server), '/api/v1/nodes', {});
    await watch.waitFor((es) => es.length === 1);
    server.restoreState(server.exportState());
    await watch.waitFor((es) => es.some((e) => e.type === 'ERROR' && e.object.code === 410));
    await watch.ended;
  });

  it('a hung watch stays open and silent, even past its timeoutSeconds; watches on other resources go on', async function () {
    const server = await start();
    server.upsertNode(makeNode({ name: NODE, ready: 'True' }));
    const kc = client(server);
    const list = await kc.makeApiClient(k8s.CoreV1Api).listEventForAllNamespaces();
    const events = await recordWatch(k8s, kc, '/api/v1/events', { resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: 1 });
    const nodes = await recordWatch(k8s, kc, '/api/v1/nodes', { resourceVersion: server.resourceVersion });
    await delay(100);
    assert.equal(server.hangWatches('events'), 1);
    server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at: new Date(), name: 'unseen' }));
    server.upsertNode(makeNode({ name: NODE, ready: 'False' }));
    await nodes.waitFor((es) => es.some((e) => e.type === 'MODIFIED'));
    await delay(1_500);
    assert.equal(events.events.length, 0, 'nothing reaches the hung watch');
    assert.equal(events.hasEnded(), false, 'the server did not end it (its 1 s timeout is off)');
    assert.equal(server.openWatches, 2);
    // Hanging again finds nothing new to hang.
    assert.equal(server.hangWatches('events'), 0);
    events.abort();
    nodes.abort();
  });

  it('counts the watch events it sent cut in half (corruptNextWatchEvents), so a soak can tell a request lost to a restart from one sent', async function () {
    const server = await start();
    const lines: string[] = [];
    const req = https.get(`${server.url}/api/v1/events?watch=true&resourceVersion=${server.resourceVersion}`, {
      ca: server.caPem, headers: { authorization: `Bearer ${server.token}` },
    }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts);
      });
    });
    req.on('error', () => undefined);
    try {
      await delay(200);
      server.corruptNextWatchEvents(1);
      assert.equal(server.corruptedWatchLines, 0, 'asked for, not sent yet');
      server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at: new Date(), name: 'cut' }));
      server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootEnd', at: new Date(), name: 'whole' }));
      for (let i = 0; i < 50 && lines.length < 2; i++) {
        await delay(20);
      }
      assert.equal(lines.length, 2);
      assert.throws(() => JSON.parse(lines[0]) as unknown);
      assert.equal((JSON.parse(lines[1]) as { object: { metadata: { name: string } } }).object.metadata.name, 'whole');
      assert.equal(server.corruptedWatchLines, 1);
    } finally {
      req.destroy();
    }
  });

  it('deleteEventsOlderThan deletes the events last seen before the cutoff, as the event TTL does; watches see DELETED', async function () {
    const server = await start();
    const now = Date.now();
    server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at: new Date(now - 61 * 60_000), name: 'old' }));
    // First seen long ago, repeated since: it is kept.
    server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date(now - 5 * 60_000), count: 20, name: 'repeated' }));
    server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootEnd', at: new Date(now - 60_000), name: 'recent' }));
    const kc = client(server);
    const watch = await recordWatch(k8s, kc, '/api/v1/events', { resourceVersion: server.resourceVersion });
    await delay(100);
    assert.deepEqual(server.deleteEventsOlderThan(now - 60 * 60_000), ['default/old']);
    await watch.waitFor((es) => es.some((e) => e.type === 'DELETED' && e.object.metadata?.name === 'old'));
    const left = await kc.makeApiClient(k8s.CoreV1Api).listEventForAllNamespaces();
    assert.deepEqual(left.items.map((e) => e.metadata?.name).sort(), ['recent', 'repeated']);
    assert.deepEqual(server.deleteEventsOlderThan(now - 60 * 60_000), []);
    watch.abort();
  });
});
