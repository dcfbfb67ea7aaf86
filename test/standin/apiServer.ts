import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { registerKubeconfigUser, registerSecret } from '../harness/secrets';
import { createCertificates, type StandInCertificates } from './certs';
import { mutate } from './mutations';
import { AccessRules } from './rbac';
import { REASONS, StandInError, statusBody, str } from './status';
import {
  FieldRequirement, LabelRequirement, SelectorError,
  matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector,
} from './selectors';
import {
  DAEMONSET_COLUMNS, EVENT_COLUMNS, KubeObject, NAMESPACE_COLUMNS, NODE_COLUMNS, POD_COLUMNS, TableColumn, TableRowObjectMode,
  daemonSetCells, eventCells, namespaceCells, nodeCells, pathValue, podCells, tableRow,
} from './tables';
import { DisruptionBudget, Workloads } from './workloads';

export type { KubeObject, ObjectMeta } from './tables';

/**
 * A protocol-faithful Kubernetes API stand-in over HTTPS: discovery, nodes, core/v1 and
 * events.k8s.io/v1 events, namespaces, pods, apps/v1 DaemonSets; lists with paging and selectors;
 * watches with resourceVersion semantics; server-side tables for kubectl; bearer-token auth;
 * node patches (cordon), pod evictions against PodDisruptionBudgets and pod deletes (drain, see
 * mutations.ts and workloads.ts); RBAC refusals; fault injection.
 * It is checked against the real kubectl and @kubernetes/client-node in test/integration.
 */

export interface ApiStandInOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Bearer token clients must send. Default: a random one. */
  token?: string;
  /** Send BOOKMARK events to watches that ask for them (allowWatchBookmarks=true). */
  bookmarks?: boolean;
  /** How often bookmarks go out when enabled. Default 5000 ms. */
  bookmarkIntervalMs?: number;
  /** How many changes a watch can resume from; older resourceVersions get 410 Expired. Default 1000. */
  historyLimit?: number;
  /** Called with one line per request. */
  log?: (line: string) => void;
  /** How long a kubelet takes to stop a pod after an eviction or graceful delete. Default 100 ms. */
  podTerminationMs?: number;
  /** Recreate evicted ReplicaSet and StatefulSet pods on another Ready node. Default true. */
  reschedulePods?: boolean;
  /** The CA and server certificate to serve with (a restarted server keeps its clients' trust). Default: createCertificates(). */
  certificates?: StandInCertificates;
}

/**
 * What a stand-in stores, as exportState() gives it and restoreState() takes it back (in another
 * process, after a restart): every object verbatim, with its uid and resourceVersion.
 */
export interface StandInState {
  resourceVersion: number;
  objects: Record<'nodes' | 'events' | 'namespaces' | 'pods' | 'daemonsets', KubeObject[]>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 while a request is hanging (hangNext) or has not been answered. */
  status: number;
  watch: boolean;
  accept: string;
  /** The request's Content-Type ('' without a body), e.g. a patch's `application/strategic-merge-patch+json`. */
  contentType: string;
  /** A write's body as sent (an eviction's or a delete's DeleteOptions), once read. */
  body?: string;
}

export interface RequestInfo {
  method: string;
  path: string;
  query: Record<string, string>;
  watch: boolean;
}

/** A path (exact, or a prefix followed by `/`), a pattern tested on the path, or a predicate. */
export type RequestMatcher = string | RegExp | ((request: RequestInfo) => boolean);

export interface FailOptions {
  /** Retry-After header and details.retryAfterSeconds (429 and 503). Default 1. */
  retryAfterSeconds?: number;
  message?: string;
  /** Only watch requests (true) or only non-watch requests (false). */
  watch?: boolean;
}

export interface KubeconfigOptions {
  contextName?: string;
  clusterName?: string;
  userName?: string;
  /** Replaces the default `{ token }` user entry, e.g. `{ exec: {...} }`. */
  user?: object;
  namespace?: string;
}

type StoreName = 'nodes' | 'events' | 'namespaces' | 'pods' | 'daemonsets';
type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Change {
  rv: number;
  store: StoreName;
  type: WatchEventType;
  old?: KubeObject;
  obj: KubeObject;
}

/** One resource as a group/version serves it. */
interface View {
  resource: string;
  store: StoreName;
  namespaced: boolean;
  group: string;
  apiVersion: string;
  kind: string;
  listKind: string;
  columns: TableColumn[];
  cells(stored: KubeObject, now: number): unknown[];
  toWire(stored: KubeObject): KubeObject;
  /** Field selector accessors on the stored object; a field not listed here is a 400. */
  fields: Record<string, (stored: KubeObject) => string>;
}

interface Watcher {
  view: View;
  namespace?: string;
  fields: FieldRequirement[];
  labels: LabelRequirement[];
  table?: TableRowObjectMode;
  res: http.ServerResponse;
  timers: NodeJS.Timeout[];
  closed: boolean;
  /** hangWatches(): open, but nothing is written to it any more. */
  hung?: boolean;
}

interface Fault {
  matcher: RequestMatcher;
  remaining: number;
  kind: 'fail' | 'hang' | 'answer';
  status?: number;
  options?: FailOptions;
  /** 'answer': the body sent with 200, and its Content-Type. */
  body?: string;
  contentType?: string;
}

const eventFields: Record<string, (e: KubeObject) => string> = {
  'involvedObject.kind': (e) => str(pathValue(e, 'involvedObject.kind')),
  'involvedObject.namespace': (e) => str(pathValue(e, 'involvedObject.namespace')),
  'involvedObject.name': (e) => str(pathValue(e, 'involvedObject.name')),
  'involvedObject.uid': (e) => str(pathValue(e, 'involvedObject.uid')),
  'involvedObject.apiVersion': (e) => str(pathValue(e, 'involvedObject.apiVersion')),
  'involvedObject.resourceVersion': (e) => str(pathValue(e, 'involvedObject.resourceVersion')),
  'involvedObject.fieldPath': (e) => str(pathValue(e, 'involvedObject.fieldPath')),
  reason: (e) => str(e.reason),
  reportingComponent: (e) => str(e.reportingComponent),
  source: (e) => str(pathValue(e, 'source.component')),
  type: (e) => str(e.type),
  'metadata.name': (e) => str(e.metadata?.name),
  'metadata.namespace': (e) => str(e.metadata?.namespace),
};

const eventsV1Fields: Record<string, (e: KubeObject) => string> = {
  ...eventFields,
  'regarding.kind': eventFields['involvedObject.kind'],
  'regarding.namespace': eventFields['involvedObject.namespace'],
  'regarding.name': eventFields['involvedObject.name'],
  'regarding.uid': eventFields['involvedObject.uid'],
  'regarding.apiVersion': eventFields['involvedObject.apiVersion'],
  'regarding.resourceVersion': eventFields['involvedObject.resourceVersion'],
  'regarding.fieldPath': eventFields['involvedObject.fieldPath'],
  reportingController: (e) => str(e.reportingComponent) || str(pathValue(e, 'source.component')),
  deprecatedSource: eventFields.source,
};

function withoutTypeMeta(o: KubeObject): KubeObject {
  const rest = { ...o };
  delete rest.kind;
  delete rest.apiVersion;
  return rest;
}

/** core/v1 Event → events.k8s.io/v1 Event, the fields a reader of either would look at. */
function toEventsV1(e: KubeObject): KubeObject {
  const out: KubeObject = {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    reason: e.reason,
    note: e.message,
    type: e.type,
    regarding: e.involvedObject,
    reportingController: str(e.reportingComponent) || str(pathValue(e, 'source.component')),
    reportingInstance: str(e.reportingInstance) || str(pathValue(e, 'source.host')),
    action: e.action,
  };
  if (e.source) {
    out.deprecatedSource = e.source;
  }
  if (e.firstTimestamp) {
    out.deprecatedFirstTimestamp = e.firstTimestamp;
  }
  if (e.lastTimestamp) {
    out.deprecatedLastTimestamp = e.lastTimestamp;
  }
  if (typeof e.count === 'number') {
    out.deprecatedCount = e.count;
  }
  return out;
}

const VIEWS = {
  nodes: {
    resource: 'nodes', store: 'nodes', namespaced: false, group: '', apiVersion: 'v1', kind: 'Node', listKind: 'NodeList',
    columns: NODE_COLUMNS, cells: nodeCells, toWire: (o) => o,
    fields: {
      'metadata.name': (n) => str(n.metadata?.name),
      'spec.unschedulable': (n) => (pathValue(n, 'spec.unschedulable') === true ? 'true' : 'false'),
    },
  },
  events: {
    resource: 'events', store: 'events', namespaced: true, group: '', apiVersion: 'v1', kind: 'Event', listKind: 'EventList',
    columns: EVENT_COLUMNS, cells: eventCells, toWire: (o) => o, fields: eventFields,
  },
  namespaces: {
    resource: 'namespaces', store: 'namespaces', namespaced: false, group: '', apiVersion: 'v1', kind: 'Namespace', listKind: 'NamespaceList',
    columns: NAMESPACE_COLUMNS, cells: namespaceCells, toWire: (o) => o,
    fields: { 'metadata.name': (n) => str(n.metadata?.name), 'status.phase': (n) => str(pathValue(n, 'status.phase')) },
  },
  eventsV1: {
    resource: 'events', store: 'events', namespaced: true, group: 'events.k8s.io', apiVersion: 'events.k8s.io/v1', kind: 'Event',
    listKind: 'EventList', columns: EVENT_COLUMNS, cells: eventCells, toWire: toEventsV1, fields: eventsV1Fields,
  },
  pods: {
    resource: 'pods', store: 'pods', namespaced: true, group: '', apiVersion: 'v1', kind: 'Pod', listKind: 'PodList',
    columns: POD_COLUMNS, cells: podCells, toWire: (o) => o,
    fields: {
      'metadata.name': (p) => str(p.metadata?.name),
      'metadata.namespace': (p) => str(p.metadata?.namespace),
      'spec.nodeName': (p) => str(pathValue(p, 'spec.nodeName')),
      'spec.restartPolicy': (p) => str(pathValue(p, 'spec.restartPolicy')),
      'spec.schedulerName': (p) => str(pathValue(p, 'spec.schedulerName')),
      'spec.serviceAccountName': (p) => str(pathValue(p, 'spec.serviceAccountName')),
      'spec.hostNetwork': (p) => (pathValue(p, 'spec.hostNetwork') === true ? 'true' : 'false'),
      'status.phase': (p) => str(pathValue(p, 'status.phase')),
      'status.podIP': (p) => str(pathValue(p, 'status.podIP')),
      'status.nominatedNodeName': (p) => str(pathValue(p, 'status.nominatedNodeName')),
    },
  },
  daemonsets: {
    resource: 'daemonsets', store: 'daemonsets', namespaced: true, group: 'apps', apiVersion: 'apps/v1', kind: 'DaemonSet',
    listKind: 'DaemonSetList', columns: DAEMONSET_COLUMNS, cells: daemonSetCells, toWire: (o) => o,
    fields: { 'metadata.name': (d) => str(d.metadata?.name), 'metadata.namespace': (d) => str(d.metadata?.namespace) },
  },
} satisfies Record<string, View>;

const CORE_VIEWS: Record<string, View> = { nodes: VIEWS.nodes, events: VIEWS.events, namespaces: VIEWS.namespaces, pods: VIEWS.pods };
const EVENTS_V1_VIEWS: Record<string, View> = { events: VIEWS.eventsV1 };
const APPS_V1_VIEWS: Record<string, View> = { daemonsets: VIEWS.daemonsets };

/** Path prefix of each served group/version. */
const GROUP_VERSIONS: [string, Record<string, View>][] = [
  ['/api/v1', CORE_VIEWS], ['/apis/events.k8s.io/v1', EVENTS_V1_VIEWS], ['/apis/apps/v1', APPS_V1_VIEWS],
];

/** Largest request body the real API server accepts (3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Objects of one kind, sorted by their storage key (as etcd returns them) on demand. */
class Store {
  readonly objects = new Map<string, KubeObject>();
  private sorted: { keys: string[]; items: KubeObject[] } | undefined;

  constructor(readonly keyOf: (o: KubeObject) => string) {}

  set(obj: KubeObject): KubeObject | undefined {
    const key = this.keyOf(obj);
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    this.sorted = undefined;
    return old;
  }

  delete(key: string): KubeObject | undefined {
    const old = this.objects.get(key);
    if (old) {
      this.objects.delete(key);
      this.sorted = undefined;
    }
    return old;
  }

  /** An immutable sorted snapshot: stored objects are replaced, never mutated, so it stays consistent. */
  snapshot(): { keys: string[]; items: KubeObject[] } {
    if (!this.sorted) {
      const keys = [...this.objects.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sorted = { keys, items: keys.map((k) => this.objects.get(k) as KubeObject) };
    }
    return this.sorted;
  }
}

const SNAPSHOTS_KEPT = 32;

export class ApiStandIn {
  /** Every request, in arrival order; `status` is filled in when the response starts. */
  readonly requestLog: RequestLogEntry[] = [];

  private server: https.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly watchers = new Set<Watcher>();
  private readonly hanging = new Set<http.ServerResponse>();
  private faultList: Fault[] = [];
  private eventsForbidden = false;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private corruptWatchEvents = 0;
  private corruptedLines = 0;

  private rv = 1;
  private history: Change[] = [];
  /** Every change with rv > historyFloor is in `history`. */
  private historyFloor = 1;
  private readonly historyLimit: number;
  private readonly snapshots = new Map<string, { keys: string[]; items: KubeObject[] }>();
  private readonly stores: Record<StoreName, Store> = {
    nodes: new Store((o) => str(o.metadata?.name)),
    events: new Store((o) => `${str(o.metadata?.namespace)}/${str(o.metadata?.name)}`),
    namespaces: new Store((o) => str(o.metadata?.name)),
    pods: new Store((o) => `${str(o.metadata?.namespace)}/${str(o.metadata?.name)}`),
    daemonsets: new Store((o) => `${str(o.metadata?.namespace)}/${str(o.metadata?.name)}`),
  };
  private readonly access = new AccessRules();
  private readonly workloads: Workloads;
  private currentToken: string;
  private listenPort: number;
  private readonly certs: StandInCertificates;

  private constructor(private readonly options: ApiStandInOptions) {
    this.currentToken = registerSecret('API stand-in bearer token', options.token ?? `standin-${randomUUID()}`);
    this.certs = options.certificates ?? createCertificates();
    this.listenPort = options.port ?? 0;
    this.historyLimit = options.historyLimit ?? 1000;
    this.workloads = new Workloads({
      getPod: (namespace, name) => this.stores.pods.objects.get(`${namespace}/${name}`),
      putPod: (pod) => this.putPod(pod),
      removePod: (namespace, name) => this.remove('pods', `${namespace}/${name}`),
      nodes: () => this.stores.nodes.snapshot().items,
    }, { terminationMs: options.podTerminationMs ?? 100, reschedule: options.reschedulePods ?? true });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.ensureNamespace(ns, true);
    }
    this.historyFloor = this.rv;
    this.history = [];
  }

  static async start(options: ApiStandInOptions = {}): Promise<ApiStandIn> {
    const server = new ApiStandIn(options);
    await server.listen();
    return server;
  }

  get url(): string {
    return `https://127.0.0.1:${this.listenPort}`;
  }

  get port(): number {
    return this.listenPort;
  }

  get caPem(): string {
    return this.certs.caPem;
  }

  /** The CA and server certificate served, for a stand-in that takes over (ApiStandInOptions.certificates). */
  get certificates(): StandInCertificates {
    return this.certs;
  }

  get token(): string {
    return this.currentToken;
  }

  /** The current resourceVersion (the last change's). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  get isListening(): boolean {
    return this.server !== undefined;
  }

  /** Closes the listener, ends every watch and destroys every open connection: clients see an outage. */
  async stop(): Promise<void> {
    if (this.bookmarkTimer) {
      clearInterval(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
    for (const w of [...this.watchers]) {
      this.closeWatcher(w, false);
    }
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
    await closed;
  }

  /** stop(), then listen again on the same port with the same state. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  kubeconfig(options: KubeconfigOptions = {}): string {
    const cluster = options.clusterName ?? 'standin';
    const context = options.contextName ?? 'standin';
    const userName = options.userName ?? `${cluster}-user`;
    const user = options.user ?? { token: this.currentToken };
    registerKubeconfigUser('a kubeconfig the tests wrote', user);
    const ca = Buffer.from(this.certs.caPem).toString('base64');
    // JSON is YAML: the user entry is written as a flow mapping so any shape (exec, token) fits.
    return [
      'apiVersion: v1',
      'kind: Config',
      'preferences: {}',
      'clusters:',
      `- name: ${JSON.stringify(cluster)}`,
      '  cluster:',
      `    server: ${JSON.stringify(this.url)}`,
      `    certificate-authority-data: ${ca}`,
      'contexts:',
      `- name: ${JSON.stringify(context)}`,
      '  context:',
      `    cluster: ${JSON.stringify(cluster)}`,
      `    user: ${JSON.stringify(userName)}`,
      ...(options.namespace ? [`    namespace: ${JSON.stringify(options.namespace)}`] : []),
      `current-context: ${JSON.stringify(context)}`,
      'users:',
      `- name: ${JSON.stringify(userName)}`,
      `  user: ${JSON.stringify(user)}`,
      '',
    ].join('\n');
  }

  // ---------------------------------------------------------------- state

  get nodeCount(): number {
    return this.stores.nodes.objects.size;
  }

  get eventCount(): number {
    return this.stores.events.objects.size;
  }

  /** Copies of the stored nodes, sorted by name (copies: cheap enough for fixtures, not for 50,000 events in a loop). */
  nodes(): KubeObject[] {
    return this.stores.nodes.snapshot().items.map((o) => structuredClone(o));
  }

  /** Copies of the stored events, sorted by namespace/name. */
  events(): KubeObject[] {
    return this.stores.events.snapshot().items.map((o) => structuredClone(o));
  }

  /** Adds or replaces a node (by name); watches see ADDED or MODIFIED. Returns the stored copy. */
  upsertNode(node: KubeObject): KubeObject {
    return this.upsert('nodes', { apiVersion: 'v1', kind: 'Node', ...structuredClone(node) }, true);
  }

  deleteNode(name: string): boolean {
    return this.remove('nodes', name);
  }

  /** Adds or replaces an event (by namespace/name, namespace defaults to `default`, name generated if absent). */
  upsertEvent(event: KubeObject): KubeObject {
    const e: KubeObject = { apiVersion: 'v1', kind: 'Event', ...structuredClone(event) };
    e.metadata = { ...e.metadata };
    e.metadata.namespace ??= 'default';
    e.metadata.name ??= `${str(pathValue(e, 'involvedObject.name')) || 'event'}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xfffff).toString(16)}`;
    this.ensureNamespace(e.metadata.namespace, true);
    return this.upsert('events', e, true);
  }

  deleteEvent(namespace: string, name: string): boolean {
    return this.remove('events', `${namespace}/${name}`);
  }

  // ---------------------------------------------------------------- workloads

  /** Adds or replaces a pod (by namespace/name); watches see ADDED or MODIFIED. Returns the stored copy. */
  upsertPod(pod: KubeObject): KubeObject {
    return this.putPod(structuredClone(pod));
  }

  /** Copies of the stored pods, sorted by namespace/name. */
  pods(): KubeObject[] {
    return this.stores.pods.snapshot().items.map((o) => structuredClone(o));
  }

  /** A copy of one pod, or undefined. */
  pod(namespace: string, name: string): KubeObject | undefined {
    const pod = this.stores.pods.objects.get(`${namespace}/${name}`);
    return pod ? structuredClone(pod) : undefined;
  }

  /** Copies of the pods bound to `node`. */
  podsOn(node: string): KubeObject[] {
    return this.stores.pods.snapshot().items.filter((p) => pathValue(p, 'spec.nodeName') === node).map((o) => structuredClone(o));
  }

  /** Removes a pod at once, as a delete with grace 0 does. */
  deletePod(namespace: string, name: string): boolean {
    return this.remove('pods', `${namespace}/${name}`);
  }

  upsertDaemonSet(ds: KubeObject): KubeObject {
    const d: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', ...structuredClone(ds) };
    this.ensureNamespace(str(d.metadata?.namespace), true);
    return this.upsert('daemonsets', d, true);
  }

  /** A PodDisruptionBudget that evictions of the pods it selects meet (replaces one of the same name). */
  addDisruptionBudget(budget: DisruptionBudget): void {
    this.workloads.addBudget(budget);
  }

  /** The budgets, with the refusals each has left. */
  disruptionBudgets(): DisruptionBudget[] {
    return this.workloads.listBudgets();
  }

  /**
   * A node whose kubelet is down (as on a NotReady node): evictions and graceful deletes of its
   * pods are accepted, but the pods stay Terminating until the kubelet is back or they are deleted
   * with grace 0.
   */
  setKubeletDown(node: string, down = true): void {
    this.workloads.setKubeletDown(node, down);
  }

  private putPod(pod: KubeObject): KubeObject {
    const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', ...pod };
    this.ensureNamespace(str(p.metadata?.namespace) || 'default', true);
    return this.upsert('pods', p, true);
  }

  /**
   * Bulk load for benchmarks: no per-object watch fan-out or history. Open watches on nodes are
   * expired (410) and older resourceVersions can no longer be resumed, so clients relist.
   */
  loadNodes(nodes: KubeObject[]): void {
    for (const n of nodes) {
      this.upsert('nodes', { apiVersion: 'v1', kind: 'Node', ...structuredClone(n) }, false);
    }
    this.afterBulkLoad('nodes');
  }

  /** Bulk load of events, as loadNodes. */
  loadEvents(events: KubeObject[]): void {
    for (const event of events) {
      const e: KubeObject = { apiVersion: 'v1', kind: 'Event', ...structuredClone(event) };
      e.metadata = { ...e.metadata };
      e.metadata.namespace ??= 'default';
      e.metadata.name ??= `${str(pathValue(e, 'involvedObject.name')) || 'event'}.${(this.rv + 1).toString(16)}`;
      this.ensureNamespace(e.metadata.namespace, false);
      this.upsert('events', e, false);
    }
    this.afterBulkLoad('events');
  }

  private afterBulkLoad(store: StoreName): void {
    this.historyFloor = this.rv;
    this.history = this.history.filter((c) => c.rv > this.historyFloor);
    for (const w of [...this.watchers]) {
      if (w.view.store === store || w.view.store === 'namespaces') {
        this.expireWatcher(w);
      }
    }
  }

  private ensureNamespace(name: string, fanout: boolean): void {
    if (!this.stores.namespaces.objects.has(name)) {
      this.upsert('namespaces', {
        apiVersion: 'v1', kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
      }, fanout);
    }
  }

  private upsert(store: StoreName, obj: KubeObject, fanout: boolean): KubeObject {
    const s = this.stores[store];
    const previous = s.objects.get(s.keyOf(obj));
    const rv = ++this.rv;
    obj.metadata = {
      ...obj.metadata,
      uid: obj.metadata?.uid ?? previous?.metadata?.uid ?? randomUUID(),
      creationTimestamp: obj.metadata?.creationTimestamp ?? previous?.metadata?.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: String(rv),
    };
    s.set(obj);
    if (fanout) {
      this.record({ rv, store, type: previous ? 'MODIFIED' : 'ADDED', old: previous, obj });
    }
    return structuredClone(obj);
  }

  private remove(store: StoreName, key: string): boolean {
    const old = this.stores[store].delete(key);
    if (!old) {
      return false;
    }
    const rv = ++this.rv;
    // The DELETED object carries the resourceVersion of the deletion, as the real server's does.
    const obj = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
    this.record({ rv, store, type: 'DELETED', old, obj });
    return true;
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.historyFloor = dropped[dropped.length - 1].rv;
    }
    for (const w of this.watchers) {
      this.deliver(w, change);
    }
  }

  /** Everything stored, verbatim (the objects are never mutated, so they are shared, not copied). */
  exportState(): StandInState {
    const items = (store: StoreName): KubeObject[] => this.stores[store].snapshot().items;
    return {
      resourceVersion: this.rv,
      objects: { nodes: items('nodes'), events: items('events'), namespaces: items('namespaces'), pods: items('pods'), daemonsets: items('daemonsets') },
    };
  }

  /**
   * Takes over `state` as an API server does after a restart: the objects as they were (uids and
   * resourceVersions kept), and a restart point one past the last resourceVersion. A watch from any
   * resourceVersion before the restart gets 410 Expired (the watch cache starts empty), so clients
   * relist; open watches are expired.
   */
  restoreState(state: StandInState): void {
    for (const store of Object.keys(this.stores) as StoreName[]) {
      const s = this.stores[store];
      for (const key of [...s.objects.keys()]) {
        s.delete(key);
      }
      for (const obj of state.objects[store] ?? []) {
        s.set(obj);
      }
    }
    this.rv = Math.max(this.rv, state.resourceVersion) + 1;
    this.historyFloor = this.rv;
    this.history = [];
    this.snapshots.clear();
    for (const w of [...this.watchers]) {
      this.expireWatcher(w);
    }
  }

  /**
   * Deletes the events last seen (lastTimestamp, else eventTime, else creationTimestamp) before
   * `cutoffMs`, as the API server's event TTL does (one hour by default); watches see DELETED.
   * Returns the deleted events' namespace/name keys.
   */
  deleteEventsOlderThan(cutoffMs: number): string[] {
    const deleted: string[] = [];
    for (const [key, e] of [...this.stores.events.objects]) {
      const seen = Date.parse(str(e.lastTimestamp) || str(e.eventTime) || str(e.metadata?.creationTimestamp));
      if (Number.isFinite(seen) && seen < cutoffMs && this.remove('events', key)) {
        deleted.push(key);
      }
    }
    return deleted;
  }

  // ---------------------------------------------------------------- faults

  /** The next `count` requests matching `matcher` get `status` (401, 403, 429 with Retry-After, 500, ...). */
  failNext(matcher: RequestMatcher, status: number, count = 1, options: FailOptions = {}): void {
    this.faultList.push({ matcher, remaining: count, kind: 'fail', status, options });
  }

  /** The next `count` requests matching `matcher` are accepted and never answered. */
  hangNext(matcher: RequestMatcher, count = 1): void {
    this.faultList.push({ matcher, remaining: count, kind: 'hang' });
  }

  /**
   * The next `count` requests matching `matcher` get 200 with `body` exactly (complete, with its
   * Content-Length): a proxy's HTML page, or a list cut off mid-item by something in between.
   */
  answerNext(matcher: RequestMatcher, body: string, contentType = 'application/json', count = 1): void {
    this.faultList.push({ matcher, remaining: count, kind: 'answer', body, contentType });
  }

  /** Requests hangNext() accepted whose connection is still open. */
  get hangingRequests(): number {
    return this.hanging.size;
  }

  /** Lists and watches of events (both API groups) get 403 Forbidden while on. */
  forbidEvents(forbidden = true): void {
    this.eventsForbidden = forbidden;
  }

  clearFaults(): void {
    this.faultList = [];
    this.eventsForbidden = false;
    this.corruptWatchEvents = 0;
    this.access.clear();
  }

  /** Requests for `verb resource` (`patch nodes`, `list pods`, `create pods/eviction`) get the authorizer's 403 until permit(). */
  forbid(verb: string, resource: string): void {
    this.access.forbid(verb, resource);
  }

  permit(verb: string, resource: string): void {
    this.access.allow(verb, resource);
  }

  /** The old token stops working at once. */
  rotateToken(newToken: string): void {
    this.currentToken = registerSecret('API stand-in bearer token (rotated)', newToken);
  }

  /**
   * The next `count` watch events (not bookmarks) go out cut in half, so not JSON: the change they
   * carry reaches no watch, and only a relist shows it.
   */
  corruptNextWatchEvents(count = 1): void {
    this.corruptWatchEvents = count;
  }

  /** Watch events sent cut in half so far (corruptNextWatchEvents). */
  get corruptedWatchLines(): number {
    return this.corruptedLines;
  }

  /** Writes a line that is not JSON to every open watch. */
  malformedWatchLine(text = '{"type":"MODIFIED","object":{not json'): void {
    for (const w of this.watchers) {
      w.res.write(`${text}\n`);
    }
  }

  /** Sends a 410 Expired ERROR to every open watch and closes it (as after an etcd compaction). */
  expireWatches(): void {
    for (const w of [...this.watchers]) {
      this.expireWatcher(w);
    }
  }

  /** Destroys the connections of every open watch without a goodbye. */
  dropWatches(): void {
    for (const w of [...this.watchers]) {
      this.closeWatcher(w, false);
    }
  }

  /** Ends every open watch cleanly (as the server's own watch timeout does). */
  endWatches(): void {
    for (const w of [...this.watchers]) {
      this.closeWatcher(w, true);
    }
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that allowed bookmarks. */
  sendBookmarks(): void {
    for (const w of this.watchers) {
      if (this.bookmarkEligible.has(w)) {
        this.writeWatchEvent(w, 'BOOKMARK', {
          kind: w.view.kind, apiVersion: w.view.apiVersion, metadata: { resourceVersion: String(this.rv) },
        });
      }
    }
  }

  /**
   * Every open watch (optionally only those on `resource`, e.g. `events`) stops getting anything,
   * bookmarks and its server-side timeout included, while its connection stays open: only the
   * client's own idle timer ends it.
   */
  hangWatches(resource?: string): number {
    let n = 0;
    for (const w of this.watchers) {
      if (!w.hung && (resource === undefined || w.view.resource === resource)) {
        w.hung = true;
        for (const t of w.timers) {
          clearTimeout(t);
        }
        w.timers = [];
        n++;
      }
    }
    return n;
  }

  /** Number of watches currently open. */
  get openWatches(): number {
    return this.watchers.size;
  }

  private readonly bookmarkEligible = new WeakSet<Watcher>();

  // ---------------------------------------------------------------- HTTP

  private async listen(): Promise<void> {
    const server = https.createServer({ cert: this.certs.certPem, key: this.certs.keyPem }, (req, res) => {
      this.handle(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // TLS handshakes that fail (a client without our CA) are not our business.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    if (this.options.bookmarks) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.options.bookmarkIntervalMs ?? 5000);
      this.bookmarkTimer.unref();
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
    }
    let path = url.pathname.replace(/\/+$/, '') || '/';
    let watch = query.watch === 'true' || query.watch === '1';
    // Legacy watch paths: /api/v1/watch/nodes, /apis/g/v/watch/namespaces/x/events.
    const legacy = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/watch(\/.*)$/.exec(path);
    if (legacy) {
      path = legacy[1] + legacy[2];
      watch = true;
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET', path, query, status: 0, watch, accept: str(req.headers.accept),
      contentType: str(req.headers['content-type']),
    };
    this.requestLog.push(entry);
    const writeHead = res.writeHead;
    res.writeHead = ((...args: Parameters<typeof res.writeHead>) => {
      entry.status = args[0];
      this.options.log?.(`${entry.method} ${req.url ?? ''} -> ${entry.status}`);
      return writeHead.apply(res, args);
    }) as typeof res.writeHead;

    try {
      const info: RequestInfo = { method: entry.method, path, query, watch };
      const fault = this.takeFault(info);
      if (fault?.kind === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault?.kind === 'answer') {
        const body = fault.body ?? '';
        res.writeHead(200, { 'Content-Type': fault.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (fault?.kind === 'fail') {
        const status = fault.status ?? 500;
        const retryAfter = fault.options?.retryAfterSeconds ?? 1;
        const headers: Record<string, string> = {};
        let details: object | undefined;
        if (status === 429 || status === 503) {
          headers['Retry-After'] = String(retryAfter);
          details = { retryAfterSeconds: retryAfter };
        }
        const message = fault.options?.message ?? this.defaultFaultMessage(status, path);
        this.sendJson(res, status, statusBody(status, REASONS[status] ?? 'Unknown', message, details), headers);
        return;
      }
      if (!this.authenticated(req, path)) {
        this.sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      if (entry.method !== 'GET') {
        readBody(req).then((body) => {
          entry.body = body;
          try {
            this.routeWrite(req, res, path, query, body);
          } catch (err) {
            this.sendError(res, err);
          }
        }, (err: unknown) => this.sendError(res, err));
        return;
      }
      this.route(req, res, path, query, watch);
    } catch (err) {
      this.sendError(res, err);
    }
  }

  private sendError(res: http.ServerResponse, err: unknown): void {
    if (err instanceof StandInError) {
      this.sendJson(res, err.code, statusBody(err.code, err.reason, err.message, err.details));
    } else if (err instanceof SelectorError) {
      this.sendJson(res, 400, statusBody(400, 'BadRequest', err.message));
    } else {
      this.sendJson(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${String(err)}`));
    }
  }

  /** PATCH, POST and DELETE on a resource path (see mutations.ts). */
  private routeWrite(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: Record<string, string>, body: string): void {
    const target = resourcePath(path);
    if (!target) {
      throw new StandInError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const { view, namespace, name, subresource } = target;
    const method = str(req.method);
    const verb = ({ PATCH: 'patch', POST: 'create', PUT: 'update', DELETE: name === undefined ? 'deletecollection' : 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
    this.access.check({ verb, resource: subresource ? `${view.resource}/${subresource}` : view.resource, group: view.group, namespace, name });
    const { status, body: answer } = mutate({
      get: (store, key) => this.stores[store].objects.get(key),
      put: (store, obj) => (store === 'pods' ? this.putPod(obj) : this.upsert(store, obj, true)),
      workloads: this.workloads,
    }, { method, resource: view.resource, subresource, namespace, name, query, contentType: req.headers['content-type'], body });
    this.sendJson(res, status, answer);
  }

  private defaultFaultMessage(status: number, path: string): string {
    switch (status) {
      case 401: return 'Unauthorized';
      case 403: return `forbidden: User "system:anonymous" cannot get path "${path}"`;
      case 429: return 'Too many requests, please try again later.';
      case 503: return 'The server is currently unable to handle the request';
      default: return `Internal error occurred: injected failure (${status})`;
    }
  }

  private takeFault(info: RequestInfo): Fault | undefined {
    for (const fault of this.faultList) {
      if (fault.remaining <= 0) {
        continue;
      }
      if (fault.options?.watch !== undefined && fault.options.watch !== info.watch) {
        continue;
      }
      const m = fault.matcher;
      const hit = typeof m === 'string'
        ? info.path === m || info.path.startsWith(m.endsWith('/') ? m : `${m}/`)
        : m instanceof RegExp ? m.test(info.path) : m(info);
      if (hit) {
        fault.remaining--;
        this.faultList = this.faultList.filter((f) => f.remaining > 0);
        return fault;
      }
    }
    return undefined;
  }

  private authenticated(req: http.IncomingMessage, path: string): boolean {
    const header = req.headers.authorization;
    if (header === undefined) {
      // Anonymous requests may read the version and health endpoints, as on a default cluster.
      return ['/version', '/healthz', '/livez', '/readyz'].includes(path);
    }
    return header === `Bearer ${this.currentToken}`;
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) {
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
      'Audit-Id': randomUUID(),
      ...headers,
    });
    res.end(text);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: Record<string, string>, watch: boolean): void {
    switch (path) {
      case '/healthz': case '/livez': case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case '/version':
        this.sendJson(res, 200, {
          major: '1', minor: '31', gitVersion: 'v1.31.5', gitCommit: 'af64d838aacd9173317b39cf273741816bd82377',
          gitTreeState: 'clean', buildDate: '2025-01-15T14:31:55Z', goVersion: 'go1.22.10', compiler: 'gc',
          platform: 'linux/amd64',
        });
        return;
      case '/api':
        this.sendJson(res, 200, {
          kind: 'APIVersions', versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.listenPort}` }],
        });
        return;
      case '/apis':
        this.sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup('apps'), this.eventsGroup()] });
        return;
      case '/apis/events.k8s.io':
        this.sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...this.eventsGroup() });
        return;
      case '/apis/apps':
        this.sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup('apps') });
        return;
      case '/apis/apps/v1':
        this.sendJson(res, 200, this.resourceList('apps/v1', APPS_V1_VIEWS));
        return;
      case '/api/v1':
        this.sendJson(res, 200, this.resourceList('v1', CORE_VIEWS));
        return;
      case '/apis/events.k8s.io/v1':
        this.sendJson(res, 200, this.resourceList('events.k8s.io/v1', EVENTS_V1_VIEWS));
        return;
    }

    const target = resourcePath(path);
    // Subresources are served only for writes (pods/eviction).
    if (target && target.subresource === undefined) {
      const { view, namespace, name } = target;
      this.access.check({
        verb: name !== undefined && !watch ? 'get' : watch ? 'watch' : 'list', resource: view.resource, group: view.group, namespace, name,
      });
      this.serveResource(req, res, view, namespace, name, query, watch);
      return;
    }
    // /openapi/v2, /openapi/v3 and anything else: kubectl copes with 404s here.
    throw new StandInError(404, 'NotFound', 'the server could not find the requested resource');
  }

  private eventsGroup(): object {
    const version = { groupVersion: 'events.k8s.io/v1', version: 'v1' };
    return { name: 'events.k8s.io', versions: [version], preferredVersion: version };
  }

  private resourceList(groupVersion: string, views: Record<string, View>): object {
    const shortNames: Record<string, string[]> = groupVersion === 'v1'
      ? { nodes: ['no'], events: ['ev'], namespaces: ['ns'], pods: ['po'] }
      : groupVersion === 'apps/v1' ? { daemonsets: ['ds'] } : {};
    const resources: object[] = [];
    for (const view of Object.values(views)) {
      const singular = view.kind.toLowerCase();
      resources.push({
        name: view.resource, singularName: singular, namespaced: view.namespaced, kind: view.kind,
        verbs: ALL_VERBS, ...(shortNames[view.resource] ? { shortNames: shortNames[view.resource] } : {}),
        storageVersionHash: Buffer.from(`${groupVersion}/${view.resource}`).toString('base64').slice(0, 11),
      });
      if (view.resource === 'nodes' || view.resource === 'namespaces') {
        resources.push({ name: `${view.resource}/status`, singularName: '', namespaced: false, kind: view.kind, verbs: ['get', 'patch', 'update'] });
      }
      if (view.resource === 'pods') {
        // kubectl drain looks for this entry (group policy, version v1) to evict rather than delete.
        resources.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
  }

  private tableMode(req: http.IncomingMessage, query: Record<string, string>): TableRowObjectMode | undefined {
    const accept = str(req.headers.accept);
    if (!/as=Table/.test(accept) || !/g=meta\.k8s\.io/.test(accept)) {
      return undefined;
    }
    const mode = query.includeObject;
    return mode === 'None' || mode === 'Object' ? mode : 'Metadata';
  }

  private serveResource(
    req: http.IncomingMessage, res: http.ServerResponse, view: View, namespace: string | undefined,
    name: string | undefined, query: Record<string, string>, watch: boolean,
  ): void {
    if (view.store === 'events' && this.eventsForbidden) {
      const verb = name !== undefined ? 'get' : watch ? 'watch' : 'list';
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      throw new StandInError(403, 'Forbidden',
        `events${view.group ? `.${view.group}` : ''} is forbidden: User "aks-standin-user" cannot ${verb} resource "events" in API group "${view.group}" ${scope}`,
        { kind: 'events', ...(view.group ? { group: view.group } : {}) });
    }
    const table = this.tableMode(req, query);
    let fields = parseFieldSelector(query.fieldSelector);
    for (const r of fields) {
      if (!(r.field in view.fields)) {
        throw new StandInError(400, 'BadRequest', `field label not supported: ${r.field}`);
      }
    }
    const labels = parseLabelSelector(query.labelSelector);
    if (name !== undefined && !watch) {
      const key = view.namespaced ? `${namespace ?? ''}/${name}` : name;
      const obj = this.stores[view.store].objects.get(key);
      if (!obj) {
        const group = view.group ? `.${view.group}` : '';
        throw new StandInError(404, 'NotFound', `${view.resource}${group} "${name}" not found`,
          { name, ...(view.group ? { group: view.group } : {}), kind: view.resource });
      }
      this.sendJson(res, 200, table ? this.table(view, [obj], table, { resourceVersion: str(obj.metadata?.resourceVersion) }) : view.toWire(obj));
      return;
    }
    if (name !== undefined) {
      // A watch on one object is a watch with a metadata.name field selector.
      fields = [...fields, { field: 'metadata.name', op: '=', value: name }];
    }
    if (watch) {
      this.startWatch(res, view, namespace, fields, labels, table, query);
      return;
    }
    this.list(res, view, namespace, fields, labels, table, query);
  }

  private matches(view: View, namespace: string | undefined, fields: FieldRequirement[], labels: LabelRequirement[], obj: KubeObject): boolean {
    if (namespace !== undefined && obj.metadata?.namespace !== namespace) {
      return false;
    }
    return matchesFields(fields, (f) => view.fields[f](obj)) && matchesLabels(labels, obj.metadata?.labels);
  }

  private table(view: View, objs: KubeObject[], mode: TableRowObjectMode, metadata: Record<string, unknown>): KubeObject {
    const now = Date.now();
    return {
      kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata,
      columnDefinitions: view.columns,
      rows: objs.map((o) => tableRow(view.toWire(o), view.cells(o, now), mode)),
    };
  }

  private list(
    res: http.ServerResponse, view: View, namespace: string | undefined, fields: FieldRequirement[],
    labels: LabelRequirement[], table: TableRowObjectMode | undefined, query: Record<string, string>,
  ): void {
    const limit = query.limit !== undefined ? Number.parseInt(query.limit, 10) : 0;
    if (Number.isNaN(limit) || limit < 0) {
      throw new StandInError(400, 'BadRequest', `invalid limit: ${query.limit}`);
    }
    let listRv = this.rv;
    let snapshot = this.stores[view.store].snapshot();
    let startIndex = 0;
    if (query.continue) {
      let token: { v?: string; rv?: number; start?: string };
      try {
        token = JSON.parse(Buffer.from(query.continue, 'base64').toString('utf8')) as typeof token;
      } catch {
        throw new StandInError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
      if (token.v !== 'meta.k8s.io/v1' || typeof token.rv !== 'number' || typeof token.start !== 'string') {
        throw new StandInError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
      const kept = this.snapshots.get(`${view.store}@${token.rv}`);
      if (!kept && token.rv < this.historyFloor) {
        throw new StandInError(410, 'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      // A snapshot no longer kept falls back to the current state (an inconsistent, but valid, continuation).
      snapshot = kept ?? snapshot;
      listRv = kept ? token.rv : listRv;
      startIndex = lowerBound(snapshot.keys, token.start);
    }

    const items: KubeObject[] = [];
    let more = false;
    let i = startIndex;
    for (; i < snapshot.items.length; i++) {
      const obj = snapshot.items[i];
      if (!this.matches(view, namespace, fields, labels, obj)) {
        continue;
      }
      if (limit > 0 && items.length === limit) {
        more = true;
        break;
      }
      items.push(obj);
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (more) {
      // The start key is the last returned key plus NUL: the first key after it (etcd's convention).
      const lastKey = this.stores[view.store].keyOf(items[items.length - 1]);
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: listRv, start: `${lastKey}\u0000` })).toString('base64');
      if (fields.length === 0 && labels.length === 0 && namespace === undefined) {
        metadata.remainingItemCount = snapshot.items.length - i;
      }
      const key = `${view.store}@${listRv}`;
      this.snapshots.set(key, snapshot);
      if (this.snapshots.size > SNAPSHOTS_KEPT) {
        this.snapshots.delete(this.snapshots.keys().next().value as string);
      }
    }
    if (table) {
      this.sendJson(res, 200, this.table(view, items, table, metadata));
      return;
    }
    this.sendJson(res, 200, {
      kind: view.listKind, apiVersion: view.apiVersion, metadata,
      items: items.map((o) => withoutTypeMeta(view.toWire(o))),
    });
  }

  private startWatch(
    res: http.ServerResponse, view: View, namespace: string | undefined, fields: FieldRequirement[],
    labels: LabelRequirement[], table: TableRowObjectMode | undefined, query: Record<string, string>,
  ): void {
    const requested = query.resourceVersion;
    let from: number | undefined;
    if (requested !== undefined && requested !== '' && requested !== '0') {
      from = Number(requested);
      if (!Number.isInteger(from) || from < 0) {
        throw new StandInError(400, 'BadRequest', `invalid resource version: ${requested}`);
      }
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Audit-Id': randomUUID() });
    res.flushHeaders();
    const watcher: Watcher = { view, namespace, fields, labels, table, res, timers: [], closed: false };
    if (from !== undefined && from < this.historyFloor) {
      // As the real server: 200, then a single ERROR event, then the end of the stream.
      res.end(`${JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${from} (${this.historyFloor + 1})`) })}\n`);
      return;
    }
    this.watchers.add(watcher);
    res.on('close', () => this.closeWatcher(watcher, false));
    if (query.allowWatchBookmarks === 'true' && !table) {
      this.bookmarkEligible.add(watcher);
    }
    const timeout = query.timeoutSeconds !== undefined ? Number(query.timeoutSeconds) : NaN;
    if (Number.isFinite(timeout) && timeout > 0) {
      const t = setTimeout(() => this.closeWatcher(watcher, true), timeout * 1000);
      t.unref();
      watcher.timers.push(t);
    }
    if (from === undefined) {
      for (const obj of this.stores[view.store].snapshot().items) {
        if (this.matches(view, namespace, fields, labels, obj)) {
          this.writeWatchEvent(watcher, 'ADDED', obj);
        }
      }
    } else {
      for (const change of this.history) {
        if (change.rv > from) {
          this.deliver(watcher, change);
        }
      }
    }
  }

  private deliver(w: Watcher, change: Change): void {
    if (w.closed || w.view.store !== change.store) {
      return;
    }
    const test = (o: KubeObject | undefined): boolean => o !== undefined && this.matches(w.view, w.namespace, w.fields, w.labels, o);
    if (change.type === 'DELETED') {
      if (test(change.old)) {
        this.writeWatchEvent(w, 'DELETED', change.obj);
      }
      return;
    }
    const before = change.type === 'MODIFIED' && test(change.old);
    const after = test(change.obj);
    // An object moving into or out of a selector shows up as ADDED or DELETED, as the real server sends.
    if (before && after) {
      this.writeWatchEvent(w, 'MODIFIED', change.obj);
    } else if (after) {
      this.writeWatchEvent(w, 'ADDED', change.obj);
    } else if (before) {
      this.writeWatchEvent(w, 'DELETED', change.obj);
    }
  }

  private writeWatchEvent(w: Watcher, type: WatchEventType | 'BOOKMARK', stored: KubeObject): void {
    if (w.closed || w.hung) {
      return;
    }
    let object: KubeObject;
    if (type === 'BOOKMARK') {
      object = stored;
    } else if (w.table) {
      object = this.table(w.view, [stored], w.table, { resourceVersion: str(stored.metadata?.resourceVersion) });
    } else {
      object = w.view.toWire(stored);
    }
    let line = JSON.stringify({ type, object });
    if (type !== 'BOOKMARK' && this.corruptWatchEvents > 0) {
      this.corruptWatchEvents--;
      this.corruptedLines++;
      line = line.slice(0, Math.floor(line.length / 2));
    }
    w.res.write(`${line}\n`);
  }

  private expireWatcher(w: Watcher): void {
    if (w.closed) {
      return;
    }
    w.res.write(`${JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${this.historyFloor} (${this.rv})`) })}\n`);
    this.closeWatcher(w, true);
  }

  private closeWatcher(w: Watcher, graceful: boolean): void {
    if (w.closed) {
      return;
    }
    w.closed = true;
    this.watchers.delete(w);
    for (const t of w.timers) {
      clearTimeout(t);
    }
    if (graceful) {
      w.res.end();
    } else {
      w.res.destroy();
      w.res.socket?.destroy();
    }
  }
}

function apiGroup(name: string): object {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
}

/** `/api/v1/namespaces/shop/pods/web-1/eviction` → the pods view, shop, web-1, eviction. */
function resourcePath(path: string): { view: View; namespace?: string; name?: string; subresource?: string } | undefined {
  for (const [prefix, views] of GROUP_VERSIONS) {
    if (!path.startsWith(`${prefix}/`)) {
      continue;
    }
    const m = /^(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path.slice(prefix.length));
    const view = m ? views[m[2]] : undefined;
    if (!m || !view || (m[1] !== undefined && !view.namespaced) || (m[4] !== undefined && m[3] === undefined)) {
      return undefined;
    }
    const decode = (part: string | undefined): string | undefined => (part !== undefined ? decodeURIComponent(part) : undefined);
    return { view, namespace: decode(m[1]), name: decode(m[3]), subresource: decode(m[4]) };
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new StandInError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
