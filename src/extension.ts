import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { CommandManager } from './commands/commandManager';
import { CopyDescribeNodeCommand, CopyEventsCommand } from './commands/copyKubectlCommands';
import { DiagnoseNodeCommand } from './commands/diagnoseNodeCommand';
import { ExplainErrorCommand } from './commands/explainErrorCommand';
import { ExplainNodeCommand } from './commands/explainNodeCommand';
import { OpenGuidanceCommand } from './commands/openGuidanceCommand';
import { OpenKubeconfigCommand } from './commands/openKubeconfigCommand';
import { RefreshCommand } from './commands/refreshCommand';
import { SwitchContextCommand } from './commands/switchContextCommand';
import { clusterKeyOf, DiagnosisPanels } from './diagnosis/diagnosisPanels';
import { CatalogService } from './guidance/catalogService';
import { GuidancePanel } from './guidance/guidancePanel';
import { ErrorCodeHoverProvider, HOVER_SELECTOR } from './hover/errorCodeHoverProvider';
import { CommandIds, LOG_CHANNEL_NAME } from './ids';
import { RepairNotifier } from './notifications/repairNotifier';
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
}

/** The composition root: builds the services once and hands them to what needs them. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  // src/domain strings go through this bundle's own copy of @vscode/l10n: hand it VS Code's bundle.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const catalog = new CatalogService(context.extensionUri, log);
  const guidance = new GuidancePanel(context.extensionUri, catalog, log);
  const session = new ClusterSession(context.globalState, log);
  // Panels and tooltip notes belong to the cluster they were read for: keyed by context and server.
  const azure = new AzureSession(log);
  const diagnoses = new DiagnosisPanels(context.extensionUri, log, azure, () => clusterKeyOf(session.identity));
  const view = new ClusterView(session, context.workspaceState, (node) => diagnoses.noteFor(node));
  const commands = new CommandManager();
  commands.register(
    new ExplainErrorCommand(catalog, guidance),
    new OpenGuidanceCommand(guidance),
    new RefreshCommand(session),
    new SwitchContextCommand(session),
    new OpenKubeconfigCommand(session),
    new CopyDescribeNodeCommand(),
    new CopyEventsCommand(),
    new ExplainNodeCommand(session, guidance),
    new DiagnoseNodeCommand(session, diagnoses),
    { id: CommandIds.showLog, execute: () => log.show() },
    ...nodesViewCommands(view),
  );
  context.subscriptions.push(
    log,
    catalog,
    guidance,
    guidance.registerSerializer(),
    session,
    new RepairStatusBar(session),
    new RepairNotifier(session),
    view,
    diagnoses,
    // The node's tooltip says when it was last diagnosed.
    diagnoses.onDidChangeNote(() => view.provider.refresh()),
    commands,
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, new ErrorCodeHoverProvider(catalog)),
    vscode.window.registerTerminalLinkProvider(new ErrorCodeTerminalLinkProvider(catalog, guidance)),
  );
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    isClusterClientLoaded: () => session.isBackendLoaded,
    nodesTree: view.provider,
    diagnoses,
    isAzureClientLoaded: () => azure.isBackendLoaded,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
