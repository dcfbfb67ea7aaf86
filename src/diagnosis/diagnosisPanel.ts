import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AzureBackend, AzureSettings, DiagnoseRequest } from '../azure/azureTypes';
import { diagnosisToMarkdown } from '../domain/diagnosisMarkdown';
import type { AzureProblem, Diagnosis, Finding } from '../domain/diagnosis';
import { findingsFor } from '../domain/findings';
import { singleLine } from '../domain/format';
import { oneLine } from '../domain/redact';
import type { GuidanceTarget } from '../domain/guidanceTarget';
import { parseProviderId } from '../domain/providerId';
import { CommandIds, DIAGNOSIS_PANEL_TYPE } from '../ids';
import { clientNotLoaded, credentialSetting, type CredentialChoice } from './azureSignIn';
import { OPENABLE_SETTINGS, renderDiagnosisPage, updateMessage, type FromPageMessage } from './diagnosisRenderer';
import type { DiagnosisView, PanelRequest } from './diagnosisView';

/** What a panel asks of the service that owns it. */
export interface PanelHooks {
  backend(): AzureBackend;
  credential(): CredentialChoice;
  settings(): AzureSettings;
  completed(diagnosis: Diagnosis, findings: readonly Finding[]): void;
  disposed(): void;
}

/** One node's diagnosis panel: runs the backend, fills in section by section, answers the page. */
export class DiagnosisPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private view: DiagnosisView;
  private request?: () => PanelRequest;
  private lastRequest?: DiagnoseRequest;
  private abort?: AbortController;
  private signIn?: () => Promise<boolean>;
  private running?: Promise<Diagnosis | undefined>;
  private disposed = false;

  constructor(
    readonly node: string,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly hooks: PanelHooks,
  ) {
    this.panel = vscode.window.createWebviewPanel(DIAGNOSIS_PANEL_TYPE, vscode.l10n.t('Azure: {0}', node), {
      viewColumn: vscode.ViewColumn.Active,
    }, {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-icon.svg');
    this.view = { diagnosis: emptyDiagnosis(node, Date.now()), findings: [], credential: credentialSetting() };
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
    );
    this.render();
  }

  /** What the page shows now, as the renderer writes it (for tests and the support report). */
  get current(): DiagnosisView {
    return this.view;
  }

  /** The page's HTML for the current state (with a fixed nonce: for tests to read, not to show). */
  html(): string {
    return renderDiagnosisPage(this.view, { cspSource: this.panel.webview.cspSource, scriptUri: '', styleUri: '', nonce: 'test' });
  }

  /** Resolves when the run in progress ends. */
  async whenDone(): Promise<Diagnosis | undefined> {
    return this.running;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Reads everything again; a run still going is cancelled. */
  run(request: () => PanelRequest = this.request!): void {
    this.request = request;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const { nodeLeft, ...req } = request();
    this.lastRequest = req;
    const started = Date.now();
    const choice = this.hooks.credential();
    this.signIn = 'signIn' in choice ? choice.signIn : undefined;
    this.view = { diagnosis: emptyDiagnosis(req.node, started, req.providerId), findings: [], credential: choice.mode, ...(nodeLeft ? { nodeLeft } : {}) };
    this.post();
    if ('problem' in choice) {
      this.show({ ...this.view, diagnosis: unasked(this.view.diagnosis), problem: choice.problem });
      this.running = Promise.resolve(undefined);
      return;
    }
    let backend: AzureBackend;
    try {
      backend = this.hooks.backend();
    } catch (err) {
      this.log.error(`Could not load the Azure client: ${String(err)}`);
      this.show({ ...this.view, diagnosis: unasked(this.view.diagnosis), problem: clientNotLoaded() });
      this.running = Promise.resolve(undefined);
      return;
    }
    const onUpdate = (d: Diagnosis): void => {
      if (!abort.signal.aborted) {
        this.show({ ...this.view, diagnosis: d, findings: this.findings(d, req) });
      }
    };
    this.log.info(`Diagnosing ${req.node} in Azure.`);
    this.running = backend.diagnose(req, choice.credential, this.hooks.settings(), onUpdate, abort.signal).then(
      (d) => {
        if (abort.signal.aborted) {
          return d;
        }
        const findings = this.findings(d, req);
        this.show({ ...this.view, diagnosis: d, findings });
        this.log.info(`Diagnosis of ${req.node} done in ${Date.now() - started} ms: ${findings.length} finding(s).`);
        this.hooks.completed(d, findings);
        return d;
      },
      (err: unknown) => {
        if (abort.signal.aborted) {
          // A newer run (or the panel's closing) replaced this one: its view is not ours to overwrite.
          return undefined;
        }
        // The backend never rejects by contract; if it does, the page still says what happened.
        this.log.error(`The diagnosis of ${singleLine(req.node)} failed: ${oneLine(err instanceof Error ? err.message : String(err))}`);
        const problem: AzureProblem = {
          kind: 'unknown',
          message: vscode.l10n.t('The diagnosis stopped: {0}', oneLine(err instanceof Error ? err.message : String(err))),
          nextStep: vscode.l10n.t('Refresh to try again; see the "AKS Node Auto-Repair" output for details.'),
        };
        this.show({ ...this.view, diagnosis: unasked(this.view.diagnosis), problem });
        return undefined;
      },
    );
  }

  private findings(d: Diagnosis, req: DiagnoseRequest): readonly Finding[] {
    try {
      return findingsFor(d, req.errors, req.now);
    } catch (err) {
      this.log.error(`Findings for ${req.node} could not be drawn: ${String(err)}`);
      return [];
    }
  }


  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      return;
    }
    const m = message as FromPageMessage;
    switch (m.type) {
      case 'ready':
        this.post();
        break;
      case 'refresh':
        this.run();
        break;
      case 'copyMarkdown': {
        const markdown = diagnosisToMarkdown(this.view.diagnosis, [...this.view.findings]);
        void this.copy(markdown);
        break;
      }
      case 'copy':
        if (typeof m.text === 'string' && m.text !== '') {
          void this.copy(m.text.slice(0, 100_000));
        }
        break;
      case 'guidance':
        this.openGuidance(m.index);
        break;
      case 'signIn':
        void this.signInAndRefresh();
        break;
      case 'openSetting':
        if (typeof m.setting === 'string' && OPENABLE_SETTINGS.includes(m.setting)) {
          void vscode.commands.executeCommand('workbench.action.openSettings', m.setting);
        }
        break;
    }
  }

  /**
   * The guidance of the finding the page names by its index: the entry, code and Azure message
   * come from this panel's own findings, never from the page.
   */
  private openGuidance(index: unknown): void {
    const finding = typeof index === 'number' && Number.isInteger(index) ? this.view.findings[index] : undefined;
    if (!finding?.guidanceId) {
      return;
    }
    const target: GuidanceTarget = {
      id: finding.guidanceId,
      context: { node: this.node, code: finding.code, ...(finding.azureMessage ? { azureMessage: finding.azureMessage } : {}) },
    };
    void vscode.commands.executeCommand(CommandIds.openGuidance, target);
  }

  private async signInAndRefresh(): Promise<void> {
    if (!this.signIn) {
      this.run();
      return;
    }
    let signedIn = false;
    try {
      signedIn = await this.signIn();
    } catch (err) {
      this.log.warn(`Sign-in to Azure did not complete: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
    if (!signedIn) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sign-in to Azure did not complete. Try again, or sign in from the Accounts menu.'));
      return;
    }
    if (!this.disposed) {
      this.run();
    }
  }

  private async copy(text: string): Promise<void> {
    try {
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2000);
    } catch (err) {
      this.log.warn(`Copy to the clipboard failed: ${String(err)}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Could not copy to the clipboard. Select the text in the panel and copy it with Ctrl+C.'));
    }
  }

  private show(view: DiagnosisView): void {
    this.view = view;
    this.post();
  }

  /** Sends every region to the page; a hidden page gets them when it says it is ready again. */
  private post(): void {
    if (!this.disposed) {
      void this.panel.webview.postMessage(updateMessage(this.view));
    }
  }

  private render(): void {
    const webview = this.panel.webview;
    webview.html = renderDiagnosisPage(this.view, {
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'diagnosis.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'diagnosis.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
  }

  /** The request of the last run (tests check what was asked). */
  get lastDiagnoseRequest(): DiagnoseRequest | undefined {
    return this.lastRequest;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.abort?.abort();
    this.hooks.disposed();
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.panel.dispose();
  }
}

/** A diagnosis with every section still loading. */
function emptyDiagnosis(node: string, startedAt: number, providerId?: string): Diagnosis {
  return {
    node,
    providerId,
    target: parseProviderId(providerId),
    instance: { state: 'loading' },
    extensions: { state: 'loading' },
    health: { state: 'loading' },
    activity: { state: 'loading' },
    cluster: { state: 'loading' },
    startedAt,
  };
}

/** A problem found before any call: nothing is asked, the page's banner says why and how to fix it. */
function unasked(d: Diagnosis): Diagnosis {
  const skipped = { state: 'skipped', reason: vscode.l10n.t('nothing was asked of Azure (see the problem above)') } as const;
  return { ...d, instance: skipped, extensions: skipped, health: skipped, activity: skipped, cluster: skipped, completedAt: Date.now() };
}
