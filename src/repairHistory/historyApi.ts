/**
 * What the repair history service offers the features that read it (the Nodes view, the history
 * panel, the support report) and the one that feeds it from Log Analytics (Container Insights).
 */
import type * as vscode from 'vscode';
import type { HistoryProblem, HistorySnapshot, InsightsStatus, RecordedEvent, SourcedEvent } from '../domain/history';

export interface RepairHistoryView {
  /** The watched cluster's recorded history; undefined before a cluster connects or while it loads. */
  snapshot(): HistorySnapshot | undefined;
  /** One node's events from every source (live, local history, Container Insights), merged, oldest first. */
  eventsFor(node: string): readonly SourcedEvent[];
  /** The last Container Insights read for the watched cluster, when there was one. */
  insightsStatus(): InsightsStatus | undefined;
  /**
   * One node's rows from the local history and Container Insights only (no live rows), merged,
   * oldest first; the same array until they change (the Nodes view keys its cache on it).
   */
  recordedFor(node: string): readonly RecordedEvent[];
  /** Nodes with recorded rows (local history or Container Insights), for nodes no longer in the cluster. */
  recordedNodeNames(): readonly string[];
  /**
   * Why the watched cluster's history is not being recorded (or cannot be read) in this window:
   * its storage cannot be written (EACCES, EROFS, ENOSPC …) or could not be opened. Undefined
   * while it works, and while another window records. Optional: views built on an older
   * implementation treat it as "no problem".
   */
  problem?(): HistoryProblem | undefined;
  /** `aksNodeRepair.history.retentionDays`, for the texts that say how long history is kept. */
  readonly retentionDays: number;
  /** The snapshot, the merged events, the insights status or the problem changed. */
  readonly onDidChange: vscode.Event<void>;
}

export interface ExternalEventSink {
  /** Replaces the Container Insights rows held for `cluster` (kept in memory, not in the store). */
  setInsights(cluster: string, events: readonly RecordedEvent[], status: InsightsStatus): void;
}
