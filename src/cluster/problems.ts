/**
 * Turns what client-node throws (see clientErrors.ts) into a ConnectionProblem a person can act
 * on: what happened, in one line, and what to do next.
 */

import type { ConnectionProblem, Logger } from './clusterTypes';
import {
  causeCode, describe, errorMessage, httpStatus, isFetchFailure, isPlainError, isSpawnFailure, isTimeout,
  parseBody, retryAfter, statusMessage,
} from './clientErrors';
import { oneLine, redact } from './redact';

export interface ProblemContext {
  /** The API server URL. */
  readonly server: string;
  /** The exec credential plugin command, when the user has one. */
  readonly execCommand?: string;
  /** What was being done, e.g. "listing nodes". */
  readonly doing?: string;
  /** Exact strings to redact. */
  readonly secrets?: readonly string[];
  /** For what the classification itself could not read (an error body that is not JSON). */
  readonly log?: Logger;
}

export interface ClassifiedProblem {
  readonly problem: ConnectionProblem;
  /** From a 429/503 Retry-After. */
  readonly retryAfterMs?: number;
}

/** A problem that needs the user (kubeconfig, missing plugin, stuck plugin): not retried until refresh(). */
export class FatalProblem extends Error {
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}

/** A problem already worked out (e.g. a plugin's non-zero exit): retried with backoff. */
export class RetriableProblem extends Error {
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_NOT_YET_VALID', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function classifyError(err: unknown, ctx: ProblemContext): ClassifiedProblem {
  const secrets = ctx.secrets ?? [];
  const doing = ctx.doing ? ` while ${ctx.doing}` : '';
  const detail = redact(describe(err), secrets);
  const status = httpStatus(err);

  if (status !== undefined) {
    const body = parseBody(err, ctx.log, secrets);
    const serverMessage = statusMessage(body, secrets);
    const suffix = serverMessage ? `: ${serverMessage}` : '';
    if (status === 401) {
      return {
        problem: {
          kind: 'unauthorized', detail,
          message: `The cluster rejected the credentials (401 Unauthorized)${doing}`,
          nextStep: ctx.execCommand && isKubelogin(ctx.execCommand)
            ? 'Sign in again ("az login"), and make sure the kubeconfig uses kubelogin: run "kubelogin convert-kubeconfig -l azurecli"'
            : 'Get fresh credentials: run "az aks get-credentials --resource-group <group> --name <cluster>"',
          ...(ctx.execCommand ? { command: ctx.execCommand } : {}),
        },
      };
    }
    if (status === 403) {
      return {
        problem: {
          kind: 'forbidden', detail,
          message: `Not permitted (403 Forbidden)${doing}${suffix}`,
          nextStep: 'Ask a cluster admin for a role that can list and watch nodes and events (e.g. "Azure Kubernetes Service RBAC Reader")',
        },
      };
    }
    const retryAfterMs = status === 429 || status === 503 ? retryAfter(err, body) : undefined;
    if (status === 429 || status >= 500) {
      return {
        retryAfterMs,
        problem: {
          kind: 'server-error', detail,
          message: status === 429
            ? `The API server is throttling requests (429 Too Many Requests)${doing}`
            : `The API server failed (${status})${doing}${suffix}`,
          nextStep: 'Wait: the extension retries on its own. If it persists, check the cluster\'s health in the Azure portal',
        },
      };
    }
    return {
      problem: {
        kind: 'unknown', detail,
        message: `The API server answered ${status}${doing}${suffix}`,
        nextStep: 'Check the log (Output › AKS Node Auto-Repair) for details',
      },
    };
  }

  if (isTimeout(err)) {
    return {
      problem: {
        kind: 'timeout', detail,
        message: `The API server at ${ctx.server} did not answer in time${doing}`,
        nextStep: 'Check your network, VPN or proxy; the extension retries on its own',
      },
    };
  }

  const code = causeCode(err);
  if (code !== undefined && TLS_CODES.has(code)) {
    return {
      problem: {
        kind: 'tls', detail,
        message: `The API server's certificate at ${ctx.server} was not accepted (${code})`,
        nextStep: 'Get fresh credentials ("az aks get-credentials") so the kubeconfig holds the cluster\'s current CA; check any TLS-inspecting proxy',
      },
    };
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || isFetchFailure(err)) {
    return {
      problem: {
        kind: 'unreachable', detail,
        message: `Cannot reach the API server at ${ctx.server}${code ? ` (${code})` : ''}`,
        nextStep: 'Check your network, VPN or proxy, and that the cluster is running ("az aks show"); private clusters need a connection to their virtual network',
      },
    };
  }

  if (ctx.execCommand && (isSpawnFailure(err) || isPlainError(err))) {
    return { problem: execProblem(err, ctx.execCommand, secrets) };
  }

  return {
    problem: {
      kind: 'unknown', detail,
      message: `Unexpected error${doing}: ${oneLine(errorMessage(err), 200, secrets)}`,
      nextStep: 'Check the log (Output › AKS Node Auto-Repair) for details, then refresh',
    },
  };
}

/** A credential plugin failure: not found, not executable, non-zero exit (its stderr) or bad output. */
export function execProblem(err: unknown, command: string, secrets: readonly string[] = []): ConnectionProblem {
  const missing = (err as { code?: unknown }).code === 'ENOENT' && isSpawnFailure(err);
  const base = command.split(/[\\/]/).pop() ?? command;
  const kubelogin = isKubelogin(command);
  if (missing) {
    return {
      kind: 'exec-failed', command,
      message: `The credential plugin "${command}" was not found`,
      nextStep: kubelogin
        ? 'Install kubelogin ("az aks install-cli") and make sure it is on the PATH VS Code sees, or run "kubelogin convert-kubeconfig -l azurecli"'
        : `Install "${base}" and make sure it is on the PATH VS Code sees (restart VS Code after changing PATH)`,
      detail: redact(describe(err), secrets),
    };
  }
  if (isSpawnFailure(err)) {
    return {
      kind: 'exec-failed', command,
      message: `The credential plugin "${command}" could not be started (${String((err as { code?: unknown }).code ?? 'error')})`,
      nextStep: `Check that "${command}" is an executable file`,
      detail: redact(describe(err), secrets),
    };
  }
  // client-node rejects with the plugin's stderr as the message when it exits non-zero.
  const stderr = redact(errorMessage(err).trim(), secrets);
  const first = oneLine(stderr, 200);
  return {
    kind: 'exec-failed', command,
    message: first ? `The credential plugin "${base}" failed: ${first}` : `The credential plugin "${base}" failed`,
    nextStep: kubelogin
      ? 'Sign in again ("az login"), then run "kubelogin convert-kubeconfig -l azurecli"'
      : `Run "${base}" in a terminal to see why it fails`,
    detail: stderr || redact(describe(err), secrets),
  };
}

function isKubelogin(command: string): boolean {
  return /(^|[\\/])kubelogin(\.exe)?$/i.test(command);
}
