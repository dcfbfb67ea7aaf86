/**
 * A node's auto-repair sequence, read from its events: Start/End/Error per action paired into
 * one step per attempt, the outcome, and what AKS is expected to do next.
 */

import * as l10n from '@vscode/l10n';
import { REPAIR_DELAY_MS, STALE_STEP_MS, STEP_INTERVAL_MS } from './aksTiming';
import type { Mutable } from './mutable';
import type { NodeHealth } from './nodeHealth';
import { skipReasonText } from './nodeProjection';
import { compareEvents, MAX_COUNT, plainEvent, type RepairEventRecord } from './repairEvent';
import type { ErrorMessageFormat, RepairAction } from './repairMessage';

export type RepairStepStatus = 'running' | 'completed' | 'failed';

export interface RepairStep {
  readonly action: RepairAction;
  /** 1 for the first attempt of this action among the events seen, 2 for the next … */
  readonly attempt: number;
  readonly started?: number;
  readonly ended?: number;
  readonly failed?: number;
  /** The error code, when the Error named one. */
  readonly code?: string;
  /** The Azure error's message the failing Error carried, when it carried one. */
  readonly azureMessage?: string;
  readonly format?: ErrorMessageFormat;
  readonly status: RepairStepStatus;
  /** The step's events, oldest first; identical repeats merged into one record. */
  readonly events: readonly RepairEventRecord[];
  /** How many times the step's events occurred in all. */
  readonly count: number;
  /** The step's latest activity. */
  readonly lastSeen?: number;
}

export type RepairOutcome = 'none' | 'in-progress' | 'completed' | 'failed' | 'recovered';

export interface RepairNextStep {
  readonly action: RepairAction | 'none';
  readonly at?: number;
  readonly note: string;
}

export interface RepairTimeline {
  readonly steps: readonly RepairStep[];
  /** The last step when it is still running. */
  readonly current?: RepairStep;
  /** The latest failed step. */
  readonly lastError?: RepairStep;
  /** `recovered` only when the node is Ready after the last step: an End alone does not mean healthy. */
  readonly outcome: RepairOutcome;
  readonly next?: RepairNextStep;
  /** Node events that are not auto-repair steps (NodeNotReady, DeletingNode …), oldest first. */
  readonly otherEvents: readonly RepairEventRecord[];
}

export interface TimelineOptions {
  /** The node's OS (`kubernetes.io/os`): redeploy is only used on Linux. */
  readonly os?: string;
}

interface StepBuilder {
  action: RepairAction;
  attempt: number;
  started?: number;
  ended?: number;
  failed?: number;
  code?: string;
  azureMessage?: string;
  format?: ErrorMessageFormat;
  status: RepairStepStatus;
  events: Mutable<RepairEventRecord>[];
  count: number;
  lastSeen?: number;
}


/**
 * Builds the timeline of one node from its events (any order). `health` decides whether the
 * node recovered; `now` decides whether a step that never ended is still current.
 */
export function buildTimeline(
  events: readonly RepairEventRecord[],
  health?: NodeHealth,
  now?: number,
  options: TimelineOptions = {},
): RepairTimeline {
  const sorted = [...events].sort(compareEvents);
  const steps: StepBuilder[] = [];
  const latest = new Map<RepairAction, StepBuilder>();
  const attempts = new Map<RepairAction, number>();
  const otherEvents: Mutable<RepairEventRecord>[] = [];

  const newStep = (action: RepairAction): StepBuilder => {
    const attempt = (attempts.get(action) ?? 0) + 1;
    attempts.set(action, attempt);
    const step: StepBuilder = { action, attempt, status: 'running', events: [], count: 0 };
    steps.push(step);
    latest.set(action, step);
    return step;
  };

  for (const e of sorted) {
    if (!e.action || !e.phase) {
      mergeInto(otherEvents, e);
      continue;
    }
    const at = e.lastSeen ?? e.firstSeen;
    let step = latest.get(e.action);
    // Recorded history spans days: an event more than an hour after the step's last activity is
    // another attempt, even with the same text (within the hour, a repeat is the same one).
    if (step && at !== undefined && step.lastSeen !== undefined && (e.firstSeen ?? at) - step.lastSeen > STALE_STEP_MS) {
      step = undefined;
    }
    switch (e.phase) {
      case 'start':
        // A repeat of the same Start is the same attempt; a Start after activity is a new one.
        if (!step || step.ended !== undefined || step.failed !== undefined || !hasIdentical(step, e)) {
          step = newStep(e.action);
        }
        step.started ??= e.firstSeen ?? at;
        break;
      case 'end':
        if (!step || step.failed !== undefined || (step.ended !== undefined && !hasIdentical(step, e))) {
          step = newStep(e.action);
        }
        step.ended = at;
        if (step.status !== 'failed') {
          step.status = 'completed';
        }
        break;
      case 'error':
        // An Error can follow an End of the same attempt: AKS reported completion, then failure.
        if (!step || (step.failed !== undefined && !hasIdentical(step, e))) {
          step = newStep(e.action);
        }
        step.failed = at;
        step.status = 'failed';
        step.format = e.format;
        if (e.code) {
          step.code = e.code;
          // The message belongs to the code it came with, not to an earlier Error's.
          delete step.azureMessage;
        }
        if (e.azureMessage) {
          step.azureMessage = e.azureMessage;
        }
        break;
    }
    mergeInto(step.events, e);
    step.count += e.count;
    if (at !== undefined && (step.lastSeen === undefined || at > step.lastSeen)) {
      step.lastSeen = at;
    }
  }

  const last = steps.at(-1);
  const stale = last?.status === 'running' && now !== undefined && last.lastSeen !== undefined && now - last.lastSeen > STALE_STEP_MS;
  const current = last?.status === 'running' && !stale ? last : undefined;
  const lastError = [...steps].reverse().find((s) => s.status === 'failed');

  let outcome: RepairOutcome;
  if (!last) {
    outcome = 'none';
  } else if (health?.state === 'healthy' && (health.since === undefined || last.lastSeen === undefined || health.since >= firstActivity(last))) {
    outcome = 'recovered';
  } else if (current) {
    outcome = 'in-progress';
  } else {
    outcome = last.status === 'failed' ? 'failed' : last.status === 'completed' ? 'completed' : 'in-progress';
  }

  const timeline: Mutable<RepairTimeline> = { steps, outcome, otherEvents };
  if (current) {
    timeline.current = current;
  }
  if (lastError) {
    timeline.lastError = lastError;
  }
  const next = nextStep(last, outcome, health, options);
  if (next) {
    timeline.next = next;
  }
  return timeline;
}

function firstActivity(step: StepBuilder): number {
  return Math.min(...[step.started, step.ended, step.failed].filter((t): t is number => t !== undefined));
}

function hasIdentical(step: StepBuilder, e: RepairEventRecord): boolean {
  return step.events.some((x) => x.reason === e.reason && x.message === e.message);
}

/** Adds `e` to `list`, merging it into an identical record (same reason and message). */
function mergeInto(list: Mutable<RepairEventRecord>[], e: RepairEventRecord): void {
  const same = list.find((x) => x.reason === e.reason && x.message === e.message);
  if (!same) {
    list.push({ ...plainEvent(e) });
    return;
  }
  same.count = Math.min(same.count + e.count, MAX_COUNT);
  if (e.lastSeen !== undefined && (same.lastSeen === undefined || e.lastSeen > same.lastSeen)) {
    same.lastSeen = e.lastSeen;
  }
  if (e.firstSeen !== undefined && (same.firstSeen === undefined || e.firstSeen < same.firstSeen)) {
    same.firstSeen = e.firstSeen;
  }
}

function nextStep(
  last: StepBuilder | undefined,
  outcome: RepairOutcome,
  health: NodeHealth | undefined,
  options: TimelineOptions,
): RepairNextStep | undefined {
  if (outcome === 'recovered') {
    return undefined;
  }
  if (!last) {
    if (!health || health.state === 'healthy') {
      return undefined;
    }
    if (health.skipReasons.length > 0) {
      return { action: 'none', note: l10n.t('Auto-repair will not act on this node: {0}.', health.skipReasons.map(skipReasonText).join(', ')) };
    }
    return {
      action: 'reboot',
      at: health.since === undefined ? undefined : health.since + REPAIR_DELAY_MS,
      note: l10n.t('Auto-repair reboots a node that stays unhealthy for at least 5 minutes (often about 10 minutes in practice).'),
    };
  }
  const at = last.lastSeen === undefined ? undefined : last.lastSeen + STEP_INTERVAL_MS;
  const linux = options.os === undefined || options.os.toLowerCase() === 'linux';
  switch (last.action) {
    case 'reboot':
      return { action: 'reimage', at, note: l10n.t('If the node stays NotReady, auto-repair reimages it about 5 minutes after the reboot.') };
    case 'reimage':
      if (linux) {
        return { action: 'redeploy', at, note: l10n.t('If the node stays NotReady, auto-repair redeploys it about 5 minutes after the reimage.') };
      }
      return {
        action: 'none',
        note: l10n.t('Redeploy is used on Linux nodes only. AKS may retry the sequence up to 3 times within an hour; if the node stays NotReady, troubleshoot it manually.'),
      };
    case 'redeploy':
      return {
        action: 'none',
        note: last.status === 'failed'
          ? l10n.t('Redeploy was the last repair action and it failed. AKS may retry the sequence up to 3 times within an hour; if the node stays NotReady, act manually (see the error code).')
          : l10n.t('Redeploy is the last repair action. AKS may retry the sequence up to 3 times within an hour; if the node stays NotReady, troubleshoot it manually.'),
      };
  }
}
