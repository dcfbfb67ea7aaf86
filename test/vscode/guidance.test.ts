import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CatalogEntry } from '../../src/domain/catalogEntry';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';
import { CatalogService } from '../../src/guidance/catalogService';
import { GuidancePanel } from '../../src/guidance/guidancePanel';
import { ErrorCodeTerminalLinkProvider } from '../../src/terminal/errorCodeTerminalLinkProvider';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const PANEL_TYPE = 'aksNodeRepair.guidance';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n')
    .replace(/&nbsp;/g, ' ');
}

/** Position of the middle of the n-th occurrence of `needle` in a document. */
function positionOf(doc: vscode.TextDocument, needle: string, occurrence = 0): vscode.Position {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" occurs ${occurrence + 1} time(s) in ${doc.uri.fsPath}`);
  }
  return doc.positionAt(at + Math.floor(needle.length / 2));
}

function guidanceTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_TYPE));
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('guidance in the editor', () => {
  let codes: CatalogEntry[];

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const { catalog } = loadCatalogFolders([{ path: path.join(ext.extensionPath, 'media', 'catalog'), origin: 'builtin' }]);
    codes = catalog.entries.filter((e) => e.kind === 'code');
    assert.equal(codes.length, 7, 'the catalog has the seven auto-repair codes');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hovers every auto-repair code in a log file with its title, first step and guidance link', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('repair-events.log'));
    assert.equal(doc.languageId, 'log');
    for (const entry of codes) {
      const text = await hoverText(doc.uri, positionOf(doc, entry.matches[0]));
      assert.ok(text.includes(entry.title), `hover for ${entry.id} shows its title; got: ${text}`);
      assert.match(text, /First step:/);
      assert.ok(text.includes('command:aksNodeRepair.openGuidance?'), `hover for ${entry.id} links to the guidance`);
      assert.match(text, /\]\(https:\/\//, `hover for ${entry.id} links its documentation`);
    }
  });

  it('hovers codes in YAML, JSON (escaped strings), markdown and plain text', async () => {
    const cases: [string, string, string][] = [
      ['node-events.yaml', 'yaml', 'OutboundConnectivityNotEnabledOnVMSS'],
      ['node-events.json', 'json', 'ManagedIdentityCredential authentication failed'],
      ['node-events.json', 'json', 'TooManyVMRedeploymentRequests'],
      ['incident-notes.md', 'markdown', 'VMExtensionProvisioningError'],
      ['az-cli-output.txt', 'plaintext', 'InvalidParameter'],
    ];
    for (const [file, language, code] of cases) {
      const doc = await vscode.workspace.openTextDocument(workspaceFile(file));
      assert.equal(doc.languageId, language, file);
      const entry = codes.find((c) => c.matches.includes(code))!;
      const text = await hoverText(doc.uri, positionOf(doc, code));
      assert.ok(text.includes(entry.title), `${file}: hover shows "${entry.title}"; got: ${text}`);
    }
  });

  it('hovers event reasons, and nothing on words that are not codes', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('repair-events.log'));
    const reason = await hoverText(doc.uri, positionOf(doc, 'NodeRebootStart'));
    assert.match(reason, /auto-repair event/);
    const plain = await hoverText(doc.uri, positionOf(doc, 'node-controller'));
    assert.doesNotMatch(plain, /openGuidance/);
  });

  it('warns that InvalidParameter is often unrelated, unless the text shows an auto-repair event', async () => {
    const azure = await vscode.workspace.openTextDocument(workspaceFile('az-cli-output.txt'));
    const unrelated = await hoverText(azure.uri, positionOf(azure, 'InvalidParameter', 1));
    assert.match(unrelated, /unrelated Azure errors/);
    const log = await vscode.workspace.openTextDocument(workspaceFile('repair-events.log'));
    const repair = await hoverText(log.uri, positionOf(log, 'InvalidParameter'));
    assert.doesNotMatch(repair, /unrelated Azure errors/);
    assert.match(repair, /InvalidParameter/);
  });

  it('hovers codes in the Output panel', async () => {
    const channel = vscode.window.createOutputChannel('AKS hover test');
    try {
      channel.appendLine('kubectl get events: NodeRedeployError  Node auto-repair redeploy action failed due to an operation failure: VMRedeploymentFailed');
      channel.show(true);
      const doc = await waitFor('the output document', () => vscode.workspace.textDocuments
        .find((d) => d.uri.scheme === 'output' && d.getText().includes('VMRedeploymentFailed')));
      const text = await hoverText(doc.uri, positionOf(doc, 'VMRedeploymentFailed'));
      assert.match(text, /First step:/);
      assert.match(text, /VMRedeploymentFailed/);
    } finally {
      channel.dispose();
    }
  });

  it('opens the guidance panel for a code, navigating in one panel', async () => {
    await vscode.commands.executeCommand('aksNodeRepair.openGuidance', 'VMExtensionProvisioningError');
    const tab = await waitFor('the guidance panel', () => guidanceTabs()[0]);
    assert.equal(tab.label, 'AKS: VMExtensionProvisioningError');
    await vscode.commands.executeCommand('aksNodeRepair.openGuidance', { id: 'NodeRedeployError' });
    await waitFor('the panel to show NodeRedeployError', () => guidanceTabs().find((t) => t.label === 'AKS: NodeRedeployError'));
    assert.equal(guidanceTabs().length, 1, 'one guidance panel');
  });

  it('an unknown code opens the unknown-error entry', async () => {
    await vscode.commands.executeCommand('aksNodeRepair.openGuidance', { id: 'NoSuchAksError' });
    await waitFor('the unknown-error panel', () => guidanceTabs().find((t) => t.label === 'AKS: NoSuchAksError'));
  });

  it('"Explain Auto-Repair Error" opens the guidance for the code under the cursor or in the selection', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('repair-events.log'));
    const editor = await vscode.window.showTextDocument(doc);
    const at = positionOf(doc, 'VMRedeploymentFailed');
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('aksNodeRepair.explainError');
    await waitFor('guidance for the code under the cursor', () => guidanceTabs().find((t) => t.label === 'AKS: VMRedeploymentFailed'));

    const editor2 = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const line = doc.lineAt(positionOf(doc, 'TooManyVMRedeploymentRequests').line);
    editor2.selection = new vscode.Selection(line.range.start, line.range.end);
    await vscode.commands.executeCommand('aksNodeRepair.explainError');
    await waitFor('guidance for the selected event line', () => guidanceTabs().find((t) => t.label === 'AKS: TooManyVMRedeploymentRequests'));
  });

  it('makes codes in terminal output into links that open their guidance', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const log = vscode.window.createOutputChannel('AKS test', { log: true });
    const catalog = new CatalogService(ext.extensionUri, log);
    const panel = new GuidancePanel(ext.extensionUri, catalog, log);
    const write = new vscode.EventEmitter<string>();
    const terminal = vscode.window.createTerminal({
      name: 'kubectl',
      pty: { onDidWrite: write.event, open: () => write.fire('kubectl get events\r\n'), close: () => undefined },
    });
    try {
      const provider = new ErrorCodeTerminalLinkProvider(catalog, panel);
      const line = 'default  5m  Warning  NodeReimageError  node/aks-userpool-31415926-vmss000003  Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError';
      const links = provider.provideTerminalLinks({ line, terminal });
      assert.deepEqual(links.map((l) => line.slice(l.startIndex, l.startIndex + l.length)), ['NodeReimageError', 'VMExtensionProvisioningError']);
      assert.equal(links[1].tooltip, 'Explain VMExtensionProvisioningError');
      provider.handleTerminalLink(links[1]);
      await waitFor('guidance opened from the terminal link', () => guidanceTabs().find((t) => t.label === 'AKS: VMExtensionProvisioningError'));
      assert.equal(panel.currentEntryId, 'VMExtensionProvisioningError');
      assert.deepEqual(provider.provideTerminalLinks({ line: 'NAME STATUS ROLES AGE', terminal }), []);
    } finally {
      terminal.dispose();
      panel.dispose();
      catalog.dispose();
      log.dispose();
      write.dispose();
    }
  });
});
