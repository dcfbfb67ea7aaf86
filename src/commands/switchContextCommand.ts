import * as vscode from 'vscode';
import { CliCommands } from '../cluster/cliCommands';
import { CommandIds } from '../ids';
import { inertNotificationText } from '../domain/notificationText';
import type { ClusterSession } from '../session/clusterSession';

/** "AKS: Switch Cluster Context": pick one of the kubeconfig's contexts for the Nodes view. */
export class SwitchContextCommand {
  readonly id = CommandIds.switchContext;

  constructor(private readonly session: ClusterSession) {}

  async execute(): Promise<void> {
    const found = this.session.contexts();
    if ('problem' in found) {
      const open: vscode.MessageItem = { title: vscode.l10n.t('Open kubeconfig') };
      const pick = await vscode.window.showErrorMessage(inertNotificationText(`${found.problem.message} ${found.problem.nextStep}`), open);
      if (pick === open) {
        await vscode.commands.executeCommand(CommandIds.openKubeconfig);
      }
      return;
    }
    if (found.contexts.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The kubeconfig has no contexts. Run `{0}` to add one.', CliCommands.getCredentials));
      return;
    }
    const pick = await vscode.window.showQuickPick(
      found.contexts.map((c) => ({ label: c, description: c === found.current ? vscode.l10n.t('current') : undefined, picked: c === found.current })),
      { title: vscode.l10n.t('Switch Cluster Context'), placeHolder: vscode.l10n.t('Context for the Nodes view (kubectl\'s own current context is not changed)') },
    );
    if (pick) {
      await this.session.switchContext(pick.label);
    }
  }
}
