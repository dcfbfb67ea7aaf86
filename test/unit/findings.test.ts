import * as assert from 'node:assert/strict';
import type { ActivityEntry, Finding, RepairErrorSeen } from '../../src/domain/diagnosis';
import { findingsFor } from '../../src/domain/findings';
import { guidanceIdFor } from '../../src/domain/findings/codes';
import { unreadable } from '../../src/domain/findings/evidence';
import { parseProviderId } from '../../src/domain/providerId';
import { shellQuote } from '../../src/domain/shellQuote';
import { CLUSTER, CLUSTER_ID, diagnosis, forbidden, INSTANCE_ID, NODE, NODE_RG, NOW, ok, VMSS } from './diagnosisFixtures';

function seen(code: string | undefined, action: RepairErrorSeen['action'] = 'reimage', extra: Partial<RepairErrorSeen> = {}): RepairErrorSeen {
  return { code, reason: `Node${action[0].toUpperCase()}${action.slice(1)}Error`, action, seenAt: NOW - 20 * 60_000, ...extra };
}

function only(findings: Finding[], code: string): Finding {
  const f = findings.filter((x) => x.code === code);
  assert.equal(f.length, 1, `one finding for ${code}: ${JSON.stringify(findings.map((x) => x.code))}`);
  return f[0];
}

const redeploy = (time: number, status: string, correlationId: string, extra: Partial<ActivityEntry> = {}): ActivityEntry => ({
  operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/redeploy/action', status, time, correlationId, resourceId: INSTANCE_ID, caller: 'aks-remediator', ...extra,
});

describe('findings', () => {
  it('names the bootstrap failure behind VMExtensionProvisioningError and its fix', () => {
    const f = only(findingsFor(diagnosis(), [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.equal(f.severity, 'error');
    assert.equal(f.guidanceId, 'VMExtensionProvisioningError');
    assert.match(f.title, /50 ERR_OUTBOUND_CONN_FAIL \(OutboundConnFailVMExtensionError\)/);
    assert.match(f.evidence, /vmssCSE/);
    assert.match(f.evidence, /exit code 50/);
    assert.match(f.nextStep, /egress/);
    assert.equal(f.command, `az vmss reimage -g ${NODE_RG} -n ${VMSS} --instance-ids 3`);
  });

  it('uses the exit code the backend read, and shows an unknown one as such', () => {
    const d = diagnosis({ extensions: ok([{ name: 'vmssCSE', status: 'Provisioning failed', level: 'Error', message: 'x', exitCode: 77 }]) });
    const f = only(findingsFor(d, [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.match(f.title, /exit code 77 \(not a known bootstrap code\)/);
  });

  it('says what could not be read when the extensions section failed', () => {
    const d = diagnosis({ extensions: forbidden() });
    const f = only(findingsFor(d, [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.match(f.evidence, /could not be read/);
    assert.match(f.evidence, /Reader role/);
    assert.match(f.evidence, new RegExp(NODE_RG));
    assert.match(f.nextStep, /Ask for the Reader role/);
    assert.equal(f.command, `az vmss get-instance-view -g ${NODE_RG} -n ${VMSS} --instance-id 3`);
  });

  it('reports a failed bootstrap even when no auto-repair error named it', () => {
    const findings = findingsFor(diagnosis(), [], NOW);
    const f = only(findings, 'VMExtensionProvisioningError');
    assert.equal(f.severity, 'warning');
    assert.match(f.title, /ERR_OUTBOUND_CONN_FAIL/);
  });

  it('says when no extension fails any more', () => {
    const d = diagnosis({ extensions: ok([{ name: 'vmssCSE', status: 'Provisioning succeeded', level: 'Info' }]) });
    const f = only(findingsFor(d, [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.equal(f.severity, 'info');
    assert.equal(findingsFor(d, [], NOW).length, 0);
  });

  it('gives the outbound type for OutboundConnectivityNotEnabledOnVMSS, and what to enable', () => {
    const f = only(findingsFor(diagnosis(), [seen('OutboundConnectivityNotEnabledOnVMSS', 'reboot')], NOW), 'OutboundConnectivityNotEnabledOnVMSS');
    assert.match(f.evidence, /outbound type is userDefinedRouting/);
    assert.match(f.nextStep, /route table/);
    assert.equal(f.command, "az aks show -g rg-demo -n aks-demo --query networkProfile.outboundType -o tsv");
    const lb = only(findingsFor(diagnosis({ cluster: ok({ ...CLUSTER, outboundType: 'loadBalancer' }) }), [seen('OutboundConnectivityNotEnabledOnVMSS')], NOW), 'OutboundConnectivityNotEnabledOnVMSS');
    assert.match(lb.nextStep, /backend pool/);
    assert.equal(lb.command, `az network lb outbound-rule list -g ${NODE_RG} --lb-name kubernetes -o table`);
    for (const type of ['managedNATGateway', 'userAssignedNATGateway', 'none', 'block', undefined]) {
      const x = only(findingsFor(diagnosis({ cluster: ok({ ...CLUSTER, outboundType: type }) }), [seen('OutboundConnectivityNotEnabledOnVMSS')], NOW), 'OutboundConnectivityNotEnabledOnVMSS');
      assert.ok(x.nextStep.length > 20, String(type));
    }
    const cannot = only(findingsFor(diagnosis({ cluster: forbidden(CLUSTER_ID) }), [seen('OutboundConnectivityNotEnabledOnVMSS')], NOW), 'OutboundConnectivityNotEnabledOnVMSS');
    assert.match(cannot.evidence, /The cluster could not be read/);
  });

  it('shows the failed pool for VMRedeploymentFailed and reconciles that pool or that one instance only', () => {
    const failedPool = { ...CLUSTER, pool: { ...CLUSTER.pool!, provisioningState: 'Failed' } };
    const activity = ok([redeploy(NOW - 30 * 60_000, 'Failed', 'c1', { errorCode: 'AllocationFailed', errorMessage: 'Allocation failed. No capacity.' })]);
    const f = only(findingsFor(diagnosis({ cluster: ok(failedPool), activity }), [seen('VMRedeploymentFailed', 'redeploy')], NOW), 'VMRedeploymentFailed');
    assert.equal(f.severity, 'error');
    assert.match(f.evidence, /node pool nodepool1 is Failed/);
    assert.match(f.evidence, /AllocationFailed: Allocation failed/);
    assert.equal(f.command, `az resource update --ids ${CLUSTER_ID}/agentPools/nodepool1`);
    assert.match(f.nextStep, new RegExp(`az vmss update-instances -g ${NODE_RG} -n ${VMSS} --instance-ids 3`));
    assert.match(f.nextStep, /Never update every instance/);
    const healthy = only(findingsFor(diagnosis(), [seen('VMRedeploymentFailed', 'redeploy')], NOW), 'VMRedeploymentFailed');
    assert.equal(healthy.command, "az aks nodepool show -g rg-demo --cluster-name aks-demo -n nodepool1 --query '{provisioningState: provisioningState, powerState: powerState.code}'");
    for (const x of [f, healthy]) {
      assert.doesNotMatch(`${x.command ?? ''} ${x.nextStep}`, /--instance-ids '\*'|--instance-ids \*/);
    }
  });

  it('counts the redeploys the Activity Log shows for TooManyVMRedeploymentRequests, and when', () => {
    const activity = ok([
      redeploy(NOW - 50 * 60_000, 'Started', 'c1'),
      redeploy(NOW - 49 * 60_000, 'Succeeded', 'c1'),
      redeploy(NOW - 30 * 60_000, 'Started', 'c2'),
      redeploy(NOW - 29 * 60_000, 'Failed', 'c2'),
      redeploy(NOW - 48 * 3600_000, 'Succeeded', 'old'),
      { operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/restart/action', status: 'Succeeded', time: NOW - 60_000, correlationId: 'r' },
    ]);
    const f = only(findingsFor(diagnosis({ activity }), [seen('TooManyVMRedeploymentRequests', 'redeploy')], NOW), 'TooManyVMRedeploymentRequests');
    assert.match(f.evidence, /2 redeploys/);
    assert.match(f.evidence, /2026-12-03 09:10:00 UTC to 2026-12-03 09:30:00 UTC/);
    // Without a window from the backend: the 24 hours before the diagnosis, for the instance and its scale set.
    const range = '--start-time 2026-12-02T09:59:55Z --end-time 2026-12-03T10:00:00Z --max-events 1000';
    const query = `--query '[?contains(operationName.value, '\\''redeploy'\\'')]`;
    const [instanceCmd, scaleSetCmd, ...more] = (f.command ?? '').split('; ');
    assert.equal(more.length, 0);
    assert.ok(instanceCmd.startsWith(`az monitor activity-log list --resource-id ${INSTANCE_ID} ${range} ${query}`), instanceCmd);
    assert.ok(scaleSetCmd.startsWith(`az monitor activity-log list --resource-id ${INSTANCE_ID.replace(/\/virtualMachines\/3$/, '')} ${range} ${query}`), scaleSetCmd);
    assert.match(instanceCmd, /-o table$/);
    assert.doesNotMatch(f.command ?? '', /--offset/);
    const none = only(findingsFor(diagnosis(), [seen('TooManyVMRedeploymentRequests')], NOW), 'TooManyVMRedeploymentRequests');
    assert.match(none.evidence, /no redeploy of this instance or its scale set from 2026-12-02 09:59:55 UTC to 2026-12-03 10:00:00 UTC/);
    const cannot = only(findingsFor(diagnosis({ activity: forbidden() }), [seen('TooManyVMRedeploymentRequests')], NOW), 'TooManyVMRedeploymentRequests');
    assert.match(cannot.evidence, /The Activity Log could not be read/);
  });

  it('counts redeploys within the Activity Log window the diagnosis read, and its command reads that window', () => {
    const activityWindow = { from: NOW - 72 * 3600_000, to: NOW - 3600_000 };
    const activity = ok([
      redeploy(NOW - 80 * 3600_000, 'Succeeded', 'before'),
      redeploy(NOW - 48 * 3600_000, 'Succeeded', 'old'),
      redeploy(NOW - 30 * 60_000, 'Succeeded', 'after'),
      redeploy(NOW - 2 * 3600_000, 'Started', 'c1', { resourceId: INSTANCE_ID.replace(/\/virtualMachines\/3$/, ''), operation: 'Microsoft.Compute/virtualMachineScaleSets/redeploy/action' }),
    ]);
    const f = only(findingsFor(diagnosis({ activity, activityWindow }), [seen('TooManyVMRedeploymentRequests', 'redeploy')], NOW), 'TooManyVMRedeploymentRequests');
    assert.match(f.evidence, /2 redeploys of this instance or its scale set, from 2026-12-01 10:00:00 UTC to 2026-12-03 08:00:00 UTC/);
    assert.equal((f.command ?? '').split('; ').length, 2);
    for (const cmd of (f.command ?? '').split('; ')) {
      assert.match(cmd, / --start-time 2026-11-30T10:00:00Z --end-time 2026-12-03T09:00:00Z --max-events 1000 /);
    }
    const none = only(findingsFor(diagnosis({ activityWindow }), [seen('TooManyVMRedeploymentRequests')], NOW), 'TooManyVMRedeploymentRequests');
    assert.match(none.evidence, /no redeploy .* from 2026-11-30 10:00:00 UTC to 2026-12-03 09:00:00 UTC/);
    // Other codes' Activity Log commands read the same window.
    const other = only(findingsFor(diagnosis({ activityWindow, extensions: ok([]) }), [seen('SomethingNew')], NOW), 'SomethingNew');
    assert.match(other.command ?? '', /--start-time 2026-11-30T10:00:00Z --end-time 2026-12-03T09:00:00Z --max-events 1000 --status Failed -o table; /);
  });

  it('reads the Activity Log of an availability-set VM alone (it has no scale set)', () => {
    const raw = `azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/aks-agentpool-1-0`;
    const f = only(findingsFor(diagnosis({ providerId: raw, target: parseProviderId(raw), extensions: ok([]) }), [seen('SomethingNew')], NOW), 'SomethingNew');
    assert.equal(f.command, 'az monitor activity-log list --resource-id /subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/aks-agentpool-1-0 '
      + '--start-time 2026-12-02T09:59:55Z --end-time 2026-12-03T10:00:00Z --max-events 1000 --status Failed -o table');
  });

  it('treats only AKS\'s bootstrap extension as the bootstrap: a failed user extension is named as it is', () => {
    const user = { name: 'my-script', type: 'Microsoft.Azure.Extensions.CustomScript', status: 'Provisioning failed', level: 'Error', message: 'exit status=50' };
    const f = only(findingsFor(diagnosis({ extensions: ok([user]) }), [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.match(f.title, /my-script/);
    assert.doesNotMatch(f.title, /bootstrap/i);
    const legacy = only(findingsFor(diagnosis({ extensions: ok([user, { ...user, name: 'cse-agent-0' }]) }), [seen('VMExtensionProvisioningError')], NOW), 'VMExtensionProvisioningError');
    assert.match(legacy.title, /Node bootstrap failed: exit code 50/);
    assert.match(legacy.evidence, /cse-agent-0/);
  });

  it('says whether the instance still exists for InvalidParameter (404 = gone)', () => {
    const gone = only(findingsFor(diagnosis({ instance: { state: 'gone', message: 'ResourceNotFound' } }), [seen('InvalidParameter')], NOW), 'InvalidParameter');
    assert.match(gone.evidence, /404/);
    assert.match(gone.evidence, /gone/);
    assert.equal(gone.severity, 'info');
    assert.equal(gone.command, `kubectl get node ${NODE} -o wide`);
    const exists = only(findingsFor(diagnosis(), [seen('InvalidParameter')], NOW), 'InvalidParameter');
    assert.match(exists.evidence, /still exists \(provisioning state failed, power state running\)/);
    const cannot = only(findingsFor(diagnosis({ instance: forbidden() }), [seen('InvalidParameter')], NOW), 'InvalidParameter');
    assert.match(cannot.evidence, /The instance could not be read/);
  });

  it('shows the providerID as it is for scaleSetNameAndInstanceIDFromProviderID failed', () => {
    const raw = 'azure:///subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss';
    const d = diagnosis({ providerId: raw, target: parseProviderId(raw), instance: { state: 'skipped', reason: 'no providerID' } });
    const f = only(findingsFor(d, [seen('scaleSetNameAndInstanceIDFromProviderID failed', 'reboot')], NOW), 'scaleSetNameAndInstanceIDFromProviderID failed');
    assert.equal(f.guidanceId, 'scaleSetNameAndInstanceIDFromProviderID-failed');
    assert.ok(f.evidence.includes(raw));
    assert.match(f.evidence, /no instance/);
    assert.equal(f.command, `kubectl get node ${NODE} -o jsonpath='{.spec.providerID}'`);
    const empty = diagnosis({ providerId: undefined, target: parseProviderId('') });
    assert.match(only(findingsFor(empty, [], NOW), 'scaleSetNameAndInstanceIDFromProviderID failed').evidence, /no providerID/);
  });

  it('shows the kubelet identity as configured for ManagedIdentityCredential authentication failed', () => {
    const f = only(findingsFor(diagnosis(), [seen('ManagedIdentityCredential authentication failed')], NOW), 'ManagedIdentityCredential authentication failed');
    assert.equal(f.guidanceId, 'ManagedIdentityCredential-authentication-failed');
    assert.match(f.evidence, /aks-demo-agentpool/);
    assert.match(f.evidence, /11111111-2222-3333-4444-555555555555/);
    assert.equal(f.command, `az vmss identity show -g ${NODE_RG} -n ${VMSS}`);
    const none = only(findingsFor(diagnosis({ cluster: ok({ ...CLUSTER, kubeletIdentity: undefined }) }), [seen('ManagedIdentityCredential authentication failed')], NOW), 'ManagedIdentityCredential authentication failed');
    assert.match(none.evidence, /no kubelet identity/);
  });

  it('points other codes at the Activity Log errors, and keeps the Azure message', () => {
    const activity = ok([{ operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action', status: 'Failed', time: NOW - 600_000, errorCode: 'OperationNotAllowed', errorMessage: 'Quota exceeded' }]);
    const findings = findingsFor(diagnosis({ activity, extensions: ok([]) }), [seen('SomethingNew', 'reimage', { azureMessage: 'the real reason' }), seen(undefined, 'redeploy')], NOW);
    const f = only(findings, 'SomethingNew');
    assert.equal(f.guidanceId, 'SomethingNew');
    assert.equal(f.azureMessage, 'the real reason');
    assert.match(f.evidence, /Azure said: "the real reason"/);
    assert.match(f.evidence, /1 failed operation/);
    assert.match(f.evidence, /OperationNotAllowed: Quota exceeded/);
    assert.match(f.command ?? '', /--status Failed/);
    const noCode = only(findings, 'NodeRedeployError');
    assert.equal(noCode.guidanceId, 'NodeRedeployError');
    assert.match(noCode.title, /no error code/);
  });

  it('gives one finding per code, newest first', () => {
    const findings = findingsFor(diagnosis({ extensions: ok([]) }), [
      seen('InvalidParameter', 'reboot', { seenAt: NOW - 3000 }),
      seen('VMExtensionProvisioningError', 'reimage', { seenAt: NOW - 1000 }),
      seen('invalidparameter', 'redeploy', { seenAt: NOW - 2000 }),
    ], NOW);
    assert.deepEqual(findings.map((f) => f.code), ['VMExtensionProvisioningError', 'InvalidParameter']);
  });

  it('quotes hostile names in commands', () => {
    const raw = `azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/1`;
    const hostile = { ...CLUSTER, name: "x'; rm -rf ~; echo '", resourceGroup: '$(id)' };
    const d = diagnosis({ providerId: raw, target: parseProviderId(raw), cluster: ok(hostile) });
    const f = only(findingsFor(d, [seen('OutboundConnectivityNotEnabledOnVMSS')], NOW), 'OutboundConnectivityNotEnabledOnVMSS');
    assert.equal(f.command, `az aks show -g '$(id)' -n ${shellQuote(hostile.name)} --query networkProfile.outboundType -o tsv`);
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
    assert.equal(shellQuote(''), "''");
  });

  it('maps codes as written to catalog ids', () => {
    assert.equal(guidanceIdFor('VMRedeploymentFailed'), 'VMRedeploymentFailed');
    assert.equal(guidanceIdFor('managedidentitycredential authentication failed'), 'ManagedIdentityCredential-authentication-failed');
    assert.equal(guidanceIdFor('Other'), 'Other');
    assert.equal(unreadable(ok(1), 'x'), undefined);
    assert.match(unreadable({ state: 'loading' }, 'The instance') ?? '', /still being read/);
  });
});
