import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { looksLikeAutoRepairContext } from '../../src/domain/autoRepairContext';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';
import { CodeMatcher } from '../../src/domain/codeMatcher';
import type { ExtensionApi } from '../../src/extension';
import type { FileErrorsNode } from '../../src/fileErrors/fileErrorsTree';
import { until } from './waitFor';

const EXTENSION_ID = 'aks-node-repair.aks-node-repair';
const FIND = 'aksNodeRepair.findErrorsInFile';
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/text/node-repair-errors.log');

function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : label?.label ?? '';
}

/** What the oracle (the matcher on the whole text) says the view must list: per id, count and how many are out of context. */
function expectedGroups(text: string, extensionPath: string): Map<string, { count: number; outOfContext: number }> {
  const { catalog } = loadCatalogFolders([{ path: path.join(extensionPath, 'media', 'catalog'), origin: 'builtin' }]);
  const groups = new Map<string, { count: number; outOfContext: number }>();
  for (const m of new CodeMatcher(catalog.terms()).findAll(text)) {
    const g = groups.get(m.id) ?? { count: 0, outOfContext: 0 };
    g.count++;
    if (catalog.get(m.id)?.ambiguous && !looksLikeAutoRepairContext(text, m)) {
      g.outOfContext++;
    }
    groups.set(m.id, g);
  }
  return groups;
}

describe('Find Auto-Repair Errors in File', () => {
  let api: ExtensionApi;
  let extensionPath: string;
  let restorePick: ExtensionApi['fileErrors']['dialog']['pick'];

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    api = await ext.activate();
    extensionPath = ext.extensionPath;
    restorePick = api.fileErrors.dialog.pick;
  });

  afterEach(async () => {
    api.fileErrors.dialog.pick = restorePick;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** The tree's rows under `node`, as the view shows them. */
  function rows(node?: FileErrorsNode): { node: FileErrorsNode; item: vscode.TreeItem }[] {
    return api.fileErrors.tree.getChildren(node).map((n) => ({ node: n, item: api.fileErrors.tree.getTreeItem(n) }));
  }

  it('lists the codes of the active log document, grouped with counts, and an occurrence opens its line', async () => {
    const document = await vscode.workspace.openTextDocument(FIXTURE);
    await vscode.window.showTextDocument(document);
    // From the palette: a quick pick offers the active document first (accepted here) and "Pick a File…".
    const running = vscode.commands.executeCommand(FIND);
    let done = false;
    void running.then(() => { done = true; }, () => { done = true; });
    while (!done) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 200));
    }
    await running;
    assert.equal(api.fileErrors.tree.current?.uri.toString(), document.uri.toString());
    await until('the view is shown', () => api.fileErrors.view.visible);

    const [file] = rows();
    assert.equal(file.item.resourceUri?.toString(), document.uri.toString());
    const want = expectedGroups(document.getText(), extensionPath);
    const codes = rows(file.node);
    assert.deepEqual(new Set(codes.map((c) => c.node.kind === 'code' && c.node.group.id)), new Set(want.keys()));
    for (const { node, item } of codes) {
      assert.ok(node.kind === 'code');
      const w = want.get(node.group.id)!;
      assert.equal(node.group.count, w.count, node.group.id);
      assert.equal(node.group.outOfContext, w.outOfContext, node.group.id);
      const unrelated = w.outOfContext > 0 ? ` \\(${w.outOfContext} may be unrelated\\)` : '';
      assert.match(String(item.description), new RegExp(`^${w.count}${unrelated} · `), `${node.group.id} shows its count and summary`);
    }
    assert.equal(want.get('VMExtensionProvisioningError')?.count, 3, 'the fixture has three VMExtensionProvisioningError');
    // Errors first: the first group is an error code, the start event comes after the errors.
    const ids = codes.map((c) => (c.node.kind === 'code' ? c.node.group.id : ''));
    assert.ok(ids.indexOf('NodeRebootStart') > ids.indexOf('VMExtensionProvisioningError'));

    const vmext = codes.find((c) => c.node.kind === 'code' && c.node.group.id === 'VMExtensionProvisioningError')!;
    const occurrences = rows(vmext.node);
    assert.equal(occurrences.length, 3);
    const second = occurrences[1];
    assert.ok(second.node.kind === 'occurrence');
    const o = second.node.group.occurrence(second.node.index);
    const lineText = document.lineAt(o.line).text;
    assert.equal(lineText.slice(o.column, o.endColumn), 'VMExtensionProvisioningError');
    assert.ok(labelOf(second.item).startsWith(`${o.line + 1}:${o.column + 1}  `), labelOf(second.item));
    assert.ok(lineText.includes(o.preview.replace(/^…|…$/g, '')), 'the label shows the line as written');

    // Clicking the row runs its command: the file opens with the code selected.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const command = second.item.command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const editor = await until('the file opened at the occurrence', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === document.uri.toString() && e.selection.start.line === o.line ? e : undefined;
    });
    assert.equal(editor.document.getText(editor.selection), 'VMExtensionProvisioningError');

    // The unrelated InvalidParameter rows say so.
    const invalid = codes.find((c) => c.node.kind === 'code' && c.node.group.id === 'InvalidParameter')!;
    const descriptions = rows(invalid.node).map((r) => r.item.description);
    assert.deepEqual(descriptions, ['may be unrelated', 'may be unrelated', undefined]);
  });

  it('scans a file picked from disk that is larger than VS Code hands to extensions', async function () {
    this.timeout(180_000);
    const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-file-errors-')), 'node-55mb.log');
    const noise = 'Jan 12 08:00:00 aks-userpool-12345678-vmss000003 kubelet[2417]: I0112 08:00:00.000000 2417 kubelet_node_status.go:456] "Updating node status"\n';
    const planted = 'Jan 12 08:00:01 aks-userpool-12345678-vmss000003 kubelet[2417]: "Node problem reported" detail="extension failed: VMExtensionProvisioningError"\n';
    const block = noise.repeat(999) + planted;
    const fd = fs.openSync(big, 'w');
    let written = 0;
    let blocks = 0;
    while (written < 55 * 1024 * 1024) {
      fs.writeSync(fd, block);
      written += block.length;
      blocks++;
    }
    fs.closeSync(fd);
    const uri = vscode.Uri.file(big);
    try {
      await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri)), 'VS Code does not open a file this large for extensions');
      // With no editor open the command goes straight to the open dialog; the test answers it (the seam).
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      let asked = 0;
      api.fileErrors.dialog.pick = () => {
        asked++;
        return Promise.resolve(uri);
      };
      await vscode.commands.executeCommand(FIND);
      assert.equal(asked, 1);
      assert.equal(api.fileErrors.tree.current?.uri.fsPath, big);
      const [file] = rows();
      const [code] = rows(file.node);
      assert.ok(code.node.kind === 'code');
      assert.equal(code.node.group.id, 'VMExtensionProvisioningError');
      assert.equal(code.node.group.count, blocks);
      assert.ok(api.fileErrors.tree.current?.result.complete);
      const first = rows(code.node)[0];
      assert.match(labelOf(first.item), /^1000:\d+ {2}/, 'the first planted line is line 1000');
      assert.match(String(first.item.tooltip), /VS Code may ask before it opens a file this large/);
      assert.equal(first.item.command?.command, 'aksNodeRepair.fileErrors.openOccurrence', 'a row of a huge file offers to open or copy the line');
    } finally {
      fs.rmSync(path.dirname(big), { recursive: true, force: true });
    }
  });

  it('says "N auto-repair errors in this file" in the status bar for a log document, and follows edits', async () => {
    const document = await vscode.workspace.openTextDocument(FIXTURE);
    const text = document.getText();
    const want = expectedGroups(text, extensionPath);
    const { catalog } = loadCatalogFolders([{ path: path.join(extensionPath, 'media', 'catalog'), origin: 'builtin' }]);
    let errors = 0;
    for (const [id, g] of want) {
      const entry = catalog.get(id)!;
      if (entry.kind === 'code' || (entry.kind === 'reason' && entry.severity === 'error')) {
        errors += g.count - g.outOfContext;
      }
    }
    assert.equal(errors, 7, 'three VMExtensionProvisioningError, one InvalidParameter in context, three failed actions');
    // A copy the test may edit.
    const copy = await vscode.workspace.openTextDocument({ language: 'log', content: text });
    await vscode.window.showTextDocument(copy);
    await until(`the status bar says ${errors}`, () => api.fileErrors.status.text === `$(tools) ${errors} auto-repair errors in this file`);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(copy.uri, new vscode.Position(copy.lineCount, 0), 'NodeRedeployError node/aks-1 failed: OutboundConnectivityNotEnabledOnVMSS\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until('the status bar counts the two new errors', () => api.fileErrors.status.text === `$(tools) ${errors + 2} auto-repair errors in this file`);
    // A TypeScript file is not where the hover (and so the count) works: the item goes away.
    const ts = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const code = "VMExtensionProvisioningError";\n' });
    await vscode.window.showTextDocument(ts);
    await until('the status bar item is hidden', () => api.fileErrors.status.text === undefined);
    // Untitled documents would ask to be saved on close.
    for (const d of [ts, copy]) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
