import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ClusterModel } from '../../src/domain/clusterModel';
import type { SourcedEvent } from '../../src/domain/history';
import { packKey, unpackKey } from '../../src/domain/packedKey';
import { eventFields, EventKindPool, HeldEvent, plainEvent, projectEvent, type RepairEventRecord } from '../../src/domain/repairEvent';
import { buildTimeline } from '../../src/domain/repairTimeline';

const NODE = 'aks-nodepool1-12345678-vmss000003';

function raw(uid: string, reason: string, message: string, at: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name: `${NODE}.${uid.slice(0, 8)}`, namespace: 'default', uid },
    involvedObject: { kind: 'Node', name: NODE },
    reason,
    message,
    type: reason.endsWith('Error') ? 'Warning' : 'Normal',
    source: { component: 'aks-auto-repair' },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    ...extra,
  };
}

const ERROR_MESSAGE = 'Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError. See details: https://aka.ms/aks/error';

describe('held events (the cluster model\'s compact event)', () => {
  it('packs a canonical uid into 16 characters and gives it back exactly', () => {
    const uids = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00d84167-74c1-432e-8dbb-9f4145afc56c'];
    for (let i = 0; i < 500; i++) {
      uids.push(randomUUID());
    }
    for (const uid of uids) {
      const packed = packKey(uid);
      assert.equal(packed.length, 16);
      assert.equal(unpackKey(packed), uid);
    }
  });

  it('keeps any other key as it is, and never mistakes one for a packed uid', () => {
    const keys = [
      'default/aks-node.17c1', 'uid-7', '0123456789abcdef', '\u0000x', '\u0000' + 'a'.repeat(15), '\u0000' + 'a'.repeat(14),
      '\u0000'.repeat(16), '\u0000'.repeat(17), 'x'.repeat(128),
      '0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950', '', 'ä'.repeat(16),
    ];
    for (const key of keys) {
      assert.equal(unpackKey(packKey(key)), key, JSON.stringify(key));
    }
    assert.notEqual(packKey('0123456789abcdef'), '0123456789abcdef', 'a 16-character key is escaped');
  });

  it('reads as the record it was projected from, and writes that record as JSON and as a spread copy', () => {
    const uid = randomUUID();
    const e = projectEvent(raw(uid, 'NodeReimageError', ERROR_MESSAGE, '2026-12-02T10:00:00Z', { eventTime: '2026-12-02T09:59:59.123456Z', count: 3 }));
    assert.ok(e instanceof HeldEvent);
    const expected: RepairEventRecord = {
      key: uid, node: NODE, reason: 'NodeReimageError', action: 'reimage', phase: 'error', code: 'VMExtensionProvisioningError',
      azureMessage: undefined, format: e.format, message: ERROR_MESSAGE, type: 'Warning', count: 3,
      firstSeen: Date.parse('2026-12-02T09:59:59.123Z'), lastSeen: Date.parse('2026-12-02T10:00:00Z'), source: 'aks-auto-repair',
    };
    assert.notEqual(e.format, 'none');
    assert.deepEqual(eventFields(e), expected);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), JSON.parse(JSON.stringify(expected)));
    assert.deepEqual({ ...plainEvent(e) }, expected, 'a spread of plainEvent is the record');
    const plain: SourcedEvent = { ...expected, origin: 'history' };
    assert.equal(plainEvent(plain), plain, 'a plain record is spread as it is (its origin stays)');
  });

  it('is spread as a record by another bundle\'s copy of plainEvent (the lazy bundles each hold one)', () => {
    const file = require.resolve('../../src/domain/repairEvent');
    const cached = require.cache[file];
    delete require.cache[file];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const other = require(file) as typeof import('../../src/domain/repairEvent');
      assert.notEqual(other.HeldEvent, HeldEvent, 'a second copy of the module');
      const e = projectEvent(raw(randomUUID(), 'NodeRebootStart', 'Node auto-repair reboot action started', '2026-12-02T10:00:00Z'))!;
      assert.ok(!(e instanceof other.HeldEvent));
      const copy: RepairEventRecord = other.plainEvent<RepairEventRecord>(e);
      assert.deepEqual({ ...copy }, eventFields(e));
    } finally {
      require.cache[file] = cached;
    }
  });

  it('keeps times far from now exactly, and an absent time absent', () => {
    const old = projectEvent(raw(randomUUID(), 'NodeRebootStart', 'Node auto-repair reboot action started', '1999-01-02T03:04:05Z'));
    assert.equal(old?.firstSeen, Date.parse('1999-01-02T03:04:05Z'));
    const future = projectEvent(raw(randomUUID(), 'NodeRebootStart', 'x', '2090-01-02T03:04:05Z'));
    assert.equal(future?.lastSeen, Date.parse('2090-01-02T03:04:05Z'));
    const none = projectEvent(raw(randomUUID(), 'NodeRebootStart', 'x', ''));
    assert.equal(none?.firstSeen, undefined);
    assert.equal(none?.lastSeen, undefined);
  });

  it('shares what auto-repair events with the same text say, and compares events by their fields', () => {
    const kinds = new EventKindPool();
    const a = projectEvent(raw(randomUUID(), 'NodeReimageError', ERROR_MESSAGE, '2026-12-02T10:00:00Z'), undefined, undefined, kinds)!;
    const b = projectEvent(raw(randomUUID(), 'NodeReimageError', ERROR_MESSAGE, '2026-12-02T10:05:00Z'), undefined, undefined, kinds)!;
    assert.equal((a as unknown as { kind: unknown }).kind, (b as unknown as { kind: unknown }).kind, 'one kind for both');
    const sameUid = randomUUID();
    const x = projectEvent(raw(sameUid, 'NodeNotReady', `Node ${NODE} status is now: NodeNotReady`, '2026-12-02T10:00:00Z'))!;
    const y = projectEvent(raw(sameUid, 'NodeNotReady', `Node ${NODE} status is now: NodeNotReady`, '2026-12-02T10:00:00Z'))!;
    assert.ok(x.equals(y), 'separate kinds with equal fields are equal');
    const z = projectEvent(raw(sameUid, 'NodeNotReady', `Node ${NODE} status is now: NodeNotReady`, '2026-12-02T10:00:00Z', { count: 2 }))!;
    assert.ok(!x.equals(z), 'another count is another event state');
    const w = projectEvent(raw(sameUid, 'NodeNotReady', `Node ${NODE} status is now: Unknown`, '2026-12-02T10:00:00Z'))!;
    assert.ok(!x.equals(w), 'another message is another event state');
  });

  it('in the model: an update to a NodeNotReady event with the same fields is no change, a new count is', () => {
    const model = new ClusterModel();
    const changes: string[][] = [];
    model.onDidChange((c) => changes.push([...c.nodes]));
    const uid = randomUUID();
    const event = raw(uid, 'NodeNotReady', `Node ${NODE} status is now: NodeNotReady`, '2026-12-02T10:00:00Z');
    model.applyEvent('ADDED', event);
    model.applyEvent('MODIFIED', { ...event });
    model.replaceEvents([{ ...event }]);
    assert.deepEqual(changes, [[NODE]], 'the same event again changes nothing');
    model.applyEvent('MODIFIED', { ...event, count: 2 });
    assert.deepEqual(changes, [[NODE], [NODE]]);
    assert.equal(model.eventsFor(NODE)[0].key, uid);
    assert.equal(model.eventsFor(NODE)[0].count, 2);
    model.applyEvent('DELETED', event);
    assert.deepEqual(model.eventsFor(NODE), [], 'a DELETED notification finds the event by its packed uid');
  });

  it('a timeline\'s merged rows are plain records with every field', () => {
    const start = projectEvent(raw(randomUUID(), 'NodeRebootStart', 'Node auto-repair reboot action started', '2026-12-02T10:00:00Z'))!;
    const other1 = projectEvent(raw(randomUUID(), 'NodeNotReady', 'down', '2026-12-02T09:58:00Z'))!;
    const other2 = projectEvent(raw(randomUUID(), 'NodeNotReady', 'down', '2026-12-02T09:59:00Z'))!;
    const timeline = buildTimeline([start, other1, other2]);
    assert.equal(timeline.otherEvents.length, 1);
    const merged = timeline.otherEvents[0];
    assert.ok(!(merged instanceof HeldEvent));
    assert.equal(merged.count, 2);
    assert.equal(merged.reason, 'NodeNotReady');
    assert.equal(merged.firstSeen, Date.parse('2026-12-02T09:58:00Z'));
    assert.equal(merged.lastSeen, Date.parse('2026-12-02T09:59:00Z'));
    assert.deepEqual(timeline.steps[0].events[0], eventFields(start), 'a step\'s rows are plain copies too');
  });
});
