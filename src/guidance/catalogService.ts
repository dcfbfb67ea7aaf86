import * as vscode from 'vscode';
import { looksLikeAutoRepairContext } from '../domain/autoRepairContext';
import { Catalog, UNKNOWN_ERROR_ID } from '../domain/catalog';
import { CatalogEntry } from '../domain/catalogEntry';
import { loadCatalogFolders } from '../domain/catalogLoader';
import { CodeMatcher, TermMatch } from '../domain/codeMatcher';
import { parseRepairMessage } from '../domain/repairMessage';
import { settingId, Settings } from '../ids';
import { configuredFolders, resolveUserFolder } from './catalogFolders';

/** What a piece of text (a selection, a pasted event message, a log line) refers to. */
export interface Identified {
  readonly entry: CatalogEntry;
  /** The code as written when it is not in the catalog (the unknown-code entry is shown). */
  readonly unknownCode?: string;
  /** The Azure error's message, when the text is an auto-repair message that carries one. */
  readonly azureMessage?: string;
}

/**
 * The catalog (built-in entries plus the user's folders) and the matcher built from it,
 * loaded on first use and reloaded when `aksNodeRepair.catalogFolders` changes or the
 * workspace becomes trusted.
 *
 * In an untrusted workspace only the user's own (global) setting counts: a repository must not
 * replace our guidance with instructions of its own through `.vscode/settings.json`. VS Code
 * already withholds restricted settings there (package.json `restrictedConfigurations`); this
 * does not rely on it.
 */
export class CatalogService implements vscode.Disposable {
  private loaded?: { catalog: Catalog; matcher: CodeMatcher; problems: string[]; ignored: string[] };
  /** The ignored folders last logged, so the same warning is not repeated on every reload. */
  private loggedIgnored = '';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    const reload = () => {
      this.loaded = undefined;
      this.changed.fire();
    };
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId(Settings.catalogFolders))) {
          reload();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(reload),
    );
  }

  get catalog(): Catalog {
    return this.load().catalog;
  }

  get matcher(): CodeMatcher {
    return this.load().matcher;
  }

  get problems(): readonly string[] {
    return this.load().problems;
  }

  /** Catalog folders this untrusted workspace asked for and did not get, as written in its settings. */
  get ignoredWorkspaceFolders(): readonly string[] {
    return this.load().ignored;
  }

  /** Whether a match of an ambiguous code (InvalidParameter) is really an auto-repair error. */
  isAutoRepairContext(text: string, match: TermMatch): boolean {
    return looksLikeAutoRepairContext(text, match);
  }

  /**
   * Finds what free text is about: a known code or reason anywhere in it, else the code named
   * by an auto-repair message, else nothing. Codes outside the catalog map to the unknown entry.
   */
  identify(text: string): Identified | undefined {
    const trimmed = text.trim();
    if (!trimmed) {
      return undefined;
    }
    const exact = this.catalog.get(trimmed) ?? this.catalog.byMatch(trimmed);
    if (exact) {
      return { entry: exact };
    }
    const matches = this.matcher.findAll(trimmed);
    // Prefer a code over a reason: "NodeRebootError ... VMExtensionProvisioningError" is about the code.
    const byKind = (kind: string) => matches.map((m) => this.catalog.get(m.id)).find((e) => e?.kind === kind);
    const found = byKind('code') ?? byKind('reason') ?? byKind('topic');
    if (found) {
      return { entry: found };
    }
    const parsed = parseRepairMessage(trimmed);
    const unknown = this.catalog.get(UNKNOWN_ERROR_ID);
    if (parsed.phase === 'error' && unknown) {
      return parsed.azureMessage
        ? { entry: unknown, unknownCode: parsed.code, azureMessage: parsed.azureMessage }
        : { entry: unknown, unknownCode: parsed.code };
    }
    if (/^[A-Za-z][A-Za-z0-9]{5,80}$/.test(trimmed) && /(Error|Failed|Failure|Exceeded|NotFound|Invalid)/.test(trimmed) && unknown) {
      return { entry: unknown, unknownCode: trimmed };
    }
    return undefined;
  }

  private load(): NonNullable<CatalogService['loaded']> {
    if (!this.loaded) {
      const started = Date.now();
      const { folders: userFolders, ignored } = configuredFolders();
      this.logIgnored(ignored);
      const folders = [
        { path: vscode.Uri.joinPath(this.extensionUri, 'media', 'catalog').fsPath, origin: 'builtin' as const },
        ...userFolders.map((f) => ({ path: resolveUserFolder(f), origin: 'user' as const })),
      ];
      const { catalog, problems } = loadCatalogFolders(folders);
      for (const problem of problems) {
        this.log.warn(`Guidance catalog: ${problem}`);
      }
      if (problems.length > 0 && userFolders.length > 0) {
        const showOutput: vscode.MessageItem = { title: vscode.l10n.t('Show Output') };
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Some guidance entries could not be loaded ({0}). See the "AKS Node Auto-Repair" output for the files and reasons.', problems.length),
          showOutput,
        ).then((pick) => { if (pick === showOutput) { this.log.show(true); } });
      }
      const matcher = new CodeMatcher(catalog.terms());
      this.log.info(`Guidance catalog loaded: ${catalog.entries.length} entries in ${Date.now() - started} ms.`);
      this.loaded = { catalog, matcher, problems, ignored };
    }
    return this.loaded;
  }

  private logIgnored(ignored: readonly string[]): void {
    const key = ignored.join('\n');
    if (key && key !== this.loggedIgnored) {
      this.log.warn(`Guidance catalog: the workspace is not trusted, so the catalog folders it sets (${ignored.join(', ')}) are ignored; `
        + 'a repository must not replace the built-in guidance with its own instructions. Trust the workspace to use them.');
    }
    this.loggedIgnored = key;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
