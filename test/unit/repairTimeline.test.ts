import * as assert from 'node:assert/strict';
import type { NodeHealth } from '../../src/domain/nodeHealth';
import { projectEvent, type RepairEventRecord } from '../../src/domain/repairEvent';
import { buildTimeline } from '../../src/domain/repairTimeline';

const NODE = 'aks-nodepool1-12345678-vmss000003';
const DAY = '2024-05-14T';
const t = (clock: string) => Date.parse(`${DAY}${clock}Z`);

let seq = 0;
/** A core/v1 Event about NODE as a watch delivers it (string timestamps). */
function rawEvent(reason: string, message: string, clock: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  const time = `${DAY}${clock}Z`;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${NODE}.17c${seq}`, namespace: 'default', uid: `uid-${seq}`, creationTimestamp: time, resourceVersion: String(1000 + seq) },
    involvedObject: { kind: 'Node', apiVersion: 'v1', name: NODE, uid: NODE },
    reason,
    message,
    source: { component: reason.startsWith('Node') && reason !== 'NodeNotReady' ? 'aks-auto-repair' : 'node-controller' },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    type: reason.endsWith('Error') ? 'Warning' : 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    ...extra,
  };
}

function record(reason: string, message: string, clock: string, extra: Record<string, unknown> = {}): RepairEventRecord {
  const r = projectEvent(rawEvent(reason, message, clock, extra));
  assert.ok(r, `projects ${reason}`);
  return r;
}

const START = (a: string) => `Node auto-repair is initiating a ${a} action due to NotReady status persisting for more than five minutes.`;
const END = (a: string) => `${a[0].toUpperCase()}${a.slice(1)} action from node auto-repair has completed.`;
const FORMAT3 = 'Node auto-repair redeploy action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors';

/** The sequence seen on a real cluster (domain.md). */
function realSequence(): RepairEventRecord[] {
  return [
    record('NodeNotReady', `Node ${NODE} status is now: NodeNotReady`, '09:24:51'),
    record('NodeRebootStart', START('reboot'), '09:34:43', { eventTime: `${DAY}09:34:43.101000Z` }),
    record('NodeRebootEnd', END('reboot'), '09:34:43', { eventTime: `${DAY}09:34:43.180000Z` }),
    record('NodeReimageStart', START('reimage'), '09:39:43'),
    record('NodeReimageEnd', END('reimage'), '09:39:43'),
    record('NodeRedeployStart', START('redeploy'), '09:44:43'),
    record('NodeRedeployEnd', END('redeploy'), '09:44:43'),
    record('NodeRedeployError', FORMAT3, '09:44:43', { eventTime: `${DAY}09:44:43.750000Z` }),
    record('DeletingNode', `Deleting node ${NODE} because it does not exist in the cloud provider`, '09:45:00'),
  ];
}

const notReady: NodeHealth = { state: 'not-ready', since: t('09:24:51'), unhealthyFor: 0, repairExpected: true, skipReasons: [], cordoned: false };

describe('repairTimeline', () => {
  describe('projectEvent', () => {
    it('projects an auto-repair error event', () => {
      const r = record('NodeReimageError', 'Node auto-repair reimage action failed due to an operation failure. See error details here: InvalidParameter', '09:39:43', { count: 3, firstTimestamp: `${DAY}09:30:00Z` });
      assert.equal(r.node, NODE);
      assert.equal(r.action, 'reimage');
      assert.equal(r.phase, 'error');
      assert.equal(r.code, 'InvalidParameter');
      assert.equal(r.format, 'see-details');
      assert.equal(r.type, 'Warning');
      assert.equal(r.count, 3);
      assert.equal(r.firstSeen, t('09:30:00'));
      assert.equal(r.lastSeen, t('09:39:43'));
      assert.equal(r.source, 'aks-auto-repair');
      assert.match(r.key, /^uid-/);
    });

    it('keeps other node events without an action', () => {
      const r = record('NodeNotReady', 'Node x status is now: NodeNotReady (reboot soon)', '09:24:51');
      assert.equal(r.action, undefined);
      assert.equal(r.phase, undefined);
      assert.equal(r.format, 'none');
    });

    it('ignores events about other kinds and malformed input', () => {
      assert.equal(projectEvent(rawEvent('NodeRebootStart', 'x', '09:00:00', { involvedObject: { kind: 'Pod', name: 'p' } })), undefined);
      for (const bad of [undefined, null, 1, 'x', [], {}, { involvedObject: { kind: 'Node' } }, { involvedObject: { kind: 'Node', name: 'n' }, metadata: {} }]) {
        assert.equal(projectEvent(bad), undefined);
      }
    });

    it('reads Date timestamps, series and events.k8s.io/v1 shapes', () => {
      const listed = projectEvent({
        metadata: { name: 'e1', namespace: 'default' },
        involvedObject: { kind: 'Node', name: NODE },
        reason: 'NodeRebootStart',
        message: START('reboot'),
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: new Date(`${DAY}09:34:43.101Z`),
        series: { count: 4, lastObservedTime: new Date(`${DAY}09:40:00.000Z`) },
      });
      assert.equal(listed?.key, 'default/e1');
      assert.equal(listed?.count, 4);
      assert.equal(listed?.firstSeen, Date.parse(`${DAY}09:34:43.101Z`));
      assert.equal(listed?.lastSeen, t('09:40:00'));

      const v1 = projectEvent({
        metadata: { name: 'e2', namespace: 'default', uid: 'u2', creationTimestamp: `${DAY}09:44:44Z` },
        regarding: { kind: 'Node', name: NODE },
        reason: 'NodeRedeployError',
        note: FORMAT3,
        reportingController: 'aks-auto-repair',
        deprecatedCount: 2,
      });
      assert.equal(v1?.action, 'redeploy');
      assert.equal(v1?.code, undefined);
      assert.equal(v1?.format, 'learn-more');
      assert.equal(v1?.count, 2);
      assert.equal(v1?.source, 'aks-auto-repair');
      assert.equal(v1?.lastSeen, t('09:44:44'));
    });

    it('caps the message at 2,000 characters', () => {
      assert.equal(record('NodeRebootStart', 'x'.repeat(50_000), '09:00:00').message.length, 2000);
    });
  });

  describe('buildTimeline', () => {
    it('reads the real sequence: three steps, redeploy failed with no code', () => {
      const timeline = buildTimeline(realSequence().reverse(), notReady, t('09:50:00'));
      assert.deepEqual(timeline.steps.map((s) => [s.action, s.attempt, s.status]), [
        ['reboot', 1, 'completed'],
        ['reimage', 1, 'completed'],
        ['redeploy', 1, 'failed'],
      ]);
      const [reboot, reimage, redeploy] = timeline.steps;
      assert.equal(reboot.started, Date.parse(`${DAY}09:34:43.101Z`));
      assert.equal(reboot.ended, Date.parse(`${DAY}09:34:43.180Z`));
      assert.equal(reimage.started, t('09:39:43'));
      assert.equal(redeploy.ended, t('09:44:43'));
      assert.equal(redeploy.failed, Date.parse(`${DAY}09:44:43.750Z`));
      assert.equal(redeploy.code, undefined);
      assert.equal(redeploy.format, 'learn-more');
      assert.equal(redeploy.events.length, 3);
      assert.equal(timeline.current, undefined);
      assert.equal(timeline.lastError, redeploy);
      assert.equal(timeline.outcome, 'failed');
      assert.equal(timeline.next?.action, 'none');
      assert.match(timeline.next?.note ?? '', /3 times/);
      assert.deepEqual(timeline.otherEvents.map((e) => e.reason), ['NodeNotReady', 'DeletingNode']);
    });

    it('expects the next action 5 minutes after each step', () => {
      const all = realSequence();
      const afterReboot = buildTimeline(all.slice(0, 3), notReady);
      assert.equal(afterReboot.outcome, 'completed');
      assert.deepEqual(afterReboot.next && { action: afterReboot.next.action, at: afterReboot.next.at }, { action: 'reimage', at: Date.parse(`${DAY}09:34:43.180Z`) + 5 * 60_000 });
      const afterReimage = buildTimeline(all.slice(0, 5), notReady);
      assert.equal(afterReimage.next?.action, 'redeploy');
      assert.equal(afterReimage.next?.at, t('09:44:43'));
      const windows = buildTimeline(all.slice(0, 5), notReady, undefined, { os: 'windows' });
      assert.equal(windows.next?.action, 'none');
    });

    it('shows a step as running until its End arrives', () => {
      const timeline = buildTimeline(realSequence().slice(0, 4), notReady, t('09:40:00'));
      assert.equal(timeline.current?.action, 'reimage');
      assert.equal(timeline.current?.status, 'running');
      assert.equal(timeline.outcome, 'in-progress');
      // An hour later with no End, the step is stale, not current.
      assert.equal(buildTimeline(realSequence().slice(0, 4), notReady, t('10:45:00')).current, undefined);
    });

    it('marks a step failed when an Error follows its End', () => {
      const timeline = buildTimeline([
        record('NodeRebootStart', START('reboot'), '09:00:00'),
        record('NodeRebootEnd', END('reboot'), '09:00:01'),
        record('NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError', '09:00:02'),
      ]);
      assert.equal(timeline.steps.length, 1);
      const [step] = timeline.steps;
      assert.equal(step.status, 'failed');
      assert.equal(step.code, 'VMExtensionProvisioningError');
      assert.equal(step.format, 'colon');
      assert.equal(step.ended, t('09:00:01'));
      assert.equal(step.failed, t('09:00:02'));
      assert.equal(timeline.outcome, 'failed');
    });

    it('merges repeated identical events into one record', () => {
      const timeline = buildTimeline([
        record('NodeRebootStart', START('reboot'), '09:00:00'),
        record('NodeRebootStart', START('reboot'), '09:00:05'),
        record('NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: InvalidParameter', '09:01:00', { count: 2 }),
        record('NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: InvalidParameter', '09:01:30'),
      ]);
      assert.equal(timeline.steps.length, 1);
      const [step] = timeline.steps;
      assert.equal(step.count, 5);
      assert.deepEqual(step.events.map((e) => [e.reason, e.count]), [['NodeRebootStart', 2], ['NodeRebootError', 3]]);
      assert.equal(step.events[0].lastSeen, t('09:00:05'));
      assert.equal(step.started, t('09:00:00'));
      assert.equal(step.failed, t('09:01:30'));
    });

    it('counts attempts when the sequence is retried', () => {
      const timeline = buildTimeline([
        record('NodeRebootStart', START('reboot'), '09:00:00'),
        record('NodeRebootEnd', END('reboot'), '09:00:01'),
        record('NodeRebootStart', START('reboot'), '09:20:00'),
        record('NodeRebootEnd', END('reboot'), '09:20:01'),
      ]);
      assert.deepEqual(timeline.steps.map((s) => s.attempt), [1, 2]);
    });

    it('keeps an End or Error whose Start expired as its own step', () => {
      const timeline = buildTimeline([record('NodeReimageError', 'Node auto-repair reimage action failed due to an operation failure. See error details here: TooManyVMRedeploymentRequests', '09:00:00')]);
      assert.equal(timeline.steps.length, 1);
      assert.equal(timeline.steps[0].started, undefined);
      assert.equal(timeline.lastError?.code, 'TooManyVMRedeploymentRequests');
    });

    it('says recovered only when the node is Ready after the last step', () => {
      const events = realSequence().slice(0, 3);
      const readyAfter: NodeHealth = { state: 'healthy', since: t('09:36:00'), repairExpected: false, skipReasons: [], cordoned: false };
      assert.equal(buildTimeline(events, readyAfter).outcome, 'recovered');
      assert.equal(buildTimeline(events, readyAfter).next, undefined);
      const readyBefore: NodeHealth = { ...readyAfter, since: t('09:00:00') };
      assert.equal(buildTimeline(events, readyBefore).outcome, 'completed');
      // An End alone does not mean healthy.
      assert.equal(buildTimeline(events, notReady).outcome, 'completed');
      assert.equal(buildTimeline(events).outcome, 'completed');
    });

    it('has no steps and no outcome without repair events', () => {
      const timeline = buildTimeline(realSequence().slice(0, 1), notReady);
      assert.equal(timeline.outcome, 'none');
      assert.equal(timeline.steps.length, 0);
      assert.equal(timeline.next?.action, 'reboot');
      assert.equal(timeline.next?.at, t('09:29:51'));
      assert.equal(buildTimeline([], { ...notReady, skipReasons: ['shutdown'] }).next?.action, 'none');
      assert.equal(buildTimeline([]).next, undefined);
    });
  });
});

describe('repairTimeline: Azure errors in Error events', () => {
  const AZURE = 'Node auto-repair reimage action failed due to an operation failure. See error details here: Code="VMExtensionProvisioningError" Message="VM has reported a failure when processing extension \'vmssCSE\'"';

  it('keeps the Azure message on the event and on its failed step', () => {
    const error = record('NodeReimageError', AZURE, '09:39:44');
    assert.equal(error.code, 'VMExtensionProvisioningError');
    assert.equal(error.azureMessage, "VM has reported a failure when processing extension 'vmssCSE'");
    const timeline = buildTimeline([record('NodeReimageStart', START('reimage'), '09:39:43'), error]);
    assert.equal(timeline.lastError?.code, 'VMExtensionProvisioningError');
    assert.equal(timeline.lastError?.azureMessage, "VM has reported a failure when processing extension 'vmssCSE'");
  });

  it('sets no Azure message when the event carried none', () => {
    const error = record('NodeRebootError', 'Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError', '09:34:44');
    assert.equal(error.azureMessage, undefined);
    const step = buildTimeline([error]).lastError;
    assert.ok(step, 'the failed step');
    assert.equal(step.azureMessage, undefined);
  });

  it('does not carry an older Error\'s message over to a newer code', () => {
    const first = record('NodeRedeployError', AZURE.replace('reimage', 'redeploy'), '09:44:43');
    const second = record('NodeRedeployError', 'Node auto-repair redeploy action failed due to an operation failure: VMRedeploymentFailed', '09:49:43');
    const step = buildTimeline([first, second]).lastError;
    assert.equal(step?.code, 'VMRedeploymentFailed');
    assert.equal(step?.azureMessage, undefined);
  });
});
