import * as vscode from 'vscode';
import { HOVER_SELECTOR } from '../hover/errorCodeHoverProvider';
import { CommandIds, FILE_ERRORS_STATUS_ID } from '../ids';
import { summarize } from './fileErrorsSummary';
import type { ScannerForCatalog } from './scannerForCatalog';

/** Documents longer than this (characters) are not counted as they change; the command still scans them. */
export const STATUS_SIZE_LIMIT = 5_000_000;
const DEBOUNCE_MS = 400;

/**
 * "$(tools) 3 auto-repair errors in this file" in the status bar while a log, YAML, JSON, markdown or text
 * document (where the hover works) mentions any; clicking it lists them. Counted a moment after
 * the editor changes or the document is edited, in slices, and only for documents under
 * STATUS_SIZE_LIMIT. The item is created the first time there is something to show.
 */
export class FileErrorsStatus implements vscode.Disposable {
  private statusItem?: vscode.StatusBarItem;
  private shown = false;
  private timer?: ReturnType<typeof setTimeout>;
  /** Bumped on every change, so a scan that finishes after a newer change is dropped. */
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly scanners: ScannerForCatalog) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.schedule();
        }
      }),
    ];
    // Not during activation: the editor open at startup is looked at once the host is idle.
    this.timer = setTimeout(() => this.schedule(), DEBOUNCE_MS);
  }

  /** The text shown, or undefined when hidden (for tests). */
  get text(): string | undefined {
    return this.shown ? this.statusItem?.text : undefined;
  }

  private get item(): vscode.StatusBarItem {
    if (!this.statusItem) {
      this.statusItem = vscode.window.createStatusBarItem(FILE_ERRORS_STATUS_ID, vscode.StatusBarAlignment.Right, 100);
      this.statusItem.name = vscode.l10n.t('Auto-Repair Errors in File');
    }
    return this.statusItem;
  }

  private schedule(): void {
    const generation = ++this.generation;
    clearTimeout(this.timer);
    const document = vscode.window.activeTextEditor?.document;
    if (!document || vscode.languages.match(HOVER_SELECTOR, document) === 0 || length(document) > STATUS_SIZE_LIMIT) {
      this.hide();
      return;
    }
    this.timer = setTimeout(() => void this.update(document, generation), DEBOUNCE_MS);
  }

  private async update(document: vscode.TextDocument, generation: number): Promise<void> {
    const { catalog, scanner } = this.scanners.get();
    // Counts only: nothing is kept per occurrence.
    const result = await scanner.scanText(document.getText(), { maxPerCode: 0 });
    if (generation !== this.generation) {
      return;
    }
    const { errors, others } = summarize(result.groups, catalog);
    if (errors + others === 0) {
      this.hide();
      return;
    }
    const item = this.item;
    item.text = errors > 0
      ? (errors === 1 ? vscode.l10n.t('$(tools) 1 auto-repair error in this file') : vscode.l10n.t('$(tools) {0} auto-repair errors in this file', errors.toLocaleString()))
      : (others === 1 ? vscode.l10n.t('$(tools) 1 auto-repair event in this file') : vscode.l10n.t('$(tools) {0} auto-repair events in this file', others.toLocaleString()));
    const counts = result.groups.map((g) => `${g.count.toLocaleString()} × ${catalog.get(g.id)?.matches[0] ?? g.id}`).join(', ');
    item.tooltip = vscode.l10n.t('In this file: {0} auto-repair errors and {1} other auto-repair events or mentions ({2}). Click to list them.', errors.toLocaleString(), others.toLocaleString(), counts);
    item.accessibilityInformation = { label: item.tooltip };
    item.command = { command: CommandIds.findErrorsInFile, title: vscode.l10n.t('Find Auto-Repair Errors in File'), arguments: [document.uri] };
    item.show();
    this.shown = true;
  }

  private hide(): void {
    this.statusItem?.hide();
    this.shown = false;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.statusItem?.dispose();
  }
}

/** The document's length in characters, without building its text. */
function length(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}
