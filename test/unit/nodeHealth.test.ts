import * as assert from 'node:assert/strict';
import { describeNode, describeNodeTooltip } from '../../src/domain/nodeDescription';
import { assessHealth } from '../../src/domain/nodeHealth';
import { NodeSummary, SKIP_REASONS } from '../../src/domain/nodeProjection';
import { projectEvent, type RepairEventRecord } from '../../src/domain/repairEvent';
import { buildTimeline } from '../../src/domain/repairTimeline';

const NOW = Date.parse('2024-05-14T10:00:00Z');
const MIN = 60_000;

function node(overrides: Partial<NodeSummary> = {}): NodeSummary {
  return { name: 'aks-nodepool1-1-vmss000000', ready: 'True', readySince: NOW - 3 * 86_400_000, pressures: [], unschedulable: false, skipReasons: [], ...overrides };
}

let seq = 0;
function ev(reason: string, message: string, at: number): RepairEventRecord {
  seq++;
  const time = new Date(at).toISOString();
  const r = projectEvent({
    metadata: { name: `e${seq}`, namespace: 'default', uid: `u${seq}` },
    involvedObject: { kind: 'Node', name: 'aks-nodepool1-1-vmss000000' },
    reason, message, firstTimestamp: time, lastTimestamp: time, count: 1,
  });
  assert.ok(r);
  return r;
}

describe('nodeHealth', () => {
  describe('assessHealth', () => {
    it('reads Ready as healthy', () => {
      assert.deepEqual(assessHealth(node(), NOW), { state: 'healthy', since: NOW - 3 * 86_400_000, repairExpected: false, skipReasons: [], cordoned: false });
    });

    it('expects repair once a node has been unhealthy for 5 minutes', () => {
      const two = assessHealth(node({ ready: 'False', readySince: NOW - 2 * MIN }), NOW);
      assert.equal(two.state, 'not-ready');
      assert.equal(two.unhealthyFor, 2 * MIN);
      assert.equal(two.repairExpected, false);
      assert.equal(assessHealth(node({ ready: 'False', readySince: NOW - 5 * MIN }), NOW).repairExpected, true);
      const unknown = assessHealth(node({ ready: 'Unknown', readySince: NOW - 11 * MIN }), NOW);
      assert.equal(unknown.state, 'unknown');
      assert.equal(unknown.repairExpected, true);
    });

    it('expects no repair when a skip reason applies, or the duration is unknown', () => {
      for (const reason of Object.values(SKIP_REASONS)) {
        const h = assessHealth(node({ ready: 'False', readySince: NOW - 30 * MIN, skipReasons: [reason] }), NOW);
        assert.equal(h.repairExpected, false, reason);
        assert.deepEqual(h.skipReasons, [reason]);
      }
      assert.equal(assessHealth(node({ ready: 'False', readySince: undefined }), NOW).repairExpected, false);
    });

    it('tells cordoned apart from NotReady', () => {
      const h = assessHealth(node({ unschedulable: true }), NOW);
      assert.equal(h.state, 'healthy');
      assert.equal(h.cordoned, true);
    });

    it('clamps a transition in the future (clock skew) to zero', () => {
      assert.equal(assessHealth(node({ ready: 'False', readySince: NOW + MIN }), NOW).unhealthyFor, 0);
    });
  });

  describe('describeNode', () => {
    it('describes healthy and cordoned nodes', () => {
      assert.equal(describeNode(node(), undefined, NOW), 'Ready');
      assert.equal(describeNode(node({ unschedulable: true }), undefined, NOW), 'Ready,SchedulingDisabled');
    });

    it('counts down to the expected repair', () => {
      assert.equal(describeNode(node({ ready: 'False', readySince: NOW - 2 * MIN }), undefined, NOW), 'NotReady 2m · repair expected in 3m');
      assert.equal(describeNode(node({ ready: 'False', readySince: NOW - 7 * MIN }), buildTimeline([]), NOW), 'NotReady 7m · awaiting auto-repair');
      assert.equal(describeNode(node({ ready: 'False', readySince: undefined }), undefined, NOW), 'NotReady');
    });

    it('names a running step', () => {
      const n = node({ ready: 'Unknown', readySince: NOW - 3 * MIN });
      const tl = buildTimeline([ev('NodeRebootStart', 'Node auto-repair is initiating a reboot action.', NOW - MIN)], assessHealth(n, NOW), NOW);
      assert.equal(describeNode(n, tl, NOW), 'Unknown 3m · reboot running');
    });

    it('names a failed step with its code, or says it has none', () => {
      const n = node({ ready: 'False', readySince: NOW - 12 * MIN });
      const withCode = buildTimeline([
        ev('NodeReimageStart', 'start', NOW - 5 * MIN),
        ev('NodeReimageError', 'Node auto-repair reimage action failed due to an operation failure: TooManyVMRedeploymentRequests', NOW - 4 * MIN),
      ], assessHealth(n, NOW), NOW);
      assert.equal(describeNode(n, withCode, NOW), 'NotReady 12m · reimage failed: TooManyVMRedeploymentRequests');
      const noCode = buildTimeline([
        ev('NodeRedeployError', 'Node auto-repair redeploy action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors', NOW - MIN),
      ], assessHealth(n, NOW), NOW);
      assert.equal(describeNode(n, noCode, NOW), 'NotReady 12m · redeploy failed (no code)');
    });

    it('says why auto-repair skips a node', () => {
      const n = node({ ready: 'False', readySince: NOW - 40 * MIN, skipReasons: [SKIP_REASONS.shutdown] });
      assert.equal(describeNode(n, undefined, NOW), 'NotReady 40m · auto-repair skips: shutdown taint');
      assert.equal(describeNode({ ...n, unschedulable: true }, undefined, NOW), 'NotReady,SchedulingDisabled 40m · auto-repair skips: shutdown taint');
    });

    it('mentions a finished step and a recovery', () => {
      const events = [ev('NodeRebootStart', 's', NOW - 20 * MIN), ev('NodeRebootEnd', 'e', NOW - 20 * MIN + 100)];
      const sick = node({ ready: 'False', readySince: NOW - 30 * MIN });
      assert.equal(describeNode(sick, buildTimeline(events, assessHealth(sick, NOW), NOW), NOW), 'NotReady 30m · reboot done');
      const well = node({ readySince: NOW - 15 * MIN });
      assert.equal(describeNode(well, buildTimeline(events, assessHealth(well, NOW), NOW), NOW), 'Ready · recovered after reboot');
    });

    it('keeps untrusted text after the code out of the description', () => {
      const n = node({ ready: 'False', readySince: NOW - 12 * MIN });
      const tl = buildTimeline([ev('NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: Bad\ncode\u202e', NOW)], undefined, NOW);
      assert.equal(describeNode(n, tl, NOW), 'NotReady 12m · reboot failed: Bad');
    });
  });

  describe('describeNodeTooltip', () => {
    it('lists conditions, placement, skip reasons, steps and the next step', () => {
      const n = node({
        ready: 'False', readySince: Date.parse('2024-05-14T09:24:51Z'), reason: 'KubeletNotReady', message: 'container runtime\nis down',
        pressures: ['DiskPressure'], pool: 'nodepool1', instanceType: 'Standard_D4s_v3', zone: 'westeurope-1', os: 'linux',
        kubeletVersion: 'v1.29.4', nodeImage: 'AKSUbuntu-2204gen2containerd-202405.03.0', unschedulable: true, skipReasons: [SKIP_REASONS.upgrade],
      });
      const tl = buildTimeline([
        ev('NodeRebootStart', 's', Date.parse('2024-05-14T09:34:43Z')),
        ev('NodeRebootEnd', 'e', Date.parse('2024-05-14T09:34:43.1Z')),
      ], assessHealth(n, NOW), NOW);
      const text = describeNodeTooltip(n, tl, NOW);
      const lines = text.split('\n');
      assert.equal(lines[0], 'aks-nodepool1-1-vmss000000');
      assert.equal(lines[1], 'Ready: False since 09:24:51 UTC (35m ago)');
      assert.equal(lines[2], '  KubeletNotReady: container runtime is down');
      assert.ok(lines.includes('Conditions: DiskPressure'));
      assert.ok(lines.includes('Node: pool nodepool1, Standard_D4s_v3, zone westeurope-1, linux'));
      assert.ok(lines.includes('Versions: kubelet v1.29.4, image AKSUbuntu-2204gen2containerd-202405.03.0'));
      assert.ok(lines.includes('Auto-repair skips this node: upgrade in progress'));
      assert.ok(lines.includes('  reboot completed — started 09:34:43, ended 09:34:43 UTC'));
      assert.ok(lines.includes('Outcome: completed'));
      assert.match(text, /^Next: reimage \(around 09:39:43 UTC\)\. /m);
      assert.match(text, /Cordoned/);
    });

    it('is short for a plain healthy node', () => {
      assert.equal(describeNodeTooltip(node(), undefined, NOW), 'aks-nodepool1-1-vmss000000\nReady: True since 10:00:00 UTC (3d ago)');
    });
  });
});
