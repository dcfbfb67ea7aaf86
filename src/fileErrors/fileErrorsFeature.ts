import type * as vscode from 'vscode';
import type { Command } from '../commands/commandManager';
import { FindErrorsInFileCommand } from '../commands/findErrorsInFileCommand';
import type { CatalogService } from '../guidance/catalogService';
import { FileDialog } from './fileDialog';
import { FileErrorsStatus } from './fileErrorsStatus';
import type { FileErrorsTreeProvider } from './fileErrorsTree';
import { FileErrorsView } from './fileErrorsView';
import { OpenOccurrenceCommand } from './openOccurrenceCommand';
import { ScannerForCatalog } from './scannerForCatalog';

/** What the vscode tier reads and answers: the view's items, the status text, the open dialog (a test seam). */
export interface FileErrorsTestApi {
  readonly view: FileErrorsView;
  readonly tree: FileErrorsTreeProvider;
  readonly status: FileErrorsStatus;
  readonly dialog: FileDialog;
}

/**
 * "Find Auto-Repair Errors in File": its commands, the view and the status item, wired for the
 * composition root. Nothing here scans or creates UI until it is used.
 */
export function fileErrorsFeature(catalog: CatalogService, log: vscode.LogOutputChannel): { commands: Command[]; disposables: vscode.Disposable[]; testApi: FileErrorsTestApi } {
  const scanners = new ScannerForCatalog(catalog);
  const view = new FileErrorsView();
  const dialog = new FileDialog();
  const status = new FileErrorsStatus(scanners);
  return {
    commands: [new FindErrorsInFileCommand(scanners, view, dialog, log), new OpenOccurrenceCommand()],
    disposables: [view, status],
    testApi: { view, tree: view.tree, status, dialog },
  };
}
