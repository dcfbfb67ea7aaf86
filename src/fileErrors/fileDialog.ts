import * as vscode from 'vscode';

/**
 * How "Find Auto-Repair Errors in File" asks for a log on disk. `pick` is a test seam: the
 * vscode tier replaces it, because a native open dialog cannot be answered from the extension
 * host. Nothing in the extension changes it.
 */
export class FileDialog {
  pick: () => Thenable<vscode.Uri | undefined> = async () => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      title: vscode.l10n.t('Find Auto-Repair Errors in File'),
      openLabel: vscode.l10n.t('Find Errors'),
    });
    return picked?.[0];
  };
}
