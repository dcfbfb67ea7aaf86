import * as vscode from 'vscode';
import { CommandIds, ViewIds } from './commandIds';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(CommandIds.explainError, async () => {
      await vscode.window.showQuickPick(['VMExtensionProvisioningError'], { placeHolder: 'Pick an auto-repair error code' });
    }),
    vscode.window.registerTreeDataProvider(ViewIds.nodes, { getTreeItem: (e: vscode.TreeItem) => e, getChildren: () => [] }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
