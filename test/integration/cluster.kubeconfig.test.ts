import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { backend } from '../../src/cluster/clusterBackend';
import type { ConnectionProblem, KubeconfigOptions } from '../../src/cluster/clusterTypes';
import { redact } from '../../src/domain/redact';
import { connect, Connected, execUser, startTestCluster, TestCluster, waitForState } from './clusterHelpers';

function problemOf(options: KubeconfigOptions): ConnectionProblem {
  const result = backend.readKubeconfig(options);
  assert.ok(!result.ok, 'expected a problem');
  return result.problem;
}

function kubeconfigYaml(o: { contexts: [name: string, cluster: string, user: string][]; clusters: [name: string, server: string][]; users: [name: string, token: string][]; current?: string }): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...o.clusters.flatMap(([name, server]) => [`- name: ${name}`, '  cluster:', `    server: ${server}`]),
    'contexts:',
    ...o.contexts.flatMap(([name, cluster, user]) => [`- name: ${name}`, '  context:', `    cluster: ${cluster}`, `    user: ${user}`]),
    'users:',
    ...o.users.flatMap(([name, token]) => [`- name: ${name}`, '  user:', `    token: ${token}`]),
    ...(o.current ? [`current-context: ${o.current}`] : []),
    '',
  ].join('\n');
}

describe('Cluster access: kubeconfig as kubectl reads it', function () {
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-kubeconfig-test-'));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('reports a missing file named by the setting, and a missing ~/.kube/config', function () {
    const missing = path.join(dir, 'nope', 'config');
    const fromSetting = problemOf({ settingPath: missing, env: {} });
    assert.equal(fromSetting.kind, 'kubeconfig-missing');
    assert.equal(fromSetting.file, missing);
    assert.ok(fromSetting.message.includes(missing));
    assert.match(fromSetting.nextStep, /aksNodeRepair\.kubeconfig/);

    const fromHome = problemOf({ env: {}, home: dir });
    assert.equal(fromHome.kind, 'kubeconfig-missing');
    assert.equal(fromHome.file, path.join(dir, '.kube', 'config'));
    assert.match(fromHome.nextStep, /az aks get-credentials/);
  });

  it('names the file and the parser reason for malformed YAML', function () {
    const file = write('broken', 'apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: "https://x"\nusers: [\n');
    const problem = problemOf({ settingPath: file });
    assert.equal(problem.kind, 'kubeconfig-invalid');
    assert.equal(problem.file, file);
    assert.ok(problem.message.includes(file));
    assert.match(problem.message, /not valid YAML: .+ \(line \d+, column \d+\)/);

    const notAMapping = problemOf({ settingPath: write('list', '- a\n- b\n') });
    assert.equal(notAMapping.kind, 'kubeconfig-invalid');
    const noServer = problemOf({ settingPath: write('noserver', 'clusters:\n- name: c\n  cluster: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {}\ncurrent-context: x\n') });
    assert.equal(noServer.kind, 'kubeconfig-invalid');
    assert.match(noServer.message, /cluster "c" has no server/);
  });

  it('reports no current context, or an unknown one, listing the contexts', function () {
    const file = write('nocurrent', kubeconfigYaml({
      clusters: [['c1', 'https://one.example:443']], users: [['u1', 't1']], contexts: [['ctx-a', 'c1', 'u1'], ['ctx-b', 'c1', 'u1']],
    }));
    const none = problemOf({ settingPath: file });
    assert.equal(none.kind, 'no-context');
    assert.match(none.message, /ctx-a, ctx-b/);
    assert.match(none.nextStep, /kubectl config use-context/);
    const unknown = problemOf({ settingPath: file, context: 'ctx-z' });
    assert.equal(unknown.kind, 'no-context');
    assert.match(unknown.message, /"ctx-z".*ctx-a, ctx-b/);
    const chosen = backend.readKubeconfig({ settingPath: file, context: 'ctx-b' });
    assert.ok(chosen.ok);
    assert.equal(chosen.identity.context, 'ctx-b');
  });

  it('merges KUBECONFIG files: first current-context, first entry of a duplicated name, missing files skipped', function () {
    const first = write('first', kubeconfigYaml({
      clusters: [['shared', 'https://first.example:443']],
      users: [['shared-user', 'first-token']],
      contexts: [['ctx-first', 'shared', 'shared-user']],
      current: 'ctx-first',
    }));
    const second = write('second', kubeconfigYaml({
      clusters: [['shared', 'https://second.example:443'], ['other', 'https://other.example:443']],
      users: [['shared-user', 'second-token'], ['other-user', 'other-token']],
      contexts: [['ctx-first', 'other', 'other-user'], ['ctx-other', 'other', 'other-user']],
      current: 'ctx-other',
    }));
    const env = { KUBECONFIG: [first, path.join(dir, 'absent'), second].join(path.delimiter) };
    const result = backend.readKubeconfig({ env });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.identity, {
      context: 'ctx-first', cluster: 'shared', server: 'https://first.example:443', user: 'shared-user',
      files: [first, second], contexts: ['ctx-first', 'ctx-other'],
    });
    const switched = backend.readKubeconfig({ env, context: 'ctx-other' });
    assert.ok(switched.ok);
    assert.equal(switched.identity.server, 'https://other.example:443');
    assert.equal(switched.identity.user, 'other-user');
    // The setting wins over KUBECONFIG.
    const setting = backend.readKubeconfig({ env, settingPath: second });
    assert.ok(setting.ok);
    assert.equal(setting.identity.context, 'ctx-other');

    const none = problemOf({ env: { KUBECONFIG: [path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter) } });
    assert.equal(none.kind, 'kubeconfig-missing');
  });

  it('redacts bearer tokens, token fields, key data and passwords', function () {
    const text = [
      'Authorization: Bearer abc.def-ghi',
      '{"token":"s3cr3t-json","password":"pw1"}',
      'client-key-data: LS0tLS1CRUdJTi',
      'token=plain-token',
      'jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
    ].join('\n');
    const out = redact(text, ['extra-secret']);
    for (const secret of ['abc.def-ghi', 's3cr3t-json', 'pw1', 'LS0tLS1CRUdJTi', 'plain-token', 'eyJhbGciOiJSUzI1NiJ9']) {
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    }
    assert.equal(redact('a extra-secret b', ['extra-secret']), 'a <redacted> b');
  });
});

describe('Cluster access: connecting through the kubeconfig', function () {
  let cluster: TestCluster;
  let current: Connected | undefined;

  before(async function () {
    cluster = await startTestCluster();
  });

  after(async function () {
    await cluster.stop();
  });

  afterEach(function () {
    current?.connection.dispose();
    current = undefined;
  });

  it('connects with merged KUBECONFIG files, using the first file\'s entries for duplicated names', async function () {
    const real = cluster.writeKubeconfig('real', { contextName: 'aks-demo', clusterName: 'aks-demo', userName: 'aks-user' });
    // A later file defines the same names, pointing nowhere: kubectl (and we) ignore them.
    const shadow = path.join(cluster.dir, 'shadow');
    fs.writeFileSync(shadow, kubeconfigYaml({
      clusters: [['aks-demo', 'https://127.0.0.1:1']], users: [['aks-user', 'wrong']], contexts: [['aks-demo', 'aks-demo', 'aks-user']], current: 'aks-demo',
    }));
    current = connect('', { env: { KUBECONFIG: [real, shadow].join(path.delimiter) } });
    await waitForState(current, 'connected');
    assert.equal(current.connection.identity?.server, cluster.server.url);
    assert.deepEqual(current.connection.identity?.files, [real, shadow]);
    assert.equal(current.model.nodes().length, 11);
  });

  it('fails with kubeconfig problems until refresh(), which reads the file again', async function () {
    const file = path.join(cluster.dir, 'later');
    current = connect(file);
    const failed = await waitForState(current, 'failed');
    assert.ok(failed.kind === 'failed');
    assert.equal(failed.problem.kind, 'kubeconfig-missing');
    const c = current;
    const identity = (): string | undefined => c.connection.identity?.context;
    assert.equal(identity(), undefined);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(current.states.filter((s) => s.kind === 'failed').length, 1, 'not retried on its own');

    fs.writeFileSync(file, cluster.server.kubeconfig({ contextName: 'later' }));
    current.connection.refresh();
    await waitForState(current, 'connected');
    assert.equal(identity(), 'later');
  });

  it('names a credential plugin that is not installed (kubelogin) and how to get it', async function () {
    const file = cluster.writeKubeconfig('kubelogin', {
      user: execUser('kubelogin', ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630']),
    });
    current = connect(file);
    const failed = await waitForState(current, 'failed');
    assert.ok(failed.kind === 'failed');
    assert.equal(failed.problem.kind, 'exec-failed');
    assert.equal(failed.problem.command, 'kubelogin');
    assert.match(failed.problem.message, /"kubelogin" was not found/);
    assert.match(failed.problem.nextStep, /PATH/);
    assert.match(failed.problem.nextStep, /kubelogin convert-kubeconfig -l azurecli/);

    const other = cluster.writeKubeconfig('other-plugin', { user: execUser('aks-token-helper-not-installed') });
    const c2 = connect(other);
    try {
      const p = await waitForState(c2, 'failed');
      assert.ok(p.kind === 'failed');
      assert.equal(p.problem.command, 'aks-token-helper-not-installed');
      assert.match(p.problem.nextStep, /"aks-token-helper-not-installed".*PATH/);
    } finally {
      c2.connection.dispose();
    }
  });

  it('says a credential plugin that never answers (waiting for a login) is stuck, naming it', async function () {
    const plugin = path.join(os.tmpdir(), `aks-repair-silent-plugin-${process.pid}.js`);
    fs.writeFileSync(plugin, '#!/usr/bin/env node\nsetTimeout(() => undefined, 5000);\n', { mode: 0o755 });
    const file = cluster.writeKubeconfig('silent-plugin', { user: execUser(plugin) });
    const stuck = connect(file, { credentialTimeoutMs: 800 });
    try {
      const failed = await waitForState(stuck, 'failed');
      assert.ok(failed.kind === 'failed');
      assert.equal(failed.problem.kind, 'exec-failed');
      assert.equal(failed.problem.command, plugin);
      assert.match(failed.problem.message, /did not answer within 1 s; it may be waiting for an interactive login/);
      assert.match(failed.problem.nextStep, /Refresh/);
    } finally {
      stuck.connection.dispose();
      fs.rmSync(plugin, { force: true });
    }
  });
});
