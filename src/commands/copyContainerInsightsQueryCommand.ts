import * as vscode from 'vscode';
import { buildInsightsQuery, clampDays } from '../domain/containerInsightsQuery';
import { inertNotificationText } from '../domain/notificationText';
import { CommandIds, SETTINGS_SECTION, Settings } from '../ids';
import type { ContainerInsightsService } from '../insights/containerInsightsService';
import type { ClusterSession } from '../session/clusterSession';
import { nodeNameOf } from './nodeArgument';
import { pickNode } from './nodePick';

type Target = { readonly kind: 'node'; readonly node: string } | { readonly kind: 'cluster' };

/**
 * "AKS: Copy Container Insights Query": the KQL for a node (its row, or a node row under "No
 * longer in the cluster") or for the whole cluster (the cluster row), ready to paste into Log
 * Analytics. From the palette it asks which. Filtered by the cluster's resource ID once a read
 * has found it; otherwise the cluster's own Logs (which scopes every query to it) is the place.
 */
export class CopyContainerInsightsQueryCommand {
  readonly id = CommandIds.copyContainerInsightsQuery;

  constructor(private readonly session: ClusterSession, private readonly insights: ContainerInsightsService) {}

  async execute(arg?: unknown): Promise<void> {
    const target = await this.targetOf(arg);
    if (!target) {
      return;
    }
    const days = clampDays(vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(Settings.containerInsightsDays, 7));
    const cluster = this.insights.current()?.azureCluster;
    const query = buildInsightsQuery({ node: target.kind === 'node' ? target.node : undefined, days, clusterResourceId: cluster?.resourceId });
    if (!query.ok) {
      // Nothing is copied: with the name's odd characters dropped, the query would be about another node.
      void vscode.window.showWarningMessage(inertNotificationText(`${query.problem.message} ${query.problem.nextStep}`));
      return;
    }
    await vscode.env.clipboard.writeText(query.value);
    const what = target.kind === 'node'
      ? vscode.l10n.t('Copied the Container Insights query for node {0} (the last {1} days).', target.node, days)
      : cluster
        ? vscode.l10n.t('Copied the Container Insights query for the nodes of cluster {0} (the last {1} days).', cluster.name, days)
        : vscode.l10n.t('Copied the Container Insights query for the cluster\'s nodes (the last {0} days).', days);
    const where = cluster || target.kind === 'node'
      ? vscode.l10n.t('Paste it in the Azure portal: the cluster\'s Log Analytics workspace → Logs (or the cluster → Monitoring → Logs), in KQL mode.')
      : vscode.l10n.t('Paste it in the Azure portal: the cluster → Monitoring → Logs, in KQL mode (there the query covers this cluster only).');
    void vscode.window.showInformationMessage(inertNotificationText(`${what} ${where}`));
  }

  private async targetOf(arg: unknown): Promise<Target | undefined> {
    if (typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'cluster') {
      return { kind: 'cluster' };
    }
    const node = nodeNameOf(arg);
    if (node) {
      return { kind: 'node', node };
    }
    const title = vscode.l10n.t('Copy Container Insights Query');
    const whole = { label: vscode.l10n.t('All nodes of the cluster'), description: vscode.l10n.t('every node\'s auto-repair events, including nodes that are gone'), target: 'cluster' as const };
    const one = { label: vscode.l10n.t('One node…'), description: vscode.l10n.t('pick the node next'), target: 'node' as const };
    const picked = await vscode.window.showQuickPick([whole, one], { title, placeHolder: vscode.l10n.t('The query for which nodes?') });
    if (!picked) {
      return undefined;
    }
    if (picked.target === 'cluster') {
      return { kind: 'cluster' };
    }
    const name = await pickNode(this.session, title);
    return name ? { kind: 'node', node: name } : undefined;
  }
}
