import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AZURE_MESSAGE_MAX, parseRepairMessage, parseRepairReason, repairReasonName } from '../../src/domain/repairMessage';

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

describe('repairMessage: details that carry an Azure error', () => {
  const prefix = 'Node auto-repair reimage action failed due to an operation failure';
  const markers = [
    { text: `${prefix}: `, format: 'colon' },
    { text: `${prefix}. See error details here: `, format: 'see-details' },
    { text: `${prefix}. See error details: `, format: 'see-details' },
  ] as const;
  const code = 'VMExtensionProvisioningError';
  const azure = "VM has reported a failure when processing extension 'vmssCSE'. Error message: \"Enable failed: exit status=50\"";
  const details: { name: string; detail: string; message?: string }[] = [
    { name: 'a bare code', detail: code },
    { name: 'a bare code and a full stop', detail: `${code}.` },
    { name: 'a double-quoted code', detail: `"${code}"` },
    { name: 'a single-quoted code', detail: `'${code}'` },
    { name: 'a back-quoted code', detail: `\`${code}\`` },
    { name: 'Code="…" Message="…"', detail: `Code="${code}" Message="${azure.replace(/"/g, '\\"')}"`, message: azure },
    { name: "Code='…' Message='…'", detail: `Code='${code}' Message="short text"`, message: 'short text' },
    { name: 'an SDK error with Code="…" later', detail: `compute.VirtualMachineScaleSetVMsClient#Reimage: Failure sending request: StatusCode=409 -- Original Error: Code="${code}" Message="boom"`, message: 'boom' },
    { name: 'JSON {"code","message"}', detail: JSON.stringify({ code, message: azure }), message: azure },
    { name: 'JSON {"error": {...}}', detail: JSON.stringify({ error: { code, message: azure, details: [{ code: 'Other', message: 'inner' }] } }), message: azure },
    { name: 'JSON with the message key first', detail: JSON.stringify({ error: { message: azure, code } }), message: azure },
    { name: 'JSON cut short', detail: JSON.stringify({ error: { code, message: azure } }).slice(0, 80), message: azure.slice(0, 80 - `{"error":{"code":"${code}","message":"`.length) },
    { name: 'JSON escaped inside a string', detail: JSON.stringify(JSON.stringify({ code, message: 'inner text' })).slice(1, -1), message: 'inner text' },
    { name: 'a code and its message after a colon', detail: `${code}: VM has reported a failure`, message: 'VM has reported a failure' },
  ];
  for (const marker of markers) {
    for (const d of details) {
      it(`finds the code after "${marker.text.slice(prefix.length).trim() || ':'}" in ${d.name}`, () => {
        const p = parseRepairMessage(marker.text + d.detail, 'NodeReimageError');
        assert.equal(p.code, code);
        assert.equal(p.format, marker.format);
        assert.equal(p.action, 'reimage');
        assert.equal(p.phase, 'error');
        assert.equal(p.azureMessage, d.message);
      });
    }
  }

  it('takes the Azure code, not the word before it', () => {
    const p = parseRepairMessage(`${prefix}. See error details here: Code="OperationNotAllowed" Message="The operation is not allowed"`);
    assert.equal(p.code, 'OperationNotAllowed');
    assert.equal(p.azureMessage, 'The operation is not allowed');
  });

  it('reads an Azure error even without a marker', () => {
    const p = parseRepairMessage('Node auto-repair redeploy action failed: {"error":{"code":"AllocationFailed","message":"No capacity"}}', 'NodeRedeployError');
    assert.equal(p.code, 'AllocationFailed');
    assert.equal(p.azureMessage, 'No capacity');
    assert.equal(p.format, 'azure-error');
  });

  it('keeps multi-word codes inside an Azure error whole', () => {
    const p = parseRepairMessage(`${prefix}: {"code": "ManagedIdentityCredential authentication failed", "message": "token request failed"}`);
    assert.equal(p.code, 'ManagedIdentityCredential authentication failed');
    assert.equal(p.azureMessage, 'token request failed');
  });

  it('accepts a one-word Azure code', () => {
    assert.equal(parseRepairMessage(`${prefix}: Conflict`).code, 'Conflict');
    assert.equal(parseRepairMessage(`${prefix}: Code="Conflict" Message="x"`).code, 'Conflict');
  });

  it('never reports prose as a code', () => {
    const prose = [
      'Code', 'Code.', 'here', 'errors', 'details', 'Details: none', 'errors occurred while reimaging', 'the VM could not be found',
      'Please retry later', 'Internal error', 'Error', 'Message="no code here"', 'Code= Message=', '"here"', 'aka.ms/aks/node-auto-repair-errors',
      'StatusCode=409', 'Microsoft.Compute/virtualMachineScaleSets', '{"code": "here", "message": "prose in the code field"}', '{"code": 42}',
      'Code="<img src=x>" Message="y"', '<b>', '', '   ', 'Failed to reimage the node', 'An error occurred',
    ];
    for (const marker of markers) {
      for (const detail of prose) {
        const p = parseRepairMessage(marker.text + detail, 'NodeReimageError');
        assert.equal(p.code, undefined, `${marker.text}${detail} → ${String(p.code)}`);
      }
    }
    assert.equal(parseRepairMessage(`${prefix}: {"code": "here", "message": "prose in the code field"}`).azureMessage, 'prose in the code field');
  });

  it('caps and flattens the Azure message', () => {
    const long = 'x'.repeat(10_000);
    const p = parseRepairMessage(`${prefix}: Code="${code}" Message="line one\nline two\u202e ${long}"`);
    assert.equal(p.code, code);
    assert.ok(p.azureMessage !== undefined && p.azureMessage.length <= AZURE_MESSAGE_MAX, String(p.azureMessage?.length));
    assert.ok(p.azureMessage.startsWith('line one line two '));
    assert.ok(!/[\n\u202e]/.test(p.azureMessage));
  });

  it('stays fast on huge and unbalanced details', () => {
    const inputs = [
      `${prefix}: ${'{"'.repeat(50_000)}`,
      `${prefix}: Code="${'a'.repeat(100_000)}`,
      `${prefix}: Message="${'\\'.repeat(100_000)}`,
      `${prefix}: {"message": "${'\\"'.repeat(50_000)}`,
      `${prefix}: ${'{\\"message\\": \\"'.repeat(10_000)}`,
      `${prefix}: ${'Code="x" '.repeat(20_000)}`,
    ];
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      parseRepairMessage(input, 'NodeReimageError');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 200, `${input.slice(0, 60)}…: ${ms} ms`);
    }
  });
});

describe('repairMessage: property', () => {
  const PIECES = [
    'operation failure: ', '. See error details here: ', 'See error details: ', 'Code="', 'Message="', '"', "'", '`', '{', '}', '"code"', '"message"',
    ':', ' ', '\\', '\\"', 'error', 'here', 'errors', 'details', 'Code', 'VMExtensionProvisioningError', 'failed', ' authentication failed',
    'Learn more: aka.ms/x', '<b>', '\n', 'é', '=', '/',
  ];
  it('never throws, and any code it reports is an identifier, not prose', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 20 }).map((p) => p.join(''));
    fc.assert(fc.property(text, (t) => {
      const p = parseRepairMessage(`Node auto-repair reboot action failed due to an operation failure${t}`, 'NodeRebootError');
      if (p.code !== undefined) {
        assert.match(p.code, /^[A-Za-z][\w.-]*(?:[ \t]+(?:authentication[ \t]+)?failed)?$/);
        assert.ok(!['code', 'here', 'errors', 'details', 'error', 'message', 'failed'].includes(p.code.toLowerCase()), p.code);
      }
      if (p.azureMessage !== undefined) {
        assert.ok(p.azureMessage.length <= AZURE_MESSAGE_MAX && !p.azureMessage.includes('\n'));
      }
    }), { numRuns: 3000 });
  });
});
