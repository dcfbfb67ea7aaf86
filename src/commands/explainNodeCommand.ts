import * as vscode from 'vscode';
import { inertNotificationText } from '../domain/notificationText';
import { nodeGuidance } from '../domain/guidanceTarget';
import type { GuidancePanel } from '../guidance/guidancePanel';
import { CommandIds } from '../ids';
import type { ClusterSession } from '../session/clusterSession';
import { nodeNameOf } from './nodeArgument';

/** Explains a node's latest auto-repair failure (tree item action). */
export class ExplainNodeCommand {
  readonly id = CommandIds.explainNode;

  constructor(private readonly session: ClusterSession, private readonly panel: GuidancePanel) {}

  execute(arg?: unknown): void {
    const name = nodeNameOf(arg);
    const target = name ? nodeGuidance(name, this.session.model.timeline(name, Date.now())) : undefined;
    if (target) {
      this.panel.show(target);
    } else if (name) {
      void vscode.window.showInformationMessage(inertNotificationText(vscode.l10n.t('No auto-repair error is recorded for {0} in the last hour.', name)));
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('No auto-repair error is recorded for this item in the last hour.'));
    }
  }
}
