import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';

/** Our dist/ bundles in the host's module cache (this suite shares the extension's module system). */
function loadedBundles(ext: vscode.Extension<unknown>): string[] {
  const dist = path.join(ext.extensionUri.fsPath, 'dist') + path.sep;
  return Object.keys(require.cache).filter((k) => k.startsWith(dist)).map((k) => k.slice(dist.length)).sort();
}

describe('activation', () => {
  it('activates in the real extension host and registers its command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the extension host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    const api = ext.exports as { isClusterClientLoaded(): boolean; isAzureClientLoaded(): boolean };
    assert.equal(api.isClusterClientLoaded(), false, 'activation does not load @kubernetes/client-node');
    assert.equal(api.isAzureClientLoaded(), false, 'activation does not load the @azure/* clients');
    // Every feature's internals (diagnosis, actions, history store and panel, file scan, support
    // report, guidance renderer) load on that feature's first use: activation loads extension.js only.
    assert.deepEqual(loadedBundles(ext), ['extension.js'], 'activation loads no lazy bundle');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('aksNodeRepair.explainError'), 'explain command is registered');
  });

  it('contributes the Nodes view in its own activity-bar container', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // The workbench registers these commands only for a view container and a view it has accepted
    // from the manifest (a malformed contribution is dropped with a warning, and they are missing).
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('workbench.view.extension.aksNodeRepair'), 'the activity-bar container is contributed');
    assert.ok(commands.includes('aksNodeRepair.nodes.focus'), 'the Nodes view is contributed');
    await vscode.commands.executeCommand('aksNodeRepair.nodes.focus');
    // Showing the view is what loads the cluster client.
    const api = ext.exports as { isClusterClientLoaded(): boolean };
    const deadline = Date.now() + 10_000;
    while (!api.isClusterClientLoaded() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(api.isClusterClientLoaded(), true, 'the cluster client loads once the Nodes view is shown');
  });
});
