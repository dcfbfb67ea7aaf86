/**
 * The one-line and tooltip texts that say a node's health and repair sequence. All text
 * returned here is plain: callers escape it for the surface they render to.
 */

import * as l10n from '@vscode/l10n';
import { REPAIR_DELAY_MS } from './aksTiming';
import { formatClock, formatDuration, singleLine, truncate } from './format';
import { assessHealth, type NodeHealthState } from './nodeHealth';
import { skipReasonText, type NodeSummary } from './nodeProjection';
import type { RepairOutcome, RepairStep, RepairTimeline } from './repairTimeline';

// Kubernetes' own condition words, as `kubectl get nodes` prints them: not translated.
const STATE_LABEL: Record<NodeHealthState, string> = { 'healthy': 'Ready', 'not-ready': 'NotReady', 'unknown': 'Unknown' };

/**
 * One line for the tree: `NotReady 12m · reimage failed: TooManyVMRedeploymentRequests`,
 * `Ready,SchedulingDisabled`, `NotReady 2m · repair expected in 3m`, `NotReady 40m · auto-repair skips: shutdown taint`.
 * A cordoned node reads as kubectl's STATUS column does: `NotReady,SchedulingDisabled 40m · …`.
 */
export function describeNode(node: NodeSummary, timeline: RepairTimeline | undefined, now: number): string {
  const health = assessHealth(node, now);
  const status = health.cordoned ? `${STATE_LABEL[health.state]},SchedulingDisabled` : STATE_LABEL[health.state];
  const head = health.unhealthyFor !== undefined ? `${status} ${formatDuration(health.unhealthyFor)}` : status;
  const parts = [head];

  if (health.state === 'healthy') {
    const last = timeline?.steps.at(-1);
    if (timeline?.outcome === 'recovered' && last) {
      parts.push(l10n.t('recovered after {0}', last.action));
    } else if (last?.status === 'failed') {
      // Ready again but a repair failed within the hour: still worth a look (the next NotReady repeats it).
      parts.push(failureText(last));
    }
  } else {
    const detail = repairDetail(timeline);
    if (detail) {
      parts.push(detail);
    }
    if (health.skipReasons.length > 0) {
      parts.push(l10n.t('auto-repair skips: {0}', health.skipReasons.map(skipReasonText).join(', ')));
    } else if (!detail && health.unhealthyFor !== undefined) {
      parts.push(health.unhealthyFor < REPAIR_DELAY_MS
        ? l10n.t('repair expected in {0}', formatDuration(REPAIR_DELAY_MS - health.unhealthyFor))
        : l10n.t('awaiting auto-repair'));
    }
  }
  return parts.join(' · ');
}

function repairDetail(timeline: RepairTimeline | undefined): string | undefined {
  if (!timeline) {
    return undefined;
  }
  if (timeline.current) {
    return l10n.t('{0} running', timeline.current.action);
  }
  const last = timeline.steps.at(-1);
  if (!last) {
    return undefined;
  }
  if (last.status === 'failed') {
    return failureText(last);
  }
  return l10n.t('{0} done', last.action);
}

function failureText(step: RepairStep): string {
  return step.code
    ? l10n.t('{0} failed: {1}', step.action, truncate(singleLine(step.code), 80))
    : l10n.t('{0} failed (no code)', step.action);
}

/** Multi-line plain text for a hover or tooltip: conditions, placement, skip reasons, steps and next step. */
export function describeNodeTooltip(node: NodeSummary, timeline: RepairTimeline | undefined, now: number): string {
  const health = assessHealth(node, now);
  const lines: string[] = [singleLine(node.name)];
  lines.push(health.since !== undefined
    ? l10n.t('Ready: {0} since {1} UTC ({2} ago)', node.ready, formatClock(health.since), formatDuration(now - health.since))
    : l10n.t('Ready: {0}', node.ready));
  if (node.reason || node.message) {
    lines.push(`  ${truncate(singleLine([node.reason, node.message].filter(Boolean).join(': ')), 200)}`);
  }
  if (node.pressures.length > 0) {
    lines.push(l10n.t('Conditions: {0}', node.pressures.map(singleLine).join(', ')));
  }
  if (node.unschedulable) {
    lines.push(l10n.t('Cordoned: new pods are not scheduled here'));
  }
  const placement = [
    node.pool && l10n.t('pool {0}', node.pool),
    node.instanceType,
    node.zone && l10n.t('zone {0}', node.zone),
    node.os,
  ].filter(Boolean);
  if (placement.length > 0) {
    lines.push(l10n.t('Node: {0}', placement.map((p) => singleLine(String(p))).join(', ')));
  }
  const versions = [node.kubeletVersion && l10n.t('kubelet {0}', node.kubeletVersion), node.nodeImage && l10n.t('image {0}', node.nodeImage)].filter(Boolean);
  if (versions.length > 0) {
    lines.push(l10n.t('Versions: {0}', versions.map((v) => singleLine(String(v))).join(', ')));
  }
  if (health.skipReasons.length > 0) {
    lines.push(l10n.t('Auto-repair skips this node: {0}', health.skipReasons.map(skipReasonText).join(', ')));
  }
  if (timeline && timeline.steps.length > 0) {
    lines.push(l10n.t('Auto-repair steps:'));
    for (const step of timeline.steps) {
      lines.push(`  ${stepLine(step)}`);
    }
    lines.push(l10n.t('Outcome: {0}', outcomeLabel(timeline.outcome)));
  }
  if (timeline?.next) {
    const what = timeline.next.action === 'none' ? l10n.t('no further repair action') : timeline.next.action;
    lines.push(timeline.next.at !== undefined
      ? l10n.t('Next: {0} (around {1} UTC). {2}', what, formatClock(timeline.next.at), timeline.next.note)
      : l10n.t('Next: {0}. {1}', what, timeline.next.note));
  }
  return lines.join('\n');
}

function stepLine(step: RepairStep): string {
  const times = [
    step.started !== undefined ? l10n.t('started {0}', formatClock(step.started)) : undefined,
    step.ended !== undefined ? l10n.t('ended {0}', formatClock(step.ended)) : undefined,
    step.failed !== undefined ? l10n.t('failed {0}', formatClock(step.failed)) : undefined,
  ].filter(Boolean).join(', ');
  const status = step.status === 'failed' ? failureText(step)
    : step.status === 'running' ? l10n.t('{0} running', step.action) : l10n.t('{0} completed', step.action);
  const attempt = step.attempt > 1 ? l10n.t('{0} (attempt {1})', status, step.attempt) : status;
  const repeats = step.count > step.events.length ? ` ×${step.count}` : '';
  return `${times ? l10n.t('{0} — {1} UTC', attempt, times) : attempt}${repeats}`;
}

function outcomeLabel(outcome: RepairOutcome): string {
  switch (outcome) {
    case 'none': return l10n.t('none');
    case 'in-progress': return l10n.t('in-progress');
    case 'completed': return l10n.t('completed');
    case 'failed': return l10n.t('failed');
    case 'recovered': return l10n.t('recovered');
  }
}
