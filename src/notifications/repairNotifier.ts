import * as vscode from 'vscode';
import type { ClusterChange } from '../domain/clusterModel';
import { singleLine, truncate } from '../domain/format';
import { inertNotificationText } from '../domain/notificationText';
import { eventGuidance, type GuidanceTarget } from '../domain/guidanceTarget';
import { CommandIds, SETTINGS_SECTION, Settings } from '../ids';
import type { ClusterSession, SessionState } from '../session/clusterSession';

/** How a notification is shown: `vscode.window.showWarningMessage`, or a recorder in tests. */
export type ShowWarning = (message: string, ...items: vscode.MessageItem[]) => Thenable<vscode.MessageItem | undefined>;

/** Several errors within this window become one notification. */
const BATCH_MS = 2000;

/**
 * Tells the user when a new auto-repair error arrives (not the ones already there when the
 * session connected). Setting `aksNodeRepair.notifyOnRepairError` turns it off. Subscribes to
 * the session itself; its buttons run the extension's commands, so it needs no view.
 */
export class RepairNotifier implements vscode.Disposable {
  private readonly seen = new Set<string>();
  private baselineTaken = false;
  private pending = new Map<string, GuidanceTarget>();
  private timer?: ReturnType<typeof setTimeout>;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly session: ClusterSession,
    private readonly show: ShowWarning = (message, ...items) => vscode.window.showWarningMessage(message, ...items),
  ) {
    this.subscriptions = [
      session.onDidChangeState((state) => this.onState(state)),
      session.onDidChangeModel((change) => this.onModelChange(change)),
    ];
  }

  private onState(state: SessionState): void {
    if (state.kind === 'connecting') {
      // A new connection (or context): what is already on the cluster is not news.
      this.baselineTaken = false;
      this.seen.clear();
    }
    if (state.kind === 'connected' && !this.baselineTaken) {
      for (const node of this.session.model.nodeNamesWithEvents()) {
        this.scan(node, false);
      }
      this.baselineTaken = true;
    }
  }

  private onModelChange(change: ClusterChange): void {
    if (!this.baselineTaken) {
      return;
    }
    for (const node of change.nodes) {
      this.scan(node, true);
    }
  }

  private scan(node: string, announce: boolean): void {
    for (const event of this.session.model.eventsFor(node)) {
      if (event.phase !== 'error') {
        continue;
      }
      const key = `${event.key}#${event.count}`;
      if (this.seen.has(key)) {
        continue;
      }
      this.seen.add(key);
      if (announce) {
        this.pending.set(node, eventGuidance(node, event));
      }
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  private flush(): void {
    this.timer = undefined;
    const pending = [...this.pending.entries()];
    this.pending.clear();
    if (pending.length === 0 || !vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(Settings.notifyOnRepairError, true)) {
      return;
    }
    if (pending.length === 1) {
      const [node, target] = pending[0];
      const what = target.context?.code ? truncate(singleLine(target.context.code), 80) : vscode.l10n.t('no error code');
      const action = target.context?.reason?.replace(/^Node(\w+)Error$/, '$1').toLowerCase() ?? 'repair';
      const explain: vscode.MessageItem = { title: vscode.l10n.t('Explain') };
      const showNode: vscode.MessageItem = { title: vscode.l10n.t('Show Node') };
      const azure = target.context?.azureMessage;
      const message = azure
        ? vscode.l10n.t('Auto-repair {0} failed on {1}: {2} ({3}).', action, truncate(singleLine(node), 80), what, truncate(singleLine(azure), 120))
        : vscode.l10n.t('Auto-repair {0} failed on {1}: {2}.', action, truncate(singleLine(node), 80), what);
      // The node name and Azure's message come from outside: no `[label](command:…)` in them may become a link.
      void this.show(inertNotificationText(message), explain, showNode)
        .then((pick) => {
          if (pick === explain) {
            void vscode.commands.executeCommand(CommandIds.openGuidance, target);
          } else if (pick === showNode) {
            void vscode.commands.executeCommand(CommandIds.revealNode, node);
          }
        });
      return;
    }
    const names = pending.map(([n]) => n);
    const showNodes: vscode.MessageItem = { title: vscode.l10n.t('Show Nodes') };
    void this.show(inertNotificationText(vscode.l10n.t('Auto-repair failed on {0} nodes: {1}.', names.length, truncate(singleLine(names.join(', ')), 160))), showNodes)
      .then((pick) => {
        if (pick === showNodes) {
          void vscode.commands.executeCommand(CommandIds.showRepairActivity, names);
        }
      });
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    if (this.timer) {
      clearTimeout(this.timer);
    }
  }
}
