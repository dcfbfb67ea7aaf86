import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { ClusterSession } from '../tree/clusterSession';

/** "AKS: Switch Cluster Context": pick one of the kubeconfig's contexts for the Nodes view. */
export class SwitchContextCommand {
  readonly id = CommandIds.switchContext;

  constructor(private readonly session: ClusterSession) {}

  async execute(): Promise<void> {
    const found = this.session.contexts();
    if ('problem' in found) {
      const pick = await vscode.window.showErrorMessage(`${found.problem.message} ${found.problem.nextStep}`, 'Open kubeconfig');
      if (pick) {
        await vscode.commands.executeCommand(CommandIds.openKubeconfig);
      }
      return;
    }
    if (found.contexts.length === 0) {
      void vscode.window.showWarningMessage('The kubeconfig has no contexts. Run `az aks get-credentials -g <resource-group> -n <cluster>` to add one.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      found.contexts.map((c) => ({ label: c, description: c === found.current ? 'current' : undefined, picked: c === found.current })),
      { title: 'Switch Cluster Context', placeHolder: 'Context for the Nodes view (kubectl\'s own current context is not changed)' },
    );
    if (pick) {
      await this.session.switchContext(pick.label);
    }
  }
}
