/**
 * What a connection signs in with: the kubeconfig as read (again when it failed, or when a 401
 * may mean the file holds a new token), the client made from it, and one run of its credential
 * step (an exec plugin such as kubelogin, or key files) so its failures are reported as such and
 * a stuck plugin cannot hang the connection.
 */

import * as l10n from '@vscode/l10n';

import { CliCommands } from './cliCommands';
import { ApiClient, ApiClientSettings, ClientLoader, ClientNode } from './clientAdapter';
import { httpStatus, isSpawnFailure } from './clientErrors';
import type { ClusterIdentity, KubeconfigOptions, Logger } from './clusterTypes';
import { ResolvedKubeconfig, resolveKubeconfig } from './kubeconfig';
import { execProblem, FatalProblem, ProblemContext, RetriableProblem } from './problems';
import { singleLine } from '../domain/format';
import { redact } from '../domain/redact';
import { serverHost } from '../domain/serverUrl';

export interface CredentialSettings extends ApiClientSettings {
  /** How long an exec credential plugin may run before it is reported as stuck. */
  readonly credentialTimeoutMs: number;
}

export class Credentials {
  private resolved: ResolvedKubeconfig | undefined;
  private shownIdentity: ClusterIdentity | undefined;
  private k8s: ClientNode | undefined;
  private client: ApiClient | undefined;
  /** Fresh credentials after a 401 are tried once per connected period; a second 401 is reported. */
  private retriedUnauthorized = false;

  constructor(
    private readonly options: KubeconfigOptions,
    private readonly loadClient: ClientLoader,
    private readonly settings: CredentialSettings,
    private readonly log: Logger,
  ) {
    const first = resolveKubeconfig(options);
    if (first.ok) {
      this.resolved = first.value;
      this.shownIdentity = first.value.identity;
    }
  }

  /** The cluster as last read from the kubeconfig at (re)connection. */
  get identity(): ClusterIdentity | undefined {
    return this.shownIdentity;
  }

  /** Credentials to redact from anything logged. */
  get secrets(): readonly string[] | undefined {
    return this.resolved?.secrets;
  }

  /** The client in use, if any: compare before and after a call to see whether it was replaced. */
  get current(): ApiClient | undefined {
    return this.client;
  }

  /** The client in use; throws when there is none. */
  get api(): ApiClient {
    if (!this.client) {
      throw new Error('not connected');
    }
    return this.client;
  }

  /** For classifying an error: the server, the plugin, the secrets. */
  problemContext(doing: string): ProblemContext {
    return {
      server: this.resolved?.identity.server ?? '',
      execCommand: this.resolved?.execCommand,
      secrets: this.resolved?.secrets,
      doing,
    };
  }

  /**
   * Makes ready to call the API: the kubeconfig read (again when `reread`: the user may have fixed
   * it), client-node loaded, and a client whose credential step has run. Throws a FatalProblem
   * when the user has to act, a RetriableProblem for a plugin that failed.
   */
  async connect(signal: AbortSignal, reread: boolean): Promise<void> {
    this.retriedUnauthorized = false;
    if (!this.resolved || reread) {
      const again = resolveKubeconfig(this.options);
      if (!again.ok) {
        throw new FatalProblem(again.problem);
      }
      this.resolved = again.value;
      this.shownIdentity = again.value.identity;
      this.client?.resetConnections();
      this.client = undefined;
    }
    const resolved = this.resolved;
    this.k8s ??= await this.loadClient();
    signal.throwIfAborted();
    if (!this.client) {
      const id = resolved.identity;
      this.log.info(`Connecting to ${singleLine(serverHost(id.server))} (context "${singleLine(id.context)}", cluster "${singleLine(id.cluster)}", user "${singleLine(id.user)}") from ${singleLine(id.files.join(', '))}`);
      this.client = this.makeClient(this.k8s, resolved);
      await this.check(resolved, signal);
    }
  }

  /** The server accepted the credentials: a later 401 may drop them once again. */
  accepted(): void {
    this.retriedUnauthorized = false;
  }

  /**
   * After a 401: true when the call should be retried at once, with credentials that are fresh
   * (dropped now, or already dropped by the other resource's call since this one began).
   */
  mayRetryUnauthorized(err: unknown, used: ApiClient | undefined, signal: AbortSignal, doing: string): boolean {
    if (httpStatus(err) !== 401 || signal.aborted) {
      return false;
    }
    if (this.client !== used) {
      return true;
    }
    if (this.retriedUnauthorized) {
      return false;
    }
    this.drop(doing);
    return true;
  }

  /** client-node caches exec credentials until they expire: a new KubeConfig forgets them. */
  private drop(doing: string): void {
    this.retriedUnauthorized = true;
    this.log.info(`401 Unauthorized while ${doing}: dropping cached credentials and retrying once`);
    // The file may hold a new token (az aks get-credentials ran again); use it if it is the same cluster and user.
    const again = resolveKubeconfig(this.options);
    const current = this.resolved;
    if (again.ok && current && sameTarget(again.value.identity, current.identity)) {
      this.resolved = again.value;
    }
    if (this.resolved) {
      // The old client's connections are not closed here: the other resource's list or watch may
      // still be running on one. They close themselves once idle (IDLE_SOCKET_MS, kubeRequest.ts).
      this.client = this.makeClient(this.requireK8s(), this.resolved);
    }
  }

  private makeClient(k8s: ClientNode, resolved: ResolvedKubeconfig): ApiClient {
    const kc = new k8s.KubeConfig();
    try {
      // Entries the current context does not use may be incomplete, as kubectl allows.
      kc.loadFromString(resolved.text, { onInvalidEntry: 'filter' });
    } catch (err) {
      throw new FatalProblem({
        kind: 'kubeconfig-invalid', file: resolved.identity.files[0],
        message: l10n.t('The kubeconfig could not be loaded: {0}', redact(String((err as Error).message ?? err), resolved.secrets)),
        nextStep: l10n.t('Check the file, or get fresh credentials with "{0}"', CliCommands.getCredentials),
      });
    }
    return new ApiClient(kc, this.settings);
  }

  /** Runs the credential step (exec plugin, key files) once, so its failures are reported as such. */
  private async check(resolved: ResolvedKubeconfig, signal: AbortSignal): Promise<void> {
    const timeoutMs = this.settings.credentialTimeoutMs;
    try {
      await untilSettled(this.api.kc.applyToHTTPSOptions({}), timeoutMs, signal);
    } catch (err) {
      signal.throwIfAborted();
      this.client = undefined;
      const command = resolved.execCommand;
      if (err instanceof CredentialTimeout && command) {
        // client-node waits for the plugin without a limit; one waiting for a device-code login
        // never shows its prompt here. Do not start another one: the user has to act.
        throw new FatalProblem({
          kind: 'exec-failed',
          command,
          message: l10n.t('The credential plugin "{0}" did not answer within {1} s; it may be waiting for an interactive login', command, Math.round(timeoutMs / 1000)),
          nextStep: /kubelogin/i.test(command)
            ? l10n.t('Run "{0}", then "{1}" so kubelogin uses the Azure CLI login, then Refresh', CliCommands.azLogin, CliCommands.kubeloginConvert)
            : l10n.t('Run the plugin once in a terminal to complete its login, then Refresh'),
        });
      }
      if (command) {
        const problem = execProblem(err, command, resolved.secrets);
        throw isSpawnFailure(err) ? new FatalProblem(problem) : new RetriableProblem(problem);
      }
      throw new FatalProblem({
        kind: 'kubeconfig-invalid', file: resolved.identity.files[0],
        message: l10n.t('The kubeconfig\'s credentials could not be read: {0}', redact((err as Error).message ?? String(err), resolved.secrets).split('\n')[0]),
        nextStep: l10n.t('Check the certificate and key files the kubeconfig names, or get fresh credentials with "{0}"', CliCommands.getCredentials),
      });
    }
  }

  private requireK8s(): ClientNode {
    if (!this.k8s) {
      throw new Error('client-node is not loaded');
    }
    return this.k8s;
  }
}

/** The credential step did not finish in time. */
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
    promise.then((v) => { done(); resolve(v); }, (err: unknown) => { done(); reject(err); });
  });
}

function sameTarget(a: ClusterIdentity, b: ClusterIdentity): boolean {
  return a.context === b.context && a.server === b.server && a.user === b.user;
}
