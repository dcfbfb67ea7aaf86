/**
 * Fuzzing kubeconfig reading: a kubeconfig comes from anywhere (a download, a teammate, a CI
 * secret). Whatever the file holds, resolveKubeconfig answers with a value or a problem (errors
 * are values at this boundary), in time linear in the file, and YAML aliases cannot blow it up.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { resolveKubeconfig } from '../../src/cluster/kubeconfig';
import { hostileText } from '../fixtures/hostile/fuzzArbitraries';
import { HOSTILE_CORPUS, unsafeCharactersIn } from '../fixtures/hostile/hostileCorpus';
import { assertRoughlyLinear } from '../fixtures/hostile/scaling';

const YAML_PIECES = [
  'apiVersion: v1\n', 'kind: Config\n', 'current-context: ', 'c', '\n', 'contexts:\n', 'clusters:\n', 'users:\n', '- name: ', '  ', '    ',
  'context:\n', 'cluster: ', 'user: ', 'server: ', 'https://127.0.0.1:6443', 'token: ', 'exec:\n', 'command: ', 'args: [', ']', '{', '}',
  '&a ', '*a', '<<: *a\n', '!!js/function ', '!!binary ', '!!str ', '? ', ': ', '- ', '---\n', '...\n', '"', "'", '#', '|', '>', '__proto__', 'constructor',
  'certificate-authority: ', '~/', '../', 'client-key-data: ', 'null', '~', '[]', 'true', '1e999',
];

describe('fuzz: kubeconfig', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  const resolve = (text: string) => {
    fs.writeFileSync(file, text);
    return resolveKubeconfig({ settingPath: file, env: {}, home: dir });
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-fuzz-kubeconfig-'));
    file = path.join(dir, 'config');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A problem a person reads: one line, no controls, a readable length. */
  function assertReadable(problem: { message: string }): void {
    assert.deepEqual(unsafeCharactersIn(problem.message, ['terminal', 'bidi', 'control', 'lineBreak']), [], problem.message.slice(0, 200));
    assert.ok(problem.message.length <= 4000, `message of ${problem.message.length}`);
  }

  it('answers any text with a value or a problem, never an exception', () => {
    fc.assert(fc.property(hostileText(YAML_PIECES, 40), (text) => {
      const r = resolve(text);
      if (r.ok) {
        assert.doesNotThrow(() => JSON.parse(r.value.text));
        assert.equal(typeof r.value.identity.server, 'string');
      } else {
        assertReadable(r.problem);
      }
    }), { numRuns: 400 });
  });

  it('quotes a name from the file without its bidi override (a counterexample fast-check found)', () => {
    const r = resolve('current-context: aks-node\u202Egnp.exe');
    assert.ok(!r.ok);
    assertReadable(r.problem);
    assert.match(r.problem.message, /aks-node gnp\.exe/);
  });

  it('answers a well-formed kubeconfig with hostile names and values', () => {
    const name = fc.oneof(hostileText([], 6).filter((s) => s.length > 0), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'));
    fc.assert(fc.property(name, name, name, hostileText(), (ctx, cluster, user, server) => {
      const doc = {
        'current-context': ctx,
        contexts: [{ name: ctx, context: { cluster, user } }],
        clusters: [{ name: cluster, cluster: { server: server || 'https://x', 'certificate-authority': server } }],
        users: [{ name: user, user: { token: server, exec: { command: server, args: [server] } } }],
      };
      const r = resolve(JSON.stringify(doc));
      if (r.ok) {
        assert.equal(r.value.identity.context, ctx);
        assert.doesNotThrow(() => JSON.parse(r.value.text));
      } else {
        assertReadable(r.problem);
      }
    }), { numRuns: 300 });
  });

  it('refuses a document that aliases expand to a huge size, or that refers to itself, at once', () => {
    const laughs = ['current-context: c', 'contexts: [{name: c, context: {cluster: k, user: u}}]', 'users: [{name: u, user: {}}]', 'clusters:', '- name: k', '  cluster:', '    server: https://x',
      '    l0: &l0 [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => `    l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`)].join('\n');
    const laughsResult = resolve(laughs);
    assert.equal(laughsResult.ok, false);
    assert.match(laughsResult.ok ? '' : laughsResult.problem.message, /too large/);
    const cycle = 'current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nusers: [{name: u, user: &u {self: *u}}]\nclusters: [{name: k, cluster: &k {server: "https://x", self: *k}}]\n';
    assert.equal(resolve(cycle).ok, false);
    // Aliases that stay small are still read, as kubectl reads them.
    const shared = 'current-context: c\ncontexts: [{name: c, context: &ctx {cluster: k, user: u}}, {name: d, context: *ctx}]\nusers: [{name: u, user: {}}]\nclusters: [{name: k, cluster: {server: "https://x"}}]\n';
    const sharedResult = resolve(shared);
    assert.ok(sharedResult.ok, sharedResult.ok ? '' : sharedResult.problem.message);
    assert.deepEqual(sharedResult.value.identity.contexts, ['c', 'd']);
  });

  it('every hostile string as a context, cluster or user name, or as the whole file, gets an answer', () => {
    for (const h of HOSTILE_CORPUS) {
      for (const text of [h.text, JSON.stringify({ 'current-context': h.text, contexts: [{ name: h.text, context: { cluster: h.text, user: h.text } }], clusters: [{ name: h.text, cluster: { server: h.text } }], users: [{ name: h.text, user: {} }] })]) {
        const r = resolve(text);
        if (!r.ok) {
          assertReadable(r.problem);
        }
      }
    }
  });

  it('takes linear time in the number of contexts', () => {
    const doc = (n: number) => JSON.stringify({
      'current-context': 'c0',
      contexts: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, context: { cluster: `k${i}`, user: `u${i}` } })),
      clusters: Array.from({ length: n }, (_, i) => ({ name: `k${i}`, cluster: { server: `https://h${i}:443`, 'certificate-authority-data': 'Q0E='.repeat(50) } })),
      users: Array.from({ length: n }, (_, i) => ({ name: `u${i}`, user: { token: `t${i}` } })),
    });
    const s = assertRoughlyLinear('resolveKubeconfig', (n) => doc(n), (text) => resolve(text), 50);
    assert.ok(s.n > 0);
  });
});
