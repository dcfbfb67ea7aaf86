import * as vscode from 'vscode';
import type { NodePool } from '../domain/clusterModel';
import { capitalize, formatClock, formatDuration, formatUtc, singleLine, truncate } from '../domain/format';
import { eventGuidance, stepGuidance, withRecurrence, type GuidanceTarget } from '../domain/guidanceTarget';
import type { SourcedEvent } from '../domain/history';
import { describeNode, describeNodeTooltip } from '../domain/nodeDescription';
import type { NodeHealth } from '../domain/nodeHealth';
import type { RepairEventRecord } from '../domain/repairEvent';
import type { RepairStep } from '../domain/repairTimeline';
import { CommandIds, contextValue, ItemTokens } from '../ids';
import { goneFactsLines, originOf, recordedLabel, recurrenceLine, recurrenceLines, sourceLine, stepOrigin } from './recordedRows';
import type { NodeSnapshot } from './treeFrame';
import type { DiagnosisNote } from '../domain/diagnosis';

/**
 * Tree items for pools, nodes, repair steps, events and the expected next step, each built from
 * one node snapshot. Cluster text (names, messages) goes into labels and plain-text tooltips only.
 */

export function poolItem(name: string, pool: NodePool | undefined, unhealthy: number): vscode.TreeItem {
  const nodes = pool?.nodes.length ?? 0;
  const item = new vscode.TreeItem(singleLine(name) || vscode.l10n.t('(no pool)'), unhealthy > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  const count = nodes === 1 ? vscode.l10n.t('1 node') : vscode.l10n.t('{0} nodes', nodes);
  item.description = unhealthy > 0 ? vscode.l10n.t('{0} · {1} unhealthy', count, unhealthy) : count;
  item.iconPath = new vscode.ThemeIcon('layers');
  item.contextValue = contextValue(ItemTokens.pool);
  return item;
}

/** `retentionDays`: set when the repair history keeps gone nodes past the cluster's hour. */
export function goneGroupItem(count: number, retentionDays?: number): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('No longer in the cluster'), vscode.TreeItemCollapsibleState.Collapsed);
  if (retentionDays === undefined) {
    item.description = count === 1 ? vscode.l10n.t('1 node with repair events in the last hour') : vscode.l10n.t('{0} nodes with repair events in the last hour', count);
    item.tooltip = vscode.l10n.t('Nodes deleted or replaced (for example after a failed redeploy) whose auto-repair events the cluster still keeps.');
  } else {
    item.description = count === 1 ? vscode.l10n.t('1 node with repair history') : vscode.l10n.t('{0} nodes with repair history', count);
    item.tooltip = vscode.l10n.t('Nodes deleted or replaced (for example after a failed redeploy) whose auto-repair steps the cluster or the local repair history keeps (history: {0} days).', retentionDays);
  }
  item.iconPath = new vscode.ThemeIcon('trash');
  item.contextValue = contextValue(ItemTokens.gone);
  return item;
}

/**
 * `diagnosis`: the node's last Azure diagnosis, which the tooltip mentions. The line says what
 * is going on now (`status`); the children show every step, recorded ones included.
 */
export function nodeItem(node: NodeSnapshot, now: number, diagnosis?: DiagnosisNote, retentionDays?: number): vscode.TreeItem {
  const { summary, timeline, health } = node;
  const status = node.status ?? timeline;
  if (!summary || !health) {
    return goneNodeItem(node, now, retentionDays);
  }
  const hasChildren = timeline.steps.length > 0 || timeline.otherEvents.length > 0;
  const item = new vscode.TreeItem(singleLine(summary.name), hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const last = status.steps.at(-1);
  const origin = status !== (node.live ?? timeline) && last ? stepOrigin(last) : undefined;
  item.description = describeNode(summary, status, now) + (origin ? ` · ${recordedLabel(origin, last?.lastSeen, now)}` : '');
  item.tooltip = [
    describeNodeTooltip(summary, status, now),
    ...historyLines(node, now),
    ...(diagnosis ? [diagnosisLine(diagnosis)] : []),
  ].join('\n');
  item.iconPath = nodeIcon(health, status.current !== undefined);
  // Explain opens the last hour's failure (what the command reads); a recorded one is explained from its step row.
  item.contextValue = contextValue(ItemTokens.node, (node.live ?? timeline).lastError && ItemTokens.explainable, summary.unschedulable && ItemTokens.cordoned,
    node.hasRecorded && ItemTokens.recorded);
  item.accessibilityInformation = { label: `${summary.name}, ${item.description}` };
  return item;
}

/** `Azure diagnosis: 2026-12-01 14:02:05 UTC, 2 findings` (with the date: a note can be days old). */
export function diagnosisLine(diagnosis: DiagnosisNote): string {
  const at = formatUtc(diagnosis.at);
  return diagnosis.findings === 1
    ? vscode.l10n.t('Azure diagnosis: {0}, 1 finding', at)
    : vscode.l10n.t('Azure diagnosis: {0}, {1} findings', at, diagnosis.findings);
}

/** The tooltip's history part: recorded steps past the hour, and codes that recur. */
function historyLines(node: NodeSnapshot, now: number): string[] {
  const lines: string[] = [];
  const recorded = node.timeline.steps.filter((s) => stepOrigin(s) !== undefined);
  if (recorded.length > 0) {
    const first = Math.min(...recorded.map((s) => s.started ?? s.lastSeen ?? now));
    lines.push(recorded.length === 1
      ? vscode.l10n.t('1 repair step from the repair history (since {0})', formatUtc(first))
      : vscode.l10n.t('{0} repair steps from the repair history (since {1})', recorded.length, formatUtc(first)));
  }
  return [...lines, ...recurrenceLines(node.recurrences?.() ?? [])];
}

function goneNodeItem(node: NodeSnapshot, now: number, retentionDays?: number): vscode.TreeItem {
  const { name, timeline } = node;
  const item = new vscode.TreeItem(singleLine(name), timeline.steps.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const last = timeline.lastError;
  item.description = last
    ? vscode.l10n.t('gone · {0} failed: {1}', last.action, last.code ? truncate(singleLine(last.code), 80) : vscode.l10n.t('no error code'))
    : vscode.l10n.t('gone');
  item.tooltip = node.hasRecorded
    ? [...goneFactsLines(name, node.facts, retentionDays), ...historyLines(node, now)].join('\n')
    : vscode.l10n.t('{0} is no longer in the cluster. Its auto-repair events are kept for an hour.', name);
  item.iconPath = new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  item.contextValue = contextValue(ItemTokens.goneNode, (node.live ?? timeline).lastError && ItemTokens.explainable, node.hasRecorded && ItemTokens.recorded);
  return item;
}

/** A step none of whose events the cluster still keeps reads `recorded 08:30 UTC`, with the history icon. */
export function stepItem(node: NodeSnapshot, step: RepairStep, now = Date.now()): vscode.TreeItem {
  const title = capitalize(step.action);
  const item = new vscode.TreeItem(step.attempt > 1 ? vscode.l10n.t('{0} (attempt {1})', title, step.attempt) : title, vscode.TreeItemCollapsibleState.Collapsed);
  const origin = stepOrigin(step);
  item.description = stepDescription(step, origin && recordedLabel(origin, step.lastSeen, now));
  const color = step.status === 'failed' ? new vscode.ThemeColor('list.errorForeground') : undefined;
  item.iconPath = origin ? new vscode.ThemeIcon('history', color)
    : step.status === 'failed' ? new vscode.ThemeIcon('error', color)
      : step.status === 'running' ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon('check');
  const lines = step.events.map((e) => `${formatClock(e.lastSeen ?? e.firstSeen)} ${singleLine(e.reason)}${e.count > 1 ? ` ×${e.count}` : ''}: ${singleLine(e.message)}`);
  if (step.azureMessage) {
    lines.push(azureErrorLine(step.code, step.azureMessage));
  }
  if (origin) {
    lines.push(sourceLine(origin));
  }
  const recurrence = step.code ? node.recurrences?.().find((r) => r.code === step.code) : undefined;
  if (recurrence) {
    lines.push(recurrenceLine(recurrence));
  }
  item.tooltip = lines.join('\n');
  item.contextValue = contextValue(ItemTokens.step, step.status === 'failed' && ItemTokens.failed, step.status === 'failed' && ItemTokens.explainable,
    origin && ItemTokens.recorded);
  if (step.status === 'failed') {
    item.command = guidanceCommand(withRecurrence(stepGuidance(node.name, step), recurrence), vscode.l10n.t('Explain this failure'));
  }
  return item;
}

export function eventItem(node: NodeSnapshot, event: RepairEventRecord | SourcedEvent, now = Date.now()): vscode.TreeItem {
  const item = new vscode.TreeItem(singleLine(event.reason) || vscode.l10n.t('(no reason)'), vscode.TreeItemCollapsibleState.None);
  const when = event.lastSeen ?? event.firstSeen;
  const origin = originOf(event);
  const recorded = origin === 'live' ? undefined : origin;
  item.description = `${recorded ? recordedLabel(recorded, when, now) : formatClock(when)}${event.count > 1 ? ` ×${event.count}` : ''} · ${truncate(singleLine(event.message), 140)}`;
  const heading = singleLine([event.reason, event.type && `(${event.type})`, event.source && vscode.l10n.t('from {0}', event.source)].filter(Boolean).join(' '));
  item.tooltip = [
    heading,
    when !== undefined ? new Date(when).toISOString() : undefined,
    singleLine(event.message),
    event.azureMessage ? azureErrorLine(event.code, event.azureMessage) : undefined,
    recorded ? sourceLine(recorded) : undefined,
  ].filter((l) => l !== undefined).join('\n');
  const warn = event.phase === 'error' || event.type === 'Warning';
  item.iconPath = recorded ? new vscode.ThemeIcon('history', warn ? new vscode.ThemeColor('list.warningForeground') : undefined)
    : warn ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('circle-small');
  item.contextValue = contextValue(ItemTokens.event, event.action && ItemTokens.explainable, recorded && ItemTokens.recorded);
  if (event.action) {
    const recurrence = event.code ? node.recurrences?.().find((r) => r.code === event.code) : undefined;
    item.command = guidanceCommand(withRecurrence(eventGuidance(node.name, event), recurrence), vscode.l10n.t('Explain this event'));
  }
  return item;
}

export function nextStepItem(node: NodeSnapshot, now: number): vscode.TreeItem {
  const next = (node.status ?? node.timeline).next;
  const label = next && next.action !== 'none' ? vscode.l10n.t('Next: {0}', next.action) : vscode.l10n.t('Next: no further automatic step');
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  const at = next?.at === undefined ? ''
    : next.at > now ? vscode.l10n.t('expected in {0}', formatDuration(next.at - now)) : vscode.l10n.t('expected since {0}', formatClock(next.at));
  item.description = [at, next?.note].filter(Boolean).join(' · ');
  item.tooltip = next?.note;
  item.iconPath = new vscode.ThemeIcon('debug-step-over');
  return item;
}

/** The Azure error beside its code, for a plain-text tooltip. */
function azureErrorLine(code: string | undefined, message: string): string {
  return code
    ? vscode.l10n.t('Azure error {0}: {1}', truncate(singleLine(code), 80), truncate(singleLine(message), 500))
    : vscode.l10n.t('Azure error: {0}', truncate(singleLine(message), 500));
}

function guidanceCommand(target: GuidanceTarget, title: string): vscode.Command {
  return { command: CommandIds.openGuidance, title, arguments: [target] };
}

/** `recorded`: the step's source and time when it is recorded history, in place of the clock time. */
function stepDescription(step: RepairStep, recorded?: string): string {
  const when = recorded ?? formatClock(step.failed ?? step.ended ?? step.started ?? step.lastSeen);
  const times = step.count > step.events.length ? ` · ×${step.count}` : '';
  switch (step.status) {
    case 'failed':
      return vscode.l10n.t('failed: {0} · {1}', step.code ? truncate(singleLine(step.code), 80) : vscode.l10n.t('no error code'), when) + times
        + (step.azureMessage ? ` · ${truncate(singleLine(step.azureMessage), 60)}` : '');
    case 'running':
      return (recorded ? vscode.l10n.t('no end seen · {0}', recorded) : vscode.l10n.t('running since {0}', formatClock(step.started))) + times;
    default:
      return (recorded ? vscode.l10n.t('completed · {0}', recorded) : vscode.l10n.t('completed {0}', when)) + times;
  }
}

function nodeIcon(health: NodeHealth, repairing: boolean): vscode.ThemeIcon {
  if (repairing) {
    return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('list.warningForeground'));
  }
  switch (health.state) {
    case 'healthy':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'not-ready':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    default:
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground'));
  }
}
