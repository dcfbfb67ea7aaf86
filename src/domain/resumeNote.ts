/**
 * What the Nodes view says after the machine slept: how long, and which of the cluster's events
 * may be missing. The cluster keeps events for an hour; the relist after a wake has every event
 * still there, so what may be missing is what happened during the sleep and expired before the
 * wake, i.e. from the start of the gap to one hour before its end. Container Insights keeps
 * events for longer: once it has been read, the note says how many it has from that time.
 */
import * as l10n from '@vscode/l10n';
import { EVENT_RETENTION_MS } from './aksTiming';
import { formatDuration, formatUtc } from './format';

/** The wall-clock time the machine slept (epoch ms), as the wake detector saw it. */
export interface SleepGap {
  readonly asleepFrom: number;
  readonly awokeAt: number;
}

export interface ResumeNote {
  readonly gap: SleepGap;
  /** Container Insights' events in the expired part of the gap; undefined until read (or when it could not be). */
  readonly insightsEvents?: number;
}

/** The part of the gap whose cluster events expired before the relist; undefined when none did. */
export function expiredPart(gap: SleepGap, retentionMs = EVENT_RETENTION_MS): SleepGap | undefined {
  const end = gap.awokeAt - retentionMs;
  return end > gap.asleepFrom ? { asleepFrom: gap.asleepFrom, awokeAt: end } : undefined;
}

/** How many of `events` were last seen inside `part`. */
export function countInside(events: readonly { readonly lastSeen?: number; readonly firstSeen?: number; readonly recordedAt?: number }[], part: SleepGap): number {
  return events.filter((e) => {
    const at = e.lastSeen ?? e.firstSeen ?? e.recordedAt;
    return at !== undefined && at >= part.asleepFrom && at <= part.awokeAt;
  }).length;
}

/** The note's lines: the first always; `missed` when events may have expired during the sleep. */
export function resumeLines(note: ResumeNote): { readonly resumed: string; readonly missed?: string; readonly missedDetail?: string } {
  const { gap } = note;
  const resumed = l10n.t('Resumed after {0} asleep ({1} to {2}); relisted the cluster',
    formatDuration(gap.awokeAt - gap.asleepFrom), formatUtc(gap.asleepFrom), formatUtc(gap.awokeAt));
  const expired = expiredPart(gap);
  if (!expired) {
    return { resumed };
  }
  const hours = EVENT_RETENTION_MS / 3_600_000;
  const from = formatUtc(expired.asleepFrom);
  const to = formatUtc(expired.awokeAt);
  if (note.insightsEvents === undefined) {
    return {
      resumed,
      missed: l10n.t('Events older than {0} h expire in the cluster: those from {1} to {2} may have been missed', hours, from, to),
      missedDetail: l10n.t('Container Insights, when set up and signed in, fills the history for that time'),
    };
  }
  if (note.insightsEvents === 0) {
    return {
      resumed,
      missed: l10n.t('Events older than {0} h expire in the cluster: Container Insights has none from {1} to {2}', hours, from, to),
    };
  }
  return {
    resumed,
    missed: note.insightsEvents === 1
      ? l10n.t('Events older than {0} h expire in the cluster: 1 event from {1} to {2} may have been missed', hours, from, to)
      : l10n.t('Events older than {0} h expire in the cluster: {1} events from {2} to {3} may have been missed', hours, note.insightsEvents, from, to),
    missedDetail: l10n.t('Container Insights has them: see the repair history'),
  };
}
