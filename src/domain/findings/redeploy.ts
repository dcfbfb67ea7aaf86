/** VMRedeploymentFailed and TooManyVMRedeploymentRequests: the pool's state and the redeploys the Activity Log shows. */
import * as l10n from '@vscode/l10n';
import type { ActivityEntry, Finding, RepairErrorSeen } from '../diagnosis';
import { shellQuote } from '../shellQuote';
import { guidanceIdFor } from './codes';
import { formatUtc } from '../format';
import { activityOf, describeEntry, joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

// --- VMRedeploymentFailed ----------------------------------------------------------------------

export function redeployFailedFinding(names: Names, e: RepairErrorSeen): Finding {
  const code = 'VMRedeploymentFailed';
  const base = { code, guidanceId: guidanceIdFor(code) };
  const section = names.diagnosis.cluster;
  const pool = names.cluster?.pool;
  const poolName = names.pool;
  const cannot = unreadable(section, l10n.t('The cluster and its node pool'));
  const failedPool = /failed/i.test(pool?.provisioningState ?? '');
  const poolEvidence = cannot ?? (pool
    ? l10n.t('The node pool {0} is {1} (power state {2}, {3} nodes).', quoted(pool.name), quoted(pool.provisioningState ?? '?'), quoted(pool.powerState ?? '?'), pool.count ?? '?')
    : l10n.t('The cluster does not list the node\'s pool{0}.', poolName ? ` ${quoted(poolName)}` : ''));
  const failedRedeploy = activityOf(names).filter((a) => /redeploy/i.test(a.operation) && /fail/i.test(a.status ?? '')).sort((a, b) => b.time - a.time)[0];
  const activityEvidence = failedRedeploy
    ? l10n.t('The Activity Log shows: {0}.', describeEntry(failedRedeploy))
    : unreadable(names.diagnosis.activity, l10n.t('The Activity Log'));
  const reconcile = names.poolId ? `az resource update --ids ${shellQuote(names.poolId)}` : undefined;
  const oneInstance = names.updateInstance();
  const nextStep = failedPool
    ? l10n.t('Reconcile the pool with "{0}" (it re-applies the pool\'s model without redeploying the nodes), or bring only this instance up to date with "{1}". Never update every instance of the scale set at once: that reimages all nodes of the pool.', reconcile ?? 'az resource update --ids <pool id>', oneInstance ?? 'az vmss update-instances --instance-ids <id>')
    : l10n.t('The pool is not failed now. Check quota (az vm list-usage), policy, locks and role assignments on the node resource group, then bring only this instance up to date with "{0}"; never every instance of the scale set at once.', oneInstance ?? 'az vmss update-instances --instance-ids <id>');
  return {
    ...base,
    severity: failedPool ? 'error' : 'warning',
    title: failedPool ? l10n.t('Redeploy failed and left the node pool {0} failed', quoted(pool?.name ?? poolName ?? '')) : l10n.t('Redeploy failed'),
    evidence: joinSentences(reported(e), poolEvidence, activityEvidence),
    nextStep: joinSentences(unreadableStep(section), nextStep),
    command: failedPool ? reconcile ?? names.nodepoolShow() : names.nodepoolShow() ?? oneInstance,
  };
}

// --- TooManyVMRedeploymentRequests ---------------------------------------------------------------

export function tooManyRedeploysFinding(names: Names, e: RepairErrorSeen): Finding {
  const code = 'TooManyVMRedeploymentRequests';
  const base = { code, guidanceId: guidanceIdFor(code) };
  const section = names.diagnosis.activity;
  const { from, to } = names.activityWindow;
  const cannot = unreadable(section, l10n.t('The Activity Log'));
  const times = cannot === undefined ? redeployTimes(activityOf(names), from, to) : [];
  const evidence = cannot ?? (times.length === 0
    ? l10n.t('The Activity Log shows no redeploy of this instance or its scale set from {0} to {1}.', formatUtc(from, '?'), formatUtc(to, '?'))
    : times.length === 1
      ? l10n.t('The Activity Log shows 1 redeploy of this instance or its scale set, at {0}.', formatUtc(times[0], '?'))
      : l10n.t('The Activity Log shows {0} redeploys of this instance or its scale set, from {1} to {2}.', times.length, formatUtc(times[0], '?'), formatUtc(times[times.length - 1], '?')));
  return {
    ...base,
    severity: 'warning',
    title: l10n.t('Redeploy is not available: too many redeploy requests'),
    evidence: joinSentences(reported(e), evidence),
    nextStep: joinSentences(unreadableStep(section), l10n.t('Redeploy cannot be used for now: troubleshoot why the node is NotReady directly (the NotReady checklist), and do not request more redeploys.')),
    command: names.activityLog(`--query ${shellQuote("[?contains(operationName.value, 'redeploy')].{time: eventTimestamp, operation: operationName.value, status: status.value, caller: caller}")} -o table`),
  };
}

/** When each redeploy in the window started, oldest first: one operation writes several entries (Started, Accepted, Succeeded), so correlations count. */
function redeployTimes(activity: readonly ActivityEntry[], from: number, to: number): number[] {
  const ops = new Map<string, ActivityEntry>();
  for (const a of activity) {
    if (!/redeploy/i.test(a.operation) || a.time < from || a.time > to) {
      continue;
    }
    const key = a.correlationId ?? `${a.operation}@${a.time}`;
    const seen = ops.get(key);
    if (!seen || a.time < seen.time) {
      ops.set(key, a);
    }
  }
  return [...ops.values()].map((a) => a.time).sort((a, b) => a - b);
}
