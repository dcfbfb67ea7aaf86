import * as vscode from 'vscode';
import { CommandIds } from '../ids';
import { UNKNOWN_ERROR_ID } from '../domain/catalog';
import type { CatalogEntry } from '../domain/catalogEntry';
import { CatalogService, type Identified } from '../guidance/catalogService';
import { GuidancePanel } from '../guidance/guidancePanel';
import type { GuidanceTarget } from '../domain/guidanceTarget';

interface EntryItem extends vscode.QuickPickItem {
  readonly target?: GuidanceTarget;
}

/** Selections longer than this are not scanned (a whole file selected by accident). */
const MAX_SELECTION = 100_000;

/**
 * "AKS: Explain Auto-Repair Error": the code under the cursor or in the selection opens its
 * guidance; otherwise a quick pick over the catalog that also reads a pasted event message.
 */
export class ExplainErrorCommand {
  readonly id = CommandIds.explainError;

  constructor(private readonly catalog: CatalogService, private readonly panel: GuidancePanel) {}

  async execute(): Promise<void> {
    const fromEditor = this.fromEditor(vscode.window.activeTextEditor);
    if (fromEditor.target) {
      this.panel.show(fromEditor.target);
      return;
    }
    const target = await this.pick(fromEditor.text);
    if (target) {
      this.panel.show(target);
    }
  }

  private fromEditor(editor: vscode.TextEditor | undefined): { target?: GuidanceTarget; text?: string } {
    if (!editor) {
      return {};
    }
    const { document, selection } = editor;
    if (!selection.isEmpty) {
      const text = document.getText(selection).slice(0, MAX_SELECTION);
      const found = this.catalog.identify(text);
      return found ? { target: toTarget(found) } : { text: text.trim().slice(0, 500) };
    }
    const line = document.lineAt(selection.active.line).text;
    const ch = selection.active.character;
    // Right after a word counts as on it, as for VS Code's own word-at-cursor features.
    const match = this.catalog.matcher.findAt(line, ch) ?? (ch > 0 ? this.catalog.matcher.findAt(line, ch - 1) : undefined);
    return match ? { target: { id: match.id } } : {};
  }

  private pick(initial: string | undefined): Promise<GuidanceTarget | undefined> {
    const qp = vscode.window.createQuickPick<EntryItem>();
    qp.title = vscode.l10n.t('Explain Auto-Repair Error');
    qp.placeholder = vscode.l10n.t('Pick a code or event reason, or paste an event message or kubectl line');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    // People switch to a log or terminal to copy the message they want to paste here; a panel that
    // finishes loading can also take focus. Neither should close the picker.
    qp.ignoreFocusOut = true;
    const catalogItems = this.catalogItems();
    qp.items = catalogItems;
    return new Promise<GuidanceTarget | undefined>((resolve) => {
      let result: GuidanceTarget | undefined;
      const update = (value: string) => {
        const found = this.pastedItem(value);
        qp.items = found ? [found, ...catalogItems] : catalogItems;
        if (found) {
          qp.activeItems = [found];
        }
      };
      const subscriptions = [
        qp.onDidChangeValue(update),
        qp.onDidAccept(() => {
          const item = qp.selectedItems[0] ?? qp.activeItems[0];
          const value = qp.value.trim();
          if (item?.target) {
            result = item.target;
          } else if (value) {
            const found = this.catalog.identify(value);
            result = found ? toTarget(found) : { id: UNKNOWN_ERROR_ID, context: { code: value.slice(0, 200) } };
          }
          qp.hide();
        }),
        qp.onDidHide(() => {
          vscode.Disposable.from(...subscriptions).dispose();
          qp.dispose();
          resolve(result);
        }),
      ];
      if (initial) {
        qp.value = initial;
        update(initial);
      }
      qp.show();
    });
  }

  /** The entry found in pasted text, shown above the catalog; undefined for a plain filter word. */
  private pastedItem(value: string): EntryItem | undefined {
    const text = value.trim();
    if (text.length < 3) {
      return undefined;
    }
    const found = this.catalog.identify(text);
    if (!found) {
      return undefined;
    }
    const exactFilter = found.entry.matches.some((m) => m.toLowerCase().startsWith(text.toLowerCase()));
    if (exactFilter && !found.unknownCode) {
      return undefined; // The normal filter already shows it.
    }
    const label = found.unknownCode
      ? vscode.l10n.t('$(question) {0}: not in the catalog', found.unknownCode)
      : `$(search) ${entryLabel(found.entry)}`;
    return {
      label,
      description: found.unknownCode ? vscode.l10n.t('open the guidance for unknown errors') : vscode.l10n.t('found in the pasted text'),
      detail: found.unknownCode ? undefined : found.entry.summary,
      alwaysShow: true,
      target: toTarget(found),
    };
  }

  private catalogItems(): EntryItem[] {
    const entries = this.catalog.catalog.entries;
    const groups: [CatalogEntry['kind'], string][] = [
      ['code', vscode.l10n.t('Error codes')],
      ['reason', vscode.l10n.t('Event reasons')],
      ['topic', vscode.l10n.t('Guides')],
    ];
    return groups.flatMap(([kind, label]) => {
      const inGroup = entries.filter((e) => e.kind === kind);
      if (inGroup.length === 0) {
        return [];
      }
      return [
        { label, kind: vscode.QuickPickItemKind.Separator },
        ...inGroup.map((e): EntryItem => ({
          label: entryLabel(e),
          description: entryLabel(e) === e.title ? undefined : e.title,
          detail: e.summary,
          target: { id: e.id },
        })),
      ];
    });
  }
}

function entryLabel(entry: CatalogEntry): string {
  return entry.kind === 'topic' ? entry.title : entry.matches[0] ?? entry.title;
}

/** The entry found, with the code as written when the catalog does not know it and the Azure error's message. */
function toTarget({ entry, unknownCode, azureMessage }: Identified): GuidanceTarget {
  return unknownCode || azureMessage ? { id: entry.id, context: { code: unknownCode, azureMessage } } : { id: entry.id };
}
