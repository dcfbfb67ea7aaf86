import * as vscode from 'vscode';
import { CommandIds } from '../ids';
import { inertNotificationText } from '../domain/notificationText';
import type { RepairHistoryService } from '../repairHistory/repairHistoryService';
import type { ClusterSession } from '../session/clusterSession';

/** Asks before deleting; resolves with the button picked (undefined: cancelled). */
export type ConfirmClear = (message: string, detail: string, buttons: readonly string[]) => Thenable<string | undefined>;

const modalConfirm: ConfirmClear = (message, detail, buttons) =>
  vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);

/**
 * "AKS: Clear Repair History": after a modal confirmation naming the cluster, deletes the local
 * history of the watched cluster, or of every cluster. The cluster's own events are untouched.
 */
export class ClearRepairHistoryCommand {
  readonly id = CommandIds.clearRepairHistory;

  constructor(
    private readonly history: RepairHistoryService,
    private readonly session: ClusterSession,
    private readonly confirm: ConfirmClear = modalConfirm,
    private readonly inform: (message: string) => void = (m) => void vscode.window.showInformationMessage(inertNotificationText(m)),
  ) {}

  async execute(): Promise<void> {
    const context = this.session.identity?.context;
    const thisCluster = vscode.l10n.t('Clear History');
    const allClusters = vscode.l10n.t('Clear All Clusters');
    const detail = vscode.l10n.t(
      'This deletes the auto-repair events, readiness changes and node facts this extension recorded (kept {0} days). The cluster\'s own events and Container Insights are not affected.',
      this.history.retentionDays);
    const confirm = this.history.testHook.clearConfirm() ?? this.confirm;
    const picked = context
      ? await confirm(vscode.l10n.t('Clear the repair history of {0}?', context), detail, [thisCluster, allClusters])
      : await confirm(vscode.l10n.t('No cluster is connected. Clear the repair history of every cluster?'), detail, [allClusters]);
    if (picked === thisCluster && context) {
      await this.history.clear('cluster');
      this.inform(vscode.l10n.t('The repair history of {0} was cleared.', context));
    } else if (picked === allClusters) {
      const files = await this.history.clear('all');
      this.inform(files === 1
        ? vscode.l10n.t('The repair history of every cluster was cleared (1 cluster).')
        : vscode.l10n.t('The repair history of every cluster was cleared ({0} clusters).', files));
    }
  }
}
