import * as vscode from 'vscode';
import type { AzureBackend, DiagnoseRequest } from '../azure/azureTypes';
import type { DiagnosisNote } from '../domain/diagnosis';
import { azureSettings, chooseCredential } from './azureSignIn';
import { DiagnosisPanel } from './diagnosisPanel';

/** Loads the Azure backend (dist/azure.js) on first use; the panel never loads it at activation. */
export type BackendLoader = () => AzureBackend;

/**
 * The "Diagnose Node in Azure" panels: one per node, reused when the node is diagnosed again.
 * Keeps the last completed diagnosis per node for the Nodes view's tooltip.
 */
export class DiagnosisPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiagnosisPanel>();
  private readonly notes = new Map<string, DiagnosisNote>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** A node's diagnosis completed (its note changed). */
  readonly onDidChangeNote = this.changed.event;
  private backend?: AzureBackend;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly loader: BackendLoader = defaultLoader,
  ) {}

  /**
   * Opens (or reveals) the node's panel and reads everything again. `request` is called for each
   * run, so Refresh sees the node's current errors.
   */
  show(node: string, request: () => DiagnoseRequest): DiagnosisPanel {
    let panel = this.panels.get(node);
    if (panel) {
      panel.reveal();
    } else {
      panel = new DiagnosisPanel(node, this.extensionUri, this.log, {
        backend: () => this.loadBackend(),
        credential: () => chooseCredential(() => this.loadBackend(), this.log),
        settings: azureSettings,
        completed: (d, findings) => {
          this.notes.set(node, { at: d.completedAt ?? Date.now(), findings: findings.length });
          this.changed.fire(node);
        },
        disposed: () => this.panels.delete(node),
      });
      this.panels.set(node, panel);
    }
    panel.run(request);
    return panel;
  }

  /** The node's panel, when open (tests read what it shows). */
  panel(node: string): DiagnosisPanel | undefined {
    return this.panels.get(node);
  }

  noteFor(node: string): DiagnosisNote | undefined {
    return this.notes.get(node);
  }

  get isBackendLoaded(): boolean {
    return this.backend !== undefined;
  }

  private loadBackend(): AzureBackend {
    if (!this.backend) {
      const started = Date.now();
      const backend = this.loader();
      backend.setL10nBundle(vscode.l10n.bundle);
      this.backend = backend;
      this.log.info(`Azure client loaded in ${Date.now() - started} ms.`);
    }
    return this.backend;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
    this.changed.dispose();
  }
}

function defaultLoader(): AzureBackend {
  // Required here, not imported: the @azure/* clients (dist/azure.js) load when a diagnosis first runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../azure/azureBackend') as typeof import('../azure/azureBackend');
  return mod.backend;
}
