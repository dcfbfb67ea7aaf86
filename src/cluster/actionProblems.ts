/**
 * Turns what a node action's request threw into an ActionProblem: what failed in one line, what
 * to do next and, for a 403, the RBAC verb and resource that is missing. The server's words are
 * untrusted: cut to one line and redacted.
 */

import * as l10n from '@vscode/l10n';

import { LOG_CHANNEL_NAME } from '../ids';
import { describe, httpStatus, parseBody, statusMessage } from './clientErrors';
import type { ActionProblem, ActionProblemKind, ConnectionProblem, ProblemKind } from './clusterTypes';
import { classifyError, ProblemContext } from './problems';
import { redact } from '../domain/redact';

/** The RBAC permission each request needs, as `kubectl auth can-i` takes it. */
export const Permission = {
  getNode: 'get nodes',
  patchNode: 'patch nodes',
  listPods: 'list pods',
  getPod: 'get pods',
  evictPod: 'create pods/eviction',
  deletePod: 'delete pods',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** The command that checks a permission: pods are namespaced, so it asks for all namespaces. */
export function canICommand(permission: Permission): string {
  return permission.includes('pods') ? `kubectl auth can-i ${permission} --all-namespaces` : `kubectl auth can-i ${permission}`;
}

export interface ActionErrorContext extends ProblemContext {
  /** What the request needed, for a 403. */
  readonly permission: Permission;
}

export function actionProblem(err: unknown, ctx: ActionErrorContext): ActionProblem {
  const secrets = ctx.secrets ?? [];
  const status = httpStatus(err);
  const detail = redact(describe(err), secrets);
  if (status === undefined || status === 401) {
    // No HTTP answer (network, TLS, timeout, credential plugin) or a 401: the watch's words fit,
    // except that an action is not retried on its own.
    const problem = fromConnectionProblem(classifyError(err, ctx).problem, status);
    return problem.kind === 'timeout' ? { ...problem, nextStep: l10n.t('Check your network, VPN or proxy, then try again') } : problem;
  }
  const serverMessage = statusMessage(parseBody(err, ctx.log, secrets), secrets);
  const { doing } = ctx;
  if (status === 403) {
    return {
      kind: 'forbidden', status, detail, permission: ctx.permission,
      message: serverMessage
        ? l10n.t('Not permitted (403 Forbidden) while {0}: {1}', doing, serverMessage)
        : l10n.t('Not permitted (403 Forbidden) while {0}', doing),
      nextStep: l10n.t('Ask a cluster admin for a role that allows "{0}"; check with "{1}"', ctx.permission, canICommand(ctx.permission)),
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found', status, detail,
      message: serverMessage
        ? l10n.t('Not found (404) while {0}: {1}', doing, serverMessage)
        : l10n.t('Not found (404) while {0}', doing),
      nextStep: l10n.t('Refresh the Nodes view: the object may have been deleted or replaced'),
    };
  }
  if (status === 409) {
    return {
      kind: 'conflict', status, detail,
      message: serverMessage
        ? l10n.t('Conflict (409) while {0}: {1}', doing, serverMessage)
        : l10n.t('Conflict (409) while {0}', doing),
      nextStep: l10n.t('The object changed meanwhile: try again'),
    };
  }
  if (status === 429 || status >= 500) {
    return {
      kind: 'server-error', status, detail,
      message: serverMessage
        ? l10n.t('The API server failed ({0}) while {1}: {2}', status, doing, serverMessage)
        : l10n.t('The API server failed ({0}) while {1}', status, doing),
      nextStep: l10n.t('Try again in a moment; if it persists, check the cluster\'s health in the Azure portal'),
    };
  }
  return {
    kind: 'unknown', status, detail,
    message: serverMessage
      ? l10n.t('The API server answered {0} while {1}: {2}', status, doing, serverMessage)
      : l10n.t('The API server answered {0} while {1}', status, doing),
    nextStep: l10n.t('Check the log (Output › {0}) for details', LOG_CHANNEL_NAME),
  };
}

const KINDS: Partial<Record<ProblemKind, ActionProblemKind>> = {
  'unauthorized': 'unauthorized',
  'exec-failed': 'unauthorized',
  'forbidden': 'forbidden',
  'unreachable': 'unreachable',
  'tls': 'unreachable',
  'timeout': 'timeout',
  'server-error': 'server-error',
};

/** A connection's problem (kubeconfig, credentials, network) as the problem of an action that could not run. */
export function fromConnectionProblem(problem: ConnectionProblem, status?: number): ActionProblem {
  return {
    kind: KINDS[problem.kind] ?? 'unknown',
    message: problem.message,
    nextStep: problem.nextStep,
    ...(status !== undefined ? { status } : {}),
    ...(problem.detail ? { detail: problem.detail } : {}),
  };
}

export function cancelledProblem(doing: string): ActionProblem {
  return { kind: 'cancelled', message: l10n.t('Cancelled while {0}', doing), nextStep: l10n.t('Run the action again when you are ready') };
}
