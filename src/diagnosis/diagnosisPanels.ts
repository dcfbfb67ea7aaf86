import * as vscode from 'vscode';
import type { Diagnosis, DiagnosisNote, Finding } from '../domain/diagnosis';
import type { AzureSession } from '../session/azureSession';
import type { DiagnosisPanel } from './diagnosisPanel';
import type { PanelRequest } from './diagnosisView';

/** Which cluster the Nodes view watches now (kubeconfig context and server); '' when none. */
export type ClusterKey = () => string;

/**
 * The "Diagnose Node in Azure" panels: one per node of a cluster, reused when the node is
 * diagnosed again. Keeps the last completed diagnosis per node for the Nodes view's tooltip.
 * Both are keyed by cluster and node: a same-named node in another context is another node.
 */
export class DiagnosisPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiagnosisPanel>();
  private readonly notes = new Map<string, DiagnosisNote>();
  /** The last completed diagnosis per cluster and node, for the support report (also after its panel closed). */
  private readonly last = new Map<string, { readonly diagnosis: Diagnosis; readonly findings: readonly Finding[] }>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** A node's diagnosis completed (its note changed). */
  readonly onDidChangeNote = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly azure: AzureSession,
    private readonly cluster: ClusterKey = () => '',
  ) {}

  /**
   * Opens (or reveals) the node's panel for the cluster watched now and reads everything again.
   * `request` is called for each run, so Refresh sees the node's current errors.
   */
  show(node: string, request: () => PanelRequest): DiagnosisPanel {
    const key = keyOf(this.cluster(), node);
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
    } else {
      panel = new (diagnosisBundle().DiagnosisPanel)(node, this.extensionUri, this.log, {
        backend: () => this.azure.backend(),
        credential: () => this.azure.credential(),
        settings: () => this.azure.settings(),
        completed: (d, findings) => {
          this.notes.set(key, { at: d.completedAt ?? Date.now(), findings: findings.length });
          this.last.set(key, { diagnosis: d, findings });
          this.changed.fire(node);
        },
        disposed: () => this.panels.delete(key),
      });
      this.panels.set(key, panel);
    }
    panel.run(request);
    return panel;
  }

  /** The node's panel for the cluster watched now, when open (tests read what it shows). */
  panel(node: string): DiagnosisPanel | undefined {
    return this.panels.get(keyOf(this.cluster(), node));
  }

  /** The node's last diagnosis in the cluster watched now: none for a same-named node of another cluster. */
  noteFor(node: string): DiagnosisNote | undefined {
    return this.notes.get(keyOf(this.cluster(), node));
  }

  /** The node's last completed diagnosis in the cluster watched now, with its findings. */
  lastDiagnosis(node: string): { readonly diagnosis: Diagnosis; readonly findings: readonly Finding[] } | undefined {
    return this.last.get(keyOf(this.cluster(), node));
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
    this.changed.dispose();
  }
}

/** The panel and its renderers: dist/diagnosis.js, loaded when the first panel opens (esbuild.mjs). */
function diagnosisBundle(): typeof import('./diagnosisBundle') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./diagnosisBundle') as typeof import('./diagnosisBundle');
}

function keyOf(cluster: string, node: string): string {
  return `${cluster}\n${node}`;
}
