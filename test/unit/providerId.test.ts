import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseProviderId, poolFromScaleSet, PROVIDER_ID_MAX_LENGTH, sameResourceGroup, scaleSetResourceId,
} from '../../src/domain/providerId';

const SUB = '3f2c8a1e-6b7d-4c59-9e0f-2a4b6c8d0e1f';
const VMSS_PATH = `/subscriptions/${SUB}/resourceGroups/mc_rg-aks_cluster_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/3`;
const VM_PATH = `/subscriptions/${SUB}/resourceGroups/MC_rg_cluster_westeurope/providers/Microsoft.Compute/virtualMachines/aks-agentpool-12345678-0`;

function reasonOf(raw: string | undefined): string {
  const r = parseProviderId(raw);
  assert.equal(r.ok, false, `${String(raw)} should not parse`);
  return r.ok ? '' : r.reason;
}

describe('providerId', () => {
  it('reads a scale-set instance', () => {
    const r = parseProviderId(`azure://${VMSS_PATH}`);
    assert.deepEqual(r, {
      ok: true,
      target: {
        kind: 'vmss',
        subscriptionId: SUB,
        resourceGroup: 'mc_rg-aks_cluster_westeurope',
        scaleSet: 'aks-nodepool1-12345678-vmss',
        instanceId: '3',
        resourceId: VMSS_PATH,
      },
    });
  });

  it('reads an availability-set VM', () => {
    const r = parseProviderId(`azure://${VM_PATH}`);
    assert.deepEqual(r, {
      ok: true,
      target: { kind: 'vm', subscriptionId: SUB, resourceGroup: 'MC_rg_cluster_westeurope', vmName: 'aks-agentpool-12345678-0', resourceId: VM_PATH },
    });
  });

  it('accepts segment names and the scheme in any case, and writes the resource ID canonically', () => {
    const raw = `AZURE:///SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/mc_rg/PROVIDERS/microsoft.compute/VIRTUALMACHINESCALESETS/aks-x-1-vmss/VIRTUALMACHINES/12`;
    const r = parseProviderId(raw);
    assert.ok(r.ok);
    assert.equal(r.target.kind, 'vmss');
    assert.equal(r.target.resourceId, `/subscriptions/${SUB}/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-x-1-vmss/virtualMachines/12`);
    assert.ok(r.target.resourceId.startsWith('/subscriptions/'));
  });

  it('refuses what is not an Azure VM id, with a reason', () => {
    const bad: (string | undefined)[] = [
      undefined, '', '   ',
      `aws:///us-east-1a/i-0123456789abcdef0`,
      `kind://docker/kind/kind-worker`,
      VMSS_PATH, // no scheme
      'azure://',
      'azure:///',
      `azure:///subscriptions/${SUB}`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/x`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/abc`,
      `azure://${VMSS_PATH}/extra`,
      `azure://${VMSS_PATH}/`,
      `azure://${VM_PATH}/extensions/vmssCSE`,
      `azure:///subscriptions//resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
      `azure:///subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d`,
      `azure://${VMSS_PATH.replace('/3', '/3 ')}`,
      `azure://${VMSS_PATH.replace('aks-nodepool1', 'aks<script>')}`,
      `azure://${VMSS_PATH.replace('aks-nodepool1', 'aks%2F..')}`,
      `azure://${VMSS_PATH.replace('aks-nodepool1', 'aks\u202enode')}`,
      `azure://${VMSS_PATH}\n`,
      `azure://${VMSS_PATH}?api-version=1`,
      `azure://${VMSS_PATH.replace(SUB, 'sub;rm -rf')}`,
      `azure:///subscriptions/${SUB}/resourceGroups/../providers/Microsoft.Compute/virtualMachines/vm`,
      `azure://${'/a'.repeat(PROVIDER_ID_MAX_LENGTH)}`,
    ];
    for (const raw of bad) {
      const reason = reasonOf(raw);
      assert.ok(reason.length > 0, `a reason for ${String(raw)}`);
    }
    assert.match(reasonOf(undefined), /no providerID/);
    assert.match(reasonOf('aws:///x'), /azure:\/\//);
    assert.match(reasonOf(`azure://${VMSS_PATH}/extra`), /extra/);
  });

  it('keeps only a prefix of a huge refused value', () => {
    const huge = `azure://${'x'.repeat(1_000_000)}`;
    const r = parseProviderId(huge);
    assert.ok(!r.ok);
    assert.ok(r.raw.length < 400, String(r.raw.length));
  });

  it('reads the pool from AKS\'s scale-set name, and names the scale set of an instance', () => {
    assert.equal(poolFromScaleSet('aks-nodepool1-12345678-vmss'), 'nodepool1');
    assert.equal(poolFromScaleSet('AKS-Win1-12345678-VMSS'), 'Win1');
    for (const other of ['my-vmss', 'aks-nodepool1-vmss', 'aks-toolongpoolname1-1-vmss', 'aks-nodepool1-123-vmss2', '']) {
      assert.equal(poolFromScaleSet(other), undefined, other);
    }
    const vmss = parseProviderId(`azure://${VMSS_PATH}`);
    assert.ok(vmss.ok);
    assert.equal(scaleSetResourceId(vmss.target), VMSS_PATH.replace(/\/virtualMachines\/3$/, ''));
    const vm = parseProviderId(`azure://${VM_PATH}`);
    assert.ok(vm.ok);
    assert.equal(scaleSetResourceId(vm.target), undefined);
  });

  it('compares resource groups case-insensitively', () => {
    assert.equal(sameResourceGroup('mc_rg_cluster_westeurope', 'MC_rg_cluster_westeurope'), true);
    assert.equal(sameResourceGroup('MC_a', 'MC_b'), false);
    assert.equal(sameResourceGroup(undefined, 'x'), false);
    assert.equal(sameResourceGroup('', ''), false);
  });

  it('never throws, and a success always names a canonical resource ID (property)', () => {
    const pieces = fc.constantFrom(
      'azure://', '/', 'subscriptions', SUB, 'resourceGroups', 'rg', 'providers', 'Microsoft.Compute', 'virtualMachineScaleSets',
      'virtualMachines', 'vmss', '0', '17', ' ', '\u0000', '%', '..', 'é', '"', '\\', 'AZURE://', 'extensions',
    );
    const text = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 14 }).map((p) => p.join('')));
    fc.assert(fc.property(text, (raw) => {
      const r = parseProviderId(raw);
      if (r.ok) {
        assert.ok(r.target.resourceId.startsWith('/subscriptions/'));
        assert.match(r.target.resourceId, /^[A-Za-z0-9/._()-]+$/);
        assert.equal(`azure://${r.target.resourceId}`.toLowerCase(), raw.toLowerCase());
      } else {
        assert.ok(r.reason.length > 0);
      }
    }), { numRuns: 2000 });
  });

  it('takes linear time on long input', () => {
    const sizes = [10_000, 100_000, 1_000_000];
    const shapes = (n: number) => [
      `azure://${'/'.repeat(n)}`,
      `azure:///subscriptions/${'a'.repeat(n)}`,
      `azure://${'/subscriptions'.repeat(n / 14)}`,
      'azure://' + '-'.repeat(n),
      ' '.repeat(n),
    ];
    for (const n of sizes) {
      for (const raw of shapes(n)) {
        const started = process.hrtime.bigint();
        parseProviderId(raw);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        assert.ok(ms < 50, `${n}: ${ms} ms`);
      }
    }
  });
});
