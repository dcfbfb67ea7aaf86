import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CliCommands } from '../cluster/cliCommands';
import { inertNotificationText } from '../domain/notificationText';
import { CommandIds, settingId, Settings } from '../ids';
import type { ClusterSession } from '../session/clusterSession';

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
    const openSetting: vscode.MessageItem = { title: vscode.l10n.t('Open Setting') };
    const pick = await vscode.window.showWarningMessage(
      inertNotificationText(vscode.l10n.t('No kubeconfig file at {0}. Get one with "{1}", or point the setting at yours.', file ?? '~/.kube/config', CliCommands.getCredentials)),
      openSetting,
    );
    if (pick === openSetting) {
      await vscode.commands.executeCommand('workbench.action.openSettings', settingId(Settings.kubeconfig));
    }
  }
}
