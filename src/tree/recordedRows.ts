import * as vscode from 'vscode';
import { formatUtc, singleLine, truncate } from '../domain/format';
import type { EventOrigin, HistoryProblem, InsightsStatus, RecordedNode, Recurrence, SourcedEvent } from '../domain/history';
import type { RepairStep } from '../domain/repairTimeline';
import type { MessageNode } from './treeNodes';

/**
 * The Nodes view's texts for rows that come from the history rather than the cluster now: which
 * source and when it was seen, how often a code recurred, what is known of a node that left, and
 * what the Container Insights read said. Plain text only (labels, descriptions, tooltips).
 */

type Recorded = Exclude<EventOrigin, 'live'>;

export function originOf(event: SourcedEvent): EventOrigin {
  return event.origin ?? 'live';
}

/** A step is recorded when none of its events is live any more; which source, when both: the local history. */
export function stepOrigin(step: RepairStep): Recorded | undefined {
  const origins = new Set(step.events.map((e) => originOf(e as SourcedEvent)));
  if (origins.has('live') || origins.size === 0) {
    return undefined;
  }
  return origins.has('history') ? 'history' : 'containerInsights';
}

/** `08:30 UTC` today, `2026-11-28 08:30 UTC` before: a recorded row can be weeks old. */
export function seenAtLabel(at: number | undefined, now: number): string {
  if (at === undefined) {
    return '';
  }
  const utc = formatUtc(at);
  return utc.slice(0, 10) === formatUtc(now).slice(0, 10) ? `${utc.slice(11, 16)} UTC` : `${utc.slice(0, 16)} UTC`;
}

/** `recorded 08:30 UTC` or `from Container Insights 08:30 UTC`. */
export function recordedLabel(origin: Recorded, at: number | undefined, now: number): string {
  const when = seenAtLabel(at, now);
  return origin === 'history'
    ? vscode.l10n.t('recorded {0}', when).trim()
    : vscode.l10n.t('from Container Insights {0}', when).trim();
}

/** The tooltip line saying where a recorded row comes from. */
export function sourceLine(origin: Recorded): string {
  return origin === 'history'
    ? vscode.l10n.t('Recorded by this extension (local repair history): the cluster no longer keeps this event.')
    : vscode.l10n.t('From Container Insights (Log Analytics table KubeEvents): the cluster no longer keeps this event.');
}

/** `VMExtensionProvisioningError: seen 4 times over 3 days`. */
export function recurrenceLine(r: Recurrence): string {
  const code = truncate(singleLine(r.code), 80);
  return r.days === 1
    ? vscode.l10n.t('{0}: seen {1} times over 1 day', code, r.times)
    : vscode.l10n.t('{0}: seen {1} times over {2} days', code, r.times, r.days);
}

export function recurrenceLines(list: readonly Recurrence[], max = 5): string[] {
  return list.length === 0 ? [] : [vscode.l10n.t('Recurring auto-repair errors:'), ...list.slice(0, max).map((r) => `  ${recurrenceLine(r)}`)];
}

/** A node that left the cluster, from the history: when, and what it was. */
export function goneFactsLines(name: string, facts: RecordedNode | undefined, retentionDays: number | undefined): string[] {
  const lines = [facts?.goneAt !== undefined
    ? vscode.l10n.t('{0} left the cluster at {1}.', singleLine(name), formatUtc(facts.goneAt))
    : vscode.l10n.t('{0} is no longer in the cluster.', singleLine(name))];
  lines.push(retentionDays !== undefined
    ? vscode.l10n.t('Its repair history is kept for {0} days (setting aksNodeRepair.history.retentionDays).', retentionDays)
    : vscode.l10n.t('Its auto-repair events are kept for an hour.'));
  const what = [facts?.pool && vscode.l10n.t('pool {0}', facts.pool), facts?.instanceType, facts?.nodeImage && vscode.l10n.t('image {0}', facts.nodeImage)]
    .filter((x): x is string => Boolean(x)).map((x) => singleLine(x));
  if (what.length > 0) {
    lines.push(vscode.l10n.t('Node: {0}', what.join(', ')));
  }
  if (facts?.providerID) {
    lines.push(vscode.l10n.t('Provider ID: {0}', truncate(singleLine(facts.providerID), 300)));
  }
  return lines;
}

/** The Container Insights read as a row under the cluster, when it needs saying (not for `ok`). */
export function insightsMessages(status: InsightsStatus | undefined): MessageNode[] {
  if (!status || status.kind === 'ok') {
    return [];
  }
  if (status.kind === 'errorsOnly') {
    return [{
      kind: 'message', id: 'insights', icon: 'info',
      text: line(status.message || vscode.l10n.t('Only Warning events come from Container Insights: Normal events (repair start/end) are not collected')),
      detail: line(status.nextStep || vscode.l10n.t('Set collect_all_kube_events = true in the container-azm-ms-agentconfig ConfigMap (namespace kube-system) to collect them.')),
    }];
  }
  return [{ kind: 'message', id: 'insights', icon: 'warning', text: line(status.message), detail: status.nextStep ? line(status.nextStep) : undefined }];
}

/** The local history's storage problem as a row under the cluster ("Repair history is not being recorded: …"). */
export function historyMessages(problem: HistoryProblem | undefined): MessageNode[] {
  return problem ? [{ kind: 'message', id: 'history-problem', icon: 'warning', text: line(problem.message), detail: line(problem.nextStep) }] : [];
}

const line = (text: string) => truncate(singleLine(text), 300);
