import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds, GUIDANCE_INDEX_ID as INDEX_ID, GUIDANCE_PANEL_TYPE, settingId, Settings } from '../ids';
import { UNKNOWN_ERROR_ID } from '../domain/catalog';
import type { CatalogEntry } from '../domain/catalogEntry';
import { sanitizeGuidanceContext, type GuidanceTarget } from '../domain/guidanceTarget';
import type { GuidanceRenderer, GuidanceStrings } from './guidanceRenderer';
import { CatalogService } from './catalogService';

/** Messages the page sends; anything else is ignored. */
type PageMessage =
  | { type: 'open'; id: string }
  | { type: 'external'; url: string }
  | { type: 'copy'; text: string }
  | { type: 'back' }
  | { type: 'index' }
  | { type: 'manageTrust' }
  | { type: 'diagnose' };

const MAX_HISTORY = 50;

/**
 * The one guidance panel: shows a catalog entry, navigates between entries in place (with a
 * back stack), and comes back after a window reload through its serializer.
 */
export class GuidancePanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private current?: GuidanceTarget;
  private history: GuidanceTarget[] = [];
  private renderer?: GuidanceRenderer;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly panelSubscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly catalog: CatalogService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(catalog.onDidChange(() => this.render()));
  }

  /** Brings the panel back after a window reload; one registration per window. */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(GUIDANCE_PANEL_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => this.revive(panel, state),
    });
  }

  /** The entry on screen, for tests and for commands that act on it. */
  get currentEntryId(): string | undefined {
    return this.panel ? this.current?.id : undefined;
  }

  show(target: GuidanceTarget, options: { preserveFocus?: boolean } = {}): void {
    // Events carry codes as written ("ManagedIdentityCredential authentication failed"), ids differ.
    const entry = target.id === INDEX_ID ? undefined : this.catalog.catalog.get(target.id) ?? this.catalog.catalog.byMatch(target.id);
    const resolved: GuidanceTarget = target.id === INDEX_ID ? target
      : entry ? { ...target, id: entry.id }
        : { id: UNKNOWN_ERROR_ID, context: { ...target.context, code: target.context?.code ?? target.id } };
    if (this.panel) {
      this.navigate(resolved);
      this.panel.reveal(undefined, options.preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(GUIDANCE_PANEL_TYPE, vscode.l10n.t('AKS Guidance'), {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: options.preserveFocus,
    }, this.webviewOptions());
    this.attach(panel, resolved);
  }

  private revive(panel: vscode.WebviewPanel, state: unknown): void {
    const id = typeof state === 'object' && state !== null && typeof (state as { id?: unknown }).id === 'string'
      ? (state as { id: string }).id : INDEX_ID;
    // Restored state is as untrusted as the page that kept it.
    const context = sanitizeGuidanceContext((state as { context?: unknown } | undefined)?.context);
    panel.webview.options = this.webviewOptions();
    if (this.panel) {
      // A second restored panel: keep one panel, the latest.
      this.panel.dispose();
    }
    this.attach(panel, { id, context });
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel, target: GuidanceTarget): void {
    this.panel = panel;
    this.history = [];
    this.current = target;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-icon.svg');
    this.panelSubscriptions.push(
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.history = [];
        vscode.Disposable.from(...this.panelSubscriptions.splice(0)).dispose();
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
    );
    this.render();
  }

  private navigate(target: GuidanceTarget): void {
    if (this.current && this.current.id !== target.id) {
      this.history.push(this.current);
      if (this.history.length > MAX_HISTORY) {
        this.history.shift();
      }
    }
    this.current = target;
    this.render();
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      return;
    }
    const m = message as PageMessage;
    switch (m.type) {
      case 'open':
        if (typeof m.id === 'string' && this.catalog.catalog.get(m.id)) {
          this.navigate({ id: m.id });
        }
        break;
      case 'external':
        if (typeof m.url === 'string' && /^https:\/\//i.test(m.url)) {
          void vscode.env.openExternal(vscode.Uri.parse(m.url, true));
        }
        break;
      case 'copy':
        if (typeof m.text === 'string') {
          void vscode.env.clipboard.writeText(m.text.slice(0, 100_000)).then(
            () => vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2000),
            (err: unknown) => {
              this.log.warn(`Copy to the clipboard failed: ${String(err)}`);
              void vscode.window.showWarningMessage(vscode.l10n.t('Could not copy to the clipboard. Select the command in the panel and copy it with Ctrl+C.'));
            },
          );
        }
        break;
      case 'back': {
        const previous = this.history.pop();
        if (previous) {
          this.current = previous;
          this.render();
        }
        break;
      }
      case 'index':
        this.navigate({ id: INDEX_ID });
        break;
      case 'manageTrust':
        void vscode.commands.executeCommand('workbench.trust.manage');
        break;
      case 'diagnose': {
        // The node comes from the panel's own target, not from the page.
        const node = this.current?.context?.node;
        if (node) {
          void vscode.commands.executeCommand(CommandIds.diagnoseNode, node);
        }
        break;
      }
    }
  }

  private render(): void {
    const panel = this.panel;
    const target = this.current;
    if (!panel || !target) {
      return;
    }
    const webview = panel.webview;
    const resources = {
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'guidance.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'guidance.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    };
    const renderer = this.loadRenderer();
    const catalog = this.catalog.catalog;
    const canGoBack = this.history.length > 0;
    const notice = this.trustNotice();
    if (target.id === INDEX_ID) {
      panel.title = vscode.l10n.t('AKS Guidance');
      webview.html = renderer.renderIndex(catalog, resources, canGoBack, notice);
      return;
    }
    const entry = catalog.get(target.id) ?? catalog.get(UNKNOWN_ERROR_ID);
    if (!entry) {
      panel.title = vscode.l10n.t('AKS Guidance');
      webview.html = renderer.renderIndex(catalog, resources, canGoBack, notice);
      return;
    }
    panel.title = vscode.l10n.t('AKS: {0}', panelTitle(entry, target));
    webview.html = renderer.renderPage({ target, entry, catalog, canGoBack, notice }, resources);
  }

  /** Why the page shows built-in guidance although the workspace names catalog folders of its own. */
  private trustNotice(): string | undefined {
    const ignored = this.catalog.ignoredWorkspaceFolders;
    return ignored.length === 0 ? undefined : vscode.l10n.t(
      'This workspace is not trusted, so its {0} ({1}) are ignored and the built-in guidance is shown. Trust the workspace to use them.',
      settingId(Settings.catalogFolders), ignored.join(', '));
  }

  private loadRenderer(): GuidanceRenderer {
    if (!this.renderer) {
      const started = Date.now();
      // Required here, not imported at the top: markdown-it stays out of activation (a separate bundle).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('./guidanceRenderer') as typeof import('./guidanceRenderer');
      this.renderer = new mod.GuidanceRenderer(guidanceStrings());
      this.log.debug(`Guidance renderer loaded in ${Date.now() - started} ms.`);
    }
    return this.renderer;
  }

  dispose(): void {
    this.panel?.dispose();
    vscode.Disposable.from(...this.subscriptions, ...this.panelSubscriptions).dispose();
  }
}

function panelTitle(entry: CatalogEntry, target: GuidanceTarget): string {
  if (entry.id === UNKNOWN_ERROR_ID && target.context?.code) {
    return target.context.code.slice(0, 60);
  }
  return entry.kind === 'topic' ? entry.title : entry.matches[0] ?? entry.title;
}

/**
 * The page's words in the display language. The renderer's bundle has no l10n of its own; `{0}`
 * is left in place for the renderer to fill inside its markup.
 */
function guidanceStrings(): GuidanceStrings {
  return {
    indexTitle: vscode.l10n.t('AKS auto-repair guidance'),
    kindLabels: { code: vscode.l10n.t('error code'), reason: vscode.l10n.t('event reason'), topic: vscode.l10n.t('guide') },
    kindHeadings: { code: vscode.l10n.t('Error codes'), reason: vscode.l10n.t('Event reasons'), topic: vscode.l10n.t('Guides') },
    yourCatalog: vscode.l10n.t('your catalog'),
    firstStepLabel: vscode.l10n.t('First step'),
    firstStep: vscode.l10n.t('First step:'),
    related: vscode.l10n.t('Related'),
    documentation: vscode.l10n.t('Documentation'),
    fromUserCatalog: vscode.l10n.t('From your catalog: {0}'),
    fromBuiltinCatalog: vscode.l10n.t('From the built-in AKS Node Auto-Repair catalog.'),
    contextLabel: vscode.l10n.t('Where this was seen'),
    codeNotInCatalog: vscode.l10n.t('The code {0} is not in the catalog.'),
    seenOnNode: vscode.l10n.t('Node {0}'),
    seenWithReason: vscode.l10n.t('event {0}'),
    seenAt: vscode.l10n.t('last seen {0} UTC'),
    seenTimes: vscode.l10n.t('seen {0} times over {1} days'),
    azureError: vscode.l10n.t('Azure error:'),
    navigationLabel: vscode.l10n.t('Guidance navigation'),
    back: vscode.l10n.t('Back'),
    backTitle: vscode.l10n.t('Back (Alt+Left)'),
    allEntries: vscode.l10n.t('All entries'),
    copy: vscode.l10n.t('Copy'),
    copied: vscode.l10n.t('Copied'),
    copyLabel: vscode.l10n.t('Copy to clipboard'),
    inertLink: vscode.l10n.t('Not opened from the panel: {0}'),
    image: vscode.l10n.t('[image: {0}]'),
    manageTrust: vscode.l10n.t('Manage Workspace Trust'),
    diagnose: vscode.l10n.t('Diagnose in Azure'),
  };
}
