import * as assert from 'node:assert/strict';
import { parseRepairMessage, parseRepairReason, repairReasonName } from '../../src/domain/repairMessage';

describe('repairMessage', () => {
  it('reads the action and phase from every auto-repair reason', () => {
    for (const action of ['reboot', 'reimage', 'redeploy'] as const) {
      for (const phase of ['start', 'end', 'error'] as const) {
        const name = repairReasonName(action, phase);
        assert.deepEqual(parseRepairReason(name), { action, phase });
      }
    }
    assert.equal(parseRepairReason('NodeNotReady'), undefined);
    assert.equal(parseRepairReason('NodeRebootErrorX'), undefined);
    assert.equal(parseRepairReason(undefined), undefined);
  });

  it('parses format 1: code after a colon', () => {
    const p = parseRepairMessage('Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError');
    assert.deepEqual(p, { action: 'reboot', phase: 'error', code: 'VMExtensionProvisioningError', format: 'colon' });
  });

  it('parses format 2: code after "See error details here:"', () => {
    const p = parseRepairMessage('Node auto-repair reimage action failed due to an operation failure. See error details here: InvalidParameter', 'NodeReimageError');
    assert.deepEqual(p, { action: 'reimage', phase: 'error', code: 'InvalidParameter', format: 'see-details' });
  });

  it('parses format 3 and reports no code', () => {
    const p = parseRepairMessage('Node auto-repair redeploy action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors', 'NodeRedeployError');
    assert.deepEqual(p, { action: 'redeploy', phase: 'error', code: undefined, format: 'learn-more' });
  });

  it('keeps multi-word codes whole', () => {
    const p = parseRepairMessage('Node auto-repair reboot action failed due to an operation failure: ManagedIdentityCredential authentication failed');
    assert.equal(p.code, 'ManagedIdentityCredential authentication failed');
  });

  it('trusts the reason over the message wording', () => {
    const p = parseRepairMessage('Node auto-repair is initiating a reboot action due to NotReady status persisting for more than five minutes.', 'NodeRebootStart');
    assert.deepEqual(p, { action: 'reboot', phase: 'start', code: undefined, format: 'none' });
  });

  it('copes with empty and hostile text', () => {
    assert.deepEqual(parseRepairMessage(undefined), { action: undefined, phase: undefined, code: undefined, format: 'none' });
    const hostile = 'operation failure: <img src=x onerror=alert(1)>';
    assert.deepEqual(parseRepairMessage(hostile), { action: undefined, phase: undefined, code: undefined, format: 'colon' });
    const long = 'a'.repeat(1_000_000) + ' operation failure: X';
    assert.equal(parseRepairMessage(long).format, 'none');
  });

  it('takes the code as the identifier after the marker, not the text that follows it', () => {
    const hostile = parseRepairMessage('Node auto-repair reboot action failed due to an operation failure: OutboundConnectivityNotEnabledOnVMSS <img src=x onerror=alert(1)>', 'NodeRebootError');
    assert.equal(hostile.code, 'OutboundConnectivityNotEnabledOnVMSS');
    const multi = parseRepairMessage('Node auto-repair reimage action failed due to an operation failure: ManagedIdentityCredential authentication failed. Retry later.', 'NodeReimageError');
    assert.equal(multi.code, 'ManagedIdentityCredential authentication failed');
    const provider = parseRepairMessage('Node auto-repair reboot action failed due to an operation failure: scaleSetNameAndInstanceIDFromProviderID failed', 'NodeRebootError');
    assert.equal(provider.code, 'scaleSetNameAndInstanceIDFromProviderID failed');
    assert.equal(parseRepairMessage('Node auto-repair reboot action failed due to an operation failure: <b>', 'NodeRebootError').code, undefined);
  });
});
