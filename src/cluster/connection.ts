/**
 * A live connection to one cluster: reads the kubeconfig, lists nodes and node events into the
 * ClusterModel, watches both, and recovers from every failure with capped, jittered backoff and a
 * full relist, so nothing that happened during an outage is missed.
 */

import type { ClusterModel } from '../domain/clusterModel';
import type { ClientLoader, ClientNode, CoreV1Api, KubeConfig } from './clientNode';
import type {
  ClusterConnection, ClusterIdentity, ConnectOptions, ConnectionProblem, ConnectionState, Logger,
} from './clusterTypes';
import { ResolvedKubeconfig, resolveKubeconfig } from './kubeconfig';
import { classifyError, ClassifiedProblem, execProblem, httpStatus, isAbort, isSpawnFailure } from './problems';
import { redact } from './redact';
import { ListPage, Reflector, ResourceClient, ResourceSpec, slimEvent, slimNode, WatchQuery } from './reflector';

const NODE_EVENTS = 'involvedObject.kind=Node';

const NODES: ResourceSpec = {
  name: 'nodes',
  path: '/api/v1/nodes',
  apply: (model, type, raw) => model.applyNode(type, raw),
  replace: (model, raws) => model.replaceNodes(raws),
  slim: slimNode,
};

const EVENTS: ResourceSpec = {
  name: 'node events',
  path: '/api/v1/events',
  fieldSelector: NODE_EVENTS,
  apply: (model, type, raw) => model.applyEvent(type, raw),
  replace: (model, raws) => model.replaceEvents(raws),
  slim: slimEvent,
};

/** A failure that needs the user (kubeconfig, missing plugin): no retry until refresh(). */
class CredentialTimeout extends Error {}

/** The promise's result, or a CredentialTimeout after `ms`, or the signal's abort reason. */
function untilSettled<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      reject(new CredentialTimeout('credential plugin timed out'));
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((v) => { done(); resolve(v); }, (e: unknown) => { done(); reject(e); });
  });
}

class FatalProblem extends Error {
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}

/** client-node's API objects for one credential cache. */
interface Client {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly watch: InstanceType<ClientNode['Watch']>;
}

interface Settings {
  readonly model: ClusterModel;
  readonly log: Logger;
  readonly pageSize: number;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly requestTimeoutMs: number;
  readonly watchTimeoutSeconds: number;
  readonly watchIdleMs: number;
  readonly forbiddenRetryMs: number;
  readonly credentialTimeoutMs: number;
  readonly now: () => number;
}

export class LiveClusterConnection implements ClusterConnection {
  private currentState: ConnectionState = { kind: 'connecting' };
  private currentIdentity: ClusterIdentity | undefined;
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private readonly settings: Settings;
  private readonly nodes: Reflector;
  private readonly events: Reflector;
  private readonly log: Logger;

  private started = false;
  private disposed = false;
  /** Aborted by refresh() and dispose(): ends the running session or the wait before the next. */
  private cycle: AbortController | undefined;
  private refreshRequested = false;
  /** Consecutive failed sessions. */
  private attempt = 0;
  private resolved: ResolvedKubeconfig | undefined;
  private k8s: ClientNode | undefined;
  private client: Client | undefined;
  private authRetried = false;
  private connectedSince = 0;
  private eventsWarning: string | undefined;

  constructor(private readonly options: ConnectOptions, private readonly loadClient: ClientLoader) {
    const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.settings = {
      model: options.model,
      log: options.log,
      pageSize: Math.max(1, options.pageSize ?? 500),
      initialMs: options.backoff?.initialMs ?? 1000,
      maxMs: options.backoff?.maxMs ?? 60_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      watchTimeoutSeconds,
      watchIdleMs: options.watchIdleMs ?? watchTimeoutSeconds * 1000 + 30_000,
      forbiddenRetryMs: options.forbiddenRetryMs ?? 5 * 60_000,
      credentialTimeoutMs: options.credentialTimeoutMs ?? 60_000,
      now: options.now ?? Date.now,
    };
    this.log = options.log;
    this.nodes = new Reflector(NODES, options.model, options.log, this.settings.pageSize);
    this.events = new Reflector(EVENTS, options.model, options.log, this.settings.pageSize);
    const first = resolveKubeconfig(options);
    if (first.ok) {
      this.resolved = first.value;
      this.currentIdentity = first.value.identity;
    }
  }

  get identity(): ClusterIdentity | undefined {
    return this.currentIdentity;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  onDidChangeState(listener: (state: ConnectionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  start(): void {
    if (this.started || this.disposed) {
      return;
    }
    this.started = true;
    this.run().catch((err: unknown) => {
      // run() handles its own failures; reaching here is a bug, which must at least be visible.
      this.log.error(`The cluster connection stopped: ${redact(String(err), this.resolved?.secrets)}`);
    });
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
    this.cycle?.abort();
    this.listeners.clear();
  }

  // ---------------------------------------------------------------- the loop

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
      const classified = this.classify(failure, 'watching');
      this.attempt++;
      const delayMs = this.delayFor(this.attempt, classified.retryAfterMs);
      this.logProblem('warn', classified.problem);
      this.log.warn(`Retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${this.attempt}), then relisting`);
      this.setState({ kind: 'reconnecting', attempt: this.attempt, retryAt: this.settings.now() + delayMs, problem: classified.problem });
      await sleep(delayMs, wait.signal);
    }
  }

  /** One connected period: list everything, then watch until something fails. Always ends by throwing. */
  private async session(signal: AbortSignal): Promise<never> {
    this.authRetried = false;
    if (!this.resolved || this.currentState.kind === 'failed') {
      // A kubeconfig that failed is read again: the user may have fixed it.
      const again = resolveKubeconfig(this.options);
      if (!again.ok) {
        throw new FatalProblem(again.problem);
      }
      this.resolved = again.value;
      this.currentIdentity = again.value.identity;
      this.client = undefined;
    }
    const resolved = this.resolved;
    this.k8s ??= await this.loadClient();
    signal.throwIfAborted();
    if (!this.client) {
      const id = resolved.identity;
      this.log.info(`Connecting to ${id.server} (context "${id.context}", cluster "${id.cluster}", user "${id.user}") from ${id.files.join(', ')}`);
      this.client = this.makeClient(resolved);
      await this.checkCredentials(resolved, signal);
    }

    const connected = this.currentState.kind === 'connected';
    if (!connected) {
      this.setState({ kind: 'loading', nodes: 0, events: 0 });
    }
    const progress = (): void => {
      if (!connected && this.currentState.kind === 'loading') {
        this.setState({ kind: 'loading', nodes: this.nodes.count, events: this.events.count });
      }
    };
    await this.relist(this.nodes, signal, (n) => {
      this.nodes.count = n;
      progress();
    });
    progress();
    const eventsAllowed = await this.relistEvents(signal, (n) => {
      this.events.count = n;
      progress();
    });

    this.attempt = 0;
    this.authRetried = false;
    if (!connected) {
      this.connectedSince = this.settings.now();
    }
    this.publishConnected();

    // Both loops end only by throwing; the first failure ends the session (run() aborts the other).
    return await Promise.race([this.watchLoop(this.nodes, signal), this.eventsLoop(eventsAllowed, signal)]);
  }

  private async watchLoop(reflector: Reflector, signal: AbortSignal): Promise<never> {
    for (;;) {
      let end: 'expired' | 'closed';
      const before = this.client;
      try {
        end = await reflector.watch(this.resourceClient(reflector), signal, this.settings.watchTimeoutSeconds);
      } catch (err) {
        if (this.mayRetryUnauthorized(err, before, signal, `watching ${reflector.spec.name}`)) {
          continue;
        }
        throw err;
      }
      if (end === 'expired') {
        this.log.info(`Watch on ${reflector.spec.name} expired (410 Gone): relisting`);
        await this.relist(reflector, signal, () => undefined);
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
        allowed = await this.relistEvents(signal, () => undefined);
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
  private async relistEvents(signal: AbortSignal, onProgress: (n: number) => void): Promise<boolean> {
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
    const problem = this.classify(err, 'listing node events').problem;
    const detail = problem.message.replace(/^Not permitted \(403 Forbidden\) while listing node events:?\s*/, '');
    this.eventsWarning = `Events are not permitted (403)${detail ? `: ${detail}` : ''}`;
    this.log.warn(`${this.eventsWarning}. Nodes are still shown; events are tried again in ${Math.round(this.settings.forbiddenRetryMs / 1000)} s or on refresh`);
  }

  /** A relist with one immediate retry after a 401, with fresh credentials. */
  private async relist(reflector: Reflector, signal: AbortSignal, onProgress: (n: number) => void): Promise<void> {
    const before = this.client;
    try {
      await reflector.relist(this.resourceClient(reflector), signal, onProgress);
    } catch (err) {
      if (!this.mayRetryUnauthorized(err, before, signal, `listing ${reflector.spec.name}`)) {
        throw err;
      }
      await reflector.relist(this.resourceClient(reflector), signal, onProgress);
    }
  }

  /**
   * After a 401: true when the call should be retried at once, with credentials that are fresh
   * (dropped now, or already dropped by the other resource's call since this one began).
   */
  private mayRetryUnauthorized(err: unknown, used: Client | undefined, signal: AbortSignal, doing: string): boolean {
    if (httpStatus(err) !== 401 || signal.aborted) {
      return false;
    }
    if (this.client !== used) {
      return true;
    }
    if (this.authRetried) {
      return false;
    }
    this.dropCredentials(doing);
    return true;
  }

  // ---------------------------------------------------------------- client-node

  private makeClient(resolved: ResolvedKubeconfig): Client {
    const k8s = this.requireK8s();
    const kc = new k8s.KubeConfig();
    try {
      // Entries the current context does not use may be incomplete, as kubectl allows.
      kc.loadFromString(resolved.text, { onInvalidEntry: 'filter' });
    } catch (err) {
      throw new FatalProblem({
        kind: 'kubeconfig-invalid', file: resolved.identity.files[0],
        message: `The kubeconfig could not be loaded: ${redact(String((err as Error).message ?? err), resolved.secrets)}`,
        nextStep: 'Check the file, or get fresh credentials with "az aks get-credentials"',
      });
    }
    const watch = new k8s.Watch(kc);
    // client-node aborts a watch after 30 s without data (its private requestTimeoutMs), which a
    // quiet cluster without bookmarks reaches all the time; ours outlasts the server-side timeout.
    const timer = watch as unknown as { requestTimeoutMs?: number };
    if (typeof timer.requestTimeoutMs === 'number') {
      timer.requestTimeoutMs = this.settings.watchIdleMs;
    } else {
      this.log.warn('client-node\'s watch has no requestTimeoutMs any more: quiet watches may restart often');
    }
    return { kc, core: kc.makeApiClient(k8s.CoreV1Api), watch };
  }

  /** Runs the credential step (exec plugin, key files) once, so its failures are reported as such. */
  private async checkCredentials(resolved: ResolvedKubeconfig, signal: AbortSignal): Promise<void> {
    try {
      await untilSettled(this.requireClient().kc.applyToHTTPSOptions({}), this.settings.credentialTimeoutMs, signal);
    } catch (err) {
      signal.throwIfAborted();
      if (err instanceof CredentialTimeout && resolved.execCommand) {
        // client-node waits for the plugin without a limit; one waiting for a device-code login
        // never shows its prompt here. Do not start another one: the user has to act.
        this.client = undefined;
        throw new FatalProblem({
          kind: 'exec-failed',
          command: resolved.execCommand,
          message: `The credential plugin "${resolved.execCommand}" did not answer within ${Math.round(this.settings.credentialTimeoutMs / 1000)} s; it may be waiting for an interactive login`,
          nextStep: /kubelogin/i.test(resolved.execCommand)
            ? 'Run "az login", then "kubelogin convert-kubeconfig -l azurecli" so kubelogin uses the Azure CLI login, then Refresh'
            : 'Run the plugin once in a terminal to complete its login, then Refresh',
        });
      }
      const command = resolved.execCommand;
      if (command) {
        const problem = execProblem(err, command, resolved.secrets);
        if (isSpawnFailure(err)) {
          this.client = undefined;
          throw new FatalProblem(problem);
        }
        this.client = undefined;
        throw new ProblemError(problem);
      }
      this.client = undefined;
      throw new FatalProblem({
        kind: 'kubeconfig-invalid', file: resolved.identity.files[0],
        message: `The kubeconfig's credentials could not be read: ${redact((err as Error).message ?? String(err), resolved.secrets).split('\n')[0]}`,
        nextStep: 'Check the certificate and key files the kubeconfig names, or get fresh credentials with "az aks get-credentials"',
      });
    }
  }

  /** client-node caches exec credentials until they expire: a new KubeConfig forgets them. */
  private dropCredentials(doing: string): void {
    this.authRetried = true;
    this.log.info(`401 Unauthorized while ${doing}: dropping cached credentials and retrying once`);
    // The file may hold a new token (az aks get-credentials ran again); use it if it is the same cluster and user.
    const again = resolveKubeconfig(this.options);
    const current = this.resolved;
    if (again.ok && current && sameTarget(again.value.identity, current.identity)) {
      this.resolved = again.value;
    }
    if (this.resolved) {
      this.client = this.makeClient(this.resolved);
    }
  }

  private requireK8s(): ClientNode {
    if (!this.k8s) {
      throw new Error('client-node is not loaded');
    }
    return this.k8s;
  }

  private requireClient(): Client {
    if (!this.client) {
      throw new Error('not connected');
    }
    return this.client;
  }

  private resourceClient(reflector: Reflector): ResourceClient {
    const timeoutMs = this.settings.requestTimeoutMs;
    return {
      list: async (query, signal): Promise<ListPage> => {
        const core = this.requireClient().core;
        const options = withSignal(this.requireK8s(), AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
        const page = reflector === this.nodes
          ? await core.listNode({ limit: query.limit, _continue: query._continue }, options)
          : await core.listEventForAllNamespaces({ fieldSelector: query.fieldSelector, limit: query.limit, _continue: query._continue }, options);
        return { items: page.items, metadata: page.metadata };
      },
      watch: (path: string, query: WatchQuery, onEvent, onDone) =>
        this.requireClient().watch.watch(path, { ...query }, onEvent, onDone),
    };
  }

  // ---------------------------------------------------------------- state

  private classify(err: unknown, doing: string): ClassifiedProblem {
    if (err instanceof ProblemError) {
      return { problem: err.problem };
    }
    if (isAbort(err)) {
      return { problem: { kind: 'unknown', message: 'The connection was interrupted', nextStep: 'Refresh' } };
    }
    return classifyError(err, {
      server: this.resolved?.identity.server ?? '',
      execCommand: this.resolved?.execCommand,
      secrets: this.resolved?.secrets,
      doing,
    });
  }

  private delayFor(attempt: number, retryAfterMs: number | undefined): number {
    const { initialMs, maxMs } = this.settings;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
    const jittered = Math.round(base * (0.8 + 0.4 * Math.random()));
    return retryAfterMs !== undefined ? Math.max(jittered, Math.min(retryAfterMs, maxMs)) : jittered;
  }

  private publishConnected(): void {
    this.setState({ kind: 'connected', since: this.connectedSince, warnings: this.eventsWarning ? [this.eventsWarning] : [] });
  }

  private logProblem(level: 'warn' | 'error', problem: ConnectionProblem): void {
    const secrets = this.resolved?.secrets ?? [];
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
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (err) {
        this.log.error(`A connection state listener failed: ${String(err)}`);
      }
    }
  }
}

/** A problem already worked out (e.g. a plugin's non-zero exit): retried with backoff. */
class ProblemError extends Error {
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}

function sameTarget(a: ClusterIdentity, b: ClusterIdentity): boolean {
  return a.context === b.context && a.server === b.server && a.user === b.user;
}

/** Per-call options that hand the request an AbortSignal (client-node has no timeout of its own). */
function withSignal(k8s: ClientNode, signal: AbortSignal): Parameters<CoreV1Api['listNode']>[1] {
  return {
    middleware: [{
      pre: (ctx) => {
        ctx.setSignal(signal);
        return new k8s.Observable(Promise.resolve(ctx));
      },
      post: (response) => new k8s.Observable(Promise.resolve(response)),
    }],
    middlewareMergeStrategy: 'append',
  };
}

/** Resolves after ms, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
