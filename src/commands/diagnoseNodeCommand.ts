import * as vscode from 'vscode';
import type { DiagnoseRequest } from '../azure/azureTypes';
import type { RepairErrorSeen } from '../domain/diagnosis';
import { describeNode } from '../domain/nodeDescription';
import { assessHealth, healthRank } from '../domain/nodeHealth';
import { repairReasonName } from '../domain/repairMessage';
import type { RepairTimeline } from '../domain/repairTimeline';
import { clusterKeyOf, type DiagnosisPanels } from '../diagnosis/diagnosisPanels';
import type { PanelRequest } from '../diagnosis/diagnosisView';
import { CommandIds, FOCUS_NODES_VIEW } from '../ids';
import type { ClusterSession } from '../session/clusterSession';
import { nodeNameOf } from './nodeArgument';

/** How long the palette's node pick waits for a cluster that is still connecting. */
const WAIT_FOR_NODES_MS = 20_000;

/**
 * "AKS: Diagnose Node in Azure": from a node or failed-step row, from the guidance panel (a node
 * name), or from the palette, where it asks which node of the watched cluster.
 */
export class DiagnoseNodeCommand {
  readonly id = CommandIds.diagnoseNode;

  constructor(private readonly session: ClusterSession, private readonly panels: DiagnosisPanels) {}

  async execute(arg?: unknown): Promise<void> {
    const name = nodeNameOf(arg) ?? await this.pickNode();
    if (!name) {
      return;
    }
    // A node that left the cluster can still be read from the providerID its open panel last used.
    const known = this.session.model.node(name) ? undefined : this.panels.panel(name)?.lastDiagnoseRequest;
    if (!this.session.model.node(name) && !known?.providerId) {
      void vscode.window.showWarningMessage(vscode.l10n.t(
        'Node {0} is not in the cluster any more, so its Azure resources cannot be found from it. Look for its instance in the node resource group, or diagnose a node that is still listed.', name));
      return;
    }
    this.panels.show(name, requestsFor(this.session, name, known));
  }

  /** A quick pick of the watched cluster's nodes, unhealthy first; undefined when none is chosen. */
  private async pickNode(): Promise<string | undefined> {
    this.session.ensureStarted();
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { node: string }>();
    pick.title = vscode.l10n.t('Diagnose Node in Azure');
    pick.placeholder = vscode.l10n.t('Which node? Type to filter by name');
    pick.matchOnDescription = false;
    // The Nodes view loading (or a panel finishing) can take focus while the nodes arrive.
    pick.ignoreFocusOut = true;
    const fill = (): boolean => {
      const now = Date.now();
      const items = this.session.model.nodes()
        .map((summary) => ({ summary, rank: healthRank(assessHealth(summary, now).state) }))
        .sort((a, b) => a.rank - b.rank || a.summary.name.localeCompare(b.summary.name))
        .map(({ summary }) => ({
          label: summary.name,
          description: describeNode(summary, this.session.model.timeline(summary.name, now), now),
          node: summary.name,
        }));
      pick.items = items;
      pick.busy = items.length === 0 && this.session.state.kind !== 'failed';
      return items.length > 0;
    };
    const subscriptions: vscode.Disposable[] = [];
    try {
      return await new Promise<string | undefined>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const noCluster = (): void => {
          resolve(undefined);
          pick.hide();
          this.explainNoCluster();
        };
        subscriptions.push(
          pick.onDidAccept(() => resolve(pick.selectedItems[0]?.node)),
          pick.onDidHide(() => resolve(undefined)),
          this.session.onDidChangeModel(() => {
            if (fill() && timer) {
              clearTimeout(timer);
            }
          }),
          this.session.onDidChangeState((state) => {
            if (state.kind === 'failed' && this.session.model.nodes().length === 0) {
              noCluster();
            }
          }),
          { dispose: () => timer && clearTimeout(timer) },
        );
        const hasNodes = fill();
        if (!hasNodes && this.session.state.kind === 'failed') {
          noCluster();
          return;
        }
        if (!hasNodes) {
          timer = setTimeout(() => {
            if (this.session.model.nodes().length === 0) {
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

  private explainNoCluster(): void {
    const state = this.session.state;
    const why = state.kind === 'failed' || state.kind === 'reconnecting' ? state.problem.message : vscode.l10n.t('no node has been listed yet');
    const openView = vscode.l10n.t('Open Nodes View');
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No cluster is connected ({0}). Connect one in the Nodes view (a kubeconfig with an AKS context), then run "Diagnose Node in Azure" again.', why),
      openView,
    ).then((choice) => {
      if (choice === openView) {
        void vscode.commands.executeCommand(FOCUS_NODES_VIEW);
      }
    });
  }
}

/**
 * The request of each run of one node's panel. While the node is in the cluster the panel was
 * opened for, it is read from the model; once the node has left (or the view watches another
 * cluster), the last known providerID, pool and errors are kept and the run says the node left,
 * rather than reporting a missing providerID.
 */
export function requestsFor(session: ClusterSession, name: string, known?: DiagnoseRequest): () => PanelRequest {
  const cluster = clusterKeyOf(session.identity);
  let last = known;
  return () => {
    const now = Date.now();
    const here = clusterKeyOf(session.identity) === cluster && session.model.node(name) !== undefined;
    if (here || !last) {
      last = diagnoseRequest(session, name, now);
      return last;
    }
    const errors = clusterKeyOf(session.identity) === cluster ? repairErrorsOf(session.model.timeline(name, now)) : [];
    return {
      node: name,
      providerId: last.providerId,
      pool: last.pool,
      notReadySince: last.notReadySince,
      errors: errors.length > 0 ? errors : last.errors,
      now,
      nodeLeft: true,
    };
  };
}

/** What the backend needs for one node, read from the session's model now. */
export function diagnoseRequest(session: ClusterSession, name: string, now: number): DiagnoseRequest {
  const summary = session.model.node(name);
  const timeline = session.model.timeline(name, now);
  return {
    node: name,
    providerId: summary?.providerID,
    pool: summary?.pool,
    notReadySince: summary && summary.ready !== 'True' ? summary.readySince : undefined,
    errors: repairErrorsOf(timeline),
    now,
  };
}

/** The timeline's failed steps as the findings need them, newest last. */
export function repairErrorsOf(timeline: RepairTimeline): RepairErrorSeen[] {
  return timeline.steps.filter((s) => s.status === 'failed').map((step) => {
    const error = [...step.events].reverse().find((e) => e.phase === 'error');
    const azureMessage = step.azureMessage ?? error?.azureMessage;
    return {
      code: step.code,
      reason: error?.reason ?? repairReasonName(step.action, 'error'),
      action: step.action,
      seenAt: step.failed ?? step.lastSeen,
      ...(azureMessage ? { azureMessage } : {}),
    };
  });
}
