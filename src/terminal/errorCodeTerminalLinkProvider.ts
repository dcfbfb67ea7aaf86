import * as vscode from 'vscode';
import { CatalogService } from '../guidance/catalogService';
import { GuidancePanel } from '../guidance/guidancePanel';

export interface ErrorCodeTerminalLink extends vscode.TerminalLink {
  readonly entryId: string;
  readonly code: string;
}

/** Terminal lines can be very long (a single JSON document); links are looked for in the first part. */
const MAX_LINE = 20_000;

/** Turns codes and event reasons in terminal output (e.g. `kubectl get events`) into links to their guidance. */
export class ErrorCodeTerminalLinkProvider implements vscode.TerminalLinkProvider<ErrorCodeTerminalLink> {
  constructor(private readonly catalog: CatalogService, private readonly panel: GuidancePanel) {}

  provideTerminalLinks(context: vscode.TerminalLinkContext): ErrorCodeTerminalLink[] {
    const line = context.line.length > MAX_LINE ? context.line.slice(0, MAX_LINE) : context.line;
    return this.catalog.matcher.findAll(line).map((m) => ({
      startIndex: m.start,
      length: m.end - m.start,
      tooltip: this.catalog.catalog.get(m.id)?.ambiguous === true && !this.catalog.isAutoRepairContext(line, m)
        ? vscode.l10n.t('Explain {0} (also common in unrelated Azure errors)', m.term)
        : vscode.l10n.t('Explain {0}', m.term),
      entryId: m.id,
      code: m.term,
    }));
  }

  handleTerminalLink(link: ErrorCodeTerminalLink): void {
    this.panel.show({ id: link.entryId });
  }
}
