/**
 * Turns an API call's error (our own list and watch requests' HttpStatusError and RequestFailed,
 * or what client-node throws: see clientErrors.ts) into a ConnectionProblem a person can act on:
 * what happened, in one line, and what to do next.
 */

import * as l10n from '@vscode/l10n';

import { LOG_CHANNEL_NAME } from '../ids';
import { CliCommands } from './cliCommands';
import type { ConnectionProblem, Logger } from './clusterTypes';
import {
  causeCode, describe, errorMessage, httpStatus, isFetchFailure, isPlainError, isSpawnFailure, isTimeout,
  parseBody, retryAfter, statusMessage,
} from './clientErrors';
import { oneLine, redact } from '../domain/redact';

export interface ProblemContext {
  /** The API server URL. */
  readonly server: string;
  /** The exec credential plugin command, when the user has one. */
  readonly execCommand?: string;
  /** What was being done, localized, for "… while {0}": e.g. "listing node events". */
  readonly doing: string;
  /** Exact strings to redact. */
  readonly secrets?: readonly string[];
  /** For what the classification itself could not read (an error body that is not JSON). */
  readonly log?: Logger;
}

export interface ClassifiedProblem {
  readonly problem: ConnectionProblem;
  /** From a 429/503 Retry-After. */
  readonly retryAfterMs?: number;
  /** The API server's own words (its Status message), redacted, when it answered with one. */
  readonly serverMessage?: string;
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
  const { doing, server } = ctx;
  const detail = redact(describe(err), secrets);
  const status = httpStatus(err);

  if (status !== undefined) {
    const body = parseBody(err, ctx.log, secrets);
    const serverMessage = statusMessage(body, secrets);
    if (status === 401) {
      return {
        problem: {
          kind: 'unauthorized', detail,
          message: l10n.t('The cluster rejected the credentials (401 Unauthorized) while {0}', doing),
          nextStep: ctx.execCommand && isKubelogin(ctx.execCommand)
            ? l10n.t('Sign in again ("{0}"), and make sure the kubeconfig uses kubelogin: run "{1}"', CliCommands.azLogin, CliCommands.kubeloginConvert)
            : l10n.t('Get fresh credentials: run "{0}"', CliCommands.getCredentials),
          ...(ctx.execCommand ? { command: ctx.execCommand } : {}),
        },
      };
    }
    if (status === 403) {
      return {
        serverMessage,
        problem: {
          kind: 'forbidden', detail,
          message: serverMessage
            ? l10n.t('Not permitted (403 Forbidden) while {0}: {1}', doing, serverMessage)
            : l10n.t('Not permitted (403 Forbidden) while {0}', doing),
          nextStep: l10n.t('Ask a cluster admin for a role that can list and watch nodes and events (e.g. "{0}")', 'Azure Kubernetes Service RBAC Reader'),
        },
      };
    }
    const retryAfterMs = status === 429 || status === 503 ? retryAfter(err, body) : undefined;
    if (status === 429 || status >= 500) {
      return {
        retryAfterMs,
        serverMessage,
        problem: {
          kind: 'server-error', detail,
          message: status === 429
            ? l10n.t('The API server is throttling requests (429 Too Many Requests) while {0}', doing)
            : serverMessage
              ? l10n.t('The API server failed ({0}) while {1}: {2}', status, doing, serverMessage)
              : l10n.t('The API server failed ({0}) while {1}', status, doing),
          nextStep: l10n.t('Wait: the extension retries on its own. If it persists, check the cluster\'s health in the Azure portal'),
        },
      };
    }
    return {
      serverMessage,
      problem: {
        kind: 'unknown', detail,
        message: serverMessage
          ? l10n.t('The API server answered {0} while {1}: {2}', status, doing, serverMessage)
          : l10n.t('The API server answered {0} while {1}', status, doing),
        nextStep: l10n.t('Check the log (Output › {0}) for details', LOG_CHANNEL_NAME),
      },
    };
  }

  if (isTimeout(err)) {
    return {
      problem: {
        kind: 'timeout', detail,
        message: l10n.t('The API server at {0} did not answer in time while {1}', server, doing),
        nextStep: l10n.t('Check your network, VPN or proxy; the extension retries on its own'),
      },
    };
  }

  const code = causeCode(err);
  if (code !== undefined && TLS_CODES.has(code)) {
    return {
      problem: {
        kind: 'tls', detail,
        message: l10n.t('The API server\'s certificate at {0} was not accepted ({1})', server, code),
        nextStep: l10n.t('Get fresh credentials ("{0}") so the kubeconfig holds the cluster\'s current CA; check any TLS-inspecting proxy', CliCommands.getCredentials),
      },
    };
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || isFetchFailure(err)) {
    return {
      problem: {
        kind: 'unreachable', detail,
        message: code
          ? l10n.t('Cannot reach the API server at {0} ({1})', server, code)
          : l10n.t('Cannot reach the API server at {0}', server),
        nextStep: l10n.t('Check your network, VPN or proxy, and that the cluster is running ("{0}"); private clusters need a connection to their virtual network', CliCommands.showCluster),
      },
    };
  }

  if (ctx.execCommand && (isSpawnFailure(err) || isPlainError(err))) {
    return { problem: execProblem(err, ctx.execCommand, secrets) };
  }

  return {
    problem: {
      kind: 'unknown', detail,
      message: l10n.t('Unexpected error while {0}: {1}', doing, oneLine(errorMessage(err), 200, secrets)),
      nextStep: l10n.t('Check the log (Output › {0}) for details, then Refresh.', LOG_CHANNEL_NAME),
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
      message: l10n.t('The credential plugin "{0}" was not found', command),
      nextStep: kubelogin
        ? l10n.t('Install kubelogin ("{0}") and make sure it is on the PATH VS Code sees, or run "{1}"', CliCommands.installCli, CliCommands.kubeloginConvert)
        : l10n.t('Install "{0}" and make sure it is on the PATH VS Code sees (restart VS Code after changing PATH)', base),
      detail: redact(describe(err), secrets),
    };
  }
  if (isSpawnFailure(err)) {
    return {
      kind: 'exec-failed', command,
      message: l10n.t('The credential plugin "{0}" could not be started ({1})', command, String((err as { code?: unknown }).code ?? 'error')),
      nextStep: l10n.t('Check that "{0}" is an executable file', command),
      detail: redact(describe(err), secrets),
    };
  }
  // client-node parses the plugin's stdout as JSON: a plugin printing a bare token gets a
  // SyntaxError whose message quotes the output's first characters, so that message is not kept.
  if (err instanceof SyntaxError) {
    return {
      kind: 'exec-failed', command,
      message: l10n.t('The credential plugin "{0}" printed something that is not ExecCredential JSON', base),
      nextStep: kubelogin
        ? l10n.t('Run "{0}" so kubelogin prints an ExecCredential, then Refresh', CliCommands.kubeloginConvert)
        : l10n.t('Check that "{0}" prints an ExecCredential (client.authentication.k8s.io) as JSON on stdout, then Refresh', base),
    };
  }
  // client-node rejects with the plugin's stderr as the message when it exits non-zero.
  const stderr = redact(errorMessage(err).trim(), secrets);
  const first = oneLine(stderr, 200);
  return {
    kind: 'exec-failed', command,
    message: first
      ? l10n.t('The credential plugin "{0}" failed: {1}', base, first)
      : l10n.t('The credential plugin "{0}" failed', base),
    nextStep: kubelogin
      ? l10n.t('Sign in again ("{0}"), then run "{1}"', CliCommands.azLogin, CliCommands.kubeloginConvert)
      : l10n.t('Run "{0}" in a terminal to see why it fails', base),
    detail: stderr || redact(describe(err), secrets),
  };
}

function isKubelogin(command: string): boolean {
  return /(^|[\\/])kubelogin(\.exe)?$/i.test(command);
}
