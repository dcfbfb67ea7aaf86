import * as vscode from 'vscode';
import { ExplainErrorCommand } from './commands/explainErrorCommand';
import { OpenGuidanceCommand } from './commands/openGuidanceCommand';
import { ViewIds } from './commandIds';
import { CatalogService } from './guidance/catalogService';
import { GuidancePanel } from './guidance/guidancePanel';
import { ErrorCodeHoverProvider, HOVER_SELECTOR } from './hover/errorCodeHoverProvider';
import { ErrorCodeTerminalLinkProvider } from './terminal/errorCodeTerminalLinkProvider';

interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

/** The composition root: builds the services once and hands them to what needs them. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('AKS Node Auto-Repair', { log: true });
  const catalog = new CatalogService(context.extensionUri, log);
  const guidance = new GuidancePanel(context.extensionUri, catalog, log);
  const commands: Command[] = [
    new ExplainErrorCommand(catalog, guidance),
    new OpenGuidanceCommand(guidance),
  ];
  context.subscriptions.push(
    log,
    catalog,
    guidance,
    guidance.registerSerializer(),
    ...commands.map((c) => vscode.commands.registerCommand(c.id, (...args: unknown[]) => c.execute(...args))),
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, new ErrorCodeHoverProvider(catalog)),
    vscode.window.registerTerminalLinkProvider(new ErrorCodeTerminalLinkProvider(catalog, guidance)),
    vscode.window.registerTreeDataProvider(ViewIds.nodes, { getTreeItem: (e: vscode.TreeItem) => e, getChildren: () => [] }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
