import * as vscode from 'vscode';
import { nodeActionCommands } from './actions/nodeActionCommands';
import { LazyNodeActions } from './actions/lazyNodeActions';
import type { NodeActionsTestHook } from './actions/nodeActionService';
import { ClearRepairHistoryCommand } from './commands/clearRepairHistoryCommand';
import { CommandManager, onFirstRun } from './commands/commandManager';
import { CopyContainerInsightsQueryCommand } from './commands/copyContainerInsightsQueryCommand';
import { CopyDescribeNodeCommand, CopyEventsCommand } from './commands/copyKubectlCommands';
import { CreateSupportReportCommand } from './commands/createSupportReportCommand';
import { DiagnoseNodeCommand } from './commands/diagnoseNodeCommand';
import { ExplainErrorCommand } from './commands/explainErrorCommand';
import { ExplainNodeCommand } from './commands/explainNodeCommand';
import { OpenGuidanceCommand } from './commands/openGuidanceCommand';
import { OpenKubeconfigCommand } from './commands/openKubeconfigCommand';
import { RefreshCommand } from './commands/refreshCommand';
import { ShowRepairHistoryCommand } from './commands/showRepairHistoryCommand';
import { SwitchContextCommand } from './commands/switchContextCommand';
import { DiagnosisPanels } from './diagnosis/diagnosisPanels';
import { clusterKeyOf } from './domain/clusterKey';
import { fileErrorsFeature, type FileErrorsTestApi } from './fileErrors/fileErrorsFeature';
import { CatalogService } from './guidance/catalogService';
import { GuidancePanel } from './guidance/guidancePanel';
import { RepairHistoryPanels } from './historyPanel/historyPanels';
import { ErrorCodeHoverProvider, HOVER_SELECTOR } from './hover/errorCodeHoverProvider';
import { CommandIds, LOG_CHANNEL_NAME } from './ids';
import { ContainerInsightsService, withInsightsRefresh } from './insights/containerInsightsService';
import { useVscodeL10n } from './lazy/bundleL10n';
import { RepairNotifier } from './notifications/repairNotifier';
import { RepairHistoryService } from './repairHistory/repairHistoryService';
import { AzureSession } from './session/azureSession';
import { ClusterSession } from './session/clusterSession';
import { RepairStatusBar } from './statusBar/repairStatusBar';
import { ErrorCodeTerminalLinkProvider } from './terminal/errorCodeTerminalLinkProvider';
import type { ClusterTreeProvider } from './tree/clusterTreeProvider';
import { ClusterView } from './tree/clusterView';
import { nodesViewCommands } from './tree/nodesViewCommands';

/** What `activate` returns: figures for the benchmarks and tests, nothing to build on. */
export interface ExtensionApi {
  /** Wall time spent inside `activate()`. */
  readonly activationMs: number;
  /** Whether the cluster client bundle (@kubernetes/client-node) has been loaded. */
  isClusterClientLoaded(): boolean;
  /** The Nodes view's data provider, for tests that read its items. */
  readonly nodesTree: ClusterTreeProvider;
  /** The "Diagnose Node in Azure" panels, for tests that read what they show. */
  readonly diagnoses: DiagnosisPanels;
  /** Whether the Azure client bundle (@azure/*) has been loaded. */
  isAzureClientLoaded(): boolean;
  /** Test hook only (the vscode tier answers the node actions' dialogs through it); not an API to build on. */
  readonly nodeActionsTestHook: NodeActionsTestHook;
  /** The Container Insights reads (what went to the history), for tests. */
  readonly containerInsights: ContainerInsightsService;
  /** The local repair history of the watched cluster, for tests. */
  readonly history: RepairHistoryService;
  /** The "Show Repair History" panels, for tests that read what they show. */
  readonly historyPanels: RepairHistoryPanels;
  /** The "Auto-Repair Errors in File" view, status text and open dialog (a test seam), for tests. */
  readonly fileErrors: FileErrorsTestApi;
}

/** Deactivation writes the history's last batch; set by activate(). */
let closeHistory: (() => Promise<void>) | undefined;

/** The composition root: builds the services once and hands them to what needs them. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  // src/domain strings go through this bundle's own copy of @vscode/l10n: hand it VS Code's bundle.
  useVscodeL10n();
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const catalog = new CatalogService(context.extensionUri, log);
  const guidance = new GuidancePanel(context.extensionUri, catalog, log);
  const session = new ClusterSession(context.globalState, log);
  // Panels and tooltip notes belong to the cluster they were read for: keyed by context and server.
  const azure = new AzureSession(log);
  const diagnoses = new DiagnosisPanels(context.extensionUri, log, azure, () => clusterKeyOf(session.identity));
  // Recorded per cluster in global storage while VS Code is open (opened when a cluster connects).
  const history = new RepairHistoryService(session, vscode.Uri.joinPath(context.globalStorageUri, 'repair-history').fsPath, log);
  closeHistory = () => history.close();
  const view = new ClusterView(session, context.workspaceState, (node) => diagnoses.noteFor(node), history);
  const nodeActions = new LazyNodeActions(session, azure, catalog, log);
  const insights = new ContainerInsightsService(session, azure, history, log);
  const fileErrors = fileErrorsFeature(catalog, log);
  const historyPanels = new RepairHistoryPanels(context.extensionUri, session, history);
  const commands = new CommandManager();
  // Every contributed command is registered now; each object is built when its command first runs.
  commands.register(
    ...nodeActionCommands(nodeActions),
    onFirstRun(CommandIds.explainError, () => new ExplainErrorCommand(catalog, guidance)),
    onFirstRun(CommandIds.openGuidance, () => new OpenGuidanceCommand(guidance)),
    onFirstRun(CommandIds.refresh, () => withInsightsRefresh(new RefreshCommand(session), insights)),
    onFirstRun(CommandIds.switchContext, () => new SwitchContextCommand(session)),
    onFirstRun(CommandIds.openKubeconfig, () => new OpenKubeconfigCommand(session)),
    onFirstRun(CommandIds.copyDescribeNode, () => new CopyDescribeNodeCommand()),
    onFirstRun(CommandIds.copyEventsCommand, () => new CopyEventsCommand()),
    onFirstRun(CommandIds.explainNode, () => new ExplainNodeCommand(session, guidance)),
    onFirstRun(CommandIds.diagnoseNode, () => new DiagnoseNodeCommand(session, diagnoses)),
    onFirstRun(CommandIds.copyContainerInsightsQuery, () => new CopyContainerInsightsQueryCommand(session, insights)),
    onFirstRun(CommandIds.clearRepairHistory, () => new ClearRepairHistoryCommand(history, session)),
    onFirstRun(CommandIds.showRepairHistory, () => new ShowRepairHistoryCommand(historyPanels)),
    onFirstRun(CommandIds.createSupportReport, () =>
      new CreateSupportReportCommand(session, history, catalog, diagnoses, String(context.extension.packageJSON.version ?? ''))),
    { id: CommandIds.showLog, execute: () => log.show() },
    ...nodesViewCommands(view),
    ...fileErrors.commands,
  );
  context.subscriptions.push(
    log,
    catalog,
    guidance,
    guidance.registerSerializer(),
    session,
    history,
    new RepairStatusBar(session),
    new RepairNotifier(session),
    view,
    diagnoses,
    insights,
    historyPanels,
    // The node's tooltip says when it was last diagnosed.
    diagnoses.onDidChangeNote((node) => view.redrawNode(node)),
    commands,
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, new ErrorCodeHoverProvider(catalog)),
    vscode.window.registerTerminalLinkProvider(new ErrorCodeTerminalLinkProvider(catalog, guidance)),
    ...fileErrors.disposables,
  );
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    isClusterClientLoaded: () => session.isBackendLoaded,
    nodesTree: view.provider,
    diagnoses,
    isAzureClientLoaded: () => azure.isBackendLoaded,
    nodeActionsTestHook: nodeActions.testHook,
    containerInsights: insights,
    history,
    historyPanels,
    fileErrors: fileErrors.testApi,
  };
}

export function deactivate(): Promise<void> | undefined {
  // Everything else is disposed through context.subscriptions; VS Code awaits the history's last write.
  return closeHistory?.();
}
