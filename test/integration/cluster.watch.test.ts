import * as assert from 'node:assert/strict';

import { makeNode, makeRepairEvent } from '../standin/fixtures';
import {
  comparable, connect, Connected, delay, disposeAndStop, execUser, expectedSnapshot, startTestCluster, TestCluster,
  waitForState, waitUntil, writeExecPlugin,
} from './clusterHelpers';

const reconnects = (c: Connected): number => c.states.filter((s) => s.kind === 'reconnecting').length;

/** Backoff far longer than any wait below: a change that arrives in time did not wait for a reconnect. */
const SLOW_BACKOFF = { initialMs: 60_000, maxMs: 60_000 };

describe('Cluster access: the watch stream', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;

  afterEach(async function () {
    const ending = current;
    current = undefined;
    await disposeAndStop(cluster, ending);
  });

  describe('malformed lines', function () {
    beforeEach(async function () {
      cluster = await startTestCluster();
    });

    const watchesOpen = (): Promise<void> => waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const lists = (path: string): number => cluster.server.requestLog.filter((e) => e.path === path && !e.watch).length;

    it('a node change on a malformed line reaches the model at once, by a relist, and the log says so', async function () {
      current = connect(cluster.kubeconfigPath, { backoff: SLOW_BACKOFF });
      const c = current;
      await waitForState(c, 'connected');
      await watchesOpen();
      const nodeLists = lists('/api/v1/nodes');

      const name = 'aks-userpool-12345678-vmss000000';
      cluster.server.corruptNextWatchEvents(1);
      cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'False', since: new Date() }));
      await waitUntil(() => c.model.node(name)?.ready === 'False', 'the change on the bad line', 3000);
      assert.equal(lists('/api/v1/nodes'), nodeLists + 1, 'one relist of nodes');
      assert.equal(reconnects(c), 0, 'no reconnect, no backoff');
      assert.ok(c.log.lines.some((l) => l.level === 'warn' && /Watch on nodes sent a malformed line .*relisting now/.test(l.text)));

      // The watch resumes from the fresh list: the next change arrives on it.
      await watchesOpen();
      cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'True', since: new Date() }));
      await waitUntil(() => c.model.node(name)?.ready === 'True', 'the next change', 3000);
      await delay(100);
      assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
      assert.equal(c.connection.state.kind, 'connected');
    });

    it('an event on a malformed line reaches the model at once; nodes are not relisted', async function () {
      current = connect(cluster.kubeconfigPath, { backoff: SLOW_BACKOFF });
      const c = current;
      await waitForState(c, 'connected');
      await watchesOpen();
      const nodeLists = lists('/api/v1/nodes');

      const node = 'aks-userpool-12345678-vmss000001';
      const eventsBefore = c.model.eventsFor(node).length;
      cluster.server.corruptNextWatchEvents(1);
      cluster.server.upsertEvent(makeRepairEvent({ node, reason: 'NodeRebootStart', at: new Date() }));
      await waitUntil(() => c.model.eventsFor(node).length > eventsBefore, 'the event on the bad line', 3000);
      assert.equal(lists('/api/v1/nodes'), nodeLists, 'the nodes watch carried on');
      assert.equal(reconnects(c), 0);
      assert.ok(c.log.lines.some((l) => /Watch on node events sent a malformed line/.test(l.text)));
      await delay(100);
      assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
    });

    it('logs a bad line redacted and cut short', async function () {
      current = connect(cluster.kubeconfigPath, { backoff: SLOW_BACKOFF });
      const c = current;
      await waitForState(c, 'connected');
      await watchesOpen();
      cluster.server.malformedWatchLine(`{"type":"MODIFIED","object":{"token":"${cluster.server.token}","pad":"${'x'.repeat(5000)}"`);
      await waitUntil(() => c.log.lines.filter((l) => /sent a malformed line/.test(l.text)).length === 2, 'both watches noticed');
      await watchesOpen();
      const lines = c.log.lines.filter((l) => /sent a malformed line/.test(l.text));
      assert.ok(lines.every((l) => l.text.includes('<redacted>') && l.text.length < 1000), lines.map((l) => l.text).join('\n'));
      assert.equal(reconnects(c), 0);
      assert.equal(c.connection.state.kind, 'connected');
    });
  });

  describe('long lines', function () {
    it('reads a 1 MB watch event that arrives in many chunks', async function () {
      cluster = await startTestCluster();
      current = connect(cluster.kubeconfigPath, { backoff: SLOW_BACKOFF });
      const c = current;
      await waitForState(c, 'connected');
      await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
      const name = 'aks-userpool-12345678-vmss000000';
      const node = makeNode({ name, pool: 'userpool', ready: 'False', since: new Date() });
      node.metadata = { ...node.metadata, annotations: { 'example.com/pad': 'é'.repeat(500_000) } };
      cluster.server.upsertNode(node);
      await waitUntil(() => c.model.node(name)?.ready === 'False', 'the long line', 5000);
      assert.ok(!c.log.lines.some((l) => /malformed/.test(l.text)));
      assert.equal(reconnects(c), 0);
    });
  });

  describe('idle timeout', function () {
    it('ends a watch that sends nothing for watchIdleMs, and reconnects', async function () {
      // Without bookmarks a quiet cluster's watch is silent: headers, then nothing.
      cluster = await startTestCluster();
      current = connect(cluster.kubeconfigPath, { watchIdleMs: 500, watchTimeoutSeconds: 300 });
      const c = current;
      await waitForState(c, 'connected');
      await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
      const before = c.states.length;
      const idle = await waitForState(c, 'reconnecting', 5000, before);
      assert.ok(idle.kind === 'reconnecting');
      assert.equal(idle.problem.kind, 'timeout');
      assert.ok(c.log.lines.some((l) => /did not answer in time while watching/.test(l.text)));
      await waitForState(c, 'connected', 5000, before);
      await waitUntil(() => cluster.server.requestLog.filter((e) => e.watch && e.path === '/api/v1/nodes').length >= 2, 'watched again after the timeout');
      assert.ok(cluster.server.requestLog.filter((e) => !e.watch && e.path === '/api/v1/nodes').length >= 2, 'relisted after the timeout');
    });

    it('keeps a watch that receives data more often than watchIdleMs', async function () {
      cluster = await startTestCluster({ bookmarks: true, bookmarkIntervalMs: 100 });
      current = connect(cluster.kubeconfigPath, { watchIdleMs: 500, watchTimeoutSeconds: 300 });
      const c = current;
      await waitForState(c, 'connected');
      await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
      const watchesBefore = cluster.server.requestLog.filter((e) => e.watch).length;
      // Several idle periods long: each bookmark restarts the timer.
      await delay(2000);
      assert.equal(reconnects(c), 0);
      assert.equal(cluster.server.requestLog.filter((e) => e.watch).length, watchesBefore, 'the same two watches');
      assert.equal(cluster.server.openWatches, 2);
    });
  });

  describe('credentials', function () {
    it('watches with an exec plugin\'s token', async function () {
      cluster = await startTestCluster();
      const plugin = writeExecPlugin(cluster.dir, cluster.server.token);
      const kubeconfig = cluster.writeKubeconfig('exec', { user: execUser(process.execPath, [plugin.script]) });
      current = connect(kubeconfig);
      const c = current;
      await waitForState(c, 'connected');
      await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
      const name = 'aks-userpool-12345678-vmss000002';
      cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'False', since: new Date() }));
      await waitUntil(() => c.model.node(name)?.ready === 'False', 'the change on the watch');
      assert.ok(cluster.server.requestLog.filter((e) => e.watch).every((e) => e.status === 200));
    });
  });
});
