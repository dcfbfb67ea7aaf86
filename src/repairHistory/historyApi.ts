/**
 * What the repair history service offers the features that read it (the Nodes view, the history
 * panel, the support report) and the one that feeds it from Log Analytics (Container Insights).
 */
import type * as vscode from 'vscode';
import type { HistorySnapshot, InsightsStatus, RecordedEvent, SourcedEvent } from '../domain/history';

export interface RepairHistoryView {
  /** The watched cluster's recorded history; undefined before a cluster connects or while it loads. */
  snapshot(): HistorySnapshot | undefined;
  /** One node's events from every source (live, local history, Container Insights), merged, oldest first. */
  eventsFor(node: string): readonly SourcedEvent[];
  /** The last Container Insights read for the watched cluster, when there was one. */
  insightsStatus(): InsightsStatus | undefined;
  /** The snapshot, the merged events or the insights status changed. */
  readonly onDidChange: vscode.Event<void>;
}

export interface ExternalEventSink {
  /** Replaces the Container Insights rows held for `cluster` (kept in memory, not in the store). */
  setInsights(cluster: string, events: readonly RecordedEvent[], status: InsightsStatus): void;
}
