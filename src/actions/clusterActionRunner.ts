import * as vscode from 'vscode';
import type { ActionProblem, DrainOptions, DrainProgress, DrainResult, NodeActions, PodRef } from '../cluster/clusterTypes';
import { formatDuration, singleLine, truncate } from '../domain/format';
import type { ActionHost } from './actionHost';
import type { ActionLog } from './actionLog';
import { clusterChange, deleteAtOnce, type ActionTarget, type ClusterRef, type Rechecked } from './actionTarget';
import { clusterProblemText, refusalText, sentences } from './actionTexts';
import { deleteRemainingConfirmation, forceConfirmation } from './confirmation';
import { equivalentCommands } from './equivalentCommands';
import { DEFAULT_DRAIN_TIMEOUT_MS } from './nodeActionKinds';

/** One confirmed run against the API server: where it goes and what it reports through. */
export interface ClusterRun {
  readonly host: ActionHost;
  readonly log: ActionLog;
  readonly cluster: ClusterRef;
  readonly actions: NodeActions;
  /** The cluster now, for the check before a second confirmed step (deleting pods a drain left). */
  readonly clusterNow: () => ClusterRef | undefined;
  /** The cluster and the node checked again, just before acting on a further node or a second confirmed step. */
  readonly recheck: (target: ActionTarget) => Promise<Rechecked>;
}

/** Cordon and uncordon (`spec.unschedulable`) and drain, with progress and a result for each node. */
export class ClusterActionRunner {
  async setUnschedulable(run: ClusterRun, targets: readonly ActionTarget[], unschedulable: boolean): Promise<void> {
    const kind = unschedulable ? 'cordon' : 'uncordon';
    const title = unschedulable ? vscode.l10n.t('Cordoning {0}…', names(targets)) : vscode.l10n.t('Uncordoning {0}…', names(targets));
    const results = await run.host.progress(title, false, () =>
      Promise.all(targets.map(async (t) => ({ target: t, result: await run.actions.setUnschedulable(t.node, unschedulable) }))));
    const done = results.filter((r) => r.result.ok).map((r) => r.target.node);
    for (const { target, result } of results) {
      if (!result.ok) {
        const text = clusterProblemText(result.problem);
        run.log.write('error', kind, run.cluster, target.node, `failed: ${problemLog(result.problem)}`);
        void run.host.notify('error', unschedulable
          ? vscode.l10n.t('Could not cordon {0}: {1}', target.node, text)
          : vscode.l10n.t('Could not uncordon {0}: {1}', target.node, text));
      }
    }
    if (done.length === 0) {
      return;
    }
    run.log.write('info', kind, run.cluster, done, unschedulable ? 'cordoned' : 'uncordoned');
    const who = done.length === 1 ? done[0] : vscode.l10n.t('{0} nodes', done.length);
    void run.host.notify('info', unschedulable
      ? vscode.l10n.t('Cordoned {0}: no new pods are scheduled there (SchedulingDisabled). Uncordon it once it is repaired.', who)
      : vscode.l10n.t('Uncordoned {0}: pods can be scheduled there again.', who));
  }

  /** Drains one node after the other, each checked again first; a cancelled drain stops the rest. */
  async drain(run: ClusterRun, targets: readonly ActionTarget[], options: DrainOptions): Promise<void> {
    for (const [i, target] of targets.entries()) {
      // The first was checked just now; each further one is checked when its turn comes.
      const checked = i === 0 ? undefined : await run.recheck(target);
      if (checked && 'problem' in checked) {
        const rest = targets.slice(i).map((t) => t.node);
        run.log.write('warn', 'drain', run.cluster, rest, `not started: ${checked.log}`);
        void run.host.notify('warning', checked.problem);
        return;
      }
      const outcome = await this.drainOne(run, target, options);
      if (outcome === 'stop' && i < targets.length - 1) {
        const rest = targets.slice(i + 1).map((t) => t.node);
        run.log.write('warn', 'drain', run.cluster, rest, 'not started (an earlier drain was cancelled or failed)');
        void run.host.notify('warning', vscode.l10n.t('Not drained (nothing was done to them): {0}.', rest.join(', ')));
        return;
      }
    }
  }

  private async drainOne(run: ClusterRun, target: ActionTarget, options: DrainOptions): Promise<'next' | 'stop'> {
    const node = target.node;
    const timeoutMs = options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    run.log.write('info', 'drain', run.cluster, node, `started (timeout ${formatDuration(timeoutMs)})`);
    const result = await run.host.progress(vscode.l10n.t('Draining {0}', node), true, async (report, signal) => {
      report(vscode.l10n.t('Cordoning, then listing its pods…'));
      return run.actions.drain(node, options, (p) => report(progressLine(p)), signal);
    });
    if (!result.ok) {
      const text = clusterProblemText(result.problem);
      run.log.write('error', 'drain', run.cluster, node, `failed: ${problemLog(result.problem)}`);
      void run.host.notify('error', sentences(vscode.l10n.t('Could not drain {0}: {1}', node, text), vscode.l10n.t('The node may already be cordoned.')));
      return 'stop';
    }
    const drain = result.value;
    run.log.write(drain.outcome === 'drained' ? 'info' : 'warn', 'drain', run.cluster, node, drainSummary(drain));
    switch (drain.outcome) {
      case 'drained':
        void run.host.notify('info', vscode.l10n.t('Drained {0} (pods evicted: {1}; DaemonSet and mirror pods left in place, as kubectl drain does: {2}). The node stays cordoned: uncordon it once it is repaired.',
          node, drain.evicted.length, drain.skipped.length));
        return 'next';
      case 'cancelled':
        void run.host.notify('warning', cancelledText(node, drain));
        return 'stop';
      case 'timeout':
        return this.afterTimeout(run, target, drain, options, timeoutMs);
      case 'needsForce':
        return this.afterNeedsForce(run, target, drain, options, timeoutMs);
    }
  }

  /**
   * Pods no controller manages stopped the drain before any eviction (kubectl drain's refusal
   * without --force): the second, explicit choice of evicting them too, then the drain again.
   */
  private async afterNeedsForce(run: ClusterRun, target: ActionTarget, drain: DrainResult, options: DrainOptions, timeoutMs: number): Promise<'next' | 'stop'> {
    const node = target.node;
    const pods = drain.unmanaged ?? [];
    const [command] = equivalentCommands('drain', [target], run.cluster, timeoutMs, { force: true });
    const confirmed = await run.host.confirm(forceConfirmation(node, run.cluster, pods, command));
    if (!confirmed) {
      run.log.write('warn', 'drain', run.cluster, node, `stopped before any eviction: ${pods.length} unmanaged pods (evicting them declined): ${podNames(pods)}`);
      void run.host.notify('warning', vscode.l10n.t('Drain of {0} stopped before any eviction: pods no controller manages are on it ({1}). The node stays cordoned: uncordon it to schedule pods there again, or drain again and evict them too.',
        node, truncate(podNames(pods), 300)));
      return 'stop';
    }
    // The dialog was open for a while: the same cluster and node, or nothing.
    const checked = await run.recheck(target);
    if ('problem' in checked) {
      run.log.write('warn', 'drain', run.cluster, node, `forced drain refused: ${checked.log}`);
      void run.host.notify('warning', checked.problem);
      return 'stop';
    }
    run.log.write('info', 'drain', run.cluster, node, `confirmed evicting ${pods.length} unmanaged pods too; equivalent: ${command}`);
    return this.drainOne(run, target, { ...options, force: true });
  }

  /** Evictions did not finish in time: the second, explicit choice of deleting what remains. */
  private async afterTimeout(run: ClusterRun, target: ActionTarget, drain: DrainResult, options: DrainOptions, timeoutMs: number): Promise<'next' | 'stop'> {
    const node = target.node;
    if (drain.remaining.length === 0) {
      void run.host.notify('info', vscode.l10n.t('Drained {0} (pods evicted: {1}). The node stays cordoned: uncordon it once it is repaired.', node, drain.evicted.length));
      return 'next';
    }
    const remaining = drain.remaining.map((r) => ({ ...r.pod, budget: r.budget }));
    // A kubelet that is down never finishes a graceful delete: on a node that is not Ready, delete at once.
    const before = await run.recheck(target);
    if ('problem' in before) {
      run.log.write('warn', 'drain', run.cluster, node, `${drain.remaining.length} pods left in place: ${before.log}`);
      void run.host.notify('warning', before.problem);
      return 'stop';
    }
    const shownAtOnce = before.facts.ready !== 'True';
    const confirmed = await run.host.confirm(deleteRemainingConfirmation(node, run.cluster, remaining, timeoutMs, shownAtOnce));
    if (!confirmed) {
      run.log.write('warn', 'drain', run.cluster, node, `${drain.remaining.length} pods left in place (deletion declined)`);
      void run.host.notify('warning', vscode.l10n.t('Drain of {0} stopped after {1} (pods still on the node: {2}: {3}). The node stays cordoned. Fix what blocks them, or drain again and delete them.',
        node, formatDuration(timeoutMs), drain.remaining.length, remainingList(drain)));
      return 'stop';
    }
    // The second dialog was open for a while too: the pods are named in the cluster it showed,
    // and grace 0 only while the node is still not Ready (read again now, not at the click).
    const changed = clusterChange(run.cluster, run.clusterNow());
    if (changed) {
      run.log.write('warn', 'drain', run.cluster, node, `pod deletion refused: ${changed.kind}`);
      void run.host.notify('warning', refusalText(changed));
      return 'stop';
    }
    const now = await run.recheck(target);
    if ('problem' in now) {
      run.log.write('warn', 'drain', run.cluster, node, `pod deletion refused: ${now.log}`);
      void run.host.notify('warning', now.problem);
      return 'stop';
    }
    const atOnce = deleteAtOnce(shownAtOnce, now.facts);
    run.log.write('info', 'drain', run.cluster, node, `deleting ${remaining.length} remaining pods${atOnce ? ' (grace period 0)' : ''}: ${podNames(drain.remaining.map((r) => r.pod))}`);
    const deleted = await run.host.progress(vscode.l10n.t('Deleting the pods left on {0} ({1})…', node, remaining.length), false,
      () => run.actions.deletePods(drain.remaining.map((r) => r.pod), atOnce ? 0 : options.gracePeriodSeconds));
    if (!deleted.ok) {
      const text = clusterProblemText(deleted.problem);
      run.log.write('error', 'drain', run.cluster, node, `pod deletion failed: ${problemLog(deleted.problem)}`);
      void run.host.notify('error', vscode.l10n.t('Could not delete the pods left on {0}: {1}', node, text));
      return 'stop';
    }
    const { failed, replaced } = deleted.value;
    run.log.write(failed.length > 0 ? 'error' : 'info', 'drain', run.cluster, node,
      `deleted ${deleted.value.deleted.length} pods${failed.length > 0 ? `; not deleted: ${failed.map((f) => `${f.pod.namespace}/${f.pod.name} (${f.problem.message})`).join(', ')}` : ''}`
      + (replaced.length > 0 ? `; replaced meanwhile by new pods of the same name, left alone: ${podNames(replaced)}` : ''));
    if (failed.length > 0) {
      void run.host.notify('error', vscode.l10n.t('Pods left on {0}: deleted {1}, not deleted {2}: {3}', node, deleted.value.deleted.length, failed.length,
        failed.slice(0, 3).map((f) => `${f.pod.namespace}/${f.pod.name}: ${clusterProblemText(f.problem)}`).join('; ')));
      return 'stop';
    }
    void run.host.notify('info', vscode.l10n.t('Drained {0} (pods evicted: {1}, deleted: {2}). The node stays cordoned: uncordon it once it is repaired.',
      node, drain.evicted.length, deleted.value.deleted.length));
    return 'next';
  }
}

/** For the log (English): the kind, status, missing permission, the message and the detail. */
function problemLog(problem: ActionProblem): string {
  const head = [problem.kind, problem.status, problem.permission && `missing "${problem.permission}"`].filter(Boolean).join(' ');
  return `${head}: ${singleLine(problem.message)}${problem.detail ? ` (${singleLine(problem.detail)})` : ''}`;
}

function names(targets: readonly ActionTarget[]): string {
  return targets.length === 1 ? targets[0].node : vscode.l10n.t('{0} nodes', targets.length);
}

/** `3/7 · shop/web-1: blocked by PodDisruptionBudget web, retrying`. */
function progressLine(p: DrainProgress): string {
  const pod = `${p.pod.namespace}/${p.pod.name}`;
  const count = `${p.done}/${p.total}`;
  switch (p.state) {
    case 'evicting': return vscode.l10n.t('{0} · evicting {1}', count, pod);
    case 'evicted': return vscode.l10n.t('{0} · evicted {1}', count, pod);
    case 'blocked': return p.budget
      ? vscode.l10n.t('{0} · {1} blocked by PodDisruptionBudget {2}, retrying', count, pod, p.budget)
      : vscode.l10n.t('{0} · {1} blocked ({2}), retrying', count, pod, truncate(singleLine(p.message ?? '429'), 120));
    case 'failed': return vscode.l10n.t('{0} · {1} failed: {2}', count, pod, truncate(singleLine(p.message ?? ''), 120));
  }
}

/** `shop/web-1 (PodDisruptionBudget web), shop/db-0`: the first few pods a drain left, for a notification. */
function remainingList(drain: DrainResult): string {
  const shown = drain.remaining.slice(0, 3).map((r) => `${r.pod.namespace}/${r.pod.name}${r.budget ? ` (${vscode.l10n.t('PodDisruptionBudget {0}', r.budget)})` : ''}`);
  return drain.remaining.length > shown.length ? `${shown.join(', ')}, …` : shown.join(', ');
}

function podNames(pods: readonly PodRef[]): string {
  return pods.map((p) => `${p.namespace}/${p.name}`).join(', ');
}

/** What a cancelled drain did: the node is cordoned only when the cordon got through. */
function cancelledText(node: string, drain: DrainResult): string {
  if (drain.cordoned === false) {
    return vscode.l10n.t('Drain of {0} cancelled before anything was done: the node was not cordoned and no pod was evicted.', node);
  }
  if (drain.cordoned === undefined) {
    return vscode.l10n.t('Drain of {0} cancelled while cordoning it, before any eviction: the node may be cordoned. Check it in the Nodes view, and uncordon it if it shows SchedulingDisabled.', node);
  }
  return vscode.l10n.t('Drain of {0} cancelled (pods evicted: {1}, still on the node: {2}). The node stays cordoned: uncordon it to schedule pods there again.',
    node, drain.evicted.length, drain.remaining.length);
}

/** For the log (English, like every log line). */
function drainSummary(drain: DrainResult): string {
  const remaining = drain.remaining.map((r) => `${r.pod.namespace}/${r.pod.name}${r.budget ? ` [pdb ${r.budget}]` : ''}${r.message ? ` (${singleLine(r.message)})` : ''}`);
  return `${drain.outcome}: ${drain.evicted.length} evicted, ${drain.skipped.length} skipped (DaemonSet/mirror)${remaining.length > 0 ? `, remaining: ${remaining.join(', ')}` : ''}`;
}
