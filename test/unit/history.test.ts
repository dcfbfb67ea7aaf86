import * as assert from 'node:assert/strict';
import { carryOverInsights, mergeEvents, recurrences, type HeldInsights, type InsightsStatus, type RecordedEvent, type SourcedEvent } from '../../src/domain/history';
import { buildTimeline } from '../../src/domain/repairTimeline';

const NODE = 'aks-userpool-12345678-vmss000003';
const T0 = Date.parse('2026-12-01T08:30:00Z');
const DAY = 86_400_000;

function live(key: string, reason: string, at: number, extra: Partial<SourcedEvent> = {}): SourcedEvent {
  return { key, node: NODE, reason, format: 'none', message: `${reason} message`, count: 1, firstSeen: at, lastSeen: at, ...extra };
}

function recorded(origin: RecordedEvent['origin'], key: string, reason: string, at: number, extra: Partial<RecordedEvent> = {}): RecordedEvent {
  return { key, node: NODE, reason, format: 'none', message: `${reason} (${origin})`, count: 1, firstSeen: at, lastSeen: at, origin, recordedAt: at, ...extra };
}

describe('mergeEvents: one timeline from live, local history and Container Insights', () => {
  it('keeps one row per key with the newest count and last seen, and the live row\'s text and origin', () => {
    const merged = mergeEvents(
      [live('uid-1', 'NodeRebootStart', T0, { count: 2, lastSeen: T0 + 60_000 })],
      [recorded('history', 'uid-1', 'NodeRebootStart', T0, { count: 3, lastSeen: T0 + 30_000 })],
    );
    assert.equal(merged.length, 1);
    assert.equal(merged[0].count, 3);
    assert.equal(merged[0].lastSeen, T0 + 60_000);
    assert.equal(merged[0].origin, undefined, 'the live row wins: no origin means live');
    assert.equal(merged[0].message, 'NodeRebootStart message');
  });

  it('merges a Container Insights row (no uid) with the same event from another source by node, reason, code, phase and first seen', () => {
    const message = 'Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError';
    const merged = mergeEvents(
      [recorded('history', 'uid-9', 'NodeReimageError', T0 + 400, { code: 'VMExtensionProvisioningError', action: 'reimage', phase: 'error', message, source: 'aks-auto-repair' })],
      // Log Analytics has whole seconds and its own row id; 1.4 s apart still is one occurrence.
      [recorded('containerInsights', 'ci:row-1', 'NodeReimageError', T0 + 1_800, { count: 2, code: 'VMExtensionProvisioningError', action: 'reimage', phase: 'error', message })],
    );
    assert.equal(merged.length, 1);
    assert.equal(merged[0].count, 2);
    assert.equal(merged[0].code, 'VMExtensionProvisioningError');
    assert.equal(merged[0].source, 'aks-auto-repair', 'what one row lacks, the other fills');
  });

  it('never merges two different failures within 2 s: the code, the phase and the message must agree', () => {
    const error = (origin: RecordedEvent['origin'] | undefined, key: string, at: number, code: string, count = 1): SourcedEvent => {
      const extra = { action: 'reboot', phase: 'error', code, message: `Node auto-repair reboot action failed: ${code}`, count } as const;
      return origin ? recorded(origin, key, 'NodeRebootError', at, extra) : live(key, 'NodeRebootError', at, extra);
    };
    // Two failures one second apart, each seen live and in Container Insights (its own keys).
    const both = mergeEvents([error(undefined, 'uidA', T0, 'CodeA'), error(undefined, 'uidB', T0 + 1_000, 'CodeB', 5)],
      [error('containerInsights', 'ci:A', T0, 'CodeA'), error('containerInsights', 'ci:B', T0 + 1_000, 'CodeB', 5)]);
    assert.deepEqual(both.map((e) => [e.key, e.code, e.count]), [['uidA', 'CodeA', 1], ['uidB', 'CodeB', 5]]);
    // A failure seen live only, another kept only by the history: two rows, not one.
    const apart = mergeEvents([error(undefined, 'uidA', T0, 'CodeA')], [error('history', 'uidB', T0 + 1_000, 'CodeB', 5)]);
    assert.deepEqual(apart.map((e) => [e.key, e.code, e.count]), [['uidA', 'CodeA', 1], ['uidB', 'CodeB', 5]]);
    // Same code, but one row is the start and the other the error.
    const phases = mergeEvents([live('s', 'NodeRebootError', T0, { action: 'reboot', phase: 'start', code: 'C' })],
      [recorded('containerInsights', 'ci:e', 'NodeRebootError', T0 + 500, { action: 'reboot', phase: 'error', code: 'C' })]);
    assert.equal(phases.length, 2);
    // Same code and phase, different messages (two operations).
    const messages = mergeEvents([live('m1', 'NodeRebootError', T0, { phase: 'error', code: 'C', message: 'failed: C (operation 1)' })],
      [recorded('containerInsights', 'ci:m2', 'NodeRebootError', T0 + 500, { phase: 'error', code: 'C', message: 'failed: C (operation 2)' })]);
    assert.equal(messages.length, 2);
  });

  it('matches each row to the closest row of the other source, and to one only', () => {
    const start = (origin: RecordedEvent['origin'] | undefined, key: string, at: number, count = 1): SourcedEvent =>
      origin ? recorded(origin, key, 'NodeRebootStart', at, { message: '', count }) : live(key, 'NodeRebootStart', at, { message: '', count });
    // Two starts 1.5 s apart live; Container Insights has both, the later one first: its first
    // candidate in time order is the wrong live row.
    const merged = mergeEvents([start(undefined, 'a', T0), start(undefined, 'b', T0 + 1_500, 7)],
      [start('containerInsights', 'ci:b', T0 + 1_400, 7), start('containerInsights', 'ci:a', T0 + 100)]);
    assert.deepEqual(merged.map((e) => [e.key, e.count]), [['a', 1], ['b', 7]], 'each CI row went to its own live row');
    // One live row, two CI rows near it: one merges (the closer), the other stays its own row.
    const one = mergeEvents([start(undefined, 'a', T0)], [start('containerInsights', 'ci:far', T0 + 1_900), start('containerInsights', 'ci:near', T0 + 300)]);
    assert.deepEqual(one.map((e) => e.key).sort(), ['a', 'ci:far']);
  });

  it('keeps distinct events apart: other reasons, times more than 2 s apart, or two keys from one source', () => {
    const merged = mergeEvents(
      [live('a', 'NodeRebootStart', T0), live('b', 'NodeRebootEnd', T0 + 200), live('c', 'NodeRebootStart', T0 + 500)],
      [recorded('containerInsights', 'ci:1', 'NodeRebootStart', T0 + 5_000)],
    );
    assert.deepEqual(merged.map((e) => e.key), ['a', 'b', 'c', 'ci:1']);
  });

  it('returns rows oldest first, whatever order the sources come in', () => {
    const merged = mergeEvents(
      [live('late', 'NodeRebootEnd', T0 + 10_000)],
      [recorded('history', 'early', 'NodeRebootStart', T0 - DAY)],
    );
    assert.deepEqual(merged.map((e) => e.key), ['early', 'late']);
  });
});

describe('recurrences: "seen N times over D days"', () => {
  it('sums counts per code over the sources and measures the days between the first and last sighting', () => {
    const events = [
      recorded('history', 'e1', 'NodeRebootError', T0 - 3 * DAY, { code: 'OutboundConnectivityNotEnabledOnVMSS' }),
      recorded('containerInsights', 'e2', 'NodeRebootError', T0 - DAY, { code: 'OutboundConnectivityNotEnabledOnVMSS', count: 2 }),
      live('e3', 'NodeReimageError', T0, { code: 'OutboundConnectivityNotEnabledOnVMSS' }),
      live('e4', 'NodeRedeployError', T0, { code: 'TooManyVMRedeploymentRequests' }),
      live('e5', 'NodeRebootStart', T0),
    ];
    assert.deepEqual(recurrences(events).map((r) => [r.code, r.times, r.days]), [['OutboundConnectivityNotEnabledOnVMSS', 4, 3]]);
  });

  it('counts a code repeated within one day as one day', () => {
    const r = recurrences([live('x', 'NodeRebootError', T0, { code: 'C', count: 2, firstSeen: T0 - 600_000 })]);
    assert.deepEqual(r.map((x) => [x.code, x.times, x.days]), [['C', 2, 1]]);
  });
});

describe('buildTimeline over recorded history', () => {
  it('takes the same text more than an hour later for a new attempt', () => {
    const start = (key: string, at: number) => live(key, 'NodeRebootStart', at, { action: 'reboot', phase: 'start', message: 'Node auto-repair is initiating a reboot action.' });
    const error = (key: string, at: number) => live(key, 'NodeRebootError', at, { action: 'reboot', phase: 'error', code: 'C', message: 'failed: C' });
    const t = buildTimeline([start('a', T0 - 2 * DAY), error('b', T0 - 2 * DAY + 1_000), start('c', T0), start('d', T0 + 60_000), error('e', T0 + 120_000)]);
    assert.deepEqual(t.steps.map((s) => [s.attempt, s.status, s.events.length]), [[1, 'failed', 2], [2, 'failed', 2]]);
  });
});

describe('carryOverInsights: a failed Container Insights read keeps the rows shown', () => {
  const rows = [recorded('containerInsights', 'ci:1', 'NodeRebootError', T0 - DAY, { code: 'C' }), recorded('containerInsights', 'ci:2', 'NodeRebootStart', T0 - DAY)];
  const ok: InsightsStatus = { kind: 'ok', message: 'Container Insights: 2 events over 7 days.', at: T0, rows: 2 };
  const failed = (at: number): InsightsStatus => ({ kind: 'problem', message: 'Container Insights: Log Analytics is throttling queries (429).', nextStep: 'Wait 120 s, then Refresh.', at, rows: 0 });

  it('after a read with rows, a failed read keeps them and says when they were read', () => {
    const first = carryOverInsights(undefined, rows, ok);
    assert.equal(first.rowsReadAt, T0);
    const second = carryOverInsights(first, [], failed(T0 + 3_600_000));
    assert.equal(second.events, rows, 'the same rows, not emptied');
    assert.equal(second.status.kind, 'problem');
    assert.equal(second.status.message, 'Container Insights: Log Analytics is throttling queries (429). Showing rows read at 08:30 UTC.');
    assert.equal(second.status.nextStep, 'Wait 120 s, then Refresh.');
    assert.equal(second.status.rows, 2);
    // A second failure the next day still names the first read, with its date.
    const third = carryOverInsights(second, [], failed(T0 + DAY));
    assert.equal(third.events, rows);
    assert.equal(third.rowsReadAt, T0);
    assert.match(third.status.message, /Showing rows read at 2026-12-01 08:30 UTC\.$/);
  });

  it('a successful read replaces the rows, and a failure with nothing read before shows none', () => {
    const held: HeldInsights = { events: rows, status: ok, rowsReadAt: T0 };
    const next = carryOverInsights(held, rows.slice(0, 1), { ...ok, rows: 1, at: T0 + 60_000 });
    assert.equal(next.events.length, 1);
    assert.equal(next.rowsReadAt, T0 + 60_000);
    const none = carryOverInsights(undefined, [], failed(T0));
    assert.deepEqual(none.events, []);
    assert.equal(none.status.message, 'Container Insights: Log Analytics is throttling queries (429).');
  });
});
