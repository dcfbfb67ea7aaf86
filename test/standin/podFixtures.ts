import { createHash } from 'node:crypto';

import { uuidFrom } from './fixtures';
import type { KubeObject } from './tables';

/**
 * Builders for pods and DaemonSets as an AKS API server returns them: owner references the
 * controllers set, the mirror-pod annotations the kubelet sets, the service-account volume every
 * pod gets, and the tolerations the admission plugins add.
 */

export type PodOwnerKind = 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Job';

export interface PodOptions {
  namespace: string;
  /** Default: made from the owner (`web-7d4b9c6f5-x2k8p`, `kube-proxy-k4x9z`, `cache-0`). */
  name?: string;
  /** The node it is bound to; absent for a pending pod. */
  node?: string;
  /** The controller; absent for an unmanaged pod (`kubectl run`). */
  owner?: { kind: PodOwnerKind; name: string };
  /** A static pod's mirror (kubelet annotations, owned by its node). */
  mirror?: boolean;
  /** Mounts an emptyDir volume (`kubectl drain` needs --delete-emptydir-data). */
  emptyDir?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  labels?: Record<string, string>;
  image?: string;
  started?: Date;
  /** StatefulSet ordinal, or a seed that makes the generated suffix differ. */
  ordinal?: number;
  terminationGracePeriodSeconds?: number;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kubernetes' generated-name alphabet (no vowels, no 0/1/3). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[digest[i] % ALPHABET.length];
  }
  return out;
}

/** The generated name of a pod of this owner on this node. */
export function podName(owner: { kind: PodOwnerKind; name: string }, node: string | undefined, ordinal = 0): string {
  switch (owner.kind) {
    case 'StatefulSet': return `${owner.name}-${ordinal}`;
    case 'ReplicaSet': return `${owner.name}-${suffix(`${owner.name}/${node ?? ''}/${ordinal}`, 5)}`;
    default: return `${owner.name}-${suffix(`${owner.kind}/${owner.name}/${node ?? ''}/${ordinal}`, 5)}`;
  }
}

export function makePod(options: PodOptions): KubeObject {
  const started = options.started ?? new Date(Date.now() - 3 * 60 * 60 * 1000);
  const name = options.name
    ?? (options.mirror ? `static-${options.node ?? 'pod'}` : options.owner ? podName(options.owner, options.node, options.ordinal) : `pod-${suffix(String(options.ordinal ?? 0), 5)}`);
  const phase = options.phase ?? (options.node ? 'Running' : 'Pending');
  // The container is named after the workload: a ReplicaSet's name without its pod-template hash.
  const container = (options.owner ? options.owner.name.replace(/-[a-z0-9]{8,10}$/, '') : name.replace(/^static-.*/, 'static')).slice(0, 40);
  const image = options.image ?? `mcr.microsoft.com/aks/demo/${container}:1.4.2`;
  const uid = uuidFrom(`pod:${options.namespace}/${name}:${options.node ?? ''}`);
  const ownerReferences: object[] = [];
  if (options.owner) {
    ownerReferences.push({
      apiVersion: options.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: options.owner.kind, name: options.owner.name,
      uid: uuidFrom(`${options.owner.kind}:${options.namespace}/${options.owner.name}`), controller: true, blockOwnerDeletion: true,
    });
  } else if (options.mirror && options.node) {
    ownerReferences.push({ apiVersion: 'v1', kind: 'Node', name: options.node, uid: uuidFrom(`node:${options.node}`), controller: true });
  }
  const annotations: Record<string, string> = {};
  if (options.mirror) {
    const hash = createHash('md5').update(name).digest('hex');
    annotations['kubernetes.io/config.hash'] = hash;
    annotations['kubernetes.io/config.mirror'] = hash;
    annotations['kubernetes.io/config.seen'] = started.toISOString();
    annotations['kubernetes.io/config.source'] = 'file';
  }
  const volumes: object[] = [{
    name: `kube-api-access-${suffix(name, 5)}`,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  }];
  if (options.emptyDir) {
    volumes.push({ name: 'scratch', emptyDir: {} });
  }
  const terminated = phase === 'Succeeded' || phase === 'Failed';
  const running = phase === 'Running';
  const podIp = options.node ? `10.244.${parseInt(suffix(options.node, 1), 36) % 16}.${2 + (parseInt(uid.slice(0, 2), 16) % 250)}` : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: options.namespace, uid,
      creationTimestamp: iso(started),
      labels: { app: container, ...options.labels },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
    },
    spec: {
      containers: [{
        name: container, image, imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        volumeMounts: [
          { name: (volumes[0] as { name: string }).name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
          ...(options.emptyDir ? [{ name: 'scratch', mountPath: '/scratch' }] : []),
        ],
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      ...(options.node ? { nodeName: options.node } : {}),
      restartPolicy: options.owner?.kind === 'Job' ? 'Never' : 'Always',
      terminationGracePeriodSeconds: options.terminationGracePeriodSeconds ?? 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      securityContext: {},
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: options.owner?.kind === 'DaemonSet' || options.mirror ? 2000001000 : 0,
      ...(options.owner?.kind === 'DaemonSet' || options.mirror ? { priorityClassName: 'system-node-critical' } : {}),
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', ...(options.owner?.kind === 'DaemonSet' ? {} : { tolerationSeconds: 300 }) },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(options.owner?.kind === 'DaemonSet' ? {} : { tolerationSeconds: 300 }) },
      ],
      volumes,
    },
    status: {
      phase,
      ...(options.node ? { hostIP: '10.224.0.4', podIP: podIp, podIPs: [{ ip: podIp }], startTime: iso(started) } : {}),
      qosClass: 'Burstable',
      conditions: [
        { type: 'PodScheduled', status: options.node ? 'True' : 'False', lastTransitionTime: iso(started) },
        ...(options.node ? [
          { type: 'Initialized', status: 'True', lastTransitionTime: iso(started) },
          { type: 'Ready', status: running ? 'True' : 'False', lastTransitionTime: iso(started), ...(terminated ? { reason: 'PodCompleted' } : {}) },
          { type: 'ContainersReady', status: running ? 'True' : 'False', lastTransitionTime: iso(started), ...(terminated ? { reason: 'PodCompleted' } : {}) },
        ] : []),
      ],
      ...(options.node ? {
        containerStatuses: [{
          name: container, image, imageID: `${image.split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`,
          ready: running, restartCount: 0, started: running,
          state: terminated
            ? { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: iso(started), finishedAt: iso(started) } }
            : running ? { running: { startedAt: iso(started) } } : { waiting: { reason: 'ContainerCreating' } },
          containerID: `containerd://${createHash('sha256').update(uid).digest('hex')}`,
        }],
      } : {}),
    },
  };
}

/** A DaemonSet whose status counts `nodes` scheduled and ready pods. */
export function makeDaemonSet(namespace: string, name: string, nodes: number, created = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000)): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name, namespace, uid: uuidFrom(`DaemonSet:${namespace}/${name}`), generation: 1,
      creationTimestamp: iso(created), labels: { component: name, tier: 'node' },
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `mcr.microsoft.com/oss/kubernetes/${name}:v1.31.5` }], nodeSelector: { 'kubernetes.io/os': 'linux' } },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
    status: {
      currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberAvailable: nodes, numberMisscheduled: 0,
      numberReady: nodes, observedGeneration: 1, updatedNumberScheduled: nodes,
    },
  };
}
