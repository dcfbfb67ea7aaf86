import * as assert from 'node:assert/strict';
import { execProblem } from '../../src/cluster/problems';

/** What client-node throws when a plugin's stdout is not JSON: JSON.parse's own error. */
function parseError(stdout: string): unknown {
  try {
    JSON.parse(stdout);
  } catch (err) {
    return err;
  }
  assert.fail(`${stdout} parsed`);
}

describe('execProblem', () => {
  it('a plugin printing a bare token: says the output is not ExecCredential JSON, and keeps none of it', () => {
    const token = 'sha256~abcdefghijklmnopqrstuvwxyz';
    const err = parseError(token);
    assert.ok(err instanceof SyntaxError && err.message.includes('sha256~abc'), 'JSON.parse quotes the start of what it read');
    for (const command of ['/usr/local/bin/token-helper', 'kubelogin']) {
      const problem = execProblem(err, command);
      assert.equal(problem.kind, 'exec-failed');
      assert.match(problem.message, /is not ExecCredential JSON/);
      const shown = JSON.stringify(problem);
      assert.ok(!shown.includes('sha256'), shown);
      assert.ok(!shown.includes(err.message), shown);
    }
    assert.match(execProblem(err, 'kubelogin').nextStep, /kubelogin convert-kubeconfig/);
  });

  it('a plugin that exits non-zero still shows the first line of its stderr, redacted', () => {
    const problem = execProblem(new Error('error: token expired\nBearer abcdefghijklmnop'), 'token-helper');
    assert.match(problem.message, /failed: error: token expired$/);
    assert.ok(!JSON.stringify(problem).includes('abcdefghijklmnop'));
  });
});
