import * as assert from 'node:assert/strict';

import { ClusterModel } from '../../src/domain/clusterModel';
import { makeNode, makeRepairEvent } from '../standin/fixtures';
import {
  comparable, connect, Connected, expectedSnapshot, startTestCluster, TestCluster, waitForState, waitUntil,
} from './clusterHelpers';

describe('Cluster access: list and watch nodes and node events against the API stand-in', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;

  beforeEach(async function () {
    cluster = await startTestCluster({ bookmarks: true, bookmarkIntervalMs: 200 });
  });

  afterEach(async function () {
    current?.connection.dispose();
    current = undefined;
    await cluster.stop();
  });

  it('loads every node and node event into the model, page by page, and reports progress', async function () {
    current = connect(cluster.kubeconfigPath, { pageSize: 2 });
    const c = current;
    assert.equal(c.states[0].kind, 'connecting');
    assert.equal(c.connection.identity?.context, 'aks-demo-westeurope');
    assert.equal(c.connection.identity?.server, cluster.server.url);
    await waitForState(c, 'connected');
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
    assert.equal(c.model.nodes().length, 11);
    // Noise about pods is filtered out by the server; node events stay.
    assert.ok(c.model.snapshot().events.length >= 20);

    const loading = c.states.filter((s) => s.kind === 'loading');
    assert.ok(loading.length >= 4, 'loading reported between pages');
    assert.ok(loading.some((s) => s.kind === 'loading' && s.nodes > 0 && s.nodes < 11), 'node progress before the end');
    assert.ok(loading.some((s) => s.kind === 'loading' && s.nodes === 11 && s.events > 0), 'event progress after nodes');

    const nodeLists = cluster.server.requestLog.filter((e) => e.path === '/api/v1/nodes' && !e.watch);
    assert.equal(nodeLists.length, 6, '11 nodes in pages of 2');
    assert.ok(nodeLists.every((e) => e.query.limit === '2'));
    assert.equal(nodeLists.filter((e) => e.query.continue).length, 5);
    const eventLists = cluster.server.requestLog.filter((e) => e.path === '/api/v1/events' && !e.watch);
    assert.ok(eventLists.every((e) => e.query.fieldSelector === 'involvedObject.kind=Node' && e.query.limit === '2'));
    assert.ok(eventLists.filter((e) => e.query.continue).length >= 5);

    const watches = cluster.server.requestLog.filter((e) => e.watch);
    await waitUntil(() => cluster.server.openWatches === 2, 'two watches open');
    assert.ok(watches.every((e) => e.query.allowWatchBookmarks === 'true' && e.query.timeoutSeconds === '30' && e.query.resourceVersion));
    assert.ok(c.log.lines.some((l) => /Listed 11 nodes in 6 pages/.test(l.text)));
    // The API server by host: a kubeconfig's URL may carry user info, which stays out of the log.
    assert.ok(c.log.lines.some((l) => l.text.startsWith(`Connecting to ${new URL(cluster.server.url).host} (context "`)), c.log.lines.map((l) => l.text).join('\n'));
  });

  it('applies ADDED, MODIFIED and DELETED nodes and events as they happen', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const name = 'aks-newpool-12345678-vmss000000';
    cluster.server.upsertNode(makeNode({ name, pool: 'newpool' }));
    await waitUntil(() => c.model.node(name)?.ready === 'True', 'node added');
    cluster.server.upsertNode(makeNode({ name, pool: 'newpool', ready: 'False', since: new Date() }));
    await waitUntil(() => c.model.node(name)?.ready === 'False', 'node modified');
    const event = cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootStart', at: new Date() }));
    await waitUntil(() => c.model.eventsFor(name).length === 1, 'event added');
    cluster.server.deleteEvent(String(event.metadata?.namespace), String(event.metadata?.name));
    await waitUntil(() => c.model.eventsFor(name).length === 0, 'event deleted');
    cluster.server.deleteNode(name);
    await waitUntil(() => c.model.node(name) === undefined, 'node deleted');
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
    assert.ok(c.states.every((s) => s.kind !== 'reconnecting'));
  });

  it('keeps watching across server watch timeouts, resuming from the last resourceVersion (bookmarks included)', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    await new Promise((r) => setTimeout(r, 300));
    const listsBefore = cluster.server.requestLog.filter((e) => !e.watch).length;
    const rvBefore = cluster.server.resourceVersion;
    cluster.server.endWatches();
    await waitUntil(() => cluster.server.requestLog.filter((e) => e.watch).length >= 4 && cluster.server.openWatches === 2, 'watches again');
    const again = cluster.server.requestLog.filter((e) => e.watch).slice(-2);
    assert.ok(again.every((e) => e.query.resourceVersion === rvBefore), `re-watch from ${rvBefore}: ${JSON.stringify(again.map((e) => e.query))}`);
    assert.equal(cluster.server.requestLog.filter((e) => !e.watch).length, listsBefore, 'no relist after a clean close');
    const name = 'aks-userpool-12345678-vmss000000';
    cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'False', since: new Date() }));
    await waitUntil(() => c.model.node(name)?.ready === 'False', 'change after the re-watch');
  });

  it('relists after 410 Expired without the model ever going empty', async function () {
    const model = new ClusterModel();
    let minNodes = Infinity;
    let minEvents = Infinity;
    let changes = 0;
    current = connect(cluster.kubeconfigPath, { model, pageSize: 3 });
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    model.onDidChange(() => {
      changes++;
      const snap = model.snapshot();
      minNodes = Math.min(minNodes, snap.nodes.length);
      minEvents = Math.min(minEvents, snap.events.length);
    });
    const listsBefore = cluster.server.requestLog.filter((e) => !e.watch && !e.query.continue).length;
    // Changes the watches never see: only the relist can bring them.
    cluster.server.expireWatches();
    const name = 'aks-userpool-12345678-vmss000002';
    cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'Unknown', since: new Date() }));
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootStart', at: new Date() }));
    await waitUntil(() => cluster.server.requestLog.filter((e) => !e.watch && !e.query.continue).length >= listsBefore + 2, 'relisted both');
    await waitUntil(() => c.model.node(name)?.ready === 'Unknown' && c.model.eventsFor(name).length === 2, 'changes after the relist');
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
    assert.ok(changes > 0);
    assert.ok(minNodes >= 11, `nodes never dropped (min ${minNodes})`);
    assert.ok(minEvents > 0, `events never dropped to 0 (min ${minEvents})`);
    assert.ok(c.states.every((s) => s.kind !== 'reconnecting'), 'a 410 is not an outage');
    assert.ok(c.log.lines.some((l) => /expired \(410 Gone\): relisting/.test(l.text)));
  });
});
