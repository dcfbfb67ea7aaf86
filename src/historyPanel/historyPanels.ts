import * as vscode from 'vscode';
import { clusterKeyOf } from '../domain/clusterKey';
import type { SourcedEvent } from '../domain/history';
import { RefreshCoalescer } from '../domain/refreshCoalescer';
import { SETTINGS_SECTION, settingId, Settings } from '../ids';
import type { RepairHistoryView } from '../repairHistory/historyApi';
import type { ClusterSession } from '../session/clusterSession';
import { buildHistoryData, MAX_DAYS, type HistoryData } from './historyData';
import type { RepairHistoryPanel } from './historyPanel';

/** The history view, and (when the service offers it) every node it holds rows for, Container Insights' included. */
export type HistorySource = RepairHistoryView & { recordedNodeNames?(): readonly string[] };

/** The history changes with every event under churn: the panels redraw at most once a second. */
const REDRAW_MS = 1000;

/**
 * The "Show Repair History" panels: one per cluster, reused when shown again. They follow the
 * cluster the Nodes view watches; a panel of a cluster no longer watched keeps its last picture
 * and says so. Updates from the history, the model and the connection are coalesced.
 */
export class RepairHistoryPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RepairHistoryPanel>();
  private readonly coalescer = new RefreshCoalescer(() => this.refresh(), REDRAW_MS);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ClusterSession,
    private readonly history: HistorySource | undefined,
  ) {
    const push = (): void => {
      if (this.panels.size > 0) {
        this.coalescer.push();
      }
    };
    this.subscriptions.push(
      session.onDidChangeModel(push),
      session.onDidChangeState(push),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId(Settings.containerInsightsDays))) {
          push();
        }
      }),
      { dispose: () => this.coalescer.dispose() },
    );
    if (history) {
      this.subscriptions.push(history.onDidChange(push));
    }
  }

  /** Opens (or reveals) the panel of the cluster the Nodes view watches, connecting first if needed. */
  createOrShow(): RepairHistoryPanel {
    this.session.ensureStarted();
    const key = clusterKeyOf(this.session.identity);
    const data = this.dataFor(key);
    let panel = this.panels.get(key);
    if (panel) {
      panel.update(data);
      panel.reveal();
      return panel;
    }
    panel = new (historyPanelBundle().RepairHistoryPanel)(key, data, this.extensionUri, (p) => {
      if (this.panels.get(p.cluster) === p) {
        this.panels.delete(p.cluster);
      }
    });
    this.panels.set(key, panel);
    return panel;
  }

  /** The panel of the cluster watched now, when open (tests read what it shows). */
  panel(): RepairHistoryPanel | undefined {
    return this.panels.get(clusterKeyOf(this.session.identity));
  }

  private refresh(): void {
    const watched = clusterKeyOf(this.session.identity);
    // A panel opened before any cluster connected becomes that cluster's panel.
    const waiting = this.panels.get('');
    if (watched !== '' && waiting && !this.panels.has(watched)) {
      this.panels.delete('');
      waiting.cluster = watched;
      this.panels.set(watched, waiting);
    }
    for (const [key, panel] of this.panels) {
      if (key === watched) {
        panel.update(this.dataFor(key));
      } else {
        panel.markStale();
      }
    }
  }

  /** Everything the panel shows for the watched cluster, read now. */
  private dataFor(key: string): HistoryData {
    const identity = this.session.identity;
    if (key === '' || !identity) {
      return { kind: 'noCluster', why: this.notConnectedWhy() };
    }
    const model = this.session.model;
    const snapshot = this.history?.snapshot();
    const liveNodes = new Set(model.nodes().map((n) => n.name));
    const names = new Set<string>([...liveNodes, ...model.nodeNamesWithEvents()]);
    for (const name of this.history?.recordedNodeNames?.() ?? snapshot?.events.keys() ?? []) {
      names.add(name);
    }
    const events = new Map<string, readonly SourcedEvent[]>();
    for (const name of names) {
      const list = this.history ? this.history.eventsFor(name) : model.eventsFor(name);
      if (list.length > 0) {
        events.set(name, list);
      }
    }
    const insights = this.history?.insightsStatus();
    return buildHistoryData({
      cluster: identity.context,
      now: Date.now(),
      snapshot,
      liveNodes,
      events,
      insights,
      insightsDays: insightsDays(),
      historyProblem: this.history?.problem?.(),
    });
  }

  private notConnectedWhy(): string | undefined {
    const state = this.session.state;
    switch (state.kind) {
      case 'failed':
      case 'reconnecting':
        return state.problem.message;
      case 'connecting':
      case 'loading':
        return vscode.l10n.t('Connecting to the cluster…');
      default:
        return undefined;
    }
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/** `aksNodeRepair.containerInsights.days`, 1 to 90. */
function insightsDays(): number {
  const days = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(Settings.containerInsightsDays, 7);
  return Math.min(MAX_DAYS, Math.max(1, Math.floor(Number.isFinite(days) ? days : 7)));
}

/** The panel, its renderer and chart: dist/historyPanel.js, loaded when the first panel opens (esbuild.mjs). */
function historyPanelBundle(): typeof import('./historyPanelBundle') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./historyPanelBundle') as typeof import('./historyPanelBundle');
}
