import * as vscode from 'vscode';
import type { DiagnosisPanels } from '../diagnosis/diagnosisPanels';
import type { CodeMeaning, SupportReportInput } from '../domain/supportReport';
import { inertNotificationText } from '../domain/notificationText';
import type { CatalogService } from '../guidance/catalogService';
import { CommandIds } from '../ids';
import type { RepairHistoryView } from '../repairHistory/historyApi';
import type { ClusterSession } from '../session/clusterSession';
import { nodeNameOf } from './nodeArgument';
import { pickNode } from './nodePick';

/**
 * "AKS: Create Support Report": a node's story (cluster, node, every repair event from every
 * source, the codes' meanings, the Azure diagnosis, what could not be read) in an untitled
 * Markdown document, to review and paste into an Azure support request. From node rows (also
 * of nodes that left the cluster) and from the palette, where it asks which node.
 */
export class CreateSupportReportCommand {
  readonly id = CommandIds.createSupportReport;

  constructor(
    private readonly session: ClusterSession,
    private readonly history: RepairHistoryView | undefined,
    private readonly catalog: CatalogService,
    private readonly diagnoses: DiagnosisPanels,
    private readonly extensionVersion: string,
  ) {}

  async execute(arg?: unknown): Promise<vscode.TextDocument | undefined> {
    const name = nodeNameOf(arg) ?? await pickNode(this.session, vscode.l10n.t('Create Support Report'));
    if (!name) {
      return undefined;
    }
    const input = this.inputFor(name);
    if (!input.live && !input.recorded && input.events.length === 0) {
      void vscode.window.showWarningMessage(inertNotificationText(vscode.l10n.t(
        'Nothing is known about node {0}: it is not in the cluster, and neither the cluster\'s events nor the local history mention it. Pick a node listed in the Nodes view.', name)));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: supportReportBundle().buildSupportReport(input) });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /** What the report is built from, read now. Only fields that cannot hold a secret are handed on. */
  private inputFor(name: string): SupportReportInput {
    const session = this.session;
    const model = session.model;
    const identity = session.identity;
    const state = session.state;
    const snapshot = this.history?.snapshot();
    const kubeletVersions = [...new Set(model.nodes().map((n) => n.kubeletVersion).filter((v): v is string => !!v))].sort();
    return {
      node: name,
      now: Date.now(),
      extensionVersion: this.extensionVersion,
      ...(identity ? { identity: { context: identity.context, cluster: identity.cluster, server: identity.server } } : {}),
      ...(state.kind === 'failed' || state.kind === 'reconnecting' ? { connectionProblem: state.problem.message } : {}),
      ...(state.kind === 'connected' && state.warnings.length > 0 ? { connectionWarnings: state.warnings } : {}),
      live: model.node(name),
      recorded: snapshot?.nodes.get(name),
      kubeletVersions,
      events: this.history ? this.history.eventsFor(name) : model.eventsFor(name),
      transitions: snapshot?.transitions.get(name),
      history: { available: snapshot !== undefined, since: snapshot?.since },
      insights: this.history?.insightsStatus(),
      meaning: (code) => this.meaning(code),
      diagnosis: this.diagnoses.lastDiagnosis(name),
    };
  }

  private meaning(code: string): CodeMeaning | undefined {
    const catalog = this.catalog.catalog;
    const entry = catalog.get(code) ?? catalog.byMatch(code);
    return entry ? { title: entry.title, summary: entry.summary, firstStep: entry.firstStep } : undefined;
  }
}

/** The report's builder: dist/supportReport.js, loaded when the command first runs (esbuild.mjs). */
function supportReportBundle(): typeof import('./supportReportBundle') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./supportReportBundle') as typeof import('./supportReportBundle');
}
