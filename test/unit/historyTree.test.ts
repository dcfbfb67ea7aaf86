import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterModel } from '../../src/domain/clusterModel';
import { HistoryRecorder } from '../../src/history/historyRecorder';
import { HistoryStore } from '../../src/history/historyStore';
import { MergedTimelines, TreeFrame, type TreeHistory } from '../../src/tree/treeFrame';
import { aksNodeName, makeNode, makeRepairEvent } from '../standin/fixtures';

const CLUSTER = 'ctx\nhttps://127.0.0.1:6443';
const NOT_READY = aksNodeName('userpool', 3);
const HEALTHY = aksNodeName('userpool', 0);
const GONE = aksNodeName('userpool', 5);

/** The Nodes view's frame over a real model and a real store: what merges, and what stays the live path. */
describe('TreeFrame with the repair history', () => {
  let folder: string;
  let store: HistoryStore;
  let model: ClusterModel;
  let recorder: HistoryRecorder;
  let history: TreeHistory;
  const raws = new Map<string, Record<string, unknown>[]>();
  const now = () => Date.now();

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-history-tree-'));
    store = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 60_000 });
    history = { recordedFor: (n) => store.eventsFor(n), recordedNodeNames: () => store.nodesWithEvents(), snapshot: () => store.snapshot() };
    model = new ClusterModel();
    recorder = new HistoryRecorder(model, store, { tickMs: 10 });
    const since = new Date(now() - 40 * 60_000);
    model.replaceNodes([
      makeNode({ name: NOT_READY, ready: 'False', since }),
      makeNode({ name: HEALTHY, ready: 'True' }),
      makeNode({ name: GONE, ready: 'False', since }),
    ]);
    for (const node of [NOT_READY, GONE]) {
      const list = [
        makeRepairEvent({ node, reason: 'NodeRebootStart', at: new Date(now() - 30 * 60_000), name: `${node}.a` }),
        makeRepairEvent({ node, reason: 'NodeRebootError', at: new Date(now() - 29 * 60_000), code: 'OutboundConnectivityNotEnabledOnVMSS', name: `${node}.b` }),
      ];
      raws.set(node, list);
      list.forEach((e) => model.applyEvent('ADDED', e));
    }
    recorder.flushNow();
    // The cluster's hour passes for both nodes' events; then one node leaves.
    for (const list of raws.values()) {
      list.forEach((e) => model.applyEvent('DELETED', e));
    }
    model.applyNode('DELETED', makeNode({ name: GONE }));
    recorder.flushNow();
  });

  after(async () => {
    recorder.dispose();
    await store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('takes the live path, the model\'s own cached timeline, for a node without recorded rows', () => {
    const frame = new TreeFrame(model, now(), history);
    const snap = frame.node(HEALTHY);
    assert.equal(snap.timeline, model.timeline(HEALTHY, frame.now));
    assert.equal(snap.status, snap.timeline);
    assert.equal(snap.hasRecorded, false);
  });

  it('shows recorded steps under a node, and reads its line from them while it is still in that NotReady spell', () => {
    const frame = new TreeFrame(model, now(), history);
    const snap = frame.node(NOT_READY);
    assert.equal(snap.live?.steps.length, 0, 'the cluster keeps nothing');
    assert.deepEqual(snap.timeline.steps.map((s) => [s.action, s.status, s.code]), [['reboot', 'failed', 'OutboundConnectivityNotEnabledOnVMSS']]);
    assert.equal(snap.status, snap.timeline);
    assert.equal(snap.hasRecorded, true);
    assert.ok(snap.event(`${(raws.get(NOT_READY)![1].metadata as { namespace: string; name: string }).namespace}/${NOT_READY}.b`)?.origin === 'history');
  });

  it('lists a node that left under the gone nodes, with its facts, once the cluster\'s nodes are known', () => {
    const frame = new TreeFrame(model, now(), history);
    assert.deepEqual(frame.goneNodes(), [GONE]);
    assert.ok(frame.node(GONE).facts?.goneAt);
    const loading = new TreeFrame(new ClusterModel(), now(), history);
    assert.deepEqual(loading.goneNodes(), [], 'while nodes load, nothing is "gone"');
  });

  it('reuses merged timelines across redraws until the node or its rows change', () => {
    const merged = new MergedTimelines();
    const first = new TreeFrame(model, now(), history, merged).node(NOT_READY).timeline;
    assert.equal(new TreeFrame(model, now(), history, merged).node(NOT_READY).timeline, first);
    model.applyEvent('ADDED', makeRepairEvent({ node: NOT_READY, reason: 'NodeReimageStart', at: new Date(), name: `${NOT_READY}.c` }));
    const after = new TreeFrame(model, now(), history, merged).node(NOT_READY);
    assert.notEqual(after.timeline, first);
    assert.deepEqual(after.timeline.steps.map((s) => s.action), ['reboot', 'reimage']);
    assert.equal(after.status, after.live, 'live steps again: the line says what the cluster says');
  });
});
