import * as vscode from 'vscode';
import { ContextKeys, ViewIds } from '../ids';
import { FileErrorsTreeProvider, type FileErrorsNode, type ScannedFile } from './fileErrorsTree';

/**
 * The "Auto-Repair Errors in File" view around its tree: hidden until a first scan (its context
 * key), created then and not at activation, revealed with the file's codes expanded.
 */
export class FileErrorsView implements vscode.Disposable {
  readonly tree = new FileErrorsTreeProvider();
  private treeView?: vscode.TreeView<FileErrorsNode>;

  /** Whether the view is on screen (false before the first scan). */
  get visible(): boolean {
    return this.treeView?.visible ?? false;
  }

  async show(file: ScannedFile): Promise<void> {
    const root = this.tree.set(file);
    const view = this.view();
    const name = file.uri.path.split('/').pop() ?? file.uri.toString();
    view.description = name;
    view.message = file.result.total > 0 ? undefined
      : vscode.l10n.t('No auto-repair error codes or event reasons in {0} ({1} lines read).', name, file.result.lines.toLocaleString());
    await vscode.commands.executeCommand('setContext', ContextKeys.fileErrorsShown, true);
    await vscode.commands.executeCommand(`${ViewIds.fileErrors}.focus`);
    try {
      await view.reveal(root, { select: false, focus: true, expand: true });
    } catch {
      // The view is shown; revealing the row is a nicety the user can do by hand.
    }
  }

  private view(): vscode.TreeView<FileErrorsNode> {
    this.treeView ??= vscode.window.createTreeView(ViewIds.fileErrors, { treeDataProvider: this.tree, showCollapseAll: true });
    return this.treeView;
  }

  dispose(): void {
    this.treeView?.dispose();
    this.tree.dispose();
  }
}
