import * as vscode from 'vscode';
import { inertNotificationText } from '../domain/notificationText';
import { CommandIds } from '../ids';

/** Internal (not contributed): what clicking an occurrence in a very large file does. */
export const OPEN_OCCURRENCE_COMMAND = CommandIds.openFileErrorOccurrence;

/**
 * A file over VS Code's 50 MB limit for extensions opens in the editor only after the user
 * agrees (and may be slow to), so say so and offer the line itself.
 */
export class OpenOccurrenceCommand {
  readonly id = OPEN_OCCURRENCE_COMMAND;

  async execute(uri: unknown, range: unknown, line: unknown, size: unknown): Promise<void> {
    if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range)) {
      return;
    }
    const open: vscode.MessageItem = { title: vscode.l10n.t('Open Anyway') };
    const copy: vscode.MessageItem = { title: vscode.l10n.t('Copy Line') };
    const megabytes = typeof size === 'number' ? (size / 1024 / 1024).toFixed(0) : '50+';
    const pick = await vscode.window.showInformationMessage(
      inertNotificationText(vscode.l10n.t('{0} is {1} MB. VS Code may ask before it opens a file this large, and is slow to show it. Open it at line {2}, or copy the line?',
        uri.path.split('/').pop() ?? uri.toString(), megabytes, range.start.line + 1)),
      open, copy,
    );
    if (pick === open) {
      await vscode.commands.executeCommand('vscode.open', uri, { selection: range } satisfies vscode.TextDocumentShowOptions);
    } else if (pick === copy && typeof line === 'string') {
      await vscode.env.clipboard.writeText(line);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Line {0} copied.', range.start.line + 1), 3000);
    }
  }
}
