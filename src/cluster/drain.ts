/**
 * One drain of one node: cordon, list the node's pods, evict those a drain evicts (drainPlan.ts)
 * through the Eviction API (none at all while a pod no controller manages is there, unless
 * `force`: kubectl drain's rule), each with its uid as a precondition, a few requests at a time,
 * each pod retried with backoff while a PodDisruptionBudget refuses it, then wait until each
 * evicted pod is gone; until every pod is gone, the drain times out, or it is cancelled.
 */

import * as l10n from '@vscode/l10n';

import type { ActionClient, V1Pod } from './actionClient';
import { Permission } from './actionProblems';
import { sleep } from './backoff';
import { httpStatus, parseBody, retryAfter } from './clientErrors';
import type {
  ActionProblem, ActionResult, DrainOptions, DrainProgress, DrainResult, Logger, NodeFacts, PodRef,
} from './clusterTypes';
import { budgetName, nodeFieldSelector, PlannedEviction, planDrain, refusalText } from './drainPlan';
import { oneLine, redact } from '../domain/redact';

/** How a drain reaches the API (nodeActions.ts): requests on the connection's current client. */
export interface DrainHost {
  /** Runs one request; rejects with what client-node threw. */
  call<T>(doing: string, request: (client: ActionClient, signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T>;
  /** The problem for a failed request. */
  problem(err: unknown, doing: string, permission: Permission): ActionProblem;
  /** The request was refused before it was sent (no client, or another API server): trying again cannot help. */
  notSent(err: unknown): boolean;
  cordon(name: string, signal: AbortSignal): Promise<ActionResult<NodeFacts>>;
  readonly log: Logger;
  readonly secrets: readonly string[];
}

export const DRAIN_DEFAULTS = {
  timeoutMs: 5 * 60_000,
  retryDelayMs: 1000,
  maxRetryDelayMs: 10_000,
  /** Requests in flight at once: enough to drain 110 pods quickly, few enough not to be throttled. */
  concurrency: 5,
  pageSize: 500,
} as const;

interface PodState {
  readonly plan: PlannedEviction;
  budget?: string;
  message?: string;
  accepted: boolean;
  gone: boolean;
}

type Halt = 'timeout' | 'cancelled' | 'fatal';

const key = (pod: PodRef): string => `${pod.namespace}/${pod.name}`;

export class DrainRun {
  private readonly stop = new AbortController();
  private halted: Halt | undefined;
  private fatal: ActionProblem | undefined;
  private readonly slots: Slots = new Slots(DRAIN_DEFAULTS.concurrency);
  private readonly pods = new Map<string, PodState>();
  private readonly evicted: PodRef[] = [];
  private done = 0;
  private total = 0;

  constructor(
    private readonly host: DrainHost,
    private readonly node: string,
    private readonly options: DrainOptions,
    private readonly onProgress: (progress: DrainProgress) => void,
  ) {}

  async run(signal: AbortSignal): Promise<ActionResult<DrainResult>> {
    const onAbort = (): void => this.halt('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => this.halt('timeout'), Math.max(0, this.options.timeoutMs ?? DRAIN_DEFAULTS.timeoutMs));
    if (signal.aborted) {
      this.halt('cancelled');
    }
    try {
      return await this.drain();
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.stop.abort();
    }
  }

  private async drain(): Promise<ActionResult<DrainResult>> {
    if (this.halted) {
      return this.haltedEarly(false);
    }
    const cordoned = await this.host.cordon(this.node, this.stop.signal);
    if (!cordoned.ok) {
      // Halted while the PATCH was in flight: it may or may not have reached the server.
      return this.halted ? this.haltedEarly(undefined) : cordoned;
    }
    const listed = await this.listPods();
    if (!listed.ok) {
      return this.halted ? this.haltedEarly(true) : listed;
    }
    const plan = planDrain(listed.value, this.node);
    if (plan.elsewhere.length > 0) {
      this.host.log.warn(`Drain of ${this.node}: the API server listed ${plan.elsewhere.length} pod(s) on other nodes; they are left alone`);
    }
    const unmanagedPods = plan.evict.filter((p) => p.unmanaged).map((p) => p.pod);
    if (unmanagedPods.length > 0 && !this.options.force) {
      // As kubectl drain without --force: nothing is evicted while a pod nothing recreates is on the node.
      this.host.log.warn(`Drain of ${this.node}: not evicting anything: ${unmanagedPods.length} pod(s) no controller manages`
        + ` (${unmanagedPods.map(key).join(', ')}) need --force; the node stays cordoned`);
      return {
        ok: true,
        value: {
          outcome: 'needsForce', cordoned: true, evicted: [], skipped: plan.skipped,
          remaining: plan.evict.map((p) => ({ pod: p.pod })), unmanaged: unmanagedPods,
        },
      };
    }
    for (const p of plan.evict) {
      this.pods.set(key(p.pod), { plan: p, accepted: false, gone: false });
    }
    this.total = plan.evict.length + plan.finished.length;
    this.done = plan.finished.length;
    const unmanaged = plan.evict.filter((p) => p.unmanaged);
    this.host.log.info(`Draining node ${this.node}: ${plan.evict.length} pod(s) to evict`
      + ` (${unmanaged.length} unmanaged, ${plan.evict.filter((p) => p.emptyDir).length} with emptyDir data),`
      + ` ${plan.skipped.length} skipped (DaemonSet or mirror), ${plan.finished.length} already finished`);
    if (unmanaged.length > 0) {
      this.host.log.warn(`Evicting pods no controller recreates: ${unmanaged.map((p) => key(p.pod)).join(', ')}`);
    }

    await Promise.all([...this.pods.values()].map((state) => this.drainPod(state)));

    if (this.fatal) {
      return { ok: false, problem: this.fatal };
    }
    const remaining = [...this.pods.values()].filter((s) => !s.gone).map((s) => ({
      pod: s.plan.pod,
      ...(s.budget ? { budget: s.budget } : {}),
      ...(s.message || s.accepted
        ? { message: s.message ?? l10n.t('Evicted, but still terminating on the node: its kubelet may be down') }
        : {}),
    }));
    const outcome = remaining.length === 0 ? 'drained' : this.outcome();
    this.host.log.info(`Drain of ${this.node}: ${outcome}, ${this.evicted.length} evicted, ${remaining.length} remaining`
      + (remaining.length > 0 ? ` (${remaining.map((r) => key(r.pod) + (r.budget ? ` blocked by ${r.budget}` : '')).join(', ')})` : ''));
    return { ok: true, value: { outcome, cordoned: true, evicted: [...this.evicted], skipped: plan.skipped, remaining } };
  }

  private outcome(): 'timeout' | 'cancelled' {
    return this.halted === 'timeout' ? 'timeout' : 'cancelled';
  }

  /** Halted before the pods were listed: a cancel says whether the cordon happened; a timeout this early is a problem (no pod was looked at). */
  private haltedEarly(cordoned: boolean | undefined): ActionResult<DrainResult> {
    if (this.halted === 'timeout') {
      return {
        ok: false,
        problem: {
          kind: 'timeout',
          message: l10n.t('The drain of {0} timed out before its pods were listed: nothing was evicted', this.node),
          nextStep: cordoned === false
            ? l10n.t('Check that the cluster answers, then drain again')
            : l10n.t('The node may be cordoned. Check that the cluster answers, then drain again'),
        },
      };
    }
    return { ok: true, value: { outcome: 'cancelled', cordoned, evicted: [], skipped: [], remaining: [] } };
  }

  private halt(why: Halt, problem?: ActionProblem): void {
    if (this.halted) {
      return;
    }
    this.halted = why;
    this.fatal = problem;
    this.stop.abort();
  }

  /** Every page of the node's pods, in all namespaces. */
  private async listPods(): Promise<ActionResult<V1Pod[]>> {
    const doing = l10n.t('listing the pods on node {0}', this.node);
    const pods: V1Pod[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.host.call(doing, (client, signal) => client.listPods({
          fieldSelector: nodeFieldSelector(this.node), limit: DRAIN_DEFAULTS.pageSize, _continue: token,
        }, signal), this.stop.signal);
        pods.push(...page.items);
        token = page.metadata?._continue || undefined;
      } while (token);
    } catch (err) {
      return { ok: false, problem: this.host.problem(err, doing, Permission.listPods) };
    }
    return { ok: true, value: pods };
  }

  /** Evicts one pod (retrying while refused), then waits until it is gone. Returns when it is, or when the drain halts. */
  private async drainPod(state: PodState): Promise<void> {
    const { pod, unmanaged } = state.plan;
    const name = key(pod);
    this.report(state, 'evicting', unmanaged ? l10n.t('Not managed by a controller: nothing recreates it elsewhere') : undefined);
    const doing = l10n.t('evicting pod {0}', name);
    for (let attempt = 1; !state.accepted; attempt++) {
      try {
        await this.slots.run(() => this.host.call(doing,
          (client, signal) => client.evictPod(pod, this.options.gracePeriodSeconds, signal), this.stop.signal), this.stop.signal);
        state.accepted = true;
      } catch (err) {
        if (this.ended(err, state, doing, Permission.evictPod)) {
          return;
        }
        const status = httpStatus(err);
        // 409: the uid precondition failed, so the name is another pod's now (ours is gone); that one is left alone.
        if (status === 409 && await this.replaced(state)) {
          this.host.log.info(`Pod ${name} was replaced by a new pod of the same name before its eviction; the new pod is left alone`);
          this.gone(state);
          return;
        }
        if (this.halted) {
          return;
        }
        const body = parseBody(err, this.host.log, this.host.secrets);
        const delayMs = this.retryDelay(attempt, status === 429 || status === 503 ? retryAfter(err, body) : undefined);
        if (status === 429) {
          state.budget = budgetName(body) ?? state.budget;
          state.message = oneLine(refusalText(body) ?? l10n.t('The eviction was refused (429 Too Many Requests)'), 300, this.host.secrets);
          this.report(state, 'blocked', state.message);
          this.host.log.info(`Eviction of ${name} refused${state.budget ? ` by PodDisruptionBudget ${state.budget}` : ''} (429); retrying in ${(delayMs / 1000).toFixed(1)} s`);
        } else {
          state.message = this.host.problem(err, doing, Permission.evictPod).message;
          this.report(state, 'failed', state.message);
          this.host.log.warn(`${redact(state.message, this.host.secrets)}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
        }
        await sleep(delayMs, this.stop.signal);
        if (this.halted) {
          return;
        }
      }
    }
    state.budget = undefined;
    state.message = undefined;
    await this.untilGone(state);
  }

  /** Polls the pod until the server says 404, or it is another pod of the same name (a StatefulSet's replacement). */
  private async untilGone(state: PodState): Promise<void> {
    const { pod, uid } = state.plan;
    const doing = l10n.t('reading pod {0}', key(pod));
    for (let poll = 0; ; poll++) {
      await sleep(Math.min(1000, 100 * 2 ** poll), this.stop.signal);
      if (this.halted) {
        return;
      }
      try {
        const current = await this.slots.run(() => this.host.call(doing, (client, signal) => client.readPod(pod, signal), this.stop.signal), this.stop.signal);
        if (uid && current.metadata?.uid && current.metadata.uid !== uid) {
          this.gone(state);
          return;
        }
      } catch (err) {
        if (this.ended(err, state, doing, Permission.getPod)) {
          return;
        }
        this.host.log.debug(`Checking whether ${key(pod)} is gone failed; trying again: ${redact(String(err), this.host.secrets).slice(0, 300)}`);
      }
    }
  }

  /**
   * Whether a failed call about the pod ends its work: the drain halted meanwhile, the pod is gone
   * (404), or the call was refused or never sent (401, 403, the connection), which halts the drain.
   */
  private ended(err: unknown, state: PodState, doing: string, permission: Permission): boolean {
    if (this.halted) {
      return true;
    }
    const status = httpStatus(err);
    if (status === 404) {
      this.gone(state);
      return true;
    }
    if (status === 401 || status === 403 || this.host.notSent(err)) {
      this.halt('fatal', this.host.problem(err, doing, permission));
      return true;
    }
    return false;
  }

  /** Whether the pod of the plan is no longer under its name (404, or a pod with another uid). */
  private async replaced(state: PodState): Promise<boolean> {
    const { pod, uid } = state.plan;
    try {
      const current = await this.host.call(l10n.t('reading pod {0}', key(pod)), (client, signal) => client.readPod(pod, signal), this.stop.signal);
      return !!uid && !!current.metadata?.uid && current.metadata.uid !== uid;
    } catch (err) {
      return httpStatus(err) === 404;
    }
  }

  private gone(state: PodState): void {
    state.gone = true;
    this.done++;
    this.evicted.push(state.plan.pod);
    this.report(state, 'evicted');
  }

  /** retryDelayMs·2ⁿ up to 10 s; at least the server's Retry-After, within the same cap. */
  private retryDelay(attempt: number, retryAfterMs: number | undefined): number {
    const base = Math.max(1, this.options.retryDelayMs ?? DRAIN_DEFAULTS.retryDelayMs);
    const delay = Math.min(DRAIN_DEFAULTS.maxRetryDelayMs, base * 2 ** Math.min(attempt - 1, 20));
    return retryAfterMs !== undefined ? Math.max(delay, Math.min(retryAfterMs, DRAIN_DEFAULTS.maxRetryDelayMs)) : delay;
  }

  private report(state: PodState, kind: DrainProgress['state'], message?: string): void {
    const progress: DrainProgress = {
      pod: state.plan.pod, state: kind, done: this.done, total: this.total,
      ...(kind === 'blocked' && state.budget ? { budget: state.budget } : {}),
      ...(message !== undefined ? { message } : {}),
    };
    try {
      this.onProgress(progress);
    } catch (err) {
      this.host.log.error(`A drain progress listener failed: ${String(err)}`);
    }
  }
}

/** At most `size` requests at once; a wait for a slot ends when the signal aborts. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) {
          this.waiting.splice(i, 1);
        }
        reject(signal.reason);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
    } else {
      this.free++;
    }
  }
}
