import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { noWorkspaceProblem } from '../../src/azure/insightsWorkspace';

/** The `az …` command in the problem's next step, run by a real POSIX shell with `az` printing the words it was given. */
function wordsOf(nextStep: string): string[] {
  const command = /`(az aks enable-addons [^`]*)`/.exec(nextStep)?.[1];
  assert.ok(command, nextStep);
  const out = execFileSync('/bin/sh', ['-c', `az() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('Container Insights: the command that turns the monitoring add-on on', () => {
  it('passes the cluster and resource group names as one word each, whatever they hold', () => {
    assert.deepEqual(wordsOf(noWorkspaceProblem({ name: 'aks-demo', resourceGroup: 'rg-aks-demo' }).nextStep),
      ['aks', 'enable-addons', '-a', 'monitoring', '-n', 'aks-demo', '-g', 'rg-aks-demo']);
    // Harmless payloads: unquoted, they would only print more words (or fail to parse).
    const name = "aks; echo injected $(echo sub) 'q'";
    // Resource group names may hold parentheses, which a shell reads as a subshell.
    const resourceGroup = 'rg-(prod).1 && echo $HOME';
    assert.deepEqual(wordsOf(noWorkspaceProblem({ name, resourceGroup }).nextStep),
      ['aks', 'enable-addons', '-a', 'monitoring', '-n', name, '-g', resourceGroup]);
  });
});
