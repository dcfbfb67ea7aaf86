import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterModel } from '../../src/domain/clusterModel';
import { HistoryRecorder } from '../../src/history/historyRecorder';
import { historyFileName, HistoryStore } from '../../src/history/historyStore';
import { aksNodeName, makeNode, makeNoiseEvent, makeRepairEvent, type RepairReason } from '../standin/fixtures';

const CLUSTER = 'aks-demo-westeurope\nhttps://127.0.0.1:6443';
const NODE = aksNodeName('userpool', 3);
const REASONS: RepairReason[] = [
  'NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError', 'NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError',
  'NodeRedeployStart', 'NodeRedeployEnd', 'NodeRedeployError',
];

describe('HistoryRecorder against a real ClusterModel', () => {
  let folder: string;
  let store: HistoryStore;
  let model: ClusterModel;
  let recorder: HistoryRecorder;
  const lines = () => fs.readFileSync(path.join(folder, historyFileName(CLUSTER)), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string; e?: { key: string; count: number }; r?: { ready: string }; n?: { name: string; goneAt?: number } });
  /** What the recorder made of the model so far, on disk. */
  const settle = async () => {
    recorder.flushNow();
    await store.flush();
  };

  beforeEach(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-recorder-'));
    store = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 60_000 });
    model = new ClusterModel();
    recorder = new HistoryRecorder(model, store, { tickMs: 10 });
  });

  afterEach(async () => {
    recorder.dispose();
    await store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('records the nine auto-repair reasons with code and count, and readiness events, not other node events', async () => {
    model.applyNode('ADDED', makeNode({ name: NODE, pool: 'userpool', ready: 'False', since: new Date(Date.now() - 600_000) }));
    const at = Date.now() - 300_000;
    for (const [i, reason] of REASONS.entries()) {
      model.applyEvent('ADDED', makeRepairEvent({ node: NODE, reason, at: new Date(at + i * 1000), code: 'OutboundConnectivityNotEnabledOnVMSS', count: reason === 'NodeRebootStart' ? 3 : 1 }));
    }
    // (Distinct times: the fixture derives event names from them.)
    model.applyEvent('ADDED', makeNoiseEvent({ reason: 'NodeNotReady', node: NODE, at: new Date(at - 60_000) }));
    model.applyEvent('ADDED', makeNoiseEvent({ reason: 'RegisteredNode', node: NODE, at: new Date(at - 61_000) }));
    model.applyEvent('ADDED', makeNoiseEvent({ reason: 'Starting', node: NODE, at: new Date(at - 62_000) }));
    await settle();

    const events = store.snapshot().events.get(NODE) ?? [];
    assert.deepEqual(events.map((e) => e.reason).sort(), [...REASONS, 'NodeNotReady'].sort());
    const errors = events.filter((e) => e.phase === 'error');
    assert.deepEqual(errors.map((e) => e.code), ['OutboundConnectivityNotEnabledOnVMSS', 'OutboundConnectivityNotEnabledOnVMSS', 'OutboundConnectivityNotEnabledOnVMSS']);
    assert.equal(events.find((e) => e.reason === 'NodeRebootStart')?.count, 3);
    assert.ok(events.every((e) => e.origin === 'history' && e.recordedAt > 0));
    // Its NotReady at first sight is a transition; it is worth its facts.
    assert.deepEqual(store.snapshot().transitions.get(NODE)?.map((t) => t.ready), ['False']);
    assert.equal(store.snapshot().nodes.get(NODE)?.instanceType, 'Standard_D8ds_v5');
  });

  it('writes only changes: a repeat of the same event adds no line, a higher count adds one', async () => {
    const event = makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date(Date.now() - 60_000), code: 'X' });
    model.applyEvent('ADDED', event);
    await settle();
    const before = lines().length;
    model.applyEvent('MODIFIED', { ...event, metadata: { ...event.metadata as object, resourceVersion: '99' } });
    model.replaceEvents([event]);
    await settle();
    assert.equal(lines().length, before, 'nothing new');
    model.applyEvent('MODIFIED', { ...event, count: 4, lastTimestamp: new Date().toISOString() });
    await settle();
    const added = lines().slice(before);
    assert.deepEqual(added.map((l) => [l.t, l.e?.count]), [['e', 4]]);
  });

  it('records every Ready transition, even a flip and back between two ticks; a healthy node at first sight is no news', async () => {
    const since = (msAgo: number) => new Date(Date.now() - msAgo);
    model.applyNode('ADDED', makeNode({ name: NODE, ready: 'True', since: since(3_600_000) }));
    model.applyNode('MODIFIED', makeNode({ name: NODE, ready: 'False', since: since(120_000) }));
    model.applyNode('MODIFIED', makeNode({ name: NODE, ready: 'True', since: since(60_000) }));
    model.applyNode('MODIFIED', makeNode({ name: NODE, ready: 'Unknown', since: since(1_000) }));
    await settle();
    assert.deepEqual(store.snapshot().transitions.get(NODE)?.map((t) => t.ready), ['False', 'True', 'Unknown']);
    const healthy = aksNodeName('system', 0);
    model.applyNode('ADDED', makeNode({ name: healthy, pool: 'system', ready: 'True' }));
    await settle();
    assert.equal(store.hasAnythingFor(healthy), false, 'nothing recorded for a node that never had anything');
  });

  it('keeps a node\'s facts and when it left (DELETED or missing from a relist), but not on a cleared model', async () => {
    const other = aksNodeName('userpool', 5);
    model.replaceNodes([
      makeNode({ name: NODE, ready: 'False', since: new Date(Date.now() - 600_000) }),
      makeNode({ name: other, ready: 'False', since: new Date(Date.now() - 600_000) }),
    ]);
    await settle();
    model.applyNode('DELETED', makeNode({ name: NODE }));
    model.replaceNodes([]);
    await settle();
    const gone = store.snapshot().nodes;
    assert.ok(gone.get(NODE)?.goneAt, 'deleted');
    assert.ok(gone.get(other)?.goneAt, 'left with a relist');
    assert.match(gone.get(NODE)?.providerID ?? '', /^azure:\/\//);
    assert.equal(gone.get(NODE)?.pool, 'userpool');

    // A node that comes back is in the cluster again.
    model.applyNode('ADDED', makeNode({ name: NODE, ready: 'True' }));
    await settle();
    assert.equal(store.snapshot().nodes.get(NODE)?.goneAt, undefined);
    // Disconnecting clears the model: nothing left the cluster.
    model.clear();
    await settle();
    assert.equal(store.snapshot().nodes.get(NODE)?.goneAt, undefined);
  });

  it('after a restart (new model, same file), the same cluster state writes nothing new', async () => {
    const raws = [makeNode({ name: NODE, ready: 'False', since: new Date(Date.now() - 600_000) })];
    const events = [makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date(Date.now() - 60_000) })];
    model.replaceNodes(raws);
    model.replaceEvents(events);
    await settle();
    recorder.dispose();
    await store.close();
    const count = lines().length;

    store = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 60_000 });
    model = new ClusterModel();
    recorder = new HistoryRecorder(model, store, { tickMs: 10 });
    model.replaceNodes(raws);
    model.replaceEvents(events);
    await settle();
    assert.equal(lines().length, count);
  });

  it('a node that left and joins again under its name (scale sets reuse them) is compared with the history, not with what it was', async () => {
    model.applyNode('ADDED', makeNode({ name: NODE, pool: 'userpool', ready: 'False', since: new Date(Date.now() - 600_000) }));
    await settle();
    assert.deepEqual(store.snapshot().transitions.get(NODE)?.map((t) => t.ready), ['False']);
    model.applyNode('DELETED', makeNode({ name: NODE }));
    await settle();
    assert.ok(store.snapshot().nodes.get(NODE)?.goneAt !== undefined);
    await store.clear();
    // A new VM under the same name, NotReady while it joins: a transition of its own.
    model.applyNode('ADDED', makeNode({ name: NODE, pool: 'userpool', ready: 'False', since: new Date(Date.now() - 60_000) }));
    await settle();
    assert.deepEqual(store.snapshot().transitions.get(NODE)?.map((t) => t.ready), ['False']);
    assert.equal(store.snapshot().nodes.get(NODE)?.goneAt, undefined);
  });

  it('in a window that only reads (another one records), records nothing', async () => {
    const reader = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 60_000 });
    try {
      assert.equal(reader.role, 'reader');
      const readerModel = new ClusterModel();
      const second = new HistoryRecorder(readerModel, reader, { tickMs: 10 });
      readerModel.applyEvent('ADDED', makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date() }));
      second.flushNow();
      await reader.flush();
      assert.equal(reader.snapshot().events.size, 0);
      second.dispose();
    } finally {
      await reader.close();
    }
  });
});
