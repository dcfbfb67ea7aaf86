import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ApiStandIn } from './apiServer';
import { aksNodeName, makeNode, makeNoiseEvent, makeRepairEvent } from './fixtures';
import { loadSimulatedWorkloads } from './simulatedWorkloads';
import type { KubeObject } from './tables';

/**
 * A small AKS cluster on the API stand-in, for manual runs (runSimulatedCluster.ts), screenshots and
 * end-to-end tests: three pools, unhealthy nodes, repair sequences in all three error formats,
 * noise events, pods to drain (simulatedWorkloads.ts), and optionally a repair that plays out live.
 */

export const SIMULATED_CONTEXT = 'aks-demo-westeurope';
export const SIMULATED_CLUSTER = 'aks-demo';
export const SIMULATED_USER = 'clusterUser_rg-aks-demo_aks-demo';

export interface SimulatedClusterOptions {
  /** Where to write the kubeconfig. Default: a new temp directory. */
  kubeconfigPath?: string;
  /** Play a repair sequence over about 80 seconds (see LIVE_SCRIPT). */
  live?: boolean;
  /** Multiplies the live script's delays (0.05 plays it in about 4 seconds). Default 1. */
  liveTimeScale?: number;
  port?: number;
  token?: string;
  log?: (line: string) => void;
  /** How long an evicted pod stays Terminating on a node whose kubelet is up. Default 1500 ms. */
  podTerminationMs?: number;
}

export interface SimulatedCluster {
  server: ApiStandIn;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/** The node the live script repairs. */
export const LIVE_NODE = aksNodeName('userpool', 4);

/** Nodes and their state in the simulated cluster, by name. */
export const SIMULATED_NODES = {
  systemHealthy: [aksNodeName('system', 0), aksNodeName('system', 1), aksNodeName('system', 2)],
  userNotReady: [aksNodeName('userpool', 3), aksNodeName('userpool', 5)],
  gpuUnknown: aksNodeName('gpupool', 0),
  gpuShutdownTainted: aksNodeName('gpupool', 1),
} as const;

const minutes = (n: number): number => n * 60 * 1000;

export function simulatedNodes(now = new Date()): KubeObject[] {
  const at = (msAgo: number): Date => new Date(now.getTime() - msAgo);
  const nodes: KubeObject[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(makeNode({ name: aksNodeName('system', i), pool: 'system', ready: 'True', since: at(minutes(60 * 24 * 2)) }));
  }
  for (let i = 0; i < 6; i++) {
    const name = aksNodeName('userpool', i);
    const notReadySince: Record<number, Date> = { 3: at(minutes(40)), 5: at(minutes(35)) };
    nodes.push(makeNode({
      name, pool: 'userpool',
      ready: notReadySince[i] ? 'False' : 'True',
      since: notReadySince[i] ?? at(minutes(60 * 5)),
      taints: notReadySince[i] ? [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: notReadySince[i].toISOString().replace(/\.\d+Z$/, 'Z') },
      ] : undefined,
    }));
  }
  nodes.push(makeNode({
    name: SIMULATED_NODES.gpuUnknown, pool: 'gpupool', ready: 'Unknown', since: at(minutes(18)),
    taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
  }));
  nodes.push(makeNode({
    name: SIMULATED_NODES.gpuShutdownTainted, pool: 'gpupool', ready: 'False', since: at(minutes(22)),
    taints: [
      { key: 'node.cloudprovider.kubernetes.io/shutdown', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' },
    ],
  }));
  return nodes;
}

export function simulatedEvents(now = new Date()): KubeObject[] {
  const at = (msAgo: number): Date => new Date(now.getTime() - msAgo);
  const u3 = aksNodeName('userpool', 3);
  const u5 = aksNodeName('userpool', 5);
  const u1 = aksNodeName('userpool', 1);
  const u2 = aksNodeName('userpool', 2);
  const s1 = aksNodeName('system', 1);
  const g0 = SIMULATED_NODES.gpuUnknown;
  const g1 = SIMULATED_NODES.gpuShutdownTainted;
  return [
    // userpool vmss000003: reboot, then reimage, which fails on the bootstrap extension (format 1).
    makeNoiseEvent({ reason: 'NodeNotReady', node: u3, at: at(minutes(40)) }),
    makeRepairEvent({ node: u3, reason: 'NodeRebootStart', at: at(minutes(30)) }),
    makeRepairEvent({ node: u3, reason: 'NodeRebootEnd', at: new Date(at(minutes(30)).getTime() + 180) }),
    makeRepairEvent({ node: u3, reason: 'NodeReimageStart', at: at(minutes(25)), learnMore: true }),
    makeRepairEvent({ node: u3, reason: 'NodeReimageEnd', at: new Date(at(minutes(25)).getTime() + 240) }),
    makeRepairEvent({ node: u3, reason: 'NodeReimageError', at: new Date(at(minutes(25)).getTime() + 900), format: 1, code: 'VMExtensionProvisioningError' }),

    // userpool vmss000005: the full sequence; redeploy errors after its End, with no code (format 3).
    makeNoiseEvent({ reason: 'NodeNotReady', node: u5, at: at(minutes(35)) }),
    makeRepairEvent({ node: u5, reason: 'NodeRebootStart', at: at(minutes(25)) }),
    makeRepairEvent({ node: u5, reason: 'NodeRebootEnd', at: new Date(at(minutes(25)).getTime() + 150) }),
    makeRepairEvent({ node: u5, reason: 'NodeReimageStart', at: at(minutes(20)) }),
    makeRepairEvent({ node: u5, reason: 'NodeReimageEnd', at: new Date(at(minutes(20)).getTime() + 200) }),
    makeRepairEvent({ node: u5, reason: 'NodeRedeployStart', at: at(minutes(15)) }),
    makeRepairEvent({ node: u5, reason: 'NodeRedeployEnd', at: new Date(at(minutes(15)).getTime() + 300) }),
    makeRepairEvent({ node: u5, reason: 'NodeRedeployError', at: new Date(at(minutes(15)).getTime() + 750), format: 3 }),

    // gpupool vmss000000 (Unknown): reboot fails on a machine that is gone (format 2).
    makeNoiseEvent({ reason: 'NodeNotReady', node: g0, at: at(minutes(18)) }),
    makeRepairEvent({ node: g0, reason: 'NodeRebootStart', at: at(minutes(8)) }),
    makeRepairEvent({ node: g0, reason: 'NodeRebootError', at: new Date(at(minutes(8)).getTime() + 2_000), format: 2, code: 'InvalidParameter' }),

    // gpupool vmss000001 carries the shutdown taint: auto-repair leaves it alone.
    makeNoiseEvent({ reason: 'NodeNotReady', node: g1, at: at(minutes(22)) }),

    // system vmss000001: repaired earlier, repeated starts (count 2), redeploy refused by quota.
    makeRepairEvent({ node: s1, reason: 'NodeRebootStart', at: at(minutes(52)), count: 2 }),
    makeRepairEvent({ node: s1, reason: 'NodeRebootEnd', at: new Date(at(minutes(52)).getTime() + 200), count: 2 }),
    makeRepairEvent({ node: s1, reason: 'NodeRedeployError', at: at(minutes(47)), format: 1, code: 'TooManyVMRedeploymentRequests' }),
    makeNoiseEvent({ reason: 'NodeReady', node: s1, at: at(minutes(44)) }),

    // userpool vmss000001: a code this extension has never heard of (format 2).
    makeRepairEvent({ node: u1, reason: 'NodeReimageStart', at: at(minutes(21)) }),
    makeRepairEvent({ node: u1, reason: 'NodeReimageError', at: new Date(at(minutes(21)).getTime() + 1_500), format: 2, code: 'SomeNewAksError' }),

    // userpool vmss000002: a message carrying markup, to prove every view escapes it.
    makeRepairEvent({
      node: u2, reason: 'NodeRebootError', at: at(minutes(12)),
      message: 'Node auto-repair reboot action failed due to an operation failure: OutboundConnectivityNotEnabledOnVMSS <img src=x onerror=alert(1)><b>bold</b>',
    }),

    // Noise that is not auto-repair's.
    makeNoiseEvent({ reason: 'RegisteredNode', node: aksNodeName('userpool', 0), at: at(minutes(55)) }),
    makeNoiseEvent({ reason: 'Starting', node: aksNodeName('userpool', 0), at: at(minutes(55)) }),
    makeNoiseEvent({ reason: 'FailedScheduling', namespace: 'shop', pod: 'checkout-6f9c7d8b4-qz7lm', at: at(minutes(6)), count: 7 }),
    makeNoiseEvent({ reason: 'Pulled', namespace: 'shop', pod: 'web-7d4b9c6f5-x2k8p', node: aksNodeName('userpool', 0), at: at(minutes(9)) }),
    makeNoiseEvent({ reason: 'BackOff', namespace: 'shop', pod: 'web-7d4b9c6f5-x2k8p', node: aksNodeName('userpool', 0), at: at(minutes(4)), count: 12 }),
  ];
}

interface LiveStep {
  /** Seconds after start, before time scaling. */
  at: number;
  run(server: ApiStandIn, now: Date): void;
}

/** A healthy node goes NotReady, is rebooted, then reimaged, and the reimage fails on outbound access. */
export const LIVE_SCRIPT: LiveStep[] = [
  {
    at: 5,
    run: (server, now) => {
      server.upsertNode(makeNode({
        name: LIVE_NODE, pool: 'userpool', ready: 'False', since: now,
        taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }],
      }));
      server.upsertEvent(makeNoiseEvent({ reason: 'NodeNotReady', node: LIVE_NODE, at: now }));
      server.setKubeletDown(LIVE_NODE);
    },
  },
  { at: 20, run: (server, now) => { server.upsertEvent(makeRepairEvent({ node: LIVE_NODE, reason: 'NodeRebootStart', at: now })); } },
  { at: 20.3, run: (server, now) => { server.upsertEvent(makeRepairEvent({ node: LIVE_NODE, reason: 'NodeRebootEnd', at: now })); } },
  { at: 50, run: (server, now) => { server.upsertEvent(makeRepairEvent({ node: LIVE_NODE, reason: 'NodeReimageStart', at: now })); } },
  {
    at: 80,
    run: (server, now) => {
      server.upsertEvent(makeRepairEvent({
        node: LIVE_NODE, reason: 'NodeReimageError', at: now, format: 1, code: 'OutboundConnectivityNotEnabledOnVMSS',
      }));
    },
  },
];

export async function startSimulatedCluster(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
  const server = await ApiStandIn.start({
    port: options.port, token: options.token, log: options.log, podTerminationMs: options.podTerminationMs ?? 1500,
  });
  const now = new Date();
  for (const node of simulatedNodes(now)) {
    server.upsertNode(node);
  }
  for (const event of simulatedEvents(now)) {
    server.upsertEvent(event);
  }
  loadSimulatedWorkloads(server, now);

  const kubeconfigPath = options.kubeconfigPath
    ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-demo-')), 'kubeconfig');
  fs.mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
  fs.writeFileSync(kubeconfigPath, server.kubeconfig({
    contextName: SIMULATED_CONTEXT, clusterName: SIMULATED_CLUSTER, userName: SIMULATED_USER,
  }), { mode: 0o600 });

  const timers: NodeJS.Timeout[] = [];
  if (options.live) {
    const scale = options.liveTimeScale ?? 1;
    for (const step of LIVE_SCRIPT) {
      const t = setTimeout(() => step.run(server, new Date()), step.at * 1000 * scale);
      t.unref();
      timers.push(t);
    }
  }

  return {
    server,
    kubeconfigPath,
    stop: async () => {
      for (const t of timers) {
        clearTimeout(t);
      }
      await server.stop();
    },
  };
}
