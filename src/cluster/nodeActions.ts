/**
 * NodeActions on a connection's credentials: every request goes through the client the watch
 * uses at that moment (its KubeConfig, so its exec-plugin token), is retried once with fresh
 * credentials after a 401 as the watch is, and ends as a value: the result, or an ActionProblem
 * with its next step (for a 403, the RBAC permission that is missing). Pinned to a server
 * (`pinnedTo`), a request that would go to another one is refused before it is sent.
 */

import * as l10n from '@vscode/l10n';

import { ActionClient, V1Node } from './actionClient';
import { actionProblem, cancelledProblem, Permission } from './actionProblems';
import type { ApiClient, ClientLoader, ClientNode } from './clientAdapter';
import { httpStatus } from './clientErrors';
import type {
  ActionProblem, ActionResult, DrainOptions, DrainProgress, DrainResult, Logger, NodeActions, NodeFacts, PodDeletion, PodRef,
} from './clusterTypes';
import { DRAIN_DEFAULTS, DrainHost, DrainRun } from './drain';
import type { ProblemContext } from './problems';
import { redact } from '../domain/redact';

/** What the connection's Credentials offer node actions. */
export interface ActionSession {
  /** The client in use now, if the connection has one. */
  readonly current: ApiClient | undefined;
  readonly secrets: readonly string[] | undefined;
  problemContext(doing: string): ProblemContext;
  /** After a 401: whether to retry at once with the (now fresh) current client. */
  mayRetryUnauthorized(err: unknown, used: ApiClient | undefined, signal: AbortSignal, doing: string): boolean;
}

export interface NodeActionsOptions {
  readonly session: ActionSession;
  readonly loadClient: ClientLoader;
  readonly log: Logger;
  /** Per request. */
  readonly requestTimeoutMs: number;
  /** Why the connection has no client right now (its own problem), for an action asked meanwhile. */
  readonly notConnected: () => ActionProblem;
}

/** Thrown, before anything is sent, when there is no client to make a request with or it would go to another server. */
class NotSent extends Error {
  constructor(readonly problem: ActionProblem) {
    super(problem.message);
  }
}

const NEVER = new AbortController().signal;

/** Has no member named `problem`: callers tell it from `{ problem }` with `'problem' in actions`. */
export class KubeNodeActions implements NodeActions {
  private k8s: ClientNode | undefined;
  private readonly clients = new WeakMap<ApiClient, ActionClient>();

  /** `pinned`: the only API server requests may go to (client-node's form of the kubeconfig's server URL). */
  constructor(private readonly options: NodeActionsOptions, private readonly pinned?: string) {}

  apiServer(): string | undefined {
    return serverOf(this.options.session.current);
  }

  pinnedTo(server: string): NodeActions {
    return new KubeNodeActions(this.options, server);
  }

  async readNode(name: string, signal: AbortSignal = NEVER): Promise<ActionResult<NodeFacts | undefined>> {
    const doing = l10n.t('reading node {0}', name);
    try {
      const node = await this.call(doing, (client, s) => client.readNode(name, s), signal);
      return { ok: true, value: nodeFacts(node, name) };
    } catch (err) {
      if (httpStatus(err) === 404) {
        return { ok: true, value: undefined };
      }
      return this.failed(err, doing, Permission.getNode, signal);
    }
  }

  async setUnschedulable(name: string, unschedulable: boolean, signal: AbortSignal = NEVER): Promise<ActionResult<NodeFacts>> {
    const doing = unschedulable ? l10n.t('cordoning node {0}', name) : l10n.t('uncordoning node {0}', name);
    this.options.log.info(`${unschedulable ? 'Cordoning' : 'Uncordoning'} node ${name}`);
    try {
      const node = await this.call(doing, (client, s) => client.setUnschedulable(name, unschedulable, s), signal);
      const facts = nodeFacts(node, name);
      this.options.log.info(`Node ${name} is ${facts.unschedulable ? 'cordoned' : 'schedulable'} (resourceVersion ${facts.resourceVersion ?? '?'})`);
      return { ok: true, value: facts };
    } catch (err) {
      if (httpStatus(err) === 404) {
        const problem: ActionProblem = {
          kind: 'not-found', status: 404,
          message: l10n.t('Node {0} no longer exists (404 Not Found)', name),
          nextStep: l10n.t('Refresh the Nodes view: the node may have been deleted or replaced'),
        };
        this.logProblem(problem);
        return { ok: false, problem };
      }
      return this.failed(err, doing, Permission.patchNode, signal);
    }
  }

  async drain(name: string, options: DrainOptions, onProgress: (progress: DrainProgress) => void, signal: AbortSignal): Promise<ActionResult<DrainResult>> {
    const host: DrainHost = {
      call: (doing, request, s) => this.call(doing, request, s),
      problem: (err, doing, permission) => this.toProblem(err, doing, permission, signal),
      notSent: (err) => err instanceof NotSent,
      cordon: (node, s) => this.setUnschedulable(node, true, s),
      log: this.options.log,
      secrets: this.options.session.secrets ?? [],
    };
    const result = await new DrainRun(host, name, options, onProgress).run(signal);
    if (!result.ok) {
      this.logProblem(result.problem);
    }
    return result;
  }

  async deletePods(pods: readonly PodRef[], gracePeriodSeconds: number | undefined, signal: AbortSignal = NEVER): Promise<ActionResult<PodDeletion>> {
    const deleted: PodRef[] = [];
    const replaced: PodRef[] = [];
    const failed: { pod: PodRef; problem: ActionProblem }[] = [];
    this.options.log.info(`Deleting ${pods.length} pod(s)${gracePeriodSeconds !== undefined ? ` with a grace period of ${gracePeriodSeconds} s` : ''}: ${pods.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
    const queue = [...pods];
    const worker = async (): Promise<void> => {
      for (let pod = queue.shift(); pod && !signal.aborted; pod = queue.shift()) {
        const target = pod;
        const doing = l10n.t('deleting pod {0}', `${target.namespace}/${target.name}`);
        try {
          await this.call(doing, (client, s) => client.deletePod(target, gracePeriodSeconds, s), signal);
          deleted.push(target);
        } catch (err) {
          if (httpStatus(err) === 404) {
            // Already gone: what the delete was for.
            deleted.push(target);
          } else if (httpStatus(err) === 409 && target.uid) {
            // The uid precondition failed: the name is a new pod's now, which this delete was not about.
            this.options.log.info(`Pod ${target.namespace}/${target.name} was replaced by a new pod of the same name; the new pod was not deleted`);
            replaced.push(target);
          } else if (!signal.aborted) {
            const problem = this.toProblem(err, doing, Permission.deletePod, signal);
            this.logProblem(problem);
            failed.push({ pod: target, problem });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DRAIN_DEFAULTS.concurrency, pods.length) }, () => worker()));
    if (signal.aborted) {
      return { ok: false, problem: cancelledProblem(l10n.t('deleting pods')) };
    }
    return { ok: true, value: { deleted, replaced, failed } };
  }

  /** One request on the current client, retried once with fresh credentials after a 401. */
  private async call<T>(doing: string, request: (client: ActionClient, signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    const used = this.options.session.current;
    if (!used) {
      throw new NotSent(this.options.notConnected());
    }
    this.checkServer(used);
    try {
      return await request(await this.client(used), signal);
    } catch (err) {
      if (!this.options.session.mayRetryUnauthorized(err, used, signal, doing)) {
        throw err;
      }
      const fresh = this.options.session.current;
      if (!fresh) {
        throw err;
      }
      this.checkServer(fresh);
      return await request(await this.client(fresh), signal);
    }
  }

  /** Pinned: the client must still talk to the server the action was confirmed for (a reconnect re-reads the kubeconfig). */
  private checkServer(api: ApiClient): void {
    const now = serverOf(api);
    if (this.pinned === undefined || now === this.pinned) {
      return;
    }
    this.options.log.warn(`Refused a request: the action was confirmed for API server ${this.pinned}, the connection now uses ${now ?? '(none)'}`);
    throw new NotSent({
      kind: 'conflict',
      message: l10n.t('The API server changed during the action (confirmed for {0}, the connection now uses {1}); nothing more was sent', hostOf(this.pinned), hostOf(now ?? '')),
      nextStep: l10n.t('Check the kubeconfig and the Nodes view, then run the action again on the cluster shown there'),
    });
  }

  private async client(api: ApiClient): Promise<ActionClient> {
    let client = this.clients.get(api);
    if (!client) {
      this.k8s ??= await this.options.loadClient();
      client = new ActionClient(this.k8s, api.kc, this.options.requestTimeoutMs);
      this.clients.set(api, client);
    }
    return client;
  }

  private toProblem(err: unknown, doing: string, permission: Permission, signal: AbortSignal): ActionProblem {
    if (err instanceof NotSent) {
      return err.problem;
    }
    if (signal.aborted) {
      return cancelledProblem(doing);
    }
    return actionProblem(err, { ...this.options.session.problemContext(doing), permission, log: this.options.log });
  }

  private failed(err: unknown, doing: string, permission: Permission, signal: AbortSignal): { ok: false; problem: ActionProblem } {
    const problem = this.toProblem(err, doing, permission, signal);
    this.logProblem(problem);
    return { ok: false, problem };
  }

  private logProblem(problem: ActionProblem): void {
    const secrets = this.options.session.secrets ?? [];
    const level = problem.kind === 'cancelled' ? 'info' : 'warn';
    this.options.log[level](redact(`${problem.kind}: ${problem.message}. ${problem.nextStep}`, secrets));
    if (problem.detail) {
      this.options.log.debug(redact(problem.detail, secrets));
    }
  }
}

function nodeFacts(node: V1Node, name: string): NodeFacts {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return {
    name: node.metadata?.name ?? name,
    uid: node.metadata?.uid ?? '',
    ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
    unschedulable: node.spec?.unschedulable === true,
    ...(node.metadata?.resourceVersion ? { resourceVersion: node.metadata.resourceVersion } : {}),
    ...(ready ? { ready } : {}),
  };
}

/** The server URL a client's requests go to (client-node drops a trailing slash). */
function serverOf(api: ApiClient | undefined): string | undefined {
  return api?.kc.getCurrentCluster()?.server || undefined;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host || server;
  } catch {
    return server;
  }
}
