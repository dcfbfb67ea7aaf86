import * as assert from 'node:assert/strict';
import type { ReadinessTransition, RecordedEvent } from '../../src/domain/history';
import { decodeLine, encodeLine } from '../../src/history/historyCodec';
import { HistoryState } from '../../src/history/historyRecords';

const NODE = 'aks-userpool-12345678-vmss000003';
const AT = Date.parse('2026-12-01T08:30:00Z');

const transition = (ready: ReadinessTransition['ready'], at: number, node = NODE): ReadinessTransition => ({ node, ready, at, reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown' });

describe('HistoryState: what the history holds in memory', () => {
  it('holds a transition once per node, time and status, whichever way it arrives', () => {
    const state = new HistoryState();
    assert.equal(state.addTransition(transition('False', AT)), true);
    assert.equal(state.addTransition(transition('False', AT)), false, 'the same transition again');
    // The same line read back from the file: its own strings, the same transition.
    const decoded = decodeLine(encodeLine({ t: 'r', r: transition('False', AT) }));
    assert.ok('line' in decoded && decoded.line.t === 'r');
    assert.equal(state.apply(decoded.line), false);
    // Same time, other status; same status, other time; same time on another node: three more.
    assert.equal(state.addTransition(transition('True', AT)), true);
    assert.equal(state.addTransition(transition('False', AT + 1)), true);
    assert.equal(state.addTransition(transition('False', AT, 'aks-userpool-12345678-vmss000004')), true);
    assert.equal(state.transitionsHeld, 4);
    assert.equal(state.recordCount, 4);
    assert.deepEqual(state.transitionsFor(NODE).map((t) => [t.ready, t.at - AT]), [['False', 0], ['True', 0], ['False', 1]]);
  });

  it('keeps times that do not fit one number apart (fractions, beyond safe integers) and statuses it does not know', () => {
    const state = new HistoryState();
    for (const at of [AT + 0.25, AT + 0.5, 2 ** 53, 2 ** 53 + 2, -AT]) {
      assert.equal(state.addTransition(transition('False', at)), true, String(at));
      assert.equal(state.addTransition(transition('False', at)), false, `${at} again`);
    }
    const odd = { node: NODE, ready: 'Sideways' as ReadinessTransition['ready'], at: AT };
    assert.equal(state.addTransition(odd), true);
    assert.equal(state.addTransition({ ...odd }), false);
    assert.equal(state.addTransition(transition('False', AT)), true, 'a known status at the same time is another transition');
    assert.equal(state.transitionsHeld, 7);
  });

  it('removes transitions one by one and by age, and forgets a node with none left', () => {
    const state = new HistoryState();
    state.addTransition(transition('False', AT));
    state.addTransition(transition('True', AT + 60_000));
    state.addTransition(transition('False', AT, 'aks-system-12345678-vmss000000'));
    state.removeTransition(transition('True', AT + 60_000));
    state.removeTransition(transition('True', AT + 60_000));
    assert.equal(state.transitionsHeld, 2);
    assert.equal(state.dropOlderThan(AT + 1), 2);
    assert.equal(state.transitionsHeld, 0);
    assert.equal(state.hasAnythingFor(NODE), false);
    assert.deepEqual([...state.allTransitions()], []);
  });

  it('keeps every field of an event it pools, and merges a sighting read back from the file', () => {
    const state = new HistoryState();
    const event: RecordedEvent = {
      key: '5d0e6c8a-1f2b-4c3d-9e8f-0a1b2c3d4e5f', node: NODE, reason: 'NodeReimageError', action: 'reimage', phase: 'error',
      code: 'VMExtensionProvisioningError', azureMessage: 'Provisioning failed', format: 'azure-error', message: 'Reimage failed', type: 'Warning',
      count: 2, firstSeen: AT, lastSeen: AT + 5_000, source: 'aks-auto-repair', origin: 'history', recordedAt: AT + 6_000,
    };
    assert.equal(state.upsertEvent(event), true);
    assert.deepEqual(state.events.get(event.key), event);
    const again = decodeLine(encodeLine({ t: 'e', e: event }));
    assert.ok('line' in again);
    assert.equal(state.apply(again.line), false, 'the same event read back changes nothing');
    assert.equal(state.upsertEvent({ ...event, count: 3, lastSeen: AT + 9_000, recordedAt: AT + 10_000 }), true);
    assert.deepEqual(state.eventsFor(NODE).map((e) => [e.count, e.lastSeen]), [[3, AT + 9_000]]);
  });
});
