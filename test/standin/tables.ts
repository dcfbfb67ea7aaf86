/**
 * Server-side printing: `kubectl get` asks for `application/json;as=Table;g=meta.k8s.io` and prints the
 * columns the server chose. Without it kubectl would only show NAME and AGE, so the stand-in
 * renders the same columns the real API server does for nodes, events and namespaces.
 */

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A Kubernetes object as JSON on the wire: timestamps are strings. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type TableRowObjectMode = 'None' | 'Metadata' | 'Object';

/** Reads a dotted path (`involvedObject.kind`) from a JSON object. */
export function pathValue(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** Kubernetes' `duration.HumanDuration`, the AGE column's format. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) {
    return '<invalid>';
  }
  if (seconds < 0) {
    return '0s';
  }
  if (seconds < 60 * 2) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) {
    return `${hours}h`;
  }
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) {
    return `${Math.floor(hours / 24)}d`;
  }
  if (hours < 24 * 365 * 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || timestamp === '') {
    return '<unknown>';
  }
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

function column(name: string, description: string, priority = 0, type: TableColumn['type'] = 'string', format = ''): TableColumn {
  return { name, type, format, description, priority };
}

export const NODE_COLUMNS: TableColumn[] = [
  column('Name', 'Name must be unique within a namespace.', 0, 'string', 'name'),
  column('Status', 'The status of the node'),
  column('Roles', 'The roles of the node'),
  column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  column('Version', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  column('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
  column('Kernel-Version', 'Kernel Version reported by the node from `uname -r`.', 1),
  column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API.', 1),
];

export function nodeCells(node: KubeObject, now: number): unknown[] {
  const conditions = (pathValue(node, 'status.conditions') as { type?: string; status?: string }[] | undefined) ?? [];
  const statuses: string[] = [];
  for (const c of conditions) {
    if (c.type === 'Ready') {
      statuses.push(c.status === 'True' ? 'Ready' : 'NotReady');
    }
  }
  if (statuses.length === 0) {
    statuses.push('Unknown');
  }
  if (pathValue(node, 'spec.unschedulable') === true) {
    statuses.push('SchedulingDisabled');
  }
  const labels = node.metadata?.labels ?? {};
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      roles.add(key.slice('node-role.kubernetes.io/'.length));
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  const addresses = (pathValue(node, 'status.addresses') as { type?: string; address?: string }[] | undefined) ?? [];
  const address = (type: string): string => addresses.find((a) => a.type === type)?.address ?? '<none>';
  return [
    str(node.metadata?.name),
    statuses.join(','),
    roles.size > 0 ? [...roles].sort().join(',') : '<none>',
    since(node.metadata?.creationTimestamp, now),
    str(pathValue(node, 'status.nodeInfo.kubeletVersion')),
    address('InternalIP'),
    address('ExternalIP'),
    str(pathValue(node, 'status.nodeInfo.osImage')) || '<unknown>',
    str(pathValue(node, 'status.nodeInfo.kernelVersion')) || '<unknown>',
    str(pathValue(node, 'status.nodeInfo.containerRuntimeVersion')) || '<unknown>',
  ];
}

export const EVENT_COLUMNS: TableColumn[] = [
  column('Last Seen', 'Time when last this event was observed'),
  column('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
  column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
  column('Object', 'The object that this event is about.'),
  column('Subobject', 'The subobject (fieldPath) this event is about.', 1),
  column('Source', 'The component reporting this event.', 1),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'The time at which the event was first recorded.', 1),
  column('Count', 'The number of times this event has occurred.', 1, 'integer'),
  column('Name', 'Name must be unique within a namespace.', 1, 'string', 'name'),
];

/** Cells computed from a core/v1 Event (the stored shape). */
export function eventCells(event: KubeObject, now: number): unknown[] {
  const first = str(event.firstTimestamp) || str(event.eventTime);
  const last = str(event.lastTimestamp) || first;
  const kind = str(pathValue(event, 'involvedObject.kind')).toLowerCase();
  const name = str(pathValue(event, 'involvedObject.name'));
  const component = str(pathValue(event, 'source.component')) || str(event.reportingComponent);
  const host = str(pathValue(event, 'source.host')) || str(event.reportingInstance);
  const count = typeof event.count === 'number' && event.count > 0 ? event.count : 1;
  return [
    since(last, now),
    str(event.type),
    str(event.reason),
    name ? `${kind}/${name}` : kind,
    str(pathValue(event, 'involvedObject.fieldPath')),
    host ? `${component}, ${host}` : component,
    str(event.message).trim(),
    since(first, now),
    count,
    str(event.metadata?.name),
  ];
}

export const NAMESPACE_COLUMNS: TableColumn[] = [
  column('Name', 'Name must be unique within a namespace.', 0, 'string', 'name'),
  column('Status', 'The status of the namespace'),
  column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
];

export function namespaceCells(ns: KubeObject, now: number): unknown[] {
  return [str(ns.metadata?.name), str(pathValue(ns, 'status.phase')), since(ns.metadata?.creationTimestamp, now)];
}

export function tableRow(obj: KubeObject, cells: unknown[], mode: TableRowObjectMode): Record<string, unknown> {
  if (mode === 'None') {
    return { cells };
  }
  if (mode === 'Object') {
    return { cells, object: obj };
  }
  return {
    cells,
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
  };
}

export const POD_COLUMNS: TableColumn[] = [
  column('Name', 'Name must be unique within a namespace.', 0, 'string', 'name'),
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  column('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
  column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
  column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
];

/** The pod printer's columns, for the phases and states the stand-in's pods take. */
export function podCells(pod: KubeObject, now: number): unknown[] {
  const statuses = (pathValue(pod, 'status.containerStatuses') as { ready?: boolean; restartCount?: number }[] | undefined) ?? [];
  const containers = (pathValue(pod, 'spec.containers') as unknown[] | undefined) ?? [];
  const phase = str(pathValue(pod, 'status.phase'));
  let status = phase || 'Unknown';
  if (phase === 'Succeeded') {
    status = 'Completed';
  } else if (phase === 'Failed') {
    status = 'Error';
  }
  if (pod.metadata?.deletionTimestamp) {
    status = 'Terminating';
  }
  return [
    str(pod.metadata?.name),
    `${statuses.filter((s) => s.ready).length}/${containers.length}`,
    status,
    String(statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0)),
    since(pod.metadata?.creationTimestamp, now),
    str(pathValue(pod, 'status.podIP')) || '<none>',
    str(pathValue(pod, 'spec.nodeName')) || '<none>',
    str(pathValue(pod, 'status.nominatedNodeName')) || '<none>',
    '<none>',
  ];
}

export const DAEMONSET_COLUMNS: TableColumn[] = [
  column('Name', 'Name must be unique within a namespace.', 0, 'string', 'name'),
  column('Desired', 'The total number of nodes that should be running the daemon pod.', 0, 'integer'),
  column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 0, 'integer'),
  column('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', 0, 'integer'),
  column('Up-to-date', 'The total number of nodes that are running updated daemon pod', 0, 'integer'),
  column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', 0, 'integer'),
  column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
  column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
];

export function daemonSetCells(ds: KubeObject, now: number): unknown[] {
  const n = (path: string): number => Number(pathValue(ds, path) ?? 0);
  const selector = (pathValue(ds, 'spec.template.spec.nodeSelector') as Record<string, string> | undefined) ?? {};
  const selectorText = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  return [
    str(ds.metadata?.name), n('status.desiredNumberScheduled'), n('status.currentNumberScheduled'), n('status.numberReady'),
    n('status.updatedNumberScheduled'), n('status.numberAvailable'), selectorText || '<none>', since(ds.metadata?.creationTimestamp, now),
  ];
}
