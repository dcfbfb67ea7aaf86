import * as assert from 'node:assert/strict';
import { projectNode, SKIP_REASONS, toEpochMs } from '../../src/domain/nodeProjection';
import { StringPool } from '../../src/domain/intern';

/** A trimmed but realistic AKS node as `kubectl get node -o json` shows it (watch form: string timestamps). */
function aksNode(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'aks-nodepool1-12345678-vmss000003',
      uid: '5f1c8c3e-7d0b-4f53-9a55-2d4f0c3a9a11',
      resourceVersion: '1234567',
      creationTimestamp: '2024-05-01T08:00:00Z',
      labels: {
        'agentpool': 'nodepool1',
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'Standard_D4s_v3',
        'beta.kubernetes.io/os': 'linux',
        'failure-domain.beta.kubernetes.io/region': 'westeurope',
        'failure-domain.beta.kubernetes.io/zone': 'westeurope-1',
        'kubernetes.azure.com/agentpool': 'nodepool1',
        'kubernetes.azure.com/cluster': 'MC_rg_cluster_westeurope',
        'kubernetes.azure.com/mode': 'system',
        'kubernetes.azure.com/node-image-version': 'AKSUbuntu-2204gen2containerd-202405.03.0',
        'kubernetes.azure.com/os-sku': 'Ubuntu',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': 'aks-nodepool1-12345678-vmss000003',
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'Standard_D4s_v3',
        'topology.kubernetes.io/region': 'westeurope',
        'topology.kubernetes.io/zone': 'westeurope-1',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        'csi.volume.kubernetes.io/nodeid': '{"disk.csi.azure.com":"aks-nodepool1-12345678-vmss000003","file.csi.azure.com":"aks-nodepool1-12345678-vmss000003"}',
      },
      managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2024-05-14T09:20:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }],
    },
    spec: {
      podCIDR: '10.244.3.0/24',
      podCIDRs: ['10.244.3.0/24'],
      providerID: 'azure:///subscriptions/0000/resourceGroups/mc_rg_cluster_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/3',
      taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2024-05-14T09:24:51Z' }],
    },
    status: {
      addresses: [{ type: 'InternalIP', address: '10.224.0.7' }, { type: 'Hostname', address: 'aks-nodepool1-12345678-vmss000003' }],
      allocatable: { cpu: '3860m', memory: '12880632Ki', pods: '110' },
      capacity: { cpu: '4', memory: '16393464Ki', pods: '110' },
      conditions: [
        { type: 'KernelDeadlock', status: 'False', reason: 'KernelHasNoDeadlock', message: 'kernel has no deadlock', lastHeartbeatTime: '2024-05-14T09:20:00Z', lastTransitionTime: '2024-05-01T08:05:00Z' },
        { type: 'MemoryPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2024-05-14T09:24:00Z', lastTransitionTime: '2024-05-14T09:24:51Z' },
        { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', lastHeartbeatTime: '2024-05-14T09:24:00Z', lastTransitionTime: '2024-05-14T09:10:00Z' },
        { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2024-05-14T09:24:00Z', lastTransitionTime: '2024-05-14T09:24:51Z' },
      ],
      nodeInfo: {
        architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.15-1', kernelVersion: '5.15.0-1061-azure',
        kubeProxyVersion: 'v1.29.4', kubeletVersion: 'v1.29.4', operatingSystem: 'linux', osImage: 'Ubuntu 22.04.4 LTS',
        machineID: 'a', systemUUID: 'b', bootID: 'c',
      },
      images: Array.from({ length: 40 }, (_, i) => ({ names: [`mcr.microsoft.com/oss/kubernetes/image-${i}@sha256:${'0'.repeat(64)}`], sizeBytes: 1_000_000 + i })),
    },
  };
}

describe('nodeProjection', () => {
  it('projects a realistic AKS node', () => {
    const raw = aksNode();
    assert.ok(JSON.stringify(raw).length > 8_000);
    const node = projectNode(raw);
    assert.deepEqual(node, {
      name: 'aks-nodepool1-12345678-vmss000003',
      pool: 'nodepool1',
      ready: 'Unknown',
      readySince: Date.parse('2024-05-14T09:24:51Z'),
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      pressures: ['DiskPressure'],
      instanceType: 'Standard_D4s_v3',
      zone: 'westeurope-1',
      os: 'linux',
      kubeletVersion: 'v1.29.4',
      nodeImage: 'AKSUbuntu-2204gen2containerd-202405.03.0',
      unschedulable: false,
      skipReasons: [],
      providerID: (raw.spec as { providerID: string }).providerID,
      resourceVersion: '1234567',
    });
    assert.ok(JSON.stringify(node).length < 2_000);
  });

  it('projects the same with a string pool (the cluster model\'s), providerID included', () => {
    const pool = new StringPool();
    const plain = projectNode(aksNode());
    const pooled = projectNode(aksNode(), undefined, pool.intern);
    assert.deepEqual(pooled, plain);
    assert.equal(pooled?.providerID, (aksNode().spec as { providerID: string }).providerID);
    // Name, pool, labels, versions and the providerID's path, once each.
    const before = pool.size;
    projectNode(aksNode(), undefined, pool.intern);
    assert.equal(pool.size, before);
  });

  it('accepts Date timestamps as listed objects carry them', () => {
    const raw = aksNode();
    const conditions = (raw.status as { conditions: Record<string, unknown>[] }).conditions;
    conditions[3].lastTransitionTime = new Date('2024-05-14T09:24:51Z');
    const node = projectNode(raw);
    assert.equal(node?.readySince, Date.parse('2024-05-14T09:24:51Z'));
  });

  it('reports True problem conditions and NetworkUnavailable, not False ones', () => {
    const node = projectNode({
      metadata: { name: 'n' },
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'MemoryPressure', status: 'True' },
          { type: 'PIDPressure', status: 'False' },
          { type: 'NetworkUnavailable', status: 'True' },
        ],
      },
    });
    assert.equal(node?.ready, 'False');
    assert.deepEqual(node?.pressures, ['MemoryPressure', 'NetworkUnavailable']);
  });

  it('finds each reason auto-repair skips a node', () => {
    const withTaint = (key: string) => projectNode({ metadata: { name: 'n' }, spec: { taints: [{ key, effect: 'NoSchedule' }] } });
    assert.deepEqual(withTaint('node.cloudprovider.kubernetes.io/shutdown')?.skipReasons, [SKIP_REASONS.shutdown]);
    assert.deepEqual(withTaint('ToBeDeletedByClusterAutoscaler')?.skipReasons, [SKIP_REASONS.autoscalerDelete]);
    assert.deepEqual(withTaint('node.kubernetes.io/unreachable')?.skipReasons, []);

    const annotated = (annotations: Record<string, string>) => projectNode({ metadata: { name: 'n', annotations } })?.skipReasons;
    assert.deepEqual(annotated({
      'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true',
      'kubernetes.azure.com/azure-cluster-autoscaler-scale-down-disabled-reason': 'upgrade',
    }), [SKIP_REASONS.upgrade]);
    // Either annotation alone is not an upgrade.
    assert.deepEqual(annotated({ 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' }), []);
    assert.deepEqual(annotated({ 'kubernetes.azure.com/azure-cluster-autoscaler-scale-down-disabled-reason': 'upgrade' }), []);
    assert.deepEqual(annotated({
      'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true',
      'kubernetes.azure.com/azure-cluster-autoscaler-scale-down-disabled-reason': 'user',
    }), []);
  });

  it('reads cordoning and older label spellings', () => {
    const node = projectNode({ metadata: { name: 'n', labels: { agentpool: 'p2', 'beta.kubernetes.io/instance-type': 'X', 'failure-domain.beta.kubernetes.io/zone': '0' } }, spec: { unschedulable: true } });
    assert.equal(node?.unschedulable, true);
    assert.equal(node?.pool, 'p2');
    assert.equal(node?.instanceType, 'X');
    assert.equal(node?.zone, '0');
    assert.equal(node?.ready, 'Unknown');
  });

  it('never throws on malformed input and needs a name', () => {
    for (const bad of [undefined, null, 42, 'node', [], {}, { metadata: null }, { metadata: { name: '' } }, { metadata: { name: 7 } }, { metadata: [] }]) {
      assert.equal(projectNode(bad), undefined);
    }
    const odd = projectNode({
      metadata: { name: 'n', labels: 'nope', annotations: [1, 2], creationTimestamp: 'yesterday', resourceVersion: 5 },
      spec: { taints: 'x', unschedulable: 'true', providerID: {} },
      status: { conditions: [null, 3, { type: 'Ready', status: 'maybe', lastTransitionTime: {} }, { type: { evil: true }, status: 'True' }], nodeInfo: 'x' },
    });
    assert.deepEqual(odd, { name: 'n', ready: 'Unknown', pressures: [], unschedulable: false, skipReasons: [] });
    const throwing = { metadata: { name: 'n' }, get status(): never { throw new Error('boom'); } };
    assert.equal(projectNode(throwing), undefined);
  });

  it('caps long strings', () => {
    const node = projectNode({
      metadata: { name: 'n', labels: { 'kubernetes.azure.com/agentpool': 'p'.repeat(10_000) } },
      status: { conditions: [{ type: 'Ready', status: 'False', message: 'm'.repeat(100_000) }] },
    });
    assert.equal(node?.message?.length, 500);
    assert.ok((node?.pool?.length ?? 0) <= 128);
  });

  it('reads timestamps of every shape', () => {
    assert.equal(toEpochMs('2024-05-14T09:44:43.750Z'), Date.parse('2024-05-14T09:44:43.750Z'));
    assert.equal(toEpochMs(new Date(5)), 5);
    assert.equal(toEpochMs(new Date('nope')), undefined);
    assert.equal(toEpochMs('0001-01-01T00:00:00Z'), undefined);
    assert.equal(toEpochMs(null), undefined);
  });
});
