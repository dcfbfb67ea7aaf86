import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import type { ConnectionProblem, ConnectionState } from '../../src/cluster/clusterTypes';
import { makeNode, makeRepairEvent } from '../standin/fixtures';
import {
  comparable, connect, Connected, delay, execUser, expectedSnapshot, startTestCluster, TestCluster, waitForState,
  waitUntil, writeExecPlugin,
} from './clusterHelpers';

const reconnects = (c: Connected): number => c.states.filter((s) => s.kind === 'reconnecting').length;

const problems = (states: readonly ConnectionState[]): ConnectionProblem[] =>
  states.flatMap((s) => (s.kind === 'reconnecting' || s.kind === 'failed' ? [s.problem] : []));

describe('Cluster access: outages and faults', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;
  /** Every bearer token a test used: none may reach a log line or a problem. */
  let tokens: string[];

  beforeEach(async function () {
    cluster = await startTestCluster({ bookmarks: true, bookmarkIntervalMs: 100 });
    tokens = [cluster.server.token];
  });

  afterEach(async function () {
    try {
      if (current) {
        const texts = [
          ...current.log.lines.map((l) => l.text),
          ...problems(current.states).flatMap((p) => [p.message, p.nextStep, p.detail ?? '']),
          ...current.states.flatMap((s) => (s.kind === 'connected' ? s.warnings : [])),
        ];
        for (const token of tokens) {
          assert.ok(!texts.some((t) => t.includes(token)), `token ${token.slice(0, 4)}… leaked into: ${texts.find((t) => t.includes(token))}`);
        }
      }
    } finally {
      current?.connection.dispose();
      current = undefined;
      await cluster.stop();
    }
  });

  it('rides out a server outage: reconnecting with the last error, then relists with nothing missed or doubled', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    await cluster.server.stop();
    const outage = await waitForState(c, 'reconnecting');
    assert.equal(outage.kind === 'reconnecting' && outage.problem.kind, 'unreachable');

    // What happens while the client is away must be there after the recovery.
    const node = 'aks-userpool-12345678-vmss000004';
    cluster.server.upsertNode(makeNode({ name: node, pool: 'userpool', ready: 'False', since: new Date() }));
    cluster.server.upsertEvent(makeRepairEvent({ node, reason: 'NodeRebootStart', at: new Date() }));
    cluster.server.deleteNode('aks-system-12345678-vmss000002');
    await waitUntil(() => c.states.filter((s) => s.kind === 'reconnecting').length >= 3, 'a few retries');
    const last = c.states.filter((s) => s.kind === 'reconnecting').at(-1);
    assert.ok(last?.kind === 'reconnecting');
    assert.equal(last.problem.kind, 'unreachable');
    assert.match(last.problem.message, new RegExp(`${cluster.server.url.replace(/[.:/]/g, '\\$&')}.*ECONNREFUSED`));
    assert.ok(last.attempt >= 3);
    assert.ok(last.retryAt > Date.now() - 1000);

    const before = c.states.length;
    await cluster.server.restart();
    await waitForState(c, 'connected', 8000, before);
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
    assert.equal(c.model.node(node)?.ready, 'False');
    assert.equal(c.model.eventsFor(node).filter((e) => e.reason === 'NodeRebootStart').length, 1);
    assert.equal(c.model.node('aks-system-12345678-vmss000002'), undefined);
    const keys = c.model.snapshot().events.map((e) => e.key);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate events');
    assert.ok(c.log.lines.some((l) => l.level === 'warn' && /^Retrying in \d+\.\d s \(attempt \d+\), then relisting$/.test(l.text)));

    // And the new watches carry on.
    cluster.server.upsertNode(makeNode({ name: node, pool: 'userpool', ready: 'True', since: new Date() }));
    await waitUntil(() => c.model.node(node)?.ready === 'True', 'watching again after the outage');
  });

  it('on 401 drops the cached exec credential, runs the plugin again and carries on', async function () {
    const plugin = writeExecPlugin(cluster.dir, cluster.server.token);
    const kubeconfig = cluster.writeKubeconfig('exec-kubeconfig', { user: execUser(process.execPath, [plugin.script]) });
    current = connect(kubeconfig);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    assert.equal(plugin.calls(), 1, 'client-node caches the credential');

    tokens.push('rotated-token-7f3a9c');
    cluster.server.rotateToken('rotated-token-7f3a9c');
    fs.writeFileSync(plugin.tokenFile, 'rotated-token-7f3a9c');
    const name = 'aks-userpool-12345678-vmss000001';
    cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'Unknown', since: new Date() }));
    const requestsBefore = cluster.server.requestLog.length;
    cluster.server.expireWatches();

    await waitUntil(() => c.model.node(name)?.ready === 'Unknown', 'relisted with the new credential');
    await waitUntil(() => cluster.server.openWatches === 2, 'watching again');
    const after = cluster.server.requestLog.slice(requestsBefore);
    assert.ok(after.some((e) => e.status === 401), 'the old credential was refused');
    assert.equal(after.filter((e) => !e.watch).at(-1)?.status, 200);
    assert.ok(plugin.calls() >= 2, 'the plugin ran again');
    assert.equal(reconnects(c), 0, 'retried at once, not after a backoff');
    assert.ok(c.log.lines.some((l) => /401 Unauthorized while listing .*dropping cached credentials/.test(l.text)));
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
  });

  it('on a lasting 401 backs off as unauthorized, and recovers when the kubeconfig file gets the new token', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    tokens.push('second-token-2b8e41');
    cluster.server.rotateToken('second-token-2b8e41');
    cluster.server.expireWatches();
    const failed = await waitForState(c, 'reconnecting');
    assert.ok(failed.kind === 'reconnecting');
    assert.equal(failed.problem.kind, 'unauthorized');
    assert.match(failed.problem.nextStep, /az aks get-credentials/);

    // As `az aks get-credentials` would: the same context and user with a new token.
    cluster.writeKubeconfig('kubeconfig', { contextName: 'aks-demo-westeurope', clusterName: 'aks-demo', userName: 'clusterUser_rg_aks-demo' });
    const before = c.states.length;
    await waitForState(c, 'connected', 8000, before);
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
  });

  it('shows nodes with a warning when events are forbidden (403), and picks events up once allowed', async function () {
    cluster.server.forbidEvents(true);
    current = connect(cluster.kubeconfigPath, { forbiddenRetryMs: 300 });
    const c = current;
    const connected = await waitForState(c, 'connected');
    assert.ok(connected.kind === 'connected');
    assert.equal(connected.warnings.length, 1);
    assert.match(connected.warnings[0], /^Events are not permitted \(403\)/);
    assert.equal(c.model.nodes().length, 11);
    assert.equal(c.model.snapshot().events.length, 0);

    // Nodes keep being watched meanwhile.
    const name = 'aks-gpupool-12345678-vmss000000';
    cluster.server.upsertNode(makeNode({ name, pool: 'gpupool', ready: 'True', since: new Date() }));
    await waitUntil(() => c.model.node(name)?.ready === 'True', 'node watch still runs');
    assert.equal(reconnects(c), 0);

    cluster.server.forbidEvents(false);
    await waitUntil(() => c.connection.state.kind === 'connected' && c.connection.state.warnings.length === 0, 'warning cleared');
    await waitUntil(() => c.model.snapshot().events.length > 0, 'events listed');
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));

    // Revoked again while watching: the events side stops with the warning, nodes carry on.
    cluster.server.forbidEvents(true);
    cluster.server.expireWatches();
    await waitUntil(() => c.connection.state.kind === 'connected' && c.connection.state.warnings.length === 1, 'warning again');
    assert.equal(reconnects(c), 0);
  });

  it('backs off on 429 honouring Retry-After, and on 500 with growing delays, then recovers', async function () {
    cluster.server.failNext((r) => r.path === '/api/v1/nodes' && !r.watch, 429, 1, { retryAfterSeconds: 1 });
    current = connect(cluster.kubeconfigPath, { backoff: { initialMs: 100, maxMs: 5000 } });
    const c = current;
    const throttled = await waitForState(c, 'reconnecting');
    const seenAt = Date.now();
    assert.ok(throttled.kind === 'reconnecting');
    assert.equal(throttled.problem.kind, 'server-error');
    assert.match(throttled.problem.message, /429/);
    assert.ok(throttled.retryAt - seenAt >= 900, `Retry-After honoured: ${throttled.retryAt - seenAt} ms`);
    await waitForState(c, 'connected');
    assert.ok(Date.now() - seenAt >= 900);

    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const before = c.states.length;
    cluster.server.failNext((r) => r.path === '/api/v1/nodes' && !r.watch, 500, 3);
    cluster.server.expireWatches();
    await waitForState(c, 'connected', 8000, before);
    const retries = c.states.slice(before).filter((s): s is Extract<ConnectionState, { kind: 'reconnecting' }> => s.kind === 'reconnecting');
    assert.deepEqual(retries.map((s) => s.attempt), [1, 2, 3]);
    assert.ok(retries.every((s) => s.problem.kind === 'server-error' && /\(500\)/.test(s.problem.message)));
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
  });

  it('times out a hung list and a silent watch, and retries', async function () {
    cluster.server.hangNext((r) => r.path === '/api/v1/nodes' && !r.watch);
    current = connect(cluster.kubeconfigPath, { requestTimeoutMs: 300, watchIdleMs: 600 });
    const c = current;
    const hung = await waitForState(c, 'reconnecting');
    assert.ok(hung.kind === 'reconnecting');
    assert.equal(hung.problem.kind, 'timeout');
    await waitForState(c, 'connected');
    assert.equal(cluster.server.requestLog.find((e) => e.path === '/api/v1/nodes')?.status, 0, 'the first list never got an answer');

    // A watch that is accepted but never sends a byte (bookmarks keep the healthy one alive).
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const before = c.states.length;
    cluster.server.hangNext((r) => r.path === '/api/v1/nodes' && r.watch);
    // A clean close: the client watches again at once, and that watch hangs.
    cluster.server.endWatches();
    const silent = await waitForState(c, 'reconnecting', 8000, before);
    assert.ok(silent.kind === 'reconnecting');
    assert.equal(silent.problem.kind, 'timeout');
    await waitForState(c, 'connected', 8000, before);
    assert.ok(c.log.lines.some((l) => /did not answer in time while watching/.test(l.text)));
  });

  it('reports a server certificate the kubeconfig does not trust as tls', async function () {
    const untrusted = cluster.server.kubeconfig().split('\n').filter((l) => !l.includes('certificate-authority-data')).join('\n');
    const file = `${cluster.dir}/untrusted`;
    fs.writeFileSync(file, untrusted);
    current = connect(file);
    const state = await waitForState(current, 'reconnecting');
    assert.ok(state.kind === 'reconnecting');
    assert.equal(state.problem.kind, 'tls');
    assert.ok(state.problem.message.includes(cluster.server.url));
  });

  it('refresh() relists at once and keeps the view connected', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    const lists = (): number => cluster.server.requestLog.filter((e) => !e.watch).length;
    const before = lists();
    c.connection.refresh();
    await waitUntil(() => lists() >= before + 2 && cluster.server.openWatches === 2, 'relisted and watching');
    assert.equal(reconnects(c), 0);
    assert.ok(c.states.slice(1).every((s) => s.kind === 'loading' || s.kind === 'connected'));
    assert.equal(c.connection.state.kind, 'connected');
  });

  it('carries on past a malformed watch line', async function () {
    current = connect(cluster.kubeconfigPath);
    const c = current;
    await waitForState(c, 'connected');
    await waitUntil(() => cluster.server.openWatches === 2, 'watches open');
    cluster.server.malformedWatchLine();
    const name = 'aks-userpool-12345678-vmss000000';
    cluster.server.upsertNode(makeNode({ name, pool: 'userpool', ready: 'False', since: new Date() }));
    cluster.server.upsertEvent(makeRepairEvent({ node: name, reason: 'NodeRebootStart', at: new Date() }));
    await waitUntil(() => c.model.node(name)?.ready === 'False' && c.model.eventsFor(name).length > 0, 'changes after the bad line');
    await delay(100);
    assert.deepEqual(comparable(c.model.snapshot()), comparable(expectedSnapshot(cluster.server)));
  });

  it('reports a credential plugin that exits non-zero with its stderr, redacted, and retries', async function () {
    const script = `${cluster.dir}/failing-plugin.js`;
    tokens.push('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl');
    fs.writeFileSync(script, [
      "process.stderr.write('AADSTS700082: The refresh token has expired. Last token: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl\\n');",
      'process.exit(1);',
      '',
    ].join('\n'));
    const kubeconfig = cluster.writeKubeconfig('failing-exec', { user: execUser(process.execPath, [script]) });
    current = connect(kubeconfig);
    const c = current;
    const state = await waitForState(c, 'reconnecting');
    assert.ok(state.kind === 'reconnecting');
    assert.equal(state.problem.kind, 'exec-failed');
    assert.equal(state.problem.command, process.execPath);
    assert.match(state.problem.message, /AADSTS700082: The refresh token has expired/);
    assert.match(state.problem.detail ?? '', /Bearer <redacted>/);
    await waitUntil(() => c.states.filter((s) => s.kind === 'reconnecting').length >= 2, 'retried');
  });

  it('a credential plugin that prints a bare token, not ExecCredential JSON: says so, and no part of the token is kept', async function () {
    const script = `${cluster.dir}/bare-token-plugin.js`;
    const token = 'sha256~Zq7bareTokenPrintedByAPlugin0123456789';
    tokens.push(token);
    fs.writeFileSync(script, `process.stdout.write(${JSON.stringify(`${token}\n`)});\n`);
    const kubeconfig = cluster.writeKubeconfig('bare-token-exec', { user: execUser(process.execPath, [script]) });
    current = connect(kubeconfig);
    const state = await waitForState(current, 'reconnecting');
    assert.ok(state.kind === 'reconnecting');
    assert.equal(state.problem.kind, 'exec-failed');
    assert.match(state.problem.message, /is not ExecCredential JSON/);
    const texts = [...current.log.lines.map((l) => l.text), state.problem.message, state.problem.nextStep, state.problem.detail ?? ''];
    assert.ok(!texts.some((t) => t.includes('sha256~')), `the start of the token is kept: ${texts.find((t) => t.includes('sha256~'))}`);
  });
});
