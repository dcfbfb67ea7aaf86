import * as vscode from 'vscode';
import { describeNode } from '../domain/nodeDescription';
import { inertNotificationText } from '../domain/notificationText';
import { assessHealth, healthRank } from '../domain/nodeHealth';
import { FOCUS_NODES_VIEW } from '../ids';
import type { ClusterSession } from '../session/clusterSession';

/** How long the palette's node pick waits for a cluster that is still connecting. */
const WAIT_FOR_NODES_MS = 20_000;

/**
 * A quick pick of the watched cluster's nodes, unhealthy first, for commands run from the
 * palette; `title` is the command's name. Undefined when none is chosen (or no cluster connects).
 */
export async function pickNode(session: ClusterSession, title: string): Promise<string | undefined> {
  session.ensureStarted();
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { node: string }>();
  pick.title = title;
  pick.placeholder = vscode.l10n.t('Which node? Type to filter by name');
  pick.matchOnDescription = false;
  // The Nodes view loading (or a panel finishing) can take focus while the nodes arrive.
  pick.ignoreFocusOut = true;
  const fill = (): boolean => {
    const now = Date.now();
    const items = session.model.nodes()
      .map((summary) => ({ summary, rank: healthRank(assessHealth(summary, now).state) }))
      .sort((a, b) => a.rank - b.rank || a.summary.name.localeCompare(b.summary.name))
      .map(({ summary }) => ({
        label: summary.name,
        description: describeNode(summary, session.model.timeline(summary.name, now), now),
        node: summary.name,
      }));
    pick.items = items;
    pick.busy = items.length === 0 && session.state.kind !== 'failed';
    return items.length > 0;
  };
  const subscriptions: vscode.Disposable[] = [];
  try {
    return await new Promise<string | undefined>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const noCluster = (): void => {
        resolve(undefined);
        pick.hide();
        explainNoCluster(session, title);
      };
      subscriptions.push(
        pick.onDidAccept(() => resolve(pick.selectedItems[0]?.node)),
        pick.onDidHide(() => resolve(undefined)),
        session.onDidChangeModel(() => {
          if (fill() && timer) {
            clearTimeout(timer);
          }
        }),
        session.onDidChangeState((state) => {
          if (state.kind === 'failed' && session.model.nodes().length === 0) {
            noCluster();
          }
        }),
        { dispose: () => timer && clearTimeout(timer) },
      );
      const hasNodes = fill();
      if (!hasNodes && session.state.kind === 'failed') {
        noCluster();
        return;
      }
      if (!hasNodes) {
        timer = setTimeout(() => {
          if (session.model.nodes().length === 0) {
            noCluster();
          }
        }, WAIT_FOR_NODES_MS);
      }
      pick.show();
    });
  } finally {
    vscode.Disposable.from(...subscriptions).dispose();
    pick.dispose();
  }
}

function explainNoCluster(session: ClusterSession, title: string): void {
  const state = session.state;
  const why = state.kind === 'failed' || state.kind === 'reconnecting' ? state.problem.message : vscode.l10n.t('no node has been listed yet');
  const openView = vscode.l10n.t('Open Nodes View');
  void vscode.window.showWarningMessage(
    inertNotificationText(vscode.l10n.t('No cluster is connected ({0}). Connect one in the Nodes view (a kubeconfig with an AKS context), then run "{1}" again.', why, title)),
    openView,
  ).then((choice) => {
    if (choice === openView) {
      void vscode.commands.executeCommand(FOCUS_NODES_VIEW);
    }
  });
}
