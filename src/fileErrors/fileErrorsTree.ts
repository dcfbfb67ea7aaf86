import * as vscode from 'vscode';
import type { Catalog } from '../domain/catalog';
import type { CatalogEntry } from '../domain/catalogEntry';
import { singleLine } from '../domain/format';
import type { CodeGroup, FileScanResult, Occurrence } from '../fileScan/fileScanner';
import { sortGroups, summarize } from './fileErrorsSummary';
import { OPEN_OCCURRENCE_COMMAND } from './openOccurrenceCommand';

/** Files over this size are not handed to extensions by VS Code, which may also ask before it opens them. */
export const EDITOR_SYNC_LIMIT = 50 * 1024 * 1024;

/** One scanned file and what was found in it. */
export interface ScannedFile {
  readonly uri: vscode.Uri;
  readonly result: FileScanResult;
  readonly catalog: Catalog;
  /** Read from disk, not from an open document. */
  readonly fromDisk: boolean;
}

/** The view's elements: file → code → occurrences (and a row for those not kept). */
export type FileErrorsNode =
  | { readonly kind: 'file'; readonly file: ScannedFile }
  | { readonly kind: 'code'; readonly file: ScannedFile; readonly group: CodeGroup }
  | { readonly kind: 'occurrence'; readonly file: ScannedFile; readonly group: CodeGroup; readonly index: number }
  | { readonly kind: 'more'; readonly file: ScannedFile; readonly group: CodeGroup };

/** The "Auto-Repair Errors in File" tree, like the references view: the last scanned file at the root. */
export class FileErrorsTreeProvider implements vscode.TreeDataProvider<FileErrorsNode>, vscode.Disposable {
  private file?: ScannedFile;
  private root?: FileErrorsNode;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  get current(): ScannedFile | undefined {
    return this.file;
  }

  set(file: ScannedFile): FileErrorsNode {
    this.file = file;
    this.root = { kind: 'file', file };
    this.changed.fire();
    return this.root;
  }

  getChildren(node?: FileErrorsNode): FileErrorsNode[] {
    if (!node) {
      return this.root ? [this.root] : [];
    }
    const { file } = node;
    if (node.kind === 'file') {
      return sortGroups(file.result.groups, file.catalog).map((group) => ({ kind: 'code', file, group }));
    }
    if (node.kind === 'code') {
      const kept = Array.from({ length: node.group.kept }, (_, index): FileErrorsNode => ({ kind: 'occurrence', file, group: node.group, index }));
      return node.group.count > node.group.kept ? [...kept, { kind: 'more', file, group: node.group }] : kept;
    }
    return [];
  }

  getParent(node: FileErrorsNode): FileErrorsNode | undefined {
    if (node.kind === 'file') {
      return undefined;
    }
    return node.kind === 'code' ? this.root : { kind: 'code', file: node.file, group: node.group };
  }

  getTreeItem(node: FileErrorsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'file': return fileItem(node.file);
      case 'code': return codeItem(node.file, node.group);
      case 'occurrence': return occurrenceItem(node.file, node.group, node.group.occurrence(node.index), node.index);
      case 'more': return moreItem(node.file, node.group);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function fileItem(file: ScannedFile): vscode.TreeItem {
  const { result, uri } = file;
  const item = new vscode.TreeItem(uri, result.groups.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = `file:${uri.toString()}`;
  const { errors, others } = summarize(result.groups, file.catalog);
  item.description = describeCounts(errors, others) + (result.complete ? '' : ` · ${vscode.l10n.t('stopped at {0}%', percent(result))}`);
  const lines = [
    uri.scheme === 'file' ? uri.fsPath : uri.toString(),
    vscode.l10n.t('{0} lines, {1} read from {2}.', result.lines.toLocaleString(), formatSize(result.scanned, file.fromDisk), file.fromDisk ? vscode.l10n.t('disk') : vscode.l10n.t('the editor')),
  ];
  if (!result.complete) {
    lines.push(vscode.l10n.t('The scan was cancelled: only what was found before then is listed.'));
  }
  item.tooltip = lines.join('\n');
  return item;
}

function codeItem(file: ScannedFile, group: CodeGroup): vscode.TreeItem {
  const entry = file.catalog.get(group.id);
  const item = new vscode.TreeItem(entry ? entryLabel(entry) : group.id, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `code:${file.uri.toString()}:${group.id}`;
  item.iconPath = severityIcon(entry);
  const unrelated = group.outOfContext > 0 ? ` ${vscode.l10n.t('({0} may be unrelated)', group.outOfContext.toLocaleString())}` : '';
  item.description = `${group.count.toLocaleString()}${unrelated}${entry ? ` · ${entry.summary}` : ''}`;
  // A plain-text tooltip: a runbook's title and summary are the author's text, and Markdown
  // (even through appendText, which leaves `<` and `&`) could make a link or a character of them.
  const paragraphs = [entry?.title ?? group.id];
  if (entry) {
    paragraphs.push(entry.summary);
  }
  paragraphs.push(group.count === 1 ? vscode.l10n.t('Found once.') : vscode.l10n.t('Found {0} times.', group.count.toLocaleString()));
  if (group.outOfContext > 0) {
    paragraphs.push(vscode.l10n.t(
      '{0} of them have nothing around them that shows a node auto-repair event: this code also appears in many unrelated Azure errors.', group.outOfContext.toLocaleString()));
  }
  if (group.count > group.kept) {
    paragraphs.push(vscode.l10n.t('The first {0} are listed.', group.kept.toLocaleString()));
  }
  item.tooltip = paragraphs.map(singleLine).join('\n\n');
  return item;
}

function occurrenceItem(file: ScannedFile, group: CodeGroup, o: Occurrence, index: number): vscode.TreeItem {
  const position = `${o.line + 1}:${o.column + 1}`;
  const prefix = `${position}  `;
  const text = displaySafe(o.preview);
  const item = new vscode.TreeItem({ label: prefix + text, highlights: [[prefix.length + o.previewStart, prefix.length + o.previewEnd]] });
  item.id = `occurrence:${file.uri.toString()}:${group.id}:${index}`;
  if (!o.inRepairContext) {
    item.description = vscode.l10n.t('may be unrelated');
  }
  const range = new vscode.Range(o.line, o.column, o.endLine, o.endColumn);
  const lines = [vscode.l10n.t('Line {0}, column {1}', o.line + 1, o.column + 1), text];
  if (!o.inRepairContext) {
    lines.push(vscode.l10n.t('Nothing around this line shows a node auto-repair event, so this may be an unrelated Azure error.'));
  }
  if (file.fromDisk && file.result.size > EDITOR_SYNC_LIMIT) {
    lines.push(vscode.l10n.t('This file is {0}: VS Code may ask before it opens a file this large. Click to open it anyway or to copy the line.', formatSize(file.result.size, true)));
    item.command = { command: OPEN_OCCURRENCE_COMMAND, title: vscode.l10n.t('Open or Copy the Line'), arguments: [file.uri, range, o.preview, file.result.size] };
  } else {
    item.command = { command: 'vscode.open', title: vscode.l10n.t('Open at the Occurrence'), arguments: [file.uri, { selection: range } satisfies vscode.TextDocumentShowOptions] };
  }
  item.tooltip = lines.join('\n');
  return item;
}

function moreItem(file: ScannedFile, group: CodeGroup): vscode.TreeItem {
  const more = group.count - group.kept;
  const item = new vscode.TreeItem(vscode.l10n.t('{0} more not listed', more.toLocaleString()));
  item.id = `more:${file.uri.toString()}:${group.id}`;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.tooltip = vscode.l10n.t('Only the first {0} occurrences of each code are kept. Search the file for the code to see the rest.', group.kept.toLocaleString());
  return item;
}

export function describeCounts(errors: number, others: number): string {
  const e = errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', errors.toLocaleString());
  if (others === 0) {
    return e;
  }
  return others === 1 ? vscode.l10n.t('{0}, 1 other event or mention', e) : vscode.l10n.t('{0}, {1} other events and mentions', e, others.toLocaleString());
}

function entryLabel(entry: CatalogEntry): string {
  return entry.matches[0] ?? entry.title;
}

function severityIcon(entry: CatalogEntry | undefined): vscode.ThemeIcon {
  switch (entry?.severity) {
    case 'error': return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'warning': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    default: return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
  }
}

function percent(result: FileScanResult): number {
  return result.size === 0 ? 100 : Math.floor((result.scanned / result.size) * 100);
}

export function formatSize(n: number, bytes: boolean): string {
  if (!bytes) {
    return vscode.l10n.t('{0} characters', n.toLocaleString());
  }
  return n < 1024 * 1024 ? vscode.l10n.t('{0} KB', (n / 1024).toFixed(0)) : vscode.l10n.t('{0} MB', (n / 1024 / 1024).toFixed(1));
}

// Log text is untrusted: control characters and bidi overrides must not break or reorder the row.
// Replaced one for one, so the highlight stays on the code.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/g;

function displaySafe(text: string): string {
  return text.replace(UNSAFE, ' ');
}
