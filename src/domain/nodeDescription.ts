/**
 * The one-line and tooltip texts that say a node's health and repair sequence. All text
 * returned here is plain: callers escape it for the surface they render to.
 */

import { REPAIR_DELAY_MS } from './aksTiming';
import { formatClock, formatDuration, singleLine, truncate } from './format';
import { assessHealth, type NodeHealthState } from './nodeHealth';
import type { NodeSummary } from './nodeProjection';
import type { RepairStep, RepairTimeline } from './repairTimeline';

const STATE_LABEL: Record<NodeHealthState, string> = { 'healthy': 'Ready', 'not-ready': 'NotReady', 'unknown': 'Unknown' };

/**
 * One line for the tree: `NotReady 12m · reimage failed: TooManyVMRedeploymentRequests`,
 * `Ready · cordoned`, `NotReady 2m · repair expected in 3m`, `NotReady 40m · auto-repair skips: shutdown taint`.
 */
export function describeNode(node: NodeSummary, timeline: RepairTimeline | undefined, now: number): string {
  const health = assessHealth(node, now);
  const head = health.unhealthyFor !== undefined
    ? `${STATE_LABEL[health.state]} ${formatDuration(health.unhealthyFor)}`
    : STATE_LABEL[health.state];
  const parts = [head];

  if (health.state === 'healthy') {
    const last = timeline?.steps.at(-1);
    if (timeline?.outcome === 'recovered' && last) {
      parts.push(`recovered after ${last.action}`);
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
      parts.push(`auto-repair skips: ${health.skipReasons.join(', ')}`);
    } else if (!detail && health.unhealthyFor !== undefined) {
      parts.push(health.unhealthyFor < REPAIR_DELAY_MS
        ? `repair expected in ${formatDuration(REPAIR_DELAY_MS - health.unhealthyFor)}`
        : 'awaiting auto-repair');
    }
  }
  if (health.cordoned) {
    parts.push('cordoned');
  }
  return parts.join(' · ');
}

function repairDetail(timeline: RepairTimeline | undefined): string | undefined {
  if (!timeline) {
    return undefined;
  }
  if (timeline.current) {
    return `${timeline.current.action} running`;
  }
  const last = timeline.steps.at(-1);
  if (!last) {
    return undefined;
  }
  if (last.status === 'failed') {
    return failureText(last);
  }
  return `${last.action} done`;
}

function failureText(step: RepairStep): string {
  return step.code ? `${step.action} failed: ${truncate(singleLine(step.code), 80)}` : `${step.action} failed (no code)`;
}

/** Multi-line plain text for a hover or tooltip: conditions, placement, skip reasons, steps and next step. */
export function describeNodeTooltip(node: NodeSummary, timeline: RepairTimeline | undefined, now: number): string {
  const health = assessHealth(node, now);
  const lines: string[] = [node.name];
  const since = health.since !== undefined ? ` since ${formatClock(health.since)} UTC (${formatDuration(now - health.since)} ago)` : '';
  lines.push(`Ready: ${node.ready}${since}`);
  if (node.reason || node.message) {
    lines.push(`  ${truncate(singleLine([node.reason, node.message].filter(Boolean).join(': ')), 200)}`);
  }
  if (node.pressures.length > 0) {
    lines.push(`Conditions: ${node.pressures.map(singleLine).join(', ')}`);
  }
  if (node.unschedulable) {
    lines.push('Cordoned: new pods are not scheduled here');
  }
  const placement = [
    node.pool && `pool ${node.pool}`,
    node.instanceType,
    node.zone && `zone ${node.zone}`,
    node.os,
  ].filter(Boolean);
  if (placement.length > 0) {
    lines.push(`Node: ${placement.map((p) => singleLine(String(p))).join(', ')}`);
  }
  const versions = [node.kubeletVersion && `kubelet ${node.kubeletVersion}`, node.nodeImage && `image ${node.nodeImage}`].filter(Boolean);
  if (versions.length > 0) {
    lines.push(`Versions: ${versions.map((v) => singleLine(String(v))).join(', ')}`);
  }
  if (health.skipReasons.length > 0) {
    lines.push(`Auto-repair skips this node: ${health.skipReasons.join(', ')}`);
  }
  if (timeline && timeline.steps.length > 0) {
    lines.push('Auto-repair steps:');
    for (const step of timeline.steps) {
      lines.push(`  ${stepLine(step)}`);
    }
    lines.push(`Outcome: ${timeline.outcome}`);
  }
  if (timeline?.next) {
    const at = timeline.next.at !== undefined ? ` (around ${formatClock(timeline.next.at)} UTC)` : '';
    const what = timeline.next.action === 'none' ? 'no further repair action' : timeline.next.action;
    lines.push(`Next: ${what}${at}. ${timeline.next.note}`);
  }
  return lines.join('\n');
}

function stepLine(step: RepairStep): string {
  const attempt = step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
  const times = [
    step.started !== undefined ? `started ${formatClock(step.started)}` : undefined,
    step.ended !== undefined ? `ended ${formatClock(step.ended)}` : undefined,
    step.failed !== undefined ? `failed ${formatClock(step.failed)}` : undefined,
  ].filter(Boolean).join(', ');
  const status = step.status === 'failed' ? failureText(step) : `${step.action} ${step.status}`;
  const repeats = step.count > step.events.length ? ` ×${step.count}` : '';
  return `${status}${attempt}${times ? ` — ${times} UTC` : ''}${repeats}`;
}
