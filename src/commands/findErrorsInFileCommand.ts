import * as vscode from 'vscode';
import type { FileScanOutcome } from '../fileScan/fileScanner';
import type { FileDialog } from '../fileErrors/fileDialog';
import { formatSize } from '../fileErrors/fileErrorsTree';
import type { FileErrorsView } from '../fileErrors/fileErrorsView';
import type { ScannerForCatalog } from '../fileErrors/scannerForCatalog';
import { CommandIds } from '../ids';
import { inertNotificationText } from '../domain/notificationText';

/** What to scan: an open document's text (unsaved edits included), or a file read from disk. */
type Source = { readonly kind: 'document'; readonly document: vscode.TextDocument } | { readonly kind: 'disk'; readonly uri: vscode.Uri };

interface SourceItem extends vscode.QuickPickItem {
  readonly pickFile: boolean;
}

/**
 * "AKS: Find Auto-Repair Errors in File": every code and event reason in the active editor's
 * document, or in a file picked from disk however large (one VS Code will not open for
 * extensions), listed by code in the "Auto-Repair Errors in File" view. The scan runs in
 * chunks behind a cancellable notification; the editor stays responsive.
 *
 * Arguments: a Uri (the editor context menu and the status bar pass the document's) scans that
 * document or file; none asks: the active document, or "Pick a File…".
 */
export class FindErrorsInFileCommand {
  readonly id = CommandIds.findErrorsInFile;

  constructor(
    private readonly scanners: ScannerForCatalog,
    private readonly view: FileErrorsView,
    private readonly dialog: FileDialog,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async execute(arg?: unknown): Promise<void> {
    const source = arg instanceof vscode.Uri ? await this.sourceOf(arg) : await this.ask();
    if (!source) {
      return;
    }
    const uri = source.kind === 'document' ? source.document.uri : source.uri;
    const name = uri.path.split('/').pop() || uri.toString();
    const { catalog, scanner } = this.scanners.get();
    const started = Date.now();
    const outcome = await vscode.window.withProgress<FileScanOutcome>({
      location: vscode.ProgressLocation.Notification,
      title: inertNotificationText(vscode.l10n.t('Finding auto-repair errors in {0}', name)),
      cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      const cancelled = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const onProgress = (done: number, total: number): void => {
        const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
        if (percent > reported) {
          const message = source.kind === 'disk' ? vscode.l10n.t('{0} of {1}', formatSize(done, true), formatSize(total, true)) : undefined;
          progress.report({ increment: percent - reported, message });
          reported = percent;
        }
      };
      try {
        return source.kind === 'document'
          ? { ok: true, value: await scanner.scanText(source.document.getText(), { signal: abort.signal, onProgress }) }
          : await scanner.scanFile(source.uri.fsPath, { signal: abort.signal, onProgress });
      } finally {
        cancelled.dispose();
      }
    });
    if (!outcome.ok) {
      void vscode.window.showErrorMessage(inertNotificationText(`${outcome.problem.message} ${outcome.problem.nextStep}`));
      return;
    }
    const result = outcome.value;
    this.log.info(`Find Auto-Repair Errors in File: ${result.total} occurrences of ${result.groups.length} codes in ${result.lines} lines (${result.scanned} of ${result.size} ${source.kind === 'disk' ? 'bytes' : 'characters'}) in ${Date.now() - started} ms${result.complete ? '' : ', cancelled'}.`);
    await this.view.show({ uri, result, catalog, fromDisk: source.kind === 'disk' });
  }

  /** From the palette: the active document, or a file from disk; with no editor, the open dialog at once. */
  private async ask(): Promise<Source | undefined> {
    const document = vscode.window.activeTextEditor?.document;
    if (!document) {
      return this.pickFile();
    }
    const items: SourceItem[] = [
      {
        label: `$(file) ${document.uri.path.split('/').pop() || document.uri.toString()}`,
        description: vscode.l10n.t('the file in the editor'),
        pickFile: false,
      },
      {
        label: vscode.l10n.t('$(folder-opened) Pick a File…'),
        description: vscode.l10n.t('a log on disk, however large'),
        pickFile: true,
      },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Find Auto-Repair Errors in File'), placeHolder: vscode.l10n.t('Which file?') });
    if (!pick) {
      return undefined;
    }
    return pick.pickFile ? this.pickFile() : { kind: 'document', document };
  }

  private async pickFile(): Promise<Source | undefined> {
    const uri = await this.dialog.pick();
    return uri ? this.sourceOf(uri) : undefined;
  }

  /** An open document is scanned as the editor has it; a file on disk is read from disk, never opened. */
  private async sourceOf(uri: vscode.Uri): Promise<Source | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      return { kind: 'document', document: open };
    }
    if (uri.scheme === 'file') {
      return { kind: 'disk', uri };
    }
    try {
      return { kind: 'document', document: await vscode.workspace.openTextDocument(uri) };
    } catch (err) {
      void vscode.window.showErrorMessage(inertNotificationText(vscode.l10n.t('{0} could not be opened ({1}). Save it to a file on disk and pick that file.', uri.toString(), err instanceof Error ? err.message : String(err))));
      return undefined;
    }
  }
}
