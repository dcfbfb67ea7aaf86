import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds, FOCUS_NODES_VIEW, HISTORY_PANEL_TYPE } from '../ids';
import type { HistoryData } from './historyData';
import { historyUpdate, renderHistoryPage, type HistoryFromPage } from './historyRenderer';

/**
 * One cluster's "Show Repair History" panel: renders the data it is handed, refills the page when
 * the data changes, and answers the page (reveal a node, open a code's guidance, open the view),
 * checking every name the page sends against its own data.
 */
export class RepairHistoryPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private current: HistoryData;
  private disposed = false;

  constructor(
    /** The cluster's key (kubeconfig context and server); '' while none is connected. */
    public cluster: string,
    data: HistoryData,
    extensionUri: vscode.Uri,
    private readonly onDispose: (panel: RepairHistoryPanel) => void,
  ) {
    this.current = data;
    this.panel = vscode.window.createWebviewPanel(HISTORY_PANEL_TYPE, panelTitle(data), { viewColumn: vscode.ViewColumn.Active }, {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-icon.svg');
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
    );
    const webview = this.panel.webview;
    webview.html = renderHistoryPage(data, {
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'history.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'history.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
  }

  /** What the page shows now (tests read it). */
  get data(): HistoryData {
    return this.current;
  }

  /** The page's HTML for the current data (with a fixed nonce: for tests to read, not to show). */
  html(): string {
    return renderHistoryPage(this.current, { cspSource: this.panel.webview.cspSource, scriptUri: '', styleUri: '', nonce: 'test' });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  update(data: HistoryData): void {
    this.current = data;
    if (!this.disposed) {
      this.panel.title = panelTitle(data);
      void this.panel.webview.postMessage(historyUpdate(data));
    }
  }

  /** The Nodes view watches another cluster: keep what was shown, say it is as last seen. */
  markStale(): void {
    if (this.current.kind === 'cluster' && this.current.watching) {
      this.update({ ...this.current, watching: false });
    }
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      return;
    }
    const m = message as HistoryFromPage;
    switch (m.type) {
      case 'ready':
        this.update(this.current);
        break;
      case 'reveal':
        if (typeof m.node === 'string' && this.knowsNode(m.node)) {
          void vscode.commands.executeCommand(CommandIds.revealNode, m.node);
        }
        break;
      case 'guidance': {
        const code = this.current.kind === 'cluster' ? this.current.codes.find((c) => c.code !== undefined && c.code === m.code)?.code : undefined;
        if (code) {
          void vscode.commands.executeCommand(CommandIds.openGuidance, { id: code, context: { code } });
        }
        break;
      }
      case 'openNodes':
        void vscode.commands.executeCommand(FOCUS_NODES_VIEW);
        break;
    }
  }

  /** Only names this panel shows: the page is not trusted to name a node. */
  private knowsNode(name: string): boolean {
    const d = this.current;
    return d.kind === 'cluster' && (d.nodes.some((n) => n.name === name) || d.codes.some((c) => c.nodes.some((n) => n.node === name)));
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.onDispose(this);
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.panel.dispose();
  }
}

function panelTitle(data: HistoryData): string {
  return data.kind === 'cluster' ? vscode.l10n.t('Repair History: {0}', data.cluster) : vscode.l10n.t('Repair History');
}
