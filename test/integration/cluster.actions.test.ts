import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { loadClient } from '../../src/cluster/clusterBackend';
import type { ActionProblem, DrainProgress, NodeActions, PodRef } from '../../src/cluster/clusterTypes';
import { Credentials } from '../../src/cluster/credentials';
import { KubeNodeActions } from '../../src/cluster/nodeActions';
import { aksNodeName } from '../standin/fixtures';
import { makePod } from '../standin/podFixtures';
import { loadSimulatedWorkloads, SIMULATED_BUDGET, SIMULATED_PODS } from '../standin/simulatedWorkloads';
import {
  collectingLogger, connect, Connected, disposeAndStop, execUser, startTestCluster, TestCluster, waitForState, waitUntil,
  writeExecPlugin,
} from './clusterHelpers';

const user = (i: number): string => aksNodeName('userpool', i);
const system0 = aksNodeName('system', 0);
const key = (p: PodRef): string => `${p.namespace}/${p.name}`;
const sorted = (pods: readonly PodRef[]): string[] => pods.map(key).sort();

function actionsOf(c: Connected): NodeActions {
  const actions = c.connection.actions();
  if ('problem' in actions) {
    assert.fail(`no actions: ${actions.problem.message}`);
  }
  return actions;
}

function problemOf<T>(result: { ok: true; value: T } | { ok: false; problem: ActionProblem }): ActionProblem {
  assert.equal(result.ok, false, `expected a problem, got ${JSON.stringify(result)}`);
  return (result as { problem: ActionProblem }).problem;
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; problem: ActionProblem }): T {
  assert.ok(result.ok, `expected a value, got ${JSON.stringify(result)}`);
  return result.value;
}

/** The pod names the stand-in has on a node that are not DaemonSet or mirror pods. */
function workloadPodsOn(cluster: TestCluster, node: string): string[] {
  return cluster.server.podsOn(node)
    .filter((p) => !(p.metadata?.ownerReferences as { kind: string }[] | undefined)?.some((o) => o.kind === 'DaemonSet'))
    .filter((p) => !p.metadata?.annotations?.['kubernetes.io/config.mirror'])
    .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort();
}

const evictions = (cluster: TestCluster, pod?: PodRef): number => cluster.server.requestLog.filter((e) => e.method === 'POST'
  && (pod ? e.path === `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/eviction` : e.path.endsWith('/eviction'))).length;

describe('Node actions: cordon, drain and delete pods against the API stand-in', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;
  let tokens: string[];

  beforeEach(async function () {
    cluster = await startTestCluster({ podTerminationMs: 50 });
    loadSimulatedWorkloads(cluster.server);
    tokens = [cluster.server.token];
  });

  afterEach(async function () {
    const ending = current;
    current = undefined;
    await disposeAndStop(cluster, ending, tokens);
  });

  async function connected(kubeconfigPath = cluster.kubeconfigPath): Promise<NodeActions> {
    current = connect(kubeconfigPath);
    await waitForState(current, 'connected');
    return actionsOf(current);
  }

  it('reads a node, and a missing node as undefined', async function () {
    const actions = await connected();
    const stored = cluster.server.nodes().find((n) => n.metadata?.name === user(3));
    const facts = valueOf(await actions.readNode(user(3)));
    assert.deepEqual(facts, {
      name: user(3), uid: stored?.metadata?.uid, providerID: (stored?.spec as { providerID: string }).providerID,
      unschedulable: false, resourceVersion: stored?.metadata?.resourceVersion, ready: 'False',
    });
    assert.equal(valueOf(await actions.readNode(user(0)))?.ready, 'True');
    assert.equal(valueOf(await actions.readNode('aks-nope-12345678-vmss000000')), undefined);
  });

  it('reads the Ready condition as it is now, not as it was (the grace-0 decision reads it again)', async function () {
    const actions = await connected();
    assert.equal(valueOf(await actions.readNode(user(3)))?.ready, 'False');
    const stored = cluster.server.nodes().find((n) => n.metadata?.name === user(3))!;
    const status = stored.status as { conditions: { type: string; status: string }[] };
    cluster.server.upsertNode({ ...stored, status: { ...status, conditions: status.conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'True' } : c)) } });
    assert.equal(valueOf(await actions.readNode(user(3)))?.ready, 'True');
  });

  it('cordons and uncordons with a strategic merge patch, and the watch sees both', async function () {
    const actions = await connected();
    const c = current as Connected;
    const cordoned = valueOf(await actions.setUnschedulable(user(1), true));
    assert.equal(cordoned.unschedulable, true);
    assert.equal((cluster.server.nodes().find((n) => n.metadata?.name === user(1))?.spec as { unschedulable?: boolean }).unschedulable, true);
    await waitUntil(() => c.model.node(user(1))?.unschedulable === true, 'the watch sees the cordon');
    const patch = cluster.server.requestLog.find((e) => e.method === 'PATCH' && e.path === `/api/v1/nodes/${user(1)}`);
    assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
    assert.equal(patch?.status, 200);

    const uncordoned = valueOf(await actions.setUnschedulable(user(1), false));
    assert.equal(uncordoned.unschedulable, false);
    assert.ok(Number(uncordoned.resourceVersion) > Number(cordoned.resourceVersion));
    // Removed, not set to false, as kubectl uncordon leaves it.
    assert.equal('unschedulable' in (cluster.server.nodes().find((n) => n.metadata?.name === user(1))?.spec as object), false);
    await waitUntil(() => c.model.node(user(1))?.unschedulable === false, 'the watch sees the uncordon');
    assert.ok(c.log.lines.some((l) => l.text === `Cordoning node ${user(1)}`));
  });

  it('drains a node: DaemonSet pods skipped, the emptyDir pod evicted, the finished pod counted as done', async function () {
    const actions = await connected();
    const progress: DrainProgress[] = [];
    const result = valueOf(await actions.drain(user(0), {}, (p) => progress.push(p), new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    assert.deepEqual(sorted(result.evicted), [key(SIMULATED_PODS.emptyDir), key(SIMULATED_PODS.web)]);
    assert.deepEqual(result.skipped.map((s) => s.why), ['daemonset', 'daemonset']);
    assert.deepEqual(result.remaining, []);
    // The pods are gone from the node; their ReplicaSets recreated them elsewhere.
    assert.deepEqual(workloadPodsOn(cluster, user(0)), [key(SIMULATED_PODS.finished)]);
    assert.equal(cluster.server.pod(SIMULATED_PODS.web.namespace, SIMULATED_PODS.web.name), undefined);
    assert.equal((cluster.server.nodes().find((n) => n.metadata?.name === user(0))?.spec as { unschedulable?: boolean }).unschedulable, true);

    assert.equal(evictions(cluster), 2);
    const lists = cluster.server.requestLog.filter((e) => e.method === 'GET' && e.path === '/api/v1/pods');
    assert.deepEqual(lists.map((e) => [e.query.fieldSelector, e.query.limit]), [[`spec.nodeName=${user(0)}`, '500']]);
    // Progress: each pod evicting, then evicted; the finished pod counts from the start.
    assert.ok(progress.every((p) => p.total === 3));
    assert.deepEqual(progress.filter((p) => p.state === 'evicting').map((p) => key(p.pod)).sort(), sorted(result.evicted));
    assert.deepEqual(progress.filter((p) => p.state === 'evicted').map((p) => p.done), [2, 3]);
    assert.ok(progress.every((p) => p.state === 'evicting' || p.state === 'evicted'));
  });

  it('skips the mirror pod of a static pod on a system node', async function () {
    const actions = await connected();
    const result = valueOf(await actions.drain(system0, {}, () => undefined, new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    assert.deepEqual(result.skipped.filter((s) => s.why === 'mirror').map((s) => key(s.pod)), [key(SIMULATED_PODS.mirror)]);
    assert.ok(cluster.server.pod(SIMULATED_PODS.mirror.namespace, SIMULATED_PODS.mirror.name), 'the mirror pod stays');
    assert.deepEqual(result.evicted.map((p) => p.name.replace(/-[a-z0-9]+$/, '')), ['coredns-6d8c7b9f4']);
  });

  it('without force, an unmanaged pod stops the drain before any eviction, as kubectl drain does; the node stays cordoned', async function () {
    const actions = await connected();
    const before = workloadPodsOn(cluster, user(1));
    const progress: DrainProgress[] = [];
    const result = valueOf(await actions.drain(user(1), {}, (p) => progress.push(p), new AbortController().signal));
    assert.equal(result.outcome, 'needsForce');
    assert.equal(result.cordoned, true);
    assert.deepEqual(result.unmanaged?.map(key), [key(SIMULATED_PODS.unmanaged)]);
    assert.deepEqual(result.evicted, []);
    assert.deepEqual(sorted(result.remaining.map((r) => r.pod)), before, 'every pod to evict is still there, and listed');
    assert.equal(evictions(cluster), 0, 'no eviction was sent');
    assert.deepEqual(progress, []);
    assert.deepEqual(workloadPodsOn(cluster, user(1)), before);
    assert.equal(valueOf(await actions.readNode(user(1)))?.unschedulable, true);
  });

  it('with force, evicts an unmanaged pod too, saying nothing recreates it', async function () {
    const actions = await connected();
    const progress: DrainProgress[] = [];
    const result = valueOf(await actions.drain(user(1), { force: true }, (p) => progress.push(p), new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    assert.equal(result.unmanaged, undefined);
    assert.ok(result.evicted.some((p) => key(p) === key(SIMULATED_PODS.unmanaged)));
    const note = progress.find((p) => key(p.pod) === key(SIMULATED_PODS.unmanaged) && p.state === 'evicting');
    assert.match(note?.message ?? '', /Not managed by a controller/);
    assert.equal(cluster.server.pod(SIMULATED_PODS.unmanaged.namespace, SIMULATED_PODS.unmanaged.name), undefined);
    // The StatefulSet pod comes back under the same name with a new uid, which also counts as gone.
    assert.ok(result.evicted.some((p) => key(p) === 'shop/cache-0'));
    const cache = cluster.server.pod('shop', 'cache-0');
    assert.ok(cache, 'cache-0 recreated');
    assert.notEqual((cache.spec as { nodeName?: string }).nodeName, user(1));
  });

  it('retries an eviction a PodDisruptionBudget refuses (429), reporting it blocked with the budget name', async function () {
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'web-pdb', matchLabels: { app: 'web' }, refusals: 2 });
    const actions = await connected();
    const progress: DrainProgress[] = [];
    const result = valueOf(await actions.drain(user(2), { retryDelayMs: 20 }, (p) => progress.push(p), new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    const web = result.evicted.find((p) => p.name.startsWith('web-'));
    assert.ok(web);
    const blocked = progress.filter((p) => p.state === 'blocked');
    assert.equal(blocked.length, 2);
    assert.ok(blocked.every((p) => key(p.pod) === key(web) && p.budget === 'web-pdb'));
    assert.match(blocked[0].message ?? '', /^Cannot evict pod as it would violate the pod's disruption budget\. The disruption budget web-pdb needs 2 healthy pods/);
    assert.equal(evictions(cluster, web), 3);
    assert.equal(cluster.server.disruptionBudgets().find((b) => b.name === 'web-pdb')?.refusals, 0);
  });

  it('times out on a budget that keeps refusing, with the budget named in what remains', async function () {
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'web-pdb', matchLabels: { app: 'web' }, refusals: Infinity });
    const actions = await connected();
    const result = valueOf(await actions.drain(user(2), { timeoutMs: 700, retryDelayMs: 20 }, () => undefined, new AbortController().signal));
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.remaining.length, 1);
    assert.equal(result.remaining[0].budget, 'web-pdb');
    assert.match(result.remaining[0].pod.name, /^web-/);
    assert.match(result.remaining[0].message ?? '', /disruption budget/);
    assert.deepEqual(result.evicted.map((p) => p.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')), ['orders']);
    // Retried with growing delays: more than once, far fewer than a tight loop would.
    const attempts = evictions(cluster, result.remaining[0].pod);
    assert.ok(attempts >= 3 && attempts <= 10, `${attempts} attempts`);
  });

  it('times out on evictions a down kubelet never completes, then deletes what remains with grace 0', async function () {
    cluster.server.setKubeletDown(user(2));
    const actions = await connected();
    const before = workloadPodsOn(cluster, user(2));
    const result = valueOf(await actions.drain(user(2), { timeoutMs: 600 }, () => undefined, new AbortController().signal));
    assert.equal(result.outcome, 'timeout');
    assert.deepEqual(result.evicted, []);
    assert.deepEqual(sorted(result.remaining.map((r) => r.pod)), before);
    assert.ok(result.remaining.every((r) => r.budget === undefined && /still terminating/.test(r.message ?? '')));
    assert.ok(cluster.server.podsOn(user(2)).filter((p) => before.includes(`${p.metadata?.namespace}/${p.metadata?.name}`))
      .every((p) => typeof p.metadata?.deletionTimestamp === 'string'), 'Terminating');

    const deleted = valueOf(await actions.deletePods(result.remaining.map((r) => r.pod), 0));
    assert.deepEqual(sorted(deleted.deleted), before);
    assert.deepEqual(deleted.failed, []);
    assert.deepEqual(workloadPodsOn(cluster, user(2)), []);
    const deletes = cluster.server.requestLog.filter((e) => e.method === 'DELETE');
    assert.ok(deletes.length === before.length && deletes.every((e) => e.query.gracePeriodSeconds === '0' && e.status === 200));
  });

  it('drains the NotReady node of the simulated cluster to a timeout: the budget and the down kubelet named', async function () {
    const actions = await connected();
    const result = valueOf(await actions.drain(user(3), { timeoutMs: 800, retryDelayMs: 50, gracePeriodSeconds: 10 }, () => undefined, new AbortController().signal));
    assert.equal(result.outcome, 'timeout');
    const protectedPod = result.remaining.find((r) => key(r.pod) === key(SIMULATED_PODS.protectedByBudget));
    assert.equal(protectedPod?.budget, SIMULATED_BUDGET);
    assert.deepEqual(result.remaining.filter((r) => r.budget === undefined).map((r) => r.pod.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')).sort(), ['cache-1', 'web']);
    const eviction = cluster.server.requestLog.find((e) => e.method === 'POST' && e.path.endsWith('/eviction') && e.status === 201);
    assert.ok(eviction);
  });

  it('stops at once when cancelled, leaving the node cordoned', async function () {
    const actions = await connected();
    const controller = new AbortController();
    const progress: DrainProgress[] = [];
    const drained = actions.drain(user(3), { retryDelayMs: 50 }, (p) => {
      progress.push(p);
      if (p.state === 'blocked') {
        controller.abort();
      }
    }, controller.signal);
    const result = valueOf(await drained);
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.cordoned, true);
    assert.ok(result.remaining.length >= 3);
    assert.equal(valueOf(await actions.readNode(user(3)))?.unschedulable, true);
    const requestsAfter = cluster.server.requestLog.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(cluster.server.requestLog.length, requestsAfter, 'no request after the cancel');
  });

  it('cancelled before the cordon: says it was not cordoned, and sends nothing', async function () {
    const actions = await connected();
    const from = cluster.server.requestLog.length;
    const controller = new AbortController();
    controller.abort();
    const result = valueOf(await actions.drain(user(4), {}, () => undefined, controller.signal));
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.cordoned, false);
    assert.deepEqual(cluster.server.requestLog.slice(from).filter((e) => e.method !== 'GET'), []);
    assert.equal(valueOf(await actions.readNode(user(4)))?.unschedulable, false);
  });

  it('sends each pod\'s uid as a precondition of its eviction; a pod replaced under the same name is not evicted', async function () {
    // cache-1 (a StatefulSet pod) is refused once by a budget; while the drain waits to retry, its
    // StatefulSet replaces it: same name, new uid. The retried eviction must not evict the new pod.
    const node = user(4);
    cluster.server.upsertPod(makePod({ namespace: 'shop', node, owner: { kind: 'StatefulSet', name: 'queue' }, labels: { app: 'queue' } }));
    cluster.server.addDisruptionBudget({ namespace: 'shop', name: 'queue-pdb', matchLabels: { app: 'queue' }, refusals: 1 });
    const original = cluster.server.pod('shop', 'queue-0')!;
    const newUid = '6f1e7a52-3c0b-4d7e-9a55-0000000000aa';
    const actions = await connected();
    const result = valueOf(await actions.drain(node, { retryDelayMs: 300 }, (p) => {
      if (p.state === 'blocked' && p.pod.name === 'queue-0') {
        cluster.server.upsertPod({ ...original, metadata: { ...original.metadata, uid: newUid, resourceVersion: undefined } });
      }
    }, new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    assert.ok(result.evicted.some((p) => p.name === 'queue-0' && p.uid === original.metadata?.uid), JSON.stringify(result.evicted));
    assert.equal(cluster.server.pod('shop', 'queue-0')?.metadata?.uid, newUid, 'the replacement is still there');
    const sent = cluster.server.requestLog.filter((e) => e.method === 'POST' && e.path === '/api/v1/namespaces/shop/pods/queue-0/eviction');
    assert.deepEqual(sent.map((e) => e.status), [429, 409]);
    const others = cluster.server.requestLog.filter((e) => e.method === 'POST' && e.path.endsWith('/eviction') && e.status === 201);
    const uidOf = (body: string | undefined): string | undefined => (JSON.parse(body ?? '{}') as { deleteOptions?: { preconditions?: { uid?: string } } }).deleteOptions?.preconditions?.uid;
    assert.ok(others.length > 0 && others.every((e) => /^[0-9a-f-]{36}$/.test(uidOf(e.body) ?? '')), 'every eviction names its pod\'s uid');
    assert.ok(sent.every((e) => uidOf(e.body) === original.metadata?.uid), sent.map((e) => e.body).join('\n'));
  });

  it('a pod replaced under the same name between the timeout and the forced delete is not deleted', async function () {
    cluster.server.setKubeletDown(user(2));
    const actions = await connected();
    const result = valueOf(await actions.drain(user(2), { timeoutMs: 600 }, () => undefined, new AbortController().signal));
    assert.equal(result.outcome, 'timeout');
    const [stale, ...rest] = result.remaining.map((r) => r.pod);
    assert.ok(stale?.uid && rest.length > 0 && rest.every((p) => p.uid), `the remaining pods keep their uids: ${JSON.stringify(result.remaining)}`);
    // Its controller put a new pod under the name meanwhile (the old one was removed).
    const old = cluster.server.pod(stale.namespace, stale.name)!;
    const newUid = '6f1e7a52-3c0b-4d7e-9a55-0000000000bb';
    cluster.server.deletePod(stale.namespace, stale.name);
    cluster.server.upsertPod({ ...old, metadata: { ...old.metadata, uid: newUid, deletionTimestamp: undefined, deletionGracePeriodSeconds: undefined, resourceVersion: undefined } });

    const deleted = valueOf(await actions.deletePods(result.remaining.map((r) => r.pod), 0));
    assert.deepEqual(deleted.replaced.map(key), [key(stale)]);
    assert.deepEqual(sorted(deleted.deleted), sorted(rest));
    assert.deepEqual(deleted.failed, []);
    assert.equal(cluster.server.pod(stale.namespace, stale.name)?.metadata?.uid, newUid, 'the new pod was not deleted');
    const deletes = cluster.server.requestLog.filter((e) => e.method === 'DELETE');
    const refused = deletes.find((e) => e.path.endsWith(`/pods/${stale.name}`));
    assert.equal(refused?.status, 409);
    assert.deepEqual(JSON.parse(refused?.body ?? '{}'), { preconditions: { uid: stale.uid } });
    assert.ok(deletes.filter((e) => e !== refused).every((e) => e.status === 200));
  });

  it('pinned to the confirmed API server: after the kubeconfig is re-read and names another server, nothing is sent anywhere', async function () {
    // The connection's own credentials and their recovery path (connect with a re-read, as after a
    // failed kubeconfig is fixed): the same context now names another API server.
    const other = await startTestCluster();
    try {
      const kubeconfig = path.join(cluster.dir, 'switching-kubeconfig');
      fs.copyFileSync(cluster.kubeconfigPath, kubeconfig);
      const log = collectingLogger();
      const credentials = new Credentials({ settingPath: kubeconfig }, loadClient, { requestTimeoutMs: 2000, watchIdleMs: 10_000, credentialTimeoutMs: 5000 }, log);
      await credentials.connect(new AbortController().signal, false);
      const actions = new KubeNodeActions({
        session: credentials, loadClient, log, requestTimeoutMs: 2000,
        notConnected: () => ({ kind: 'unreachable', message: 'not connected', nextStep: 'connect' }),
      });
      const server = actions.apiServer();
      assert.equal(server, cluster.server.url.replace(/\/+$/, ''));
      const pinned = actions.pinnedTo(server!);
      assert.equal(valueOf(await pinned.readNode(user(0)))?.name, user(0));

      fs.copyFileSync(other.kubeconfigPath, kubeconfig);
      tokens.push(other.server.token);
      await credentials.connect(new AbortController().signal, true);
      assert.equal(actions.apiServer(), other.server.url.replace(/\/+$/, ''));

      const writes = (s: TestCluster): number => s.server.requestLog.filter((e) => e.method !== 'GET').length;
      const [otherFrom, firstFrom] = [writes(other), writes(cluster)];
      const problem = problemOf(await pinned.setUnschedulable(user(0), true));
      assert.equal(problem.kind, 'conflict');
      assert.match(problem.message, /^The API server changed during the action/);
      assert.equal(problemOf(await pinned.readNode(user(0))).kind, 'conflict');
      assert.equal(problemOf(await pinned.drain(user(0), { force: true }, () => undefined, new AbortController().signal)).kind, 'conflict');
      const deletion = valueOf(await pinned.deletePods([SIMULATED_PODS.web], 0));
      assert.deepEqual(deletion.deleted, []);
      assert.equal(deletion.failed[0]?.problem.kind, 'conflict');
      assert.equal(writes(other), otherFrom, 'nothing reached the other server');
      assert.equal(writes(cluster), firstFrom, 'nor the first one');
      assert.equal((other.server.nodes().find((n) => n.metadata?.name === user(0))?.spec as { unschedulable?: boolean }).unschedulable ?? false, false);
      assert.ok(log.lines.some((l) => l.level === 'warn' && l.text.startsWith(`Refused a request: the action was confirmed for API server ${server}`)));
      // Unpinned, the same actions follow the client (what every request did before).
      assert.equal(valueOf(await actions.setUnschedulable(user(0), true)).unschedulable, true);
      assert.equal(writes(other), otherFrom + 1);
    } finally {
      await other.stop();
    }
  });

  it('deletes pods with the given grace period; one already gone counts as deleted', async function () {
    const actions = await connected();
    const gone = { namespace: 'shop', name: 'no-such-pod' };
    const result = valueOf(await actions.deletePods([SIMULATED_PODS.web, gone], 5));
    assert.deepEqual(sorted(result.deleted), sorted([SIMULATED_PODS.web, gone]));
    assert.ok(cluster.server.requestLog.filter((e) => e.method === 'DELETE').every((e) => e.query.gracePeriodSeconds === '5'));
    await waitUntil(() => cluster.server.pod(SIMULATED_PODS.web.namespace, SIMULATED_PODS.web.name) === undefined, 'terminated');
  });

  it('names the missing permission for a 403 on each verb', async function () {
    const actions = await connected();
    const forbidden = async (verb: string, resource: string, run: () => Promise<ActionProblem>): Promise<void> => {
      cluster.server.forbid(verb, resource);
      try {
        const problem = await run();
        assert.equal(problem.kind, 'forbidden', JSON.stringify(problem));
        assert.equal(problem.status, 403);
        assert.equal(problem.permission, `${verb} ${resource}`);
        assert.match(problem.message, new RegExp(`cannot ${verb} resource "${resource}"`));
        assert.ok(problem.nextStep.includes(`kubectl auth can-i ${verb} ${resource}`), problem.nextStep);
      } finally {
        cluster.server.permit(verb, resource);
      }
    };
    await forbidden('get', 'nodes', async () => problemOf(await actions.readNode(user(0))));
    await forbidden('patch', 'nodes', async () => problemOf(await actions.setUnschedulable(user(0), true)));
    await forbidden('list', 'pods', async () => problemOf(await actions.drain(user(0), {}, () => undefined, new AbortController().signal)));
    await forbidden('create', 'pods/eviction', async () => problemOf(await actions.drain(user(0), {}, () => undefined, new AbortController().signal)));
    await forbidden('get', 'pods', async () => problemOf(await actions.drain(user(2), {}, () => undefined, new AbortController().signal)));
    await forbidden('delete', 'pods', async () => {
      const result = valueOf(await actions.deletePods([SIMULATED_PODS.unmanaged], undefined));
      assert.deepEqual(result.deleted, []);
      return result.failed[0].problem;
    });
    assert.ok(cluster.server.pod(SIMULATED_PODS.unmanaged.namespace, SIMULATED_PODS.unmanaged.name));
  });

  it('reports a missing node as not-found and a server error with its status', async function () {
    const actions = await connected();
    const missing = problemOf(await actions.setUnschedulable('aks-nope-12345678-vmss000000', true));
    assert.equal(missing.kind, 'not-found');
    assert.match(missing.message, /aks-nope-12345678-vmss000000/);
    assert.equal(problemOf(await actions.drain('aks-nope-12345678-vmss000000', {}, () => undefined, new AbortController().signal)).kind, 'not-found');

    cluster.server.failNext((r) => r.method === 'PATCH', 500, 1, { message: 'etcdserver: request timed out' });
    const failed = problemOf(await actions.setUnschedulable(user(0), true));
    assert.equal(failed.kind, 'server-error');
    assert.equal(failed.status, 500);
    assert.match(failed.message, /500.*etcdserver: request timed out/);
    cluster.server.failNext((r) => r.method === 'GET' && r.path === `/api/v1/nodes/${user(0)}`, 503);
    assert.equal(problemOf(await actions.readNode(user(0))).kind, 'server-error');
  });

  it('retries an eviction the server failed (500), reporting the failure, and still drains', async function () {
    const actions = await connected();
    cluster.server.failNext((r) => r.method === 'POST' && r.path.endsWith(`/${SIMULATED_PODS.web.name}/eviction`), 500, 1, { message: 'etcd leader changed' });
    const progress: DrainProgress[] = [];
    const result = valueOf(await actions.drain(user(0), { retryDelayMs: 20 }, (p) => progress.push(p), new AbortController().signal));
    assert.equal(result.outcome, 'drained');
    const failed = progress.find((p) => p.state === 'failed');
    assert.equal(failed && key(failed.pod), key(SIMULATED_PODS.web));
    assert.match(failed?.message ?? '', /500.*etcd leader changed/);
  });

  it('acts with the exec plugin\'s token, and after a token rotation runs the plugin again', async function () {
    const plugin = writeExecPlugin(cluster.dir, cluster.server.token);
    const kubeconfig = cluster.writeKubeconfig('exec-kubeconfig', { user: execUser(process.execPath, [plugin.script]) });
    const actions = await connected(kubeconfig);
    const runs = plugin.calls();
    assert.ok(runs >= 1);
    assert.equal(valueOf(await actions.setUnschedulable(user(4), true)).unschedulable, true);
    assert.equal(plugin.calls(), runs, 'the watch\'s cached token is reused');

    const rotated = `rotated-${Date.now()}`;
    tokens.push(rotated);
    cluster.server.rotateToken(rotated);
    fs.writeFileSync(plugin.tokenFile, rotated);
    assert.equal(valueOf(await actions.setUnschedulable(user(4), false)).unschedulable, false);
    assert.ok(plugin.calls() > runs, 'the plugin ran again after the 401');
    const patches = cluster.server.requestLog.filter((e) => e.method === 'PATCH').map((e) => e.status);
    assert.deepEqual(patches, [200, 401, 200]);
  });

  it('has no actions but the kubeconfig\'s problem when the kubeconfig does not load', async function () {
    current = connect(`${cluster.dir}/missing-kubeconfig`);
    const actions = current.connection.actions();
    assert.ok('problem' in actions);
    assert.match(actions.problem.message, /missing-kubeconfig/);
    assert.ok(actions.problem.nextStep.length > 0);
    await waitForState(current, 'failed');
    const again = current.connection.actions();
    assert.ok('problem' in again);
  });
});
