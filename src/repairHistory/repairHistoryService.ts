import * as vscode from 'vscode';
import { clusterKeyOf } from '../domain/clusterKey';
import { mergeEvents, type HistoryProblem, type HistorySnapshot, type InsightsStatus, type RecordedEvent, type SourcedEvent } from '../domain/history';
import { RefreshCoalescer } from '../domain/refreshCoalescer';
import type { HistoryRecorder } from '../history/historyRecorder';
import type { HistoryStore, StoreStats } from '../history/historyStore';
import { storageProblemText } from '../history/storageHealth';
import { code } from '../history/writerLock';
import { SETTINGS_SECTION, settingId, Settings } from '../ids';
import type { ClusterSession } from '../session/clusterSession';
import type { ConfirmClear } from '../commands/clearRepairHistoryCommand';
import type { ExternalEventSink, RepairHistoryView } from './historyApi';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

interface InsightsRows {
  readonly byNode: ReadonlyMap<string, readonly RecordedEvent[]>;
  readonly status: InsightsStatus;
  /** Bumped when the rows are replaced. */
  readonly version: number;
}

interface MergedEntry {
  readonly history: readonly RecordedEvent[];
  readonly insightsVersion: number;
  readonly merged: readonly RecordedEvent[];
}

const EMPTY: readonly RecordedEvent[] = Object.freeze([]);
/** A store that could not be opened is tried again after this, doubling up to the ceiling. */
const REOPEN_FIRST_MS = 30_000;
const REOPEN_MAX_MS = 10 * 60_000;

/**
 * The repair history of the watched cluster: opens its store when the session connects to a
 * cluster (and another one when it switches), records the session's model into it, holds the
 * Container Insights rows per cluster, and tells the views when any of it changed (at most four
 * times a second). Only one window records a cluster; the others read what it writes.
 */
export class RepairHistoryService implements RepairHistoryView, ExternalEventSink, vscode.Disposable {
  private store: HistoryStore | undefined;
  private recorder: HistoryRecorder | undefined;
  private storeSubscription: { dispose(): void } | undefined;
  /** The cluster whose store is open (or opening). */
  private cluster = '';
  private opening: Promise<void> = Promise.resolve();
  private readonly insights = new Map<string, InsightsRows>();
  private insightsVersion = 0;
  private readonly merged = new Map<string, MergedEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly coalescer = new RefreshCoalescer(() => this.changed.fire());
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  /** The retention setting, read when a store first opens or a view first asks. */
  private days?: number;
  private disposed = false;
  /** The watched cluster's store could not be opened: why, and the next try. */
  private openFailure: { readonly cluster: string; readonly problem: HistoryProblem; readonly attempts: number } | undefined;
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  private confirmOverride: ConfirmClear | undefined;
  /** Test hook only (the vscode tier cannot click a modal dialog): answers Clear Repair History's confirmation. */
  readonly testHook = {
    answerClear: (confirm: ConfirmClear | undefined): void => { this.confirmOverride = confirm; },
    /** The answer set by the test, if any. */
    clearConfirm: (): ConfirmClear | undefined => this.confirmOverride,
  };

  constructor(
    private readonly session: ClusterSession,
    /** Where every cluster's file lives (the extension's global storage). */
    readonly storageFolder: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      session.onDidChangeState(() => this.follow()),
      session.onDidChangeModel(() => this.follow()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId(Settings.historyRetentionDays))) {
          this.days = readRetention();
          void this.store?.setRetention(this.days);
          this.coalescer.push();
        }
      }),
      { dispose: () => this.coalescer.dispose() },
    );
    this.follow();
  }

  get retentionDays(): number {
    return this.days ??= readRetention();
  }

  /** Resolves once the watched cluster's history is open (tests, and the first read after connecting). */
  whenReady(): Promise<void> {
    return this.opening;
  }

  /** Writes what the recorder and the store hold back (deactivation, and tests that read the file). */
  async flush(): Promise<void> {
    await this.opening;
    this.recorder?.flushNow();
    await this.store?.flush();
  }

  /** Whether this window records the cluster or reads what another window records; figures for tests. */
  stats(): StoreStats | undefined {
    return this.current()?.stats();
  }

  // ---- RepairHistoryView ---------------------------------------------------------------------

  snapshot(): HistorySnapshot | undefined {
    return this.current()?.snapshot();
  }

  eventsFor(node: string): readonly SourcedEvent[] {
    return mergeEvents(this.session.model.eventsFor(node), this.recordedFor(node));
  }

  recordedFor(node: string): readonly RecordedEvent[] {
    const history = this.current()?.eventsFor(node) ?? EMPTY;
    const rows = this.insights.get(this.watched());
    const fromInsights = rows?.byNode.get(node);
    if (!fromInsights || fromInsights.length === 0) {
      return history;
    }
    if (history.length === 0) {
      return fromInsights;
    }
    const cached = this.merged.get(node);
    if (cached && cached.history === history && cached.insightsVersion === rows!.version) {
      return cached.merged;
    }
    const merged = mergeEvents(history, fromInsights) as RecordedEvent[];
    this.merged.set(node, { history, insightsVersion: rows!.version, merged });
    return merged;
  }

  recordedNodeNames(): readonly string[] {
    const names = new Set(this.current()?.nodesWithEvents() ?? []);
    for (const name of this.insights.get(this.watched())?.byNode.keys() ?? []) {
      names.add(name);
    }
    return [...names].sort();
  }

  insightsStatus(): InsightsStatus | undefined {
    return this.insights.get(this.watched())?.status;
  }

  problem(): HistoryProblem | undefined {
    const store = this.current();
    if (store) {
      const p = store.problem();
      return p ? storageProblemText(p, this.storageFolder) : undefined;
    }
    return this.openFailure?.cluster === this.watched() ? this.openFailure.problem : undefined;
  }

  // ---- ExternalEventSink ---------------------------------------------------------------------

  setInsights(cluster: string, events: readonly RecordedEvent[], status: InsightsStatus): void {
    const byNode = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      const list = byNode.get(e.node);
      if (list) {
        list.push(e);
      } else {
        byNode.set(e.node, [e]);
      }
    }
    const sorted = new Map([...byNode].map(([node, list]) => [node, mergeEvents(list) as RecordedEvent[]]));
    this.insights.set(cluster, { byNode: sorted, status, version: ++this.insightsVersion });
    this.merged.clear();
    if (cluster === this.watched()) {
      this.coalescer.push();
    }
  }

  // ---- Clear Repair History ------------------------------------------------------------------

  /** Deletes the watched cluster's history, or every cluster's; returns how many files went. */
  async clear(scope: 'cluster' | 'all'): Promise<number> {
    await this.opening;
    let removed = 0;
    const store = this.current();
    if (store) {
      const existed = await exists(store.file);
      await store.clear();
      removed += existed ? 1 : 0;
    }
    if (scope === 'all') {
      removed += await historyStoreBundle().clearAllHistory(this.storageFolder);
    } else if (!store && this.watched()) {
      const file = path.join(this.storageFolder, historyStoreBundle().historyFileName(this.watched()));
      if (await exists(file)) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    this.log.info(`Repair history cleared (${scope === 'all' ? 'all clusters' : 'this cluster'}): ${removed} file(s).`);
    this.merged.clear();
    this.coalescer.flushNow();
    this.changed.fire();
    return removed;
  }

  // ---- following the session -----------------------------------------------------------------

  /** The watched cluster's key; empty while no kubeconfig gives one. */
  private watched(): string {
    return clusterKeyOf(this.session.identity);
  }

  /** The open store, when it belongs to the watched cluster. */
  private current(): HistoryStore | undefined {
    return this.store && this.store.cluster === this.watched() ? this.store : undefined;
  }

  private follow(): void {
    if (this.disposed) {
      return;
    }
    const key = this.watched();
    // Between two connections the session has no identity for a moment: keep what is open.
    if (key && key !== this.cluster) {
      this.switchTo(key);
    } else if (this.store && this.recorder?.model !== this.session.model) {
      // The session reconnected with a new model (same cluster): record from that one.
      this.recorder?.dispose();
      this.recorder = new (historyStoreBundle().HistoryRecorder)(this.session.model, this.store);
    }
  }

  private switchTo(key: string): void {
    this.cluster = key;
    this.openFailure = undefined;
    this.cancelReopen();
    const previous = { store: this.store, recorder: this.recorder, subscription: this.storeSubscription };
    this.store = undefined;
    this.recorder = undefined;
    this.storeSubscription = undefined;
    this.merged.clear();
    this.opening = this.opening.then(async () => {
      previous.recorder?.dispose();
      previous.subscription?.dispose();
      await previous.store?.close();
      if (this.cluster !== key || this.disposed) {
        return;
      }
      try {
        const store = await historyStoreBundle().HistoryStore.open({
          folder: this.storageFolder,
          cluster: key,
          retentionDays: this.retentionDays,
          log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m) },
        });
        if (this.cluster !== key || this.disposed) {
          await store.close();
          return;
        }
        this.store = store;
        this.storeSubscription = store.onDidChange(() => this.coalescer.push());
        this.recorder = new (historyStoreBundle().HistoryRecorder)(this.session.model, store);
        this.openFailure = undefined;
        this.coalescer.push();
      } catch (err) {
        this.openFailed(key, err);
      }
    });
  }

  /** The store could not be opened at all: said in the views, logged once, and tried again after a pause. */
  private openFailed(key: string, err: unknown): void {
    const attempts = (this.openFailure?.cluster === key ? this.openFailure.attempts : 0) + 1;
    const errorCode = code(err) ?? (err instanceof Error ? err.name : 'Error');
    const now = Date.now();
    const problem = storageProblemText({ operation: 'folder', path: this.storageFolder, code: errorCode, since: now, retryAt: now }, this.storageFolder);
    if (attempts === 1 || this.openFailure?.problem.message !== problem.message) {
      this.log.error(`The repair history for this cluster could not be opened in ${this.storageFolder}: ${String(err)}. The Nodes view shows the last hour only; tried again in the background.`);
    }
    this.openFailure = { cluster: key, problem, attempts };
    this.coalescer.push();
    const delay = Math.min(REOPEN_MAX_MS, REOPEN_FIRST_MS * 2 ** Math.min(attempts - 1, 10));
    this.cancelReopen();
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      if (!this.disposed && this.cluster === key && !this.store) {
        // switchTo forgets the failure: keep the count, so the pause keeps growing.
        const failure = this.openFailure;
        this.switchTo(key);
        this.openFailure = failure;
      }
    }, delay);
  }

  private cancelReopen(): void {
    if (this.reopenTimer !== undefined) {
      clearTimeout(this.reopenTimer);
      this.reopenTimer = undefined;
    }
  }

  /** Writes what waits and closes the store (deactivation: VS Code awaits this). */
  async close(): Promise<void> {
    if (this.disposed) {
      return this.opening;
    }
    this.disposed = true;
    this.cancelReopen();
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.opening = this.opening.then(async () => {
      this.recorder?.dispose();
      this.storeSubscription?.dispose();
      await this.store?.close();
      this.store = undefined;
      this.recorder = undefined;
    });
    return this.opening;
  }

  dispose(): void {
    void this.close();
  }
}

/** The store and the recorder: dist/historyStore.js, loaded when a cluster first connects (esbuild.mjs). */
function historyStoreBundle(): typeof import('./historyStoreBundle') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./historyStoreBundle') as typeof import('./historyStoreBundle');
}

function readRetention(): number {
  const days = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(Settings.historyRetentionDays, 30);
  return Number.isFinite(days) ? Math.min(365, Math.max(1, Math.floor(days))) : 30;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
