/**
 * A live connection to one cluster: the loop that lists nodes and node events into the
 * ClusterModel, watches both, and recovers from every failure with capped, jittered backoff and a
 * full relist, so nothing that happened during an outage is missed.
 */

import * as l10n from '@vscode/l10n';

import { Emitter } from '../domain/emitter';
import { fromConnectionProblem } from './actionProblems';
import { backoffDelay, sleep } from './backoff';
import type { ClientLoader } from './clientAdapter';
import { httpStatus, isAbort } from './clientErrors';
import type {
  ActionProblem,
  NodeActions,
  ClusterConnection, ClusterIdentity, ConnectOptions, ConnectionProblem, ConnectionState, KubeconfigOptions, Logger,
} from './clusterTypes';
import { Credentials } from './credentials';
import { resolveKubeconfig } from './kubeconfig';
import { KubeNodeActions } from './nodeActions';
import { classifyError, ClassifiedProblem, FatalProblem, RetriableProblem } from './problems';
import { oneLine, redact } from '../domain/redact';
import { Reflector, ResourceApi, WatchEnd } from './reflector';
import { EVENTS, NODES } from './resources';
import { MalformedWatchLine } from './watchStream';
import { WakeDetector, type WakeGap } from './wakeDetector';

/** The longest wait before asking a server that did not answer again (see backoffFor). */
const UNREACHABLE_MAX_MS = 5_000;

interface Settings {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly watchTimeoutSeconds: number;
  readonly forbiddenRetryMs: number;
  readonly now: () => number;
}

export class LiveClusterConnection implements ClusterConnection {
  private currentState: ConnectionState = { kind: 'connecting' };
  private readonly stateChanged: Emitter<ConnectionState>;
  private readonly woke: Emitter<WakeGap>;
  private readonly wakeDetector: WakeDetector;
  private readonly settings: Settings;
  private readonly credentials: Credentials;
  private readonly nodes: Reflector;
  private readonly events: Reflector;
  private readonly log: Logger;
  /** For node actions: built on first use, they act through whichever client the loop has at the time. */
  private nodeActions: KubeNodeActions | undefined;
  private readonly actionSettings: { readonly kubeconfig: KubeconfigOptions; readonly loadClient: ClientLoader; readonly requestTimeoutMs: number };

  private started = false;
  private disposed = false;
  /** Aborted by refresh() and dispose(): ends the running session or the wait before the next. */
  private cycle: AbortController | undefined;
  private refreshRequested = false;
  /** Consecutive failed sessions. */
  private attempt = 0;
  private connectedSince = 0;
  private eventsWarning: string | undefined;

  /** Each call goes through the client current at that moment: a 401 elsewhere may have replaced it. */
  private readonly api: ResourceApi = {
    list: (path, query, signal, onItems) => this.credentials.api.list(path, query, signal, onItems),
    watch: (path, query, onEvent, onDone) => this.credentials.api.watch(path, query, onEvent, onDone),
  };

  constructor(options: ConnectOptions, loadClient: ClientLoader) {
    const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.settings = {
      initialMs: options.backoff?.initialMs ?? 1000,
      maxMs: options.backoff?.maxMs ?? 60_000,
      watchTimeoutSeconds,
      forbiddenRetryMs: options.forbiddenRetryMs ?? 5 * 60_000,
      now: options.now ?? Date.now,
    };
    this.log = options.log;
    this.actionSettings = { kubeconfig: options, loadClient, requestTimeoutMs: options.requestTimeoutMs ?? 30_000 };
    this.stateChanged = new Emitter((err) => this.log.error(`A connection state listener failed: ${String(err)}`));
    this.woke = new Emitter((err) => this.log.error(`A wake listener failed: ${String(err)}`));
    this.wakeDetector = new WakeDetector((gap) => this.wokeUp(gap), { now: this.settings.now, ...options.wake });
    this.credentials = new Credentials(options, loadClient, {
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      watchIdleMs: options.watchIdleMs ?? watchTimeoutSeconds * 1000 + 30_000,
      credentialTimeoutMs: options.credentialTimeoutMs ?? 60_000,
    }, options.log);
    const pageSize = Math.max(1, options.pageSize ?? 500);
    this.nodes = new Reflector(NODES, options.model, options.log, pageSize);
    this.events = new Reflector(EVENTS, options.model, options.log, pageSize);
  }

  get identity(): ClusterIdentity | undefined {
    return this.credentials.identity;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  onDidChangeState(listener: (state: ConnectionState) => void): { dispose(): void } {
    return this.stateChanged.event(listener);
  }

  onDidWake(listener: (gap: WakeGap) => void): { dispose(): void } {
    return this.woke.event(listener);
  }

  start(): void {
    if (this.started || this.disposed) {
      return;
    }
    this.started = true;
    this.wakeDetector.start();
    this.run().catch((err: unknown) => {
      // run() handles its own failures; reaching here is a bug, which must at least be visible.
      this.log.error(`The cluster connection stopped: ${redact(String(err), this.credentials.secrets)}`);
    });
  }

  actions(): NodeActions | { readonly problem: ActionProblem } {
    const state = this.currentState;
    const kubeconfigFailed = state.kind === 'failed' && ['kubeconfig-missing', 'kubeconfig-invalid', 'no-context'].includes(state.problem.kind);
    if (kubeconfigFailed || !this.credentials.identity) {
      // Before the loop has reported it, the kubeconfig's own problem.
      const resolved = state.kind === 'failed' ? undefined : resolveKubeconfig(this.actionSettings.kubeconfig);
      const problem = state.kind === 'failed' ? state.problem : resolved && !resolved.ok ? resolved.problem : undefined;
      return {
        problem: problem ? fromConnectionProblem(problem) : {
          kind: 'unknown', message: l10n.t('The cluster connection has not started yet'), nextStep: l10n.t('Refresh the Nodes view, then try again'),
        },
      };
    }
    this.nodeActions ??= new KubeNodeActions({
      session: this.credentials,
      loadClient: this.actionSettings.loadClient,
      log: this.log,
      requestTimeoutMs: this.actionSettings.requestTimeoutMs,
      notConnected: () => {
        const now = this.currentState;
        return now.kind === 'reconnecting' || now.kind === 'failed' ? fromConnectionProblem(now.problem) : {
          kind: 'unreachable', message: l10n.t('Not connected to the cluster yet'), nextStep: l10n.t('Wait until the Nodes view has loaded, then try again'),
        };
      },
    });
    return this.nodeActions;
  }

  refresh(): void {
    if (this.disposed) {
      return;
    }
    this.log.info('Refresh requested: relisting now');
    this.attempt = 0;
    this.refreshRequested = true;
    this.cycle?.abort();
    this.start();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.wakeDetector.dispose();
    this.cycle?.abort();
    this.stateChanged.dispose();
    this.woke.dispose();
  }

  /**
   * After a sleep the watches may sit on connections that are gone, looking alive until their idle
   * timer ends them (minutes): end them now and relist, as refresh() does, backoff reset.
   */
  private wokeUp(gap: WakeGap): void {
    if (this.disposed) {
      return;
    }
    const minutes = Math.round((gap.awokeAt - gap.asleepFrom) / 60_000);
    this.log.info(`The machine slept about ${minutes} min (${new Date(gap.asleepFrom).toISOString()} to ${new Date(gap.awokeAt).toISOString()}): ending the watches and relisting now`);
    this.attempt = 0;
    this.refreshRequested = true;
    this.cycle?.abort();
    // Kept-alive connections from before the sleep may be dead without knowing it: the relist opens new ones.
    this.credentials.current?.resetConnections();
    this.woke.fire(gap);
  }

  private async run(): Promise<void> {
    while (!this.disposed) {
      this.refreshRequested = false;
      const cycle = new AbortController();
      this.cycle = cycle;
      let failure: unknown;
      try {
        await this.session(cycle.signal);
      } catch (err) {
        failure = err;
      } finally {
        // Stops whichever watch is still running.
        cycle.abort();
      }
      if (this.disposed) {
        return;
      }
      if (this.refreshRequested) {
        continue;
      }
      const wait = new AbortController();
      this.cycle = wait;
      if (failure instanceof FatalProblem) {
        this.logProblem('error', failure.problem);
        this.setState({ kind: 'failed', problem: failure.problem });
        await sleep(Infinity, wait.signal);
        continue;
      }
      const classified = this.classify(failure, l10n.t('watching the cluster'));
      this.attempt++;
      const delayMs = backoffDelay(this.attempt, classified.retryAfterMs, this.backoffFor(classified.problem.kind));
      this.logProblem('warn', classified.problem);
      this.log.warn(`Retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${this.attempt}), then relisting`);
      this.setState({ kind: 'reconnecting', attempt: this.attempt, retryAt: this.settings.now() + delayMs, problem: classified.problem });
      await sleep(delayMs, wait.signal);
    }
  }

  /**
   * A server that does not answer at all (restarting, VPN down) costs nothing to ask again, and the
   * operator wants the view back within seconds of it returning: its waits stop growing at
   * UNREACHABLE_MAX_MS. A server that answers with errors (5xx, 429) is backed off to the full maximum.
   */
  private backoffFor(kind: string): { initialMs: number; maxMs: number } {
    return kind === 'unreachable'
      ? { initialMs: this.settings.initialMs, maxMs: Math.min(this.settings.maxMs, UNREACHABLE_MAX_MS) }
      : this.settings;
  }

  /** One connected period: list everything, then watch until something fails. Always ends by throwing. */
  private async session(signal: AbortSignal): Promise<never> {
    // A kubeconfig that failed is read again: the user may have fixed it.
    await this.credentials.connect(signal, this.currentState.kind === 'failed');

    const connected = this.currentState.kind === 'connected';
    if (!connected) {
      this.setState({ kind: 'loading', nodes: 0, events: 0 });
    }
    const progress = (): void => {
      if (!connected && this.currentState.kind === 'loading') {
        this.setState({ kind: 'loading', nodes: this.nodes.count, events: this.events.count });
      }
    };
    // Nodes and events side by side: while one page is on the wire, the other is parsed. Both are
    // waited for, so a list that succeeds is committed even when the other fails (nodes stay shown
    // while events fail); then the first failure ends the session.
    const failures: unknown[] = [];
    const settled = <T>(listing: Promise<T>): Promise<T | undefined> => listing.catch((err: unknown) => {
      failures.push(err);
      return undefined;
    });
    const [, eventsAllowed] = await Promise.all([settled(this.relist(this.nodes, signal, progress).then(progress)), settled(this.relistEvents(signal, progress))]);
    if (failures.length > 0) {
      throw failures[0];
    }

    this.attempt = 0;
    this.credentials.accepted();
    if (!connected) {
      this.connectedSince = this.settings.now();
    }
    this.publishConnected();

    // Both loops end only by throwing; the first failure ends the session (run() aborts the other).
    return await Promise.race([this.watchLoop(this.nodes, signal), this.eventsLoop(eventsAllowed === true, signal)]);
  }

  private async watchLoop(reflector: Reflector, signal: AbortSignal): Promise<never> {
    for (;;) {
      let end: WatchEnd;
      const before = this.credentials.current;
      try {
        end = await reflector.watch(this.api, signal, this.settings.watchTimeoutSeconds);
      } catch (err) {
        if (err instanceof MalformedWatchLine && !signal.aborted) {
          // The change on that line is lost: a fresh list has it, now rather than after the next outage.
          const secrets = this.credentials.secrets ?? [];
          this.log.warn(`Watch on ${reflector.spec.name} sent a malformed line (${oneLine(err.reason, 200, secrets)}): relisting now. The line: ${oneLine(err.line, 200, secrets)}`);
          await this.relist(reflector, signal);
          continue;
        }
        if (this.credentials.mayRetryUnauthorized(err, before, signal, `watching ${reflector.spec.name}`)) {
          continue;
        }
        throw err;
      }
      if (end === 'expired') {
        this.log.info(`Watch on ${reflector.spec.name} expired (410 Gone): relisting`);
        await this.relist(reflector, signal);
      } else {
        this.log.debug(`Watch on ${reflector.spec.name} ended by the server: watching again from resourceVersion ${reflector.resourceVersion ?? '?'}`);
      }
    }
  }

  /** Watches events; while they are forbidden (403), tries again every forbiddenRetryMs. */
  private async eventsLoop(allowed: boolean, signal: AbortSignal): Promise<never> {
    for (;;) {
      if (!allowed) {
        await sleep(this.settings.forbiddenRetryMs, signal);
        signal.throwIfAborted();
        allowed = await this.relistEvents(signal);
        if (allowed) {
          this.publishConnected();
        }
        continue;
      }
      try {
        await this.watchLoop(this.events, signal);
      } catch (err) {
        if (httpStatus(err) !== 403 || signal.aborted) {
          throw err;
        }
        this.forbidEvents(err);
        this.publishConnected();
        allowed = false;
      }
    }
  }

  /** Lists events; false (with a warning) when the user may not. */
  private async relistEvents(signal: AbortSignal, onProgress?: () => void): Promise<boolean> {
    try {
      await this.relist(this.events, signal, onProgress);
    } catch (err) {
      if (httpStatus(err) === 403 && !signal.aborted) {
        this.forbidEvents(err);
        return false;
      }
      throw err;
    }
    if (this.eventsWarning) {
      this.log.info('Node events are permitted again');
      this.eventsWarning = undefined;
    }
    return true;
  }

  private forbidEvents(err: unknown): void {
    const { serverMessage } = this.classify(err, l10n.t('listing node events'));
    this.eventsWarning = serverMessage
      ? l10n.t('Events are not permitted (403): {0}', serverMessage)
      : l10n.t('Events are not permitted (403)');
    this.log.warn(`Events are not permitted (403)${serverMessage ? `: ${serverMessage}` : ''}. Nodes are still shown; events are tried again in ${Math.round(this.settings.forbiddenRetryMs / 1000)} s or on refresh`);
  }

  /** A relist with one immediate retry after a 401, with fresh credentials. */
  private async relist(reflector: Reflector, signal: AbortSignal, onProgress?: () => void): Promise<void> {
    const before = this.credentials.current;
    try {
      await reflector.relist(this.api, signal, onProgress);
    } catch (err) {
      if (!this.credentials.mayRetryUnauthorized(err, before, signal, `listing ${reflector.spec.name}`)) {
        throw err;
      }
      await reflector.relist(this.api, signal, onProgress);
    }
  }

  private classify(err: unknown, doing: string): ClassifiedProblem {
    if (err instanceof RetriableProblem) {
      return { problem: err.problem };
    }
    if (isAbort(err)) {
      return { problem: { kind: 'unknown', message: l10n.t('The connection was interrupted'), nextStep: l10n.t('Refresh') } };
    }
    return classifyError(err, { ...this.credentials.problemContext(doing), log: this.log });
  }

  private publishConnected(): void {
    this.setState({ kind: 'connected', since: this.connectedSince, warnings: this.eventsWarning ? [this.eventsWarning] : [] });
  }

  private logProblem(level: 'warn' | 'error', problem: ConnectionProblem): void {
    const secrets = this.credentials.secrets ?? [];
    this.log[level](redact(`${problem.kind}: ${problem.message}. ${problem.nextStep}`, secrets));
    if (problem.detail) {
      this.log.debug(redact(problem.detail, secrets));
    }
  }

  private setState(state: ConnectionState): void {
    if (this.disposed) {
      return;
    }
    this.currentState = state;
    this.stateChanged.fire(state);
  }
}
