import * as vscode from 'vscode';
import type { DiagnoseRequest } from '../azure/azureTypes';
import type { RepairErrorSeen } from '../domain/diagnosis';
import { repairReasonName } from '../domain/repairMessage';
import type { RepairTimeline } from '../domain/repairTimeline';
import type { DiagnosisPanels } from '../diagnosis/diagnosisPanels';
import { clusterKeyOf } from '../domain/clusterKey';
import { inertNotificationText } from '../domain/notificationText';
import type { PanelRequest } from '../diagnosis/diagnosisView';
import { CommandIds } from '../ids';
import type { ClusterSession } from '../session/clusterSession';
import { nodeNameOf } from './nodeArgument';
import { pickNode } from './nodePick';

/**
 * "AKS: Diagnose Node in Azure": from a node or failed-step row, from the guidance panel (a node
 * name), or from the palette, where it asks which node of the watched cluster.
 */
export class DiagnoseNodeCommand {
  readonly id = CommandIds.diagnoseNode;

  constructor(private readonly session: ClusterSession, private readonly panels: DiagnosisPanels) {}

  async execute(arg?: unknown): Promise<void> {
    const name = nodeNameOf(arg) ?? await pickNode(this.session, vscode.l10n.t('Diagnose Node in Azure'));
    if (!name) {
      return;
    }
    // A node that left the cluster can still be read from the providerID its open panel last used.
    const known = this.session.model.node(name) ? undefined : this.panels.panel(name)?.lastDiagnoseRequest;
    if (!this.session.model.node(name) && !known?.providerId) {
      void vscode.window.showWarningMessage(inertNotificationText(vscode.l10n.t(
        'Node {0} is not in the cluster any more, so its Azure resources cannot be found from it. Look for its instance in the node resource group, or diagnose a node that is still listed.', name)));
      return;
    }
    this.panels.show(name, requestsFor(this.session, name, known));
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
