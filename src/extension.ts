import * as vscode from 'vscode';
import { ExplainErrorCommand } from './commands/explainErrorCommand';
import { OpenGuidanceCommand } from './commands/openGuidanceCommand';
import { CommandIds } from './commandIds';
import { CopyDescribeNodeCommand, CopyEventsCommand } from './commands/copyKubectlCommands';
import { ExplainNodeCommand } from './commands/explainNodeCommand';
import { ClearFilterCommand, FilterNodesCommand } from './commands/filterNodesCommand';
import { OpenKubeconfigCommand } from './commands/openKubeconfigCommand';
import { RefreshCommand } from './commands/refreshCommand';
import { SwitchContextCommand } from './commands/switchContextCommand';
import { CatalogService } from './guidance/catalogService';
import { GuidancePanel } from './guidance/guidancePanel';
import { ErrorCodeHoverProvider, HOVER_SELECTOR } from './hover/errorCodeHoverProvider';
import { ErrorCodeTerminalLinkProvider } from './terminal/errorCodeTerminalLinkProvider';
import { ClusterSession } from './tree/clusterSession';
import type { ClusterTreeProvider } from './tree/clusterTreeProvider';
import { ClusterView } from './tree/clusterView';
import { RepairNotifier } from './tree/repairNotifier';
import { RepairStatusBar } from './tree/statusBar';

interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

/** What `activate` returns: figures for the benchmarks and tests, nothing to build on. */
export interface ExtensionApi {
  /** Wall time spent inside `activate()`. */
  readonly activationMs: number;
  /** Whether the cluster client bundle (@kubernetes/client-node) has been loaded. */
  isClusterClientLoaded(): boolean;
  /** The Nodes view's data provider, for tests that read its items. */
  readonly nodesTree: ClusterTreeProvider;
}

/** The composition root: builds the services once and hands them to what needs them. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('AKS Node Auto-Repair', { log: true });
  const catalog = new CatalogService(context.extensionUri, log);
  const guidance = new GuidancePanel(context.extensionUri, catalog, log);
  const session = new ClusterSession(context.globalState, log);
  const statusBar = new RepairStatusBar(session);
  // The notifier reveals nodes in the view, which is built after it: reach the view late.
  const views: ClusterView[] = [];
  const notifier = new RepairNotifier(session, {
    explain: (target) => guidance.show(target),
    revealNode: async (name) => views[0]?.revealNode(name),
    showRepairActivity: async (names) => views[0]?.showRepairActivity(names),
  });
  const view = new ClusterView(session, context.workspaceState, notifier, statusBar);
  views.push(view);
  const commands: Command[] = [
    new ExplainErrorCommand(catalog, guidance),
    new OpenGuidanceCommand(guidance),
    new RefreshCommand(session),
    new SwitchContextCommand(session),
    new FilterNodesCommand(view),
    new ClearFilterCommand(view),
    new OpenKubeconfigCommand(session),
    new CopyDescribeNodeCommand(),
    new CopyEventsCommand(),
    new ExplainNodeCommand(session, guidance),
    { id: CommandIds.showLog, execute: () => log.show() },
  ];
  context.subscriptions.push(
    log,
    catalog,
    guidance,
    guidance.registerSerializer(),
    session,
    statusBar,
    notifier,
    view,
    ...commands.map((c) => vscode.commands.registerCommand(c.id, (...args: unknown[]) => c.execute(...args))),
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, new ErrorCodeHoverProvider(catalog)),
    vscode.window.registerTerminalLinkProvider(new ErrorCodeTerminalLinkProvider(catalog, guidance)),
  );
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return { activationMs, isClusterClientLoaded: () => session.isBackendLoaded, nodesTree: view.provider };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
