import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { ClusterSession } from '../tree/clusterSession';

/** Opens the kubeconfig file in use (or the one that failed to load), or the setting when there is none. */
export class OpenKubeconfigCommand {
  readonly id = CommandIds.openKubeconfig;

  constructor(private readonly session: ClusterSession) {}

  async execute(): Promise<void> {
    const file = this.session.kubeconfigFile();
    if (file && fs.existsSync(file)) {
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      return;
    }
    const pick = await vscode.window.showWarningMessage(
      `No kubeconfig file at ${file ?? '~/.kube/config'}. Get one with "az aks get-credentials -g <resource-group> -n <cluster>", or point the setting at yours.`,
      'Open Setting',
    );
    if (pick) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'aksNodeRepair.kubeconfig');
    }
  }
}
