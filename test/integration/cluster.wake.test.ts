import * as assert from 'node:assert/strict';

import type { WakeGap } from '../../src/cluster/wakeDetector';
import { makeNode, makeRepairEvent } from '../standin/fixtures';
import {
  comparable, connect, Connected, delay, disposeAndStop, expectedSnapshot, startTestCluster, TestCluster, waitForState,
  waitUntil,
} from './clusterHelpers';

// A sleep, simulated: the stand-in's watches stay open and send nothing (as on a TCP connection
// that died while the laptop slept), the cluster changes meanwhile, and the sleep check's clock
// jumps an hour ahead (timers did not run; the wall clock did).

/** Backoff and idle timer far longer than any wait below: a change that arrives in time came by the wake's relist. */
const SLOW_BACKOFF = { initialMs: 60_000, maxMs: 60_000 };
const HOUR_AND_FIVE = 65 * 60_000;
const NODE = 'aks-userpool-12345678-vmss000001';

describe('Cluster access: after the machine slept', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;
  /** How far the sleep check's clock is ahead of the real one. */
  let slept = 0;

  beforeEach(async function () {
    slept = 0;
    cluster = await startTestCluster();
  });

  afterEach(async function () {
    const ending = current;
    current = undefined;
    await disposeAndStop(cluster, ending);
  });

  const lists = (path: string): number => cluster.server.requestLog.filter((e) => e.path === path && !e.watch).length;
  const connectWithSleepCheck = (): Connected => connect(cluster.kubeconfigPath, {
    backoff: SLOW_BACKOFF, watchIdleMs: 120_000, watchTimeoutSeconds: 300,
    wake: { intervalMs: 50, now: () => Date.now() + slept },
  });

  it('ends the watches that look alive and relists at once: what changed during the sleep is in the model', async function () {
    current = connectWithSleepCheck();
    const c = current;
    const gaps: WakeGap[] = [];
    c.connection.onDidWake((gap) => gaps.push(gap));
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const nodeLists = lists('/api/v1/nodes');
    const watchesBefore = cluster.server.requestLog.filter((e) => e.watch).length;

    assert.equal(cluster.server.hangWatches(), 2);
    // During the sleep: a node goes NotReady, a repair starts on it, and an event expires.
    cluster.server.upsertNode(makeNode({ name: NODE, pool: 'userpool', ready: 'False', since: new Date() }));
    cluster.server.upsertEvent(makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at: new Date() }));
    const expired = cluster.server.events()[0];
    assert.ok(cluster.server.deleteEvent(String(expired.metadata?.namespace), String(expired.metadata?.name)));
    const eventsBefore = c.model.eventsFor(NODE).length;

    // The watches look alive and carry nothing: without a wake the model would wait for the idle timer (2 min).
    await delay(300);
    assert.equal(c.model.node(NODE)?.ready, 'True', 'the hung watch did not carry the change');
    assert.equal(gaps.length, 0, 'no wake while the clock is steady');

    const beforeWake = Date.now();
    slept = HOUR_AND_FIVE;
    await waitUntil(() => c.model.node(NODE)?.ready === 'False' && c.model.eventsFor(NODE).length > eventsBefore, 'the changes made during the sleep', 3000);

    assert.equal(gaps.length, 1);
    const asleep = gaps[0].awokeAt - gaps[0].asleepFrom;
    assert.ok(asleep >= HOUR_AND_FIVE && asleep < HOUR_AND_FIVE + 1000, `asleep ${asleep} ms`);
    assert.ok(gaps[0].asleepFrom <= beforeWake, 'the gap starts at the last tick before the sleep');
    assert.equal(lists('/api/v1/nodes'), nodeLists + 1, 'one relist of nodes');
    assert.ok(c.log.lines.some((l) => l.level === 'info' && /^The machine slept about 65 min \(.+Z to .+Z\): ending the watches and relisting now$/.test(l.text)),
      c.log.lines.map((l) => l.text).join('\n'));
    assert.equal(c.states.filter((s) => s.kind === 'reconnecting').length, 0, 'no reconnect, no backoff');
    assert.equal(c.connection.state.kind, 'connected');

    // The new watches carry the next change; the model is the server's, the expired event gone.
    await waitUntil(() => cluster.server.requestLog.filter((e) => e.watch).length >= watchesBefore + 2 && cluster.server.openWatches >= 2, 'watching again');
    cluster.server.upsertNode(makeNode({ name: NODE, pool: 'userpool', ready: 'True', since: new Date() }));
    await waitUntil(() => c.model.node(NODE)?.ready === 'True', 'the next change, on the new watch', 3000);
    await delay(100);
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
  });

  it('a wake while waiting to reconnect (a long backoff) reconnects at once', async function () {
    current = connectWithSleepCheck();
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    // The watches' connections drop: the loop waits its backoff (60 s) before relisting.
    const before = c.states.length;
    cluster.server.dropWatches();
    await waitForState(c, 'reconnecting', 5000, before);
    cluster.server.upsertNode(makeNode({ name: NODE, pool: 'userpool', ready: 'False', since: new Date() }));
    await delay(200);
    assert.equal(c.connection.state.kind, 'reconnecting');

    slept = HOUR_AND_FIVE;
    await waitUntil(() => c.connection.state.kind === 'connected' && c.model.node(NODE)?.ready === 'False', 'connected again, with the change', 3000);
  });
});
