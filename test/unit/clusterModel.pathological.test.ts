/**
 * Clusters that misbehave: one node with 100,000 event updates, 10,000 distinct events, a 1 MB
 * message, next to ordinary nodes. What the model keeps per node stays bounded, the count of what
 * it drops stays right, and no update does work that grows with the events already held.
 * Memory is read with forced GCs (the unit tier runs with --expose-gc).
 */
import * as assert from 'node:assert/strict';
import { ClusterModel, type ClusterChange } from '../../src/domain/clusterModel';
import { StringPool } from '../../src/domain/intern';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const SEC = 1000;
const MIN = 60 * SEC;
const CAP = 200;
const iso = (ms: number) => new Date(ms).toISOString();

const gc = (globalThis as { gc?: () => void }).gc;

/** heapUsed after full GCs. */
function heap(): number {
  for (let i = 0; i < 4; i++) {
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

interface ServerEvent {
  uid: string;
  node: string;
  reason: string;
  message: string;
  first: number;
  last: number;
  count: number;
}

function raw(e: ServerEvent): Record<string, unknown> {
  return {
    metadata: { name: `${e.node}.${e.uid}`, namespace: 'default', uid: e.uid },
    involvedObject: { kind: 'Node', name: e.node },
    reason: e.reason, message: e.message, type: 'Normal', count: e.count,
    firstTimestamp: iso(e.first), lastTimestamp: iso(e.last), source: { component: 'node-controller' },
  };
}

function rawNode(name: string, ready = 'True'): Record<string, unknown> {
  return {
    metadata: { name, labels: { 'kubernetes.azure.com/agentpool': 'pool1', 'kubernetes.io/os': 'linux' } },
    status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: iso(T0 - 60 * MIN) }] },
  };
}

/** 50 ordinary nodes with 3 events each, as the server holds them. */
function ordinary(model: ClusterModel, server: Map<string, ServerEvent>): string[] {
  const names = Array.from({ length: 50 }, (_, i) => `aks-pool1-12345678-vmss${String(i).padStart(6, '0')}`);
  model.replaceNodes([...names.map((n) => rawNode(n)), rawNode('hot', 'False')]);
  for (const [i, node] of names.entries()) {
    for (let j = 0; j < 3; j++) {
      const e: ServerEvent = { uid: `n${i}-${j}`, node, reason: 'NodeNotReady', message: `Node ${node} status is now: NodeNotReady`, first: T0 + j * SEC, last: T0 + j * SEC, count: 1 };
      server.set(e.uid, e);
      model.applyEvent('ADDED', raw(e));
    }
  }
  return names;
}

/**
 * Update `i` of the flood on node "hot": every tenth a new event (distinct message), the others
 * bump the count of an earlier one, held or already dropped. Each update is one second later.
 */
function floodUpdate(model: ClusterModel, server: Map<string, ServerEvent>, distinct: ServerEvent[], i: number): void {
  const at = T0 + 10 * MIN + i * SEC;
  if (i % 10 === 0) {
    const e: ServerEvent = { uid: `hot-${distinct.length}`, node: 'hot', reason: 'NodeNotReady', message: `Node hot status is now: NodeNotReady (${distinct.length})`, first: at, last: at, count: 1 };
    distinct.push(e);
    server.set(e.uid, e);
    model.applyEvent('ADDED', raw(e));
  } else {
    // A spread of earlier events: recent ones (held) and old ones (dropped long ago).
    const e = distinct[(i * 7919) % distinct.length];
    e.count++;
    e.last = at;
    model.applyEvent('MODIFIED', raw(e));
  }
}

interface Flooded {
  model: ClusterModel;
  server: Map<string, ServerEvent>;
  distinct: ServerEvent[];
  names: string[];
}

/** A model with the ordinary nodes and `updates` updates of the flood on "hot". */
function flooded(updates: number): Flooded {
  const model = new ClusterModel({ maxEventsPerNode: CAP });
  const server = new Map<string, ServerEvent>();
  const names = ordinary(model, server);
  const distinct: ServerEvent[] = [];
  for (let i = 0; i < updates; i++) {
    floodUpdate(model, server, distinct, i);
  }
  return { model, server, distinct, names };
}

/**
 * What the model alone retains: heap with it, minus heap once it is let go (the test's own record
 * of the server's events stays in both). Called in a function of its own, so that no variable of
 * the caller keeps anything alive.
 */
function modelBytes(holder: { model?: ClusterModel }): number {
  const withModel = heap();
  holder.model = undefined;
  return withModel - heap();
}

describe('ClusterModel: pathological clusters', function () {
  this.timeout(120_000);

  before(function () {
    if (!gc) {
      this.skip();
    }
  });

  it('keeps one node bounded through 100,000 updates of 10,000 distinct events, and counts what it drops', () => {
    const { model, server, distinct, names } = flooded(100_000);
    assert.equal(distinct.length, 10_000);
    assert.equal(model.eventsFor('hot').length, CAP);
    assert.equal(model.droppedEvents('hot'), 10_000 - CAP);
    // Kept: the newest (by last seen), as the server holds them.
    const newest = [...distinct].sort((a, b) => b.last - a.last).slice(0, CAP).map((e) => e.uid).sort();
    assert.deepEqual(model.eventsFor('hot').map((e) => e.key).sort(), newest);
    for (const e of model.eventsFor('hot')) {
      assert.equal(e.count, server.get(e.key)!.count);
    }
    // The ordinary nodes are untouched.
    for (const name of names) {
      assert.equal(model.eventsFor(name).length, 3);
      assert.equal(model.droppedEvents(name), 0);
    }
    // A relist of the server's state agrees with what the watch kept: nothing changes.
    const changes: ClusterChange[] = [];
    model.onDidChange((c) => changes.push(c));
    model.replaceEvents([...server.values()].map(raw));
    assert.deepEqual(changes, []);
    assert.equal(model.droppedEvents('hot'), 10_000 - CAP);
  });

  it('retains no more after 100,000 updates than after 10,000', () => {
    const quiet = modelBytes(flooded(0));
    const small = modelBytes(flooded(10_000));
    const large = modelBytes(flooded(100_000));
    // Ten times the input (1,000 → 10,000 distinct events), the same kept: 200 events (about
    // 60 KB). The margins are for what a GC may free or not between two readings; a record of
    // each dropped event (about 100 B each) would be 900 KB more.
    assert.ok(large - small < 256 * 1024, `10,000 updates: ${small} B, 100,000: ${large} B`);
    assert.ok(large - quiet < 768 * 1024, `the flooded node holds ${large - quiet} B`);
  });

  it('counts expired events it had dropped, and those it held', () => {
    const model = new ClusterModel({ maxEventsPerNode: CAP });
    const server = new Map<string, ServerEvent>();
    const distinct: ServerEvent[] = [];
    // 1,000 new events, no count bumps.
    for (let i = 0; i < 1_000; i++) {
      floodUpdate(model, server, distinct, i * 10);
    }
    assert.equal(model.droppedEvents('hot'), 1_000 - CAP);
    const changes: ClusterChange[] = [];
    model.onDidChange((c) => changes.push(c));
    // The oldest 100 expire (never held past the cap), then one held one.
    for (const e of distinct.slice(0, 100)) {
      model.applyEvent('DELETED', raw(e));
    }
    assert.equal(model.droppedEvents('hot'), 1_000 - CAP - 100);
    assert.equal(changes.length, 100);
    model.applyEvent('DELETED', raw(distinct.at(-1)!));
    assert.equal(model.eventsFor('hot').length, CAP - 1);
    assert.equal(model.droppedEvents('hot'), 1_000 - CAP - 100);
    // A DELETED that names no node is still found.
    const held = model.eventsFor('hot')[0];
    model.applyEvent('DELETED', { metadata: { uid: held.key } });
    assert.equal(model.eventsFor('hot').length, CAP - 2);
  });

  it('keeps the count of dropped events when every kept one is deleted', () => {
    const model = new ClusterModel({ maxEventsPerNode: 3 });
    for (let i = 0; i < 5; i++) {
      model.applyEvent('ADDED', raw({ uid: `e${i}`, node: 'hot', reason: 'NodeNotReady', message: `m${i}`, first: T0 + i * SEC, last: T0 + i * SEC, count: 1 }));
    }
    assert.equal(model.droppedEvents('hot'), 2);
    for (const kept of model.eventsFor('hot')) {
      model.applyEvent('DELETED', { metadata: { uid: kept.key }, involvedObject: { kind: 'Node', name: 'hot' } });
    }
    assert.deepEqual(model.eventsFor('hot'), []);
    assert.equal(model.droppedEvents('hot'), 2, 'the two dropped events still exist');
    // One of them expires later: counted down, not below zero.
    model.applyEvent('DELETED', { metadata: { uid: 'e0' }, involvedObject: { kind: 'Node', name: 'hot' } });
    assert.equal(model.droppedEvents('hot'), 1);
  });

  it('reports an update that trades one optional field for another', () => {
    const model = new ClusterModel({ maxEventsPerNode: CAP });
    const e: ServerEvent = { uid: 'x', node: 'hot', reason: 'NodeNotReady', message: 'm', first: T0, last: T0, count: 1 };
    model.applyEvent('ADDED', { ...raw(e), source: undefined });
    assert.equal(model.eventsFor('hot')[0].source, undefined);
    const changes: ClusterChange[] = [];
    model.onDidChange((c) => changes.push(c));
    model.applyEvent('MODIFIED', { ...raw(e), type: undefined });
    assert.equal(changes.length, 1);
    assert.equal(model.eventsFor('hot')[0].source, 'node-controller');
    assert.equal(model.eventsFor('hot')[0].type, undefined);
  });

  it('keeps the repair steps, timeline and counts of a node flooded with other events', () => {
    const model = new ClusterModel({ maxEventsPerNode: CAP });
    model.replaceNodes([rawNode('hot', 'False'), rawNode('calm')]);
    const step = (uid: string, reason: string, message: string, at: number): ServerEvent =>
      ({ uid, node: 'hot', reason, message, first: at, last: at, count: 1 });
    model.applyEvent('ADDED', raw(step('start', 'NodeRebootStart', 'Node auto-repair is initiating a reboot action due to NotReady status persisting for more than five minutes.', T0)));
    model.applyEvent('ADDED', raw(step('error', 'NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError', T0 + MIN)));
    for (let i = 0; i < 10_000; i++) {
      model.applyEvent('ADDED', raw(step(`flood-${i}`, 'NodeNotReady', `Node hot status is now: NodeNotReady (${i})`, T0 + 2 * MIN + i * 100)));
    }
    // Within the hour the failed step counts as a repair error.
    const now = T0 + 2 * MIN + 10_000 * 100;
    assert.equal(model.eventsFor('hot').length, CAP);
    assert.equal(model.droppedEvents('hot'), 10_002 - CAP);
    const timeline = model.timeline('hot', now);
    assert.equal(timeline.steps.length, 1);
    assert.equal(timeline.steps[0].status, 'failed');
    assert.equal(timeline.steps[0].code, 'VMExtensionProvisioningError');
    // The other events kept are the newest ones.
    assert.equal(timeline.otherEvents.length, CAP - 2);
    assert.equal(timeline.otherEvents.at(-1)?.key, 'flood-9999');
    assert.deepEqual(model.counts(now), { nodes: 2, notReady: 1, unknown: 0, repairErrors: 1, repairing: 0 });
    assert.deepEqual(model.eventsFor('calm'), []);
  });

  it('keeps 2,000 characters of a 1 MB message, and none of the rest', () => {
    const holder: { model?: ClusterModel } = { model: new ClusterModel({ maxEventsPerNode: CAP }) };
    holder.model!.replaceNodes([rawNode('hot')]);
    const before = modelBytes({ model: new ClusterModel() });
    bigMessages(holder.model!, 100);
    const events = holder.model!.eventsFor('hot');
    assert.equal(events.length, 100);
    assert.ok(events.every((e) => e.message.length === 2000));
    assert.equal(events[5].code, 'Code5');
    // 100 MB in; kept: 100 messages of 2,000 characters and their records.
    const kept = modelBytes(holder);
    assert.ok(kept - before < 768 * 1024, `kept ${kept} B`);
  });

  it('does no sort per update: an update beyond the cap scans the node\'s events once', () => {
    const model = new ClusterModel({ maxEventsPerNode: CAP });
    const server = new Map<string, ServerEvent>();
    const distinct: ServerEvent[] = [];
    // As many sorts after 1,000 updates as after 100,000: none.
    const early = sortsDuring(() => {
      for (let i = 0; i < 1_000; i++) {
        floodUpdate(model, server, distinct, i);
      }
    });
    for (let i = 1_000; i < 99_000; i++) {
      floodUpdate(model, server, distinct, i);
    }
    const late = sortsDuring(() => {
      for (let i = 99_000; i < 100_000; i++) {
        floodUpdate(model, server, distinct, i);
      }
    });
    assert.equal(model.droppedEvents('hot'), 10_000 - CAP);
    assert.deepEqual({ early, late }, { early: 0, late: 0 });
  });
});

/** Events with a new 1 MB message each, let go after the update, as a watch line is. */
function bigMessages(model: ClusterModel, count: number): void {
  for (let i = 0; i < count; i++) {
    const message = `Node auto-repair reboot action failed due to an operation failure: Code${i} ` + 'x'.repeat(1024 * 1024);
    model.applyEvent('ADDED', raw({ uid: `big-${i}`, node: 'hot', reason: 'NodeRebootError', message, first: T0 + i * SEC, last: T0 + i * SEC, count: 1 }));
  }
}

/** Sorts of lists longer than one while `run` runs (the change signal sorts the changed node names: one here). */
function sortsDuring(run: () => void): number {
  const sort = Array.prototype.sort;
  let sorts = 0;
  Array.prototype.sort = function (this: unknown[], ...args: Parameters<typeof sort>) {
    if (this.length > 1) {
      sorts++;
    }
    return sort.apply(this, args);
  } as typeof sort;
  try {
    run();
  } finally {
    Array.prototype.sort = sort;
  }
  return sorts;
}

describe('StringPool', () => {
  it('holds each string once and forgets unused ones after two generations', () => {
    const pool = new StringPool(3, 1000);
    assert.equal(pool.intern(['node', 'a'].join('-')), 'node-a');
    pool.intern(['node', 'a'].join('-'));
    assert.equal(pool.size, 1);
    for (const s of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      pool.intern(s);
    }
    // Generations {a b c} {d e f} {g h}: the first is gone.
    assert.equal(pool.size, 5);
    pool.clear();
    assert.equal(pool.size, 0);
  });

  it('turns a generation over when its characters are used up, and keeps long strings out', () => {
    const pool = new StringPool(100, 10);
    pool.intern('12345');
    pool.intern('67890');
    pool.intern('abc');
    assert.equal(pool.size, 3);
    const long = 'y'.repeat(5000);
    assert.equal(pool.intern(long), long);
    assert.equal(pool.size, 3);
  });
});
