import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildInsightsQuery, clampDays, INSIGHTS_COLUMNS, INSIGHTS_REASONS, insightsEventKey, kqlString, mapInsightsRows, normalEventsCollected,
} from '../../src/domain/containerInsightsQuery';
import { projectEvent } from '../../src/domain/repairEvent';
import { insightsStatusOf } from '../../src/azure/insightsStatus';
import { makeNoiseEvent, makeRepairEvent } from '../standin/fixtures';
import { evaluate, parseKubeEventsQuery, readLiteral } from '../standin/azure/kqlShape';
import { SIMULATED_INSIGHTS, simulatedKubeEventRows } from '../standin/azure/insightsScenario';

const NODE = 'aks-userpool-12345678-vmss000003';

/** The query for a target it can be built for. */
function kqlOf(target: Parameters<typeof buildInsightsQuery>[0]): string {
  const built = buildInsightsQuery(target);
  assert.ok(built.ok, built.ok ? '' : built.problem.message);
  return built.value;
}

/** A KubeEvents row (wire form) for a live event, as the agent reports it. */
function rowFor(event: ReturnType<typeof makeRepairEvent>, columns: readonly string[]): unknown[] {
  const e = event as unknown as {
    metadata: { namespace: string }; involvedObject: { name: string }; reason: string; message: string; type: string;
    count: number; firstTimestamp: string; lastTimestamp: string; source: { component: string };
  };
  const values: Record<string, unknown> = {
    TimeGenerated: new Date(Date.parse(e.lastTimestamp) + 40_000).toISOString(),
    FirstSeen: e.firstTimestamp, LastSeen: e.lastTimestamp, Count: e.count, KubeEventType: e.type, Reason: e.reason,
    Name: e.involvedObject.name, Namespace: e.metadata.namespace, Message: e.message, SourceComponent: e.source.component,
    ClusterName: 'aks-demo', Computer: 'aks-system-12345678-vmss000000',
  };
  return columns.map((c) => values[c]);
}

describe('Container Insights query', () => {
  describe('KQL string literals', () => {
    it('escapes backslash, both quotes, tab, newline and return with a backslash', () => {
      assert.equal(kqlString('plain-node.1'), "'plain-node.1'");
      assert.equal(kqlString("it's"), "'it\\'s'");
      assert.equal(kqlString('back\\slash'), "'back\\\\slash'");
      assert.equal(kqlString('say "hi"'), "'say \\\"hi\\\"'");
      assert.equal(kqlString('a\nb\rc\td'), "'a\\nb\\rc\\td'");
      assert.equal(kqlString("end\\"), "'end\\\\'");
    });

    it('drops characters KQL has no escape for, and cuts very long text', () => {
      assert.equal(kqlString('a\u0000b\u001bc\u2028d'), "'abcd'");
      assert.equal(kqlString('x'.repeat(5000)).length, 1024 + 2);
    });

    it('any text reads back exactly as one literal, with nothing after it (KQL\'s own rules)', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        // eslint-disable-next-line no-control-regex
        const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, '');
        const literal = kqlString(s);
        const read = readLiteral(literal);
        assert.equal(read.value, clean);
        assert.equal(read.end, literal.length);
      }), { numRuns: 500 });
    });

    it('a node name that tries to end the literal stays inside it', () => {
      const hostile = "x' or Name != 'y\\' | take 1 //";
      const kql = kqlOf({ node: hostile, days: 7 });
      const nameLines = kql.split('\n').filter((l) => l.startsWith('| where Name'));
      assert.equal(nameLines.length, 1);
      const q = parseKubeEventsQuery(kql);
      assert.equal(q.name, hostile);
      assert.equal(q.take, 5000, 'the injected "take 1" is not an operator');
      // Without escaping the same text breaks out of the literal: the shape reader refuses it.
      assert.throws(() => parseKubeEventsQuery(kql.replace(kqlString(hostile), `'${hostile}'`)));
    });
  });

  describe('buildInsightsQuery', () => {
    it('builds no per-node query for a name a literal cannot hold exactly: a query about another node is worse than none', () => {
      for (const name of [`${NODE}\u0000`, `aks-a\u2028b`, 'x\u001b[2J', 'n'.repeat(1025)]) {
        const built = buildInsightsQuery({ node: name, days: 7 });
        assert.equal(built.ok, false, JSON.stringify(name.slice(0, 40)));
        assert.ok(!built.ok);
        assert.match(built.problem.message, /cannot be queried safely/);
        assert.ok(built.problem.nextStep.length > 0);
        assert.ok(!['\u0000', '\u001b', '\u2028'].some((c) => built.problem.message.includes(c)), 'the message shows the name on one line');
      }
      assert.equal(kqlOf({ node: 'n'.repeat(1024), days: 7 }).includes(`'${'n'.repeat(1024)}'`), true, 'a long name that fits is queried whole');
      assert.equal(parseKubeEventsQuery(kqlOf({ node: "x'\"\\\t\n", days: 7 })).name, "x'\"\\\t\n", 'what can be escaped is queried exactly');
    });

    it('reads node events with the nine auto-repair reasons and NodeNotReady over N days, for one node of one cluster', () => {
      const id = '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-demo';
      const kql = kqlOf({ node: NODE, days: 30, clusterResourceId: id, clusterName: 'ignored-when-id-known' });
      const q = parseKubeEventsQuery(kql);
      assert.equal(q.days, 30);
      assert.equal(q.objectKind, 'Node');
      assert.deepEqual(q.reasons, [
        'NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError', 'NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError',
        'NodeRedeployStart', 'NodeRedeployEnd', 'NodeRedeployError', 'NodeNotReady',
      ]);
      assert.deepEqual(q.reasons, INSIGHTS_REASONS);
      assert.equal(q.resourceId, id);
      assert.equal(q.clusterName, undefined);
      assert.equal(q.name, NODE);
      assert.deepEqual(q.summarizeBy, ['Namespace', 'Name', 'Reason', 'FirstSeen']);
      assert.deepEqual(q.project, [...INSIGHTS_COLUMNS]);
      assert.deepEqual(q.order, { column: 'FirstSeen', desc: true });
      assert.match(kql, /^\/\/ .*one node over the last 30 days/);
    });

    it('for the whole cluster: no node filter; the cluster by name when its resource ID is not known', () => {
      const q = parseKubeEventsQuery(kqlOf({ days: 7, clusterName: "aks-o'brien" }));
      assert.equal(q.name, undefined);
      assert.equal(q.resourceId, undefined);
      assert.equal(q.clusterName, "aks-o'brien");
      assert.equal(parseKubeEventsQuery(kqlOf({ days: 7 })).clusterName, undefined);
    });

    it('keeps the days in 1..90', () => {
      assert.deepEqual([clampDays(0), clampDays(1), clampDays(7.9), clampDays(90), clampDays(365), clampDays('x'), clampDays(Number.NaN)], [1, 1, 7, 90, 90, 7, 7]);
      assert.equal(parseKubeEventsQuery(kqlOf({ days: 500 })).days, 90);
    });

    it('selects, against the stand-in\'s rows, only this cluster\'s node repair events, one per event', () => {
      const now = Date.now();
      const rows = simulatedKubeEventRows(new Date(now));
      const table = evaluate(parseKubeEventsQuery(kqlOf({ days: 7, clusterResourceId: SIMULATED_INSIGHTS.clusterResourceId })), rows, now);
      const events = mapInsightsRows(table);
      assert.ok(events.length > 20, `${events.length} events`);
      assert.ok(events.every((e) => INSIGHTS_REASONS.includes(e.reason)), 'no RegisteredNode, NodeReady, pod events');
      assert.ok(!events.some((e) => e.node.startsWith('aks-nodepool1-5555')), 'not the other cluster\'s');
      assert.ok(!events.some((e) => e.code === 'ZonalAllocationFailed'), 'not older than 7 days');
      assert.equal(new Set(events.map((e) => e.key)).size, events.length);
      const start = events.filter((e) => e.node === 'aks-system-12345678-vmss000001' && e.reason === 'NodeRebootStart');
      assert.equal(start.length, 1, 'the event reported on two collections is one row');
      assert.equal(start[0].count, 2, 'with its newer count');
      assert.ok(events.some((e) => e.node === SIMULATED_INSIGHTS.goneNode && e.code === 'OutboundConnectivityNotEnabledOnVMSS'));
    });
  });

  describe('mapInsightsRows', () => {
    const at = new Date('2025-01-13T08:30:00Z');
    const live = [
      makeRepairEvent({ node: NODE, reason: 'NodeRebootStart', at }),
      makeRepairEvent({ node: NODE, reason: 'NodeRebootEnd', at: new Date(at.getTime() + 180) }),
      makeRepairEvent({ node: NODE, reason: 'NodeReimageError', at: new Date(at.getTime() + 60_000), format: 1, code: 'VMExtensionProvisioningError' }),
      makeRepairEvent({ node: NODE, reason: 'NodeRedeployError', at: new Date(at.getTime() + 120_000), format: 2, code: 'TooManyVMRedeploymentRequests', count: 3 }),
      makeRepairEvent({ node: NODE, reason: 'NodeRedeployError', at: new Date(at.getTime() + 180_000), format: 3 }),
      makeNoiseEvent({ reason: 'NodeNotReady', node: NODE, at: new Date(at.getTime() - 300_000) }),
    ];

    it('reads columns by name, in any order, and parses messages exactly as live events are parsed', () => {
      const columns = [...INSIGHTS_COLUMNS].reverse();
      const events = mapInsightsRows({ columns: columns.map((name) => ({ name, type: 'string' })), rows: live.map((e) => rowFor(e, columns)) });
      assert.equal(events.length, live.length);
      for (const raw of live) {
        const expected = projectEvent(raw)!;
        const got = events.find((e) => e.reason === expected.reason && e.firstSeen === expected.firstSeen);
        assert.ok(got, `${expected.reason} at ${expected.firstSeen}`);
        for (const field of ['node', 'reason', 'action', 'phase', 'code', 'azureMessage', 'format', 'message', 'type', 'count', 'firstSeen', 'lastSeen', 'source'] as const) {
          assert.deepEqual(got[field], expected[field], `${expected.reason}.${field}`);
        }
        assert.equal(got.origin, 'containerInsights');
        assert.equal(got.key, insightsEventKey('default', NODE, expected.reason, expected.firstSeen));
        assert.equal(got.recordedAt, Date.parse((raw as unknown as { lastTimestamp: string }).lastTimestamp) + 40_000);
      }
      assert.deepEqual(events.map((e) => e.firstSeen), [...events.map((e) => e.firstSeen)].sort((a, b) => a! - b!), 'oldest first');
      assert.equal(events.find((e) => e.code === 'TooManyVMRedeploymentRequests')?.format, 'see-details');
    });

    it('reads datetimes as the SDK hands them (Date) and counts sent as text; skips rows without a node name', () => {
      const columns = ['Name', 'Reason', 'Message', 'KubeEventType', 'Count', 'FirstSeen', 'LastSeen', 'TimeGenerated', 'Namespace'];
      const first = new Date('2025-01-10T10:00:00Z');
      const events = mapInsightsRows({
        columns: columns.map((name) => ({ name })),
        rows: [
          [NODE, 'NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: InvalidParameter', 'Warning', '4', first, new Date(first.getTime() + 60_000), new Date(first.getTime() + 90_000), ''],
          ['', 'NodeRebootError', 'no node', 'Warning', 1, first, first, first, ''],
          [null, 'NodeRebootError', 'no node', 'Warning', 1, first, first, first, ''],
          'not a row' as unknown as unknown[],
        ],
      });
      assert.equal(events.length, 1);
      assert.deepEqual(
        { code: events[0].code, action: events[0].action, phase: events[0].phase, count: events[0].count, firstSeen: events[0].firstSeen, lastSeen: events[0].lastSeen, recordedAt: events[0].recordedAt },
        { code: 'InvalidParameter', action: 'reboot', phase: 'error', count: 4, firstSeen: first.getTime(), lastSeen: first.getTime() + 60_000, recordedAt: first.getTime() + 90_000 },
      );
      assert.equal(events[0].key, `ci:/${NODE}/NodeRebootError/${first.getTime()}`);
    });

    it('one row per event: the highest count and latest last seen win', () => {
      const columns = ['Name', 'Namespace', 'Reason', 'Message', 'KubeEventType', 'Count', 'FirstSeen', 'LastSeen'];
      const row = (count: number, last: string) => [NODE, 'default', 'NodeRebootStart', 'Node auto-repair is initiating a reboot action', 'Normal', count, '2025-01-10T10:00:00Z', last];
      const events = mapInsightsRows({ columns: columns.map((name) => ({ name })), rows: [row(2, '2025-01-10T10:05:00Z'), row(5, '2025-01-10T10:20:00Z'), row(3, '2025-01-10T10:10:00Z')] });
      assert.equal(events.length, 1);
      assert.equal(events[0].count, 5);
      assert.equal(events[0].lastSeen, Date.parse('2025-01-10T10:20:00Z'));
    });

    it('says whether Normal events were collected: false when rows came back and none is Normal', () => {
      const columns = [...INSIGHTS_COLUMNS];
      const all = mapInsightsRows({ columns: columns.map((name) => ({ name })), rows: live.map((e) => rowFor(e, columns)) });
      assert.equal(normalEventsCollected(all), true);
      assert.equal(normalEventsCollected(all.filter((e) => e.type === 'Warning')), false);
      assert.equal(normalEventsCollected([]), undefined);
    });
  });

  describe('insightsStatusOf', () => {
    const at = 1_736_760_000_000;
    const events = mapInsightsRows({
      columns: [...INSIGHTS_COLUMNS].map((name) => ({ name })),
      rows: [rowFor(makeRepairEvent({ node: NODE, reason: 'NodeRebootError', at: new Date(at - 3_600_000) }), INSIGHTS_COLUMNS)],
    });

    it('rows read', () => {
      const s = insightsStatusOf({ events, normalEventsCollected: true, workspace: { customerId: 'c', foundBy: 'omsagent' } }, at, 7);
      assert.deepEqual({ kind: s.kind, rows: s.rows, at: s.at }, { kind: 'ok', rows: 1, at });
      assert.equal(s.message, 'Container Insights: 1 event over 7 days.');
      assert.equal(insightsStatusOf({ events: [] }, at, 30).message, 'Container Insights: no auto-repair events over 30 days.');
    });

    it('only error rows: says Normal events are not collected, and how to collect them', () => {
      const s = insightsStatusOf({ events, normalEventsCollected: false }, at, 7);
      assert.equal(s.kind, 'errorsOnly');
      assert.match(s.message, /not collected/);
      assert.match(s.nextStep ?? '', /\[log_collection_settings\.collect_all_kube_events\]/);
      assert.match(s.nextStep ?? '', /enabled = true/);
      assert.match(s.nextStep ?? '', /container-azm-ms-agentconfig/);
    });

    it('a partial answer keeps its rows and says what was left out', () => {
      const s = insightsStatusOf({ events, partial: { kind: 'server', message: 'result too large', nextStep: 'Refresh later' } }, at, 7);
      assert.deepEqual({ kind: s.kind, rows: s.rows, nextStep: s.nextStep }, { kind: 'partial', rows: 1, nextStep: 'Refresh later' });
      assert.match(s.message, /only in part: result too large/);
    });

    it('a problem wins over everything: no rows, its message and next step', () => {
      const s = insightsStatusOf({ events: [], problem: { kind: 'forbidden', message: 'Not allowed', nextStep: 'Ask for Log Analytics Reader' } }, at, 7);
      assert.deepEqual(s, { kind: 'problem', message: 'Container Insights: Not allowed', nextStep: 'Ask for Log Analytics Reader', at, rows: 0 });
    });
  });
});
