import type { ApiStandIn } from './apiServer';
import { aksNodeName } from './fixtures';
import { makeDaemonSet, makePod } from './podFixtures';
import type { KubeObject } from './tables';
import type { DisruptionBudget } from './workloads';

/**
 * The pods of the simulated cluster (simulatedCluster.ts), so a drain there plays out as on AKS:
 * DaemonSet pods on every node (skipped), a static pod's mirror on a system node (skipped), ReplicaSet
 * and StatefulSet pods that are evicted and come back elsewhere, a pod with an emptyDir, a finished
 * Job pod, an unmanaged pod, and on the NotReady nodes, whose kubelets are down, evictions that are
 * accepted but never complete and a pod whose PodDisruptionBudget refuses every eviction.
 */

const system = (i: number): string => aksNodeName('system', i);
const user = (i: number): string => aksNodeName('userpool', i);
const gpu = (i: number): string => aksNodeName('gpupool', i);

/** Pods a test can point at, by role. */
export const SIMULATED_PODS = {
  /** A static pod's mirror on system vmss000000. */
  mirror: { namespace: 'kube-system', name: `azure-policy-webhook-${system(0)}` },
  /** The web pod the noise events are about, on userpool vmss000000. */
  web: { namespace: 'shop', name: 'web-7d4b9c6f5-x2k8p' },
  /** A ReplicaSet pod with an emptyDir volume, on userpool vmss000000. */
  emptyDir: { namespace: 'shop', name: 'image-resizer-6c5d8f7b9-tq4wz' },
  /** A finished Job pod on userpool vmss000000. */
  finished: { namespace: 'shop', name: 'nightly-report-28941234-m5kx7' },
  /** An unmanaged pod (kubectl run) on userpool vmss000001. */
  unmanaged: { namespace: 'default', name: 'debug-shell' },
  /** On NotReady userpool vmss000003, covered by `checkout-pdb`, which refuses every eviction. */
  protectedByBudget: { namespace: 'shop', name: 'checkout-6f9c7d8b4-h8n2d' },
  /** The pending pod the FailedScheduling events are about (no node). */
  pending: { namespace: 'shop', name: 'checkout-6f9c7d8b4-qz7lm' },
} as const;

export const SIMULATED_BUDGET = 'checkout-pdb';

/** Nodes whose kubelet is down: the NotReady and Unknown ones. */
export const KUBELETS_DOWN = [user(3), user(5), gpu(0), gpu(1)];

export interface SimulatedWorkloads {
  daemonSets: KubeObject[];
  pods: KubeObject[];
  budgets: DisruptionBudget[];
  kubeletsDown: string[];
}

export function simulatedWorkloads(now = new Date()): SimulatedWorkloads {
  const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 60 * 60 * 1000);
  const allNodes = [system(0), system(1), system(2), ...[0, 1, 2, 3, 4, 5].map(user), gpu(0), gpu(1)];
  const pods: KubeObject[] = [];
  const rs = (namespace: string, name: string, node: string | undefined, extra: Partial<Parameters<typeof makePod>[0]> = {}): void => {
    pods.push(makePod({ namespace, node, owner: { kind: 'ReplicaSet', name }, started: hoursAgo(5), ...extra }));
  };

  for (const node of allNodes) {
    for (const ds of ['kube-proxy', 'csi-azuredisk-node']) {
      pods.push(makePod({ namespace: 'kube-system', node, owner: { kind: 'DaemonSet', name: ds }, started: hoursAgo(48) }));
    }
  }
  for (const node of [gpu(0), gpu(1)]) {
    pods.push(makePod({ namespace: 'kube-system', node, owner: { kind: 'DaemonSet', name: 'nvidia-device-plugin' }, started: hoursAgo(48) }));
  }
  pods.push(makePod({ ...SIMULATED_PODS.mirror, node: system(0), mirror: true, image: 'mcr.microsoft.com/azure-policy/policy-kubernetes-webhook:1.9.1', started: hoursAgo(48) }));

  rs('kube-system', 'coredns-6d8c7b9f4', system(0), { ordinal: 0, labels: { 'k8s-app': 'kube-dns' } });
  rs('kube-system', 'coredns-6d8c7b9f4', system(1), { ordinal: 1, labels: { 'k8s-app': 'kube-dns' } });
  rs('kube-system', 'metrics-server-5f8d9c7b6', system(1));
  rs('kube-system', 'metrics-server-5f8d9c7b6', system(2), { ordinal: 1 });
  rs('kube-system', 'konnectivity-agent-7c9f8d6b5', system(2));

  rs('shop', 'web-7d4b9c6f5', user(0), { name: SIMULATED_PODS.web.name });
  rs('shop', 'image-resizer-6c5d8f7b9', user(0), { name: SIMULATED_PODS.emptyDir.name, emptyDir: true });
  pods.push(makePod({ ...SIMULATED_PODS.finished, node: user(0), owner: { kind: 'Job', name: 'nightly-report-28941234' }, phase: 'Succeeded', started: hoursAgo(3) }));
  rs('shop', 'web-7d4b9c6f5', user(1), { ordinal: 1 });
  pods.push(makePod({ ...SIMULATED_PODS.unmanaged, node: user(1), image: 'mcr.microsoft.com/azurelinux/busybox:1.36', started: hoursAgo(1) }));
  pods.push(makePod({ namespace: 'shop', node: user(1), owner: { kind: 'StatefulSet', name: 'cache' }, ordinal: 0, started: hoursAgo(30) }));
  rs('shop', 'web-7d4b9c6f5', user(2), { ordinal: 2 });
  rs('shop', 'orders-5b7c9d8f6', user(2));
  rs('shop', 'checkout-6f9c7d8b4', user(3), { name: SIMULATED_PODS.protectedByBudget.name, labels: { app: 'checkout' } });
  rs('shop', 'web-7d4b9c6f5', user(3), { ordinal: 3 });
  pods.push(makePod({ namespace: 'shop', node: user(3), owner: { kind: 'StatefulSet', name: 'cache' }, ordinal: 1, started: hoursAgo(30) }));
  rs('shop', 'web-7d4b9c6f5', user(4), { ordinal: 4 });
  rs('shop', 'image-resizer-6c5d8f7b9', user(4), { ordinal: 1, emptyDir: true });
  rs('shop', 'orders-5b7c9d8f6', user(5), { ordinal: 1 });
  rs('shop', 'checkout-6f9c7d8b4', undefined, { name: SIMULATED_PODS.pending.name, labels: { app: 'checkout' } });
  pods.push(makePod({ namespace: 'ml', node: gpu(0), owner: { kind: 'StatefulSet', name: 'trainer' }, ordinal: 0, image: 'mcr.microsoft.com/aks/demo/trainer:2.1.0', started: hoursAgo(6) }));
  rs('ml', 'inference-8b6d5f9c7', gpu(1));

  const daemonSets = [
    makeDaemonSet('kube-system', 'kube-proxy', allNodes.length),
    makeDaemonSet('kube-system', 'csi-azuredisk-node', allNodes.length),
    makeDaemonSet('kube-system', 'nvidia-device-plugin', 2),
  ];
  const budgets: DisruptionBudget[] = [
    { namespace: 'shop', name: SIMULATED_BUDGET, matchLabels: { app: 'checkout' }, refusals: Infinity, needs: 2, has: 1 },
  ];
  return { daemonSets, pods, budgets, kubeletsDown: [...KUBELETS_DOWN] };
}

/** Puts the simulated workloads on a stand-in that holds the simulated nodes. */
export function loadSimulatedWorkloads(server: ApiStandIn, now = new Date()): void {
  const workloads = simulatedWorkloads(now);
  for (const ds of workloads.daemonSets) {
    server.upsertDaemonSet(ds);
  }
  for (const pod of workloads.pods) {
    server.upsertPod(pod);
  }
  for (const budget of workloads.budgets) {
    server.addDisruptionBudget(budget);
  }
  for (const node of workloads.kubeletsDown) {
    server.setKubeletDown(node);
  }
}
