/**
 * What a Container Insights read said, as the one-line status the Nodes view and the history
 * panel show: rows read, only error rows (Normal events not collected, and how to collect them),
 * part of the answer, or why nothing could be read. No @azure runtime: extension.js uses it.
 */
import * as l10n from '@vscode/l10n';
import type { InsightsStatus } from '../domain/history';
import type { InsightsResult } from './azureTypes';

/** The ConfigMap switch that makes the agent collect Normal events (repair Start/End). */
export function collectNormalEventsStep(): string {
  return l10n.t('To see repair starts and completions too, set `enabled = true` under `[log_collection_settings.collect_all_kube_events]` in the `container-azm-ms-agentconfig` ConfigMap (namespace kube-system) and apply it; the agent picks it up within minutes.');
}

export function insightsStatusOf(result: InsightsResult, at: number, days: number): InsightsStatus {
  const rows = result.events.length;
  if (result.problem) {
    return { kind: 'problem', message: l10n.t('Container Insights: {0}', result.problem.message), nextStep: result.problem.nextStep, at, rows: 0 };
  }
  if (result.partial) {
    return {
      kind: 'partial',
      message: l10n.t('Container Insights: {0} events over {1} days, but Log Analytics answered only in part: {2}', rows, days, result.partial.message),
      nextStep: result.partial.nextStep,
      at,
      rows,
    };
  }
  if (result.normalEventsCollected === false) {
    return {
      kind: 'errorsOnly',
      message: l10n.t('Container Insights: {0} error events over {1} days; repair starts and completions (Normal events) are not collected.', rows, days),
      nextStep: collectNormalEventsStep(),
      at,
      rows,
    };
  }
  return {
    kind: 'ok',
    message: rows === 0
      ? l10n.t('Container Insights: no auto-repair events over {0} days.', days)
      : rows === 1
        ? l10n.t('Container Insights: 1 event over {0} days.', days)
        : l10n.t('Container Insights: {0} events over {1} days.', rows, days),
    at,
    rows,
  };
}
