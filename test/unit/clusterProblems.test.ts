/**
 * How our own list and watch requests' errors (kubeRequest.ts) are classified: a connection that
 * failed is "cannot reach", with its code when the socket gave one, and a non-200 answer by its status.
 */
import * as assert from 'node:assert/strict';

import { closedEarly, HttpStatusError, RequestFailed } from '../../src/cluster/kubeRequest';
import { classifyError } from '../../src/cluster/problems';

const ctx = { server: 'https://aks-demo.hcp.westeurope.azmk8s.io:443', doing: 'listing nodes' };
const coded = (code: string): Error => Object.assign(new Error(code), { code });

describe('Classifying our own requests\' errors', () => {
  it('a connection that failed without a code is "cannot reach", as undici\'s fetch failure was', () => {
    const { problem } = classifyError(new RequestFailed('The list request failed: socket hang up', new Error('socket hang up')), ctx);
    assert.equal(problem.kind, 'unreachable');
    assert.match(problem.message, /Cannot reach the API server at https:\/\/aks-demo/);
  });

  it('the connect timeout (ETIMEDOUT) and a refused or reset connection are "cannot reach", naming the code', () => {
    for (const code of ['ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND']) {
      const { problem } = classifyError(new RequestFailed(`The list request failed: ${code}`, coded(code)), ctx);
      assert.equal(problem.kind, 'unreachable', code);
      assert.match(problem.message, new RegExp(`\\(${code}\\)`));
    }
    assert.equal(classifyError(closedEarly('the list of /api/v1/nodes'), ctx).problem.kind, 'unreachable');
  });

  it('a certificate the socket refused is a TLS problem, not "cannot reach"', () => {
    const { problem } = classifyError(new RequestFailed('The list request failed', coded('CERT_HAS_EXPIRED')), ctx);
    assert.equal(problem.kind, 'tls');
  });

  it('a non-200 answer is classified by its status and Status body', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'etcd is down' });
    const failed = classifyError(new HttpStatusError(503, body, { 'retry-after': '3' }), ctx);
    assert.equal(failed.problem.kind, 'server-error');
    assert.equal(failed.retryAfterMs, 3000);
    assert.match(failed.problem.message, /503.*etcd is down/);
    assert.equal(classifyError(new HttpStatusError(401, '', {}), ctx).problem.kind, 'unauthorized');
  });
});
