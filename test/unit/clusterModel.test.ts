import * as assert from 'node:assert/strict';
import { ClusterChange, ClusterModel } from '../../src/domain/clusterModel';

const NOW = Date.parse('2024-05-14T10:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function rawNode(name: string, opts: { ready?: string; since?: number; pool?: string; rv?: string; cordoned?: boolean; dates?: boolean } = {}): Record<string, unknown> {
  const since = opts.since ?? NOW - 86_400_000;
  return {
    metadata: { name, resourceVersion: opts.rv ?? '1', labels: { 'kubernetes.azure.com/agentpool': opts.pool ?? 'nodepool1', 'kubernetes.io/os': 'linux' } },
    spec: { unschedulable: opts.cordoned ?? false },
    status: { conditions: [{ type: 'Ready', status: opts.ready ?? 'True', lastTransitionTime: opts.dates ? new Date(since) : iso(since) }] },
  };
}

let seq = 0;
function rawEvent(node: string, reason: string, message: string, at: number, uid = `u${++seq}`): Record<string, unknown> {
  return {
    metadata: { name: `${node}.${uid}`, namespace: 'default', uid },
    involvedObject: { kind: 'Node', name: node },
    reason, message, firstTimestamp: iso(at), lastTimestamp: iso(at), count: 1, source: { component: 'aks-auto-repair' },
  };
}

function recorder(model: ClusterModel): ClusterChange[] {
  const changes: ClusterChange[] = [];
  model.onDidChange((c) => changes.push(c));
  return changes;
}

describe('ClusterModel', () => {
  it('adds, modifies and deletes nodes, naming each change', () => {
    const model = new ClusterModel();
    const changes = recorder(model);
    model.applyNode('ADDED', rawNode('b'));
    model.applyNode('ADDED', rawNode('a', { pool: 'pool2' }));
    assert.deepEqual(model.nodes().map((n) => n.name), ['a', 'b']);
    model.applyNode('MODIFIED', rawNode('b', { ready: 'False', since: NOW - 2 * MIN, rv: '2' }));
    assert.equal(model.node('b')?.ready, 'False');
    model.applyNode('DELETED', rawNode('a'));
    assert.equal(model.node('a'), undefined);
    assert.deepEqual(model.nodes().map((n) => n.name), ['b']);
    assert.deepEqual(changes, [
      { nodes: ['b'], full: false },
      { nodes: ['a'], full: false },
      { nodes: ['b'], full: false },
      { nodes: ['a'], full: false },
    ]);
  });

  it('stays quiet when nothing visible changed', () => {
    const model = new ClusterModel();
    model.applyNode('ADDED', rawNode('a'));
    const changes = recorder(model);
    model.applyNode('MODIFIED', rawNode('a', { rv: '9' }));
    model.applyNode('DELETED', rawNode('zzz'));
    model.applyNode('ADDED', { metadata: {} });
    model.applyNode('ADDED', 'garbage');
    assert.deepEqual(changes, []);
    assert.equal(model.node('a')?.resourceVersion, '9');
  });

  it('accepts listed (Date) and watched (string) timestamps alike', () => {
    const model = new ClusterModel();
    model.replaceNodes([rawNode('a', { dates: true, since: NOW - 3 * MIN })]);
    const changes = recorder(model);
    model.applyNode('MODIFIED', rawNode('a', { since: NOW - 3 * MIN }));
    assert.deepEqual(changes, []);
    assert.equal(model.node('a')?.readySince, NOW - 3 * MIN);
  });

  it('relists atomically and reports only the nodes that differ', () => {
    const model = new ClusterModel();
    model.replaceNodes([rawNode('a'), rawNode('b'), rawNode('c')]);
    const changes = recorder(model);
    const seen: string[][] = [];
    model.onDidChange(() => seen.push(model.nodes().map((n) => n.name)));
    model.replaceNodes([rawNode('a', { rv: '5' }), rawNode('b', { cordoned: true }), rawNode('c')]);
    assert.deepEqual(changes, [{ nodes: ['b'], full: false }]);
    assert.deepEqual(seen, [['a', 'b', 'c']]);
    model.replaceNodes([rawNode('a'), rawNode('b', { cordoned: true }), rawNode('d')]);
    assert.deepEqual(changes[1], { nodes: ['c', 'd'], full: false });
    model.replaceNodes([rawNode('a'), rawNode('b', { cordoned: true }), rawNode('d')]);
    assert.equal(changes.length, 2);
    assert.deepEqual(model.snapshot().nodes.map((n) => n.name), ['a', 'b', 'd']);
  });

  it('groups nodes by pool', () => {
    const model = new ClusterModel();
    model.replaceNodes([rawNode('x2', { pool: 'user' }), rawNode('s1', { pool: 'system' }), rawNode('x1', { pool: 'user' })]);
    assert.deepEqual(model.pools().map((p) => [p.name, p.nodes.map((n) => n.name)]), [['system', ['s1']], ['user', ['x1', 'x2']]]);
  });

  it('keeps events by node, deduplicated by uid, also for nodes not yet known', () => {
    const model = new ClusterModel();
    const changes = recorder(model);
    const start = rawEvent('ghost', 'NodeRebootStart', 'start', NOW - 10 * MIN, 'same');
    model.applyEvent('ADDED', start);
    model.applyEvent('MODIFIED', start);
    model.applyEvent('ADDED', { ...start, count: 2 });
    model.applyEvent('ADDED', { ...start, involvedObject: { kind: 'Pod', name: 'p' }, metadata: { uid: 'pod-event' } });
    assert.equal(model.eventsFor('ghost').length, 1);
    assert.equal(model.eventsFor('ghost')[0].count, 2);
    assert.deepEqual(changes, [{ nodes: ['ghost'], full: false }, { nodes: ['ghost'], full: false }]);
    model.applyEvent('DELETED', start);
    assert.deepEqual(model.eventsFor('ghost'), []);
    assert.equal(changes.length, 3);
    assert.deepEqual(model.nodeNamesWithEvents(), []);
  });

  it('keys events without a uid by namespace/name', () => {
    const model = new ClusterModel();
    const e = rawEvent('a', 'NodeNotReady', 'x', NOW);
    delete (e.metadata as Record<string, unknown>).uid;
    model.applyEvent('ADDED', e);
    assert.equal(model.eventsFor('a')[0].key, `default/${(e.metadata as { name: string }).name}`);
  });

  it('caps the events kept per node, dropping the oldest', () => {
    const model = new ClusterModel({ maxEventsPerNode: 3 });
    for (let i = 0; i < 5; i++) {
      model.applyEvent('ADDED', rawEvent('a', 'NodeNotReady', `m${i}`, NOW - (10 - i) * MIN));
    }
    assert.deepEqual(model.eventsFor('a').map((e) => e.message), ['m2', 'm3', 'm4']);
  });

  it('keeps repair events before other events when over the cap, and counts the rest', () => {
    const model = new ClusterModel({ maxEventsPerNode: 3 });
    const start = rawEvent('a', 'NodeRebootStart', 's', NOW - 30 * MIN);
    model.applyEvent('ADDED', start);
    for (let i = 0; i < 5; i++) {
      model.applyEvent('ADDED', rawEvent('a', 'NodeNotReady', `m${i}`, NOW - (10 - i) * MIN));
    }
    assert.deepEqual(model.eventsFor('a').map((e) => e.message), ['s', 'm3', 'm4']);
    assert.equal(model.droppedEvents('a'), 3);
    assert.equal(model.timeline('a', NOW).steps.length, 1);
    // A relist counts exactly what it does not keep.
    const changes = recorder(model);
    model.replaceEvents([start, rawEvent('a', 'NodeNotReady', 'n1', NOW - 2 * MIN), rawEvent('a', 'NodeNotReady', 'n2', NOW - MIN)]);
    assert.equal(model.droppedEvents('a'), 0);
    assert.deepEqual(changes, [{ nodes: ['a'], full: false }]);
  });

  it('relists events and reports only the nodes whose events changed', () => {
    const model = new ClusterModel();
    const e1 = rawEvent('a', 'NodeRebootStart', 's', NOW - 5 * MIN);
    const e2 = rawEvent('b', 'NodeRebootStart', 's', NOW - 5 * MIN);
    model.replaceEvents([e1, e2]);
    const changes = recorder(model);
    const e3 = rawEvent('b', 'NodeRebootEnd', 'e', NOW - 4 * MIN);
    model.replaceEvents([e1, e2, e3]);
    assert.deepEqual(changes, [{ nodes: ['b'], full: false }]);
    model.replaceEvents([e2, e3]);
    assert.deepEqual(changes[1], { nodes: ['a'], full: false });
    assert.deepEqual(model.snapshot().events.map((e) => e.key).sort(), [e2, e3].map((e) => (e.metadata as { uid: string }).uid).sort());
  });

  it('caches timelines until the node or its events change', () => {
    const model = new ClusterModel();
    model.applyNode('ADDED', rawNode('a', { ready: 'False', since: NOW - 15 * MIN }));
    model.applyEvent('ADDED', rawEvent('a', 'NodeRebootStart', 's', NOW - 5 * MIN));
    const first = model.timeline('a', NOW);
    assert.equal(first.current?.action, 'reboot');
    assert.equal(model.timeline('a', NOW + 1000), first);
    model.applyEvent('ADDED', rawEvent('a', 'NodeRebootEnd', 'e', NOW - 4 * MIN));
    const second = model.timeline('a', NOW);
    assert.notEqual(second, first);
    assert.equal(second.outcome, 'completed');
    model.applyNode('MODIFIED', rawNode('a', { ready: 'True', since: NOW - MIN }));
    assert.equal(model.timeline('a', NOW).outcome, 'recovered');
  });

  it('lets a running step go stale after an hour without its End', () => {
    const model = new ClusterModel();
    model.applyEvent('ADDED', rawEvent('a', 'NodeRebootStart', 's', NOW));
    assert.ok(model.timeline('a', NOW).current);
    assert.equal(model.timeline('a', NOW + 61 * MIN).current, undefined);
  });

  it('counts nodes, NotReady, Unknown, repair errors and running repairs', () => {
    const model = new ClusterModel();
    model.replaceNodes([
      rawNode('ok'),
      rawNode('down', { ready: 'False', since: NOW - 20 * MIN }),
      rawNode('lost', { ready: 'Unknown', since: NOW - 20 * MIN }),
    ]);
    model.replaceEvents([
      rawEvent('down', 'NodeRebootStart', 's', NOW - 10 * MIN),
      rawEvent('lost', 'NodeReimageError', 'Node auto-repair reimage action failed due to an operation failure: InvalidParameter', NOW - 3 * MIN),
      // A node already deleted after a failed redeploy still counts.
      rawEvent('gone', 'NodeRedeployError', 'Node auto-repair redeploy action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors', NOW - 30 * MIN),
      rawEvent('old', 'NodeRedeployError', 'failed due to an operation failure: X', NOW - 2 * 60 * MIN),
    ]);
    assert.deepEqual(model.counts(NOW), { nodes: 3, notReady: 1, unknown: 1, repairErrors: 2, repairing: 1 });
  });

  it('clears with one full change, and unsubscribes', () => {
    const model = new ClusterModel();
    model.applyNode('ADDED', rawNode('a'));
    const changes: ClusterChange[] = [];
    const sub = model.onDidChange((c) => changes.push(c));
    model.onDidChange(() => { throw new Error('a bad listener'); });
    model.clear();
    assert.deepEqual(changes, [{ nodes: [], full: true }]);
    assert.deepEqual(model.snapshot(), { nodes: [], events: [] });
    sub.dispose();
    model.applyNode('ADDED', rawNode('b'));
    assert.equal(changes.length, 1);
  });
});
