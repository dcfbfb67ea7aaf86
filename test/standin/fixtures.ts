import { createHash } from 'node:crypto';

import type { KubeObject } from './tables';

/**
 * Builders for realistic AKS objects as JSON (V1Node- and CoreV1Event-shaped plain objects,
 * timestamps as RFC 3339 strings), the way an AKS API server returns them.
 */

export const SUBSCRIPTION_ID = '3f2c8a1e-6b7d-4c59-9e0f-2a4b6c8d0e1f';
export const NODE_RESOURCE_GROUP = 'MC_rg-aks-demo_aks-demo_westeurope';
export const KUBELET_VERSION = 'v1.31.5';
export const NODE_IMAGE = 'AKSUbuntu-2204gen2containerd-202501.12.0';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface NodeOptions {
  /** e.g. `aks-userpool-12345678-vmss000003`. */
  name: string;
  /** Agent pool; default: parsed from the name (`aks-<pool>-<id>-vmss...`), else `nodepool1`. */
  pool?: string;
  ready?: ConditionStatus;
  /** When the Ready condition last changed. Default: one hour ago. */
  since?: Date;
  /** Last heartbeat. Default: now for Ready/NotReady, `since` for Unknown (the kubelet stopped posting). */
  heartbeat?: Date;
  created?: Date;
  taints?: NodeTaint[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  unschedulable?: boolean;
  zone?: string;
  instanceType?: string;
  /** Roughly 10 KB, like a real AKS node: many cached images, more labels and annotations. */
  bulk?: boolean;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `aks-userpool-12345678-vmss00000a` → `{ pool: 'userpool', id: '12345678', instance: 10 }`. */
export function parseAksNodeName(name: string): { pool: string; id: string; instance: number } | undefined {
  const m = /^aks-([a-z0-9]+)-(\d+)-vmss([0-9a-z]{6})$/.exec(name);
  return m ? { pool: m[1], id: m[2], instance: Number.parseInt(m[3], 36) } : undefined;
}

/** The VMSS node name for instance `n` of a pool: instance ids are base 36, six digits. */
export function aksNodeName(pool: string, instance: number, id = '12345678'): string {
  return `aks-${pool}-${id}-vmss${instance.toString(36).padStart(6, '0')}`;
}

function condition(type: string, status: ConditionStatus, reason: string, message: string, since: Date, heartbeat: Date): object {
  return { type, status, reason, message, lastHeartbeatTime: iso(heartbeat), lastTransitionTime: iso(since) };
}

function fakeDigest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export function makeNode(options: NodeOptions): KubeObject {
  const parsed = parseAksNodeName(options.name);
  const pool = options.pool ?? parsed?.pool ?? 'nodepool1';
  const id = parsed?.id ?? '12345678';
  const instance = parsed?.instance ?? 0;
  const ready = options.ready ?? 'True';
  const now = new Date();
  const since = options.since ?? new Date(now.getTime() - 60 * 60 * 1000);
  const created = options.created ?? new Date(Math.min(since.getTime(), now.getTime()) - 3 * 24 * 60 * 60 * 1000);
  const heartbeat = options.heartbeat ?? (ready === 'Unknown' ? since : now);
  const zoneNumber = (instance % 3) + 1;
  const zone = options.zone ?? `westeurope-${zoneNumber}`;
  const instanceType = options.instanceType ?? (pool.startsWith('gpu') ? 'Standard_NC6s_v3' : pool === 'system' ? 'Standard_D4ds_v5' : 'Standard_D8ds_v5');
  const mode = pool === 'system' ? 'system' : 'user';
  const vmss = `aks-${pool}-${id}-vmss`;
  const internalIp = `10.224.0.${4 + instance + (pool.length * 7) % 50}`;

  const labels: Record<string, string> = {
    agentpool: pool,
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': instanceType,
    'beta.kubernetes.io/os': 'linux',
    'failure-domain.beta.kubernetes.io/region': 'westeurope',
    'failure-domain.beta.kubernetes.io/zone': zone,
    'kubernetes.azure.com/agentpool': pool,
    'kubernetes.azure.com/cluster': NODE_RESOURCE_GROUP,
    'kubernetes.azure.com/consolidated-additional-properties': fakeDigest(pool).slice(0, 36),
    'kubernetes.azure.com/kubelet-identity-client-id': '6a1c3e5f-7b9d-4f02-8e4a-c6e8a0b2d4f6',
    'kubernetes.azure.com/mode': mode,
    'kubernetes.azure.com/node-image-version': NODE_IMAGE,
    'kubernetes.azure.com/nodepool-type': 'VirtualMachineScaleSets',
    'kubernetes.azure.com/os-sku': 'Ubuntu',
    'kubernetes.azure.com/role': 'agent',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': options.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': instanceType,
    'topology.disk.csi.azure.com/zone': zone,
    'topology.kubernetes.io/region': 'westeurope',
    'topology.kubernetes.io/zone': zone,
    ...(pool.startsWith('gpu') ? { accelerator: 'nvidia', 'kubernetes.azure.com/accelerator': 'nvidia' } : {}),
    ...options.labels,
  };
  const annotations: Record<string, string> = {
    'csi.volume.kubernetes.io/nodeid': JSON.stringify({ 'disk.csi.azure.com': options.name, 'file.csi.azure.com': options.name }),
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    ...options.annotations,
  };

  const pressure = (type: string, okReason: string, okMessage: string): object =>
    ready === 'Unknown'
      ? condition(type, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', since, heartbeat)
      : condition(type, 'False', okReason, okMessage, created, heartbeat);
  const readyCondition = ready === 'True'
    ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', since, heartbeat)
    : ready === 'False'
      ? condition('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized', since, heartbeat)
      : condition('Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', since, heartbeat);

  const conditions: object[] = [
    condition('NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route', created, created),
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    readyCondition,
  ];
  if (options.bulk) {
    // Node problem detector conditions, as AKS nodes carry them.
    for (const [type, reason, message] of [
      ['KernelDeadlock', 'KernelHasNoDeadlock', 'kernel has no deadlock'],
      ['ReadonlyFilesystem', 'FilesystemIsNotReadOnly', 'Filesystem is not read-only'],
      ['FrequentKubeletRestart', 'NoFrequentKubeletRestart', 'kubelet is functioning properly'],
      ['FrequentDockerRestart', 'NoFrequentDockerRestart', 'docker is functioning properly'],
      ['FrequentContainerdRestart', 'NoFrequentContainerdRestart', 'containerd is functioning properly'],
      ['FilesystemCorruptionProblem', 'FilesystemIsOK', 'Filesystem is healthy'],
      ['KubeletProblem', 'KubeletIsUp', 'kubelet service is up'],
      ['ContainerRuntimeProblem', 'ContainerRuntimeIsUp', 'container runtime service is up'],
      ['VMEventScheduled', 'NoVMEventScheduled', 'VM has no scheduled event'],
      ['FrequentUnregisterNetDevice', 'NoFrequentUnregisterNetDevice', 'node is functioning properly'],
    ] as const) {
      conditions.unshift(condition(type, 'False', reason, message, created, heartbeat));
    }
  }

  const images: object[] = [];
  const imageCount = options.bulk ? 40 : 4;
  const repos = ['mcr.microsoft.com/oss/kubernetes/kube-proxy', 'mcr.microsoft.com/containernetworking/azure-cns',
    'mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi', 'mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi',
    'mcr.microsoft.com/oss/kubernetes/coredns', 'mcr.microsoft.com/oss/kubernetes/pause',
    'mcr.microsoft.com/azuremonitor/containerinsights/ciprod', 'mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent'];
  for (let i = 0; i < imageCount; i++) {
    const repo = repos[i % repos.length];
    const tag = `v1.${i % 7}.${i}`;
    images.push({ names: [`${repo}@sha256:${fakeDigest(`${repo}${i}`)}`, `${repo}:${tag}`], sizeBytes: 10_000_000 + i * 1_234_567 });
  }
  if (options.bulk) {
    for (let i = 0; i < 12; i++) {
      labels[`kubernetes.azure.com/extra-${i}`] = `value-${i}`;
    }
    annotations['node.alpha.kubernetes.io/ttl'] = '0';
    annotations['kubernetes.azure.com/node-image-history'] = Array.from({ length: 6 }, (_, i) => `AKSUbuntu-2204gen2containerd-2024${String(i + 1).padStart(2, '0')}.01.0`).join(',');
  }

  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: options.name,
      uid: uuidFrom(`node:${options.name}`),
      creationTimestamp: iso(created),
      labels,
      annotations,
    },
    spec: {
      podCIDR: `10.244.${instance}.0/24`,
      podCIDRs: [`10.244.${instance}.0/24`],
      providerID: `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${instance}`,
      ...(options.taints && options.taints.length > 0 ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      addresses: [{ type: 'InternalIP', address: internalIp }, { type: 'Hostname', address: options.name }],
      allocatable: { cpu: '7820m', 'ephemeral-storage': '119703055367', memory: '28890900Ki', pods: '110', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
      capacity: { cpu: '8', 'ephemeral-storage': '129886128Ki', memory: '32864532Ki', pods: '110', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
      conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images,
      nodeInfo: {
        architecture: 'amd64',
        bootID: uuidFrom(`boot:${options.name}`),
        containerRuntimeVersion: 'containerd://1.7.25-1',
        kernelVersion: '5.15.0-1079-azure',
        kubeProxyVersion: KUBELET_VERSION,
        kubeletVersion: KUBELET_VERSION,
        machineID: fakeDigest(`machine:${options.name}`).slice(0, 32),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.5 LTS',
        systemUUID: uuidFrom(`system:${options.name}`),
      },
    },
  };
  return node;
}

/** A stable UUID-shaped id derived from a seed, so fixtures are reproducible. */
export function uuidFrom(seed: string): string {
  const h = fakeDigest(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type RepairAction = 'reboot' | 'reimage' | 'redeploy';
export type RepairPhase = 'Start' | 'End' | 'Error';
export type RepairReason =
  | 'NodeRebootStart' | 'NodeRebootEnd' | 'NodeRebootError'
  | 'NodeReimageStart' | 'NodeReimageEnd' | 'NodeReimageError'
  | 'NodeRedeployStart' | 'NodeRedeployEnd' | 'NodeRedeployError';

export interface RepairEventOptions {
  node: string;
  reason: RepairReason;
  /** Overrides the generated message. */
  message?: string;
  at: Date;
  /** >1 makes firstTimestamp earlier than lastTimestamp (a repeated event). */
  count?: number;
  /** Error message format: 1 `...failure: CODE`, 2 `...See error details here: CODE`, 3 no code. Default 1. */
  format?: 1 | 2 | 3;
  /** Error code for formats 1 and 2. Default VMExtensionProvisioningError. */
  code?: string;
  /** Adds the `Learn more: aka.ms/aks/node-auto-repair` suffix to Start/End messages. */
  learnMore?: boolean;
  namespace?: string;
  name?: string;
  nodeUid?: string;
}

export function repairReasonParts(reason: RepairReason): { action: RepairAction; phase: RepairPhase } {
  const m = /^Node(Reboot|Reimage|Redeploy)(Start|End|Error)$/.exec(reason);
  if (!m) {
    throw new Error(`not a repair reason: ${reason}`);
  }
  return { action: m[1].toLowerCase() as RepairAction, phase: m[2] as RepairPhase };
}

export function repairMessage(reason: RepairReason, options: { format?: 1 | 2 | 3; code?: string; learnMore?: boolean } = {}): string {
  const { action, phase } = repairReasonParts(reason);
  const suffix = options.learnMore ? ' Learn more: aka.ms/aks/node-auto-repair' : '';
  switch (phase) {
    case 'Start':
      return `Node auto-repair is initiating a ${action} action due to NotReady status persisting for more than five minutes.${suffix}`;
    case 'End':
      return `${action[0].toUpperCase()}${action.slice(1)} action from node auto-repair has completed.${suffix}`;
    case 'Error': {
      const code = options.code ?? 'VMExtensionProvisioningError';
      switch (options.format ?? 1) {
        case 1: return `Node auto-repair ${action} action failed due to an operation failure: ${code}`;
        case 2: return `Node auto-repair ${action} action failed due to an operation failure. See error details here: ${code}`;
        case 3: return `Node auto-repair ${action} action failed due to an operation failure. Learn more: aka.ms/aks/node-auto-repair-errors`;
      }
    }
  }
}

let eventSequence = 0;

/** Event names are `<object name>.<hex>`, as the Kubernetes event recorder makes them. */
function eventName(objectName: string, at: Date): string {
  eventSequence++;
  return `${objectName}.${(at.getTime() * 1_000_000 + eventSequence).toString(16)}`;
}

export function makeRepairEvent(options: RepairEventOptions): KubeObject {
  const { phase } = repairReasonParts(options.reason);
  const count = options.count ?? 1;
  const first = count > 1 ? new Date(options.at.getTime() - (count - 1) * 5 * 60 * 1000) : options.at;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: options.name ?? eventName(options.node, options.at),
      namespace: options.namespace ?? 'default',
      creationTimestamp: iso(first),
    },
    involvedObject: { kind: 'Node', apiVersion: 'v1', name: options.node, uid: options.nodeUid ?? uuidFrom(`node:${options.node}`) },
    reason: options.reason,
    message: options.message ?? repairMessage(options.reason, options),
    source: { component: 'aks-auto-repair' },
    firstTimestamp: iso(first),
    lastTimestamp: iso(options.at),
    count,
    type: phase === 'Error' ? 'Warning' : 'Normal',
    eventTime: null,
    reportingComponent: 'aks-auto-repair',
    reportingInstance: '',
  };
}

export type NoiseReason = 'NodeNotReady' | 'RegisteredNode' | 'NodeReady' | 'Starting' | 'Pulled' | 'FailedScheduling' | 'BackOff' | 'DeletingNode';

export interface NoiseEventOptions {
  reason: NoiseReason;
  at: Date;
  /** Node name for node events (and the host of pod events). */
  node?: string;
  /** Pod name for pod events. Default `web-7d4b9c6f5-x2k8p`. */
  pod?: string;
  namespace?: string;
  message?: string;
  count?: number;
}

/** Events that are not auto-repair's: node-controller and kubelet node events, scheduler and kubelet pod events. */
export function makeNoiseEvent(options: NoiseEventOptions): KubeObject {
  const node = options.node ?? aksNodeName('userpool', 0);
  const pod = options.pod ?? 'web-7d4b9c6f5-x2k8p';
  const count = options.count ?? 1;
  const first = count > 1 ? new Date(options.at.getTime() - (count - 1) * 60 * 1000) : options.at;
  const nodeObject = { kind: 'Node', apiVersion: 'v1', name: node, uid: uuidFrom(`node:${node}`) };
  const podNamespace = options.namespace ?? 'default';
  const podObject = { kind: 'Pod', apiVersion: 'v1', namespace: podNamespace, name: pod, uid: uuidFrom(`pod:${podNamespace}/${pod}`) };
  const spec: Record<NoiseReason, { object: object; component: string; host?: string; type: string; message: string; ns: string }> = {
    NodeNotReady: { object: nodeObject, component: 'node-controller', type: 'Normal', message: `Node ${node} status is now: NodeNotReady`, ns: 'default' },
    NodeReady: { object: nodeObject, component: 'kubelet', host: node, type: 'Normal', message: `Node ${node} status is now: NodeReady`, ns: 'default' },
    RegisteredNode: { object: nodeObject, component: 'node-controller', type: 'Normal', message: `Node ${node} event: Registered Node ${node} in Controller`, ns: 'default' },
    Starting: { object: nodeObject, component: 'kubelet', host: node, type: 'Normal', message: 'Starting kubelet.', ns: 'default' },
    DeletingNode: { object: nodeObject, component: 'cloud-node-lifecycle-controller', type: 'Normal', message: `Deleting node ${node} because it does not exist in the cloud provider`, ns: 'default' },
    Pulled: { object: { ...podObject, fieldPath: 'spec.containers{web}' }, component: 'kubelet', host: node, type: 'Normal', message: 'Container image "mcr.microsoft.com/azurelinux/base/nginx:1.25" already present on machine', ns: podNamespace },
    BackOff: { object: { ...podObject, fieldPath: 'spec.containers{web}' }, component: 'kubelet', host: node, type: 'Warning', message: 'Back-off restarting failed container web in pod ' + pod, ns: podNamespace },
    FailedScheduling: { object: podObject, component: 'default-scheduler', type: 'Warning', message: '0/11 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 9 Insufficient cpu. preemption: 0/11 nodes are available: 11 No preemption victims found for incoming pod.', ns: podNamespace },
  };
  const s = spec[options.reason];
  const objectName = (s.object as { name: string }).name;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(objectName, options.at), namespace: s.ns, creationTimestamp: iso(first) },
    involvedObject: s.object,
    reason: options.reason,
    message: options.message ?? s.message,
    source: s.host ? { component: s.component, host: s.host } : { component: s.component },
    firstTimestamp: iso(first),
    lastTimestamp: iso(options.at),
    count,
    type: s.type,
    eventTime: null,
    reportingComponent: s.component,
    reportingInstance: s.host ?? '',
  };
}
