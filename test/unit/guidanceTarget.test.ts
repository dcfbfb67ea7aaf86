import * as assert from 'node:assert/strict';
import { eventGuidance, sanitizeGuidanceContext, stepGuidance } from '../../src/domain/guidanceTarget';
import type { RepairEventRecord } from '../../src/domain/repairEvent';
import { AZURE_MESSAGE_MAX } from '../../src/domain/repairMessage';
import type { RepairStep } from '../../src/domain/repairTimeline';

const NODE = 'aks-nodepool1-12345678-vmss000003';
const error: RepairEventRecord = {
  key: 'uid-1', node: NODE, reason: 'NodeReimageError', action: 'reimage', phase: 'error', code: 'AllocationFailed',
  azureMessage: 'No capacity in the zone', format: 'colon', message: 'Node auto-repair reimage action failed due to an operation failure: Code="AllocationFailed" Message="No capacity in the zone"',
  count: 1, lastSeen: 1_000,
};

describe('guidanceTarget', () => {
  it('carries the Azure message of an event and of a failed step', () => {
    assert.deepEqual(eventGuidance(NODE, error), {
      id: 'AllocationFailed',
      context: { node: NODE, reason: 'NodeReimageError', message: error.message, code: 'AllocationFailed', seenAt: 1_000, azureMessage: 'No capacity in the zone' },
    });
    const step: RepairStep = { action: 'reimage', attempt: 1, failed: 1_000, code: 'AllocationFailed', azureMessage: 'No capacity in the zone', status: 'failed', events: [error], count: 1 };
    assert.equal(stepGuidance(NODE, step).context?.azureMessage, 'No capacity in the zone');
    const noError: RepairStep = { ...step, events: [] };
    assert.equal(stepGuidance(NODE, noError).context?.azureMessage, 'No capacity in the zone');
    const plain: RepairEventRecord = { ...error, azureMessage: undefined };
    assert.equal('azureMessage' in (eventGuidance(NODE, plain).context ?? {}), false);
  });

  it('keeps the Azure message when sanitizing, capped', () => {
    assert.equal(sanitizeGuidanceContext({ code: 'X', azureMessage: 'm' })?.azureMessage, 'm');
    assert.equal(sanitizeGuidanceContext({ azureMessage: 'y'.repeat(10_000) })?.azureMessage?.length, AZURE_MESSAGE_MAX);
    assert.equal(sanitizeGuidanceContext({ azureMessage: 42 })?.azureMessage, undefined);
  });
});
