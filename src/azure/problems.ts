/**
 * Any failure of an Azure call, as an `AzureProblem`: what went wrong in the user's words and the
 * action that fixes it. Everything taken from Azure's answer is untrusted text: cut short here,
 * escaped where shown.
 */
import * as l10n from '@vscode/l10n';
import type { AzureProblem } from '../domain/diagnosis';
import { singleLine, truncate } from '../domain/format';
import { redact } from '../domain/redact';
import { LOG_CHANNEL_NAME, Settings, settingId } from '../ids';
import { isSignInError } from './credentialTypes';
import { hostOf } from './endpoints';
import { RefusedHostError, RequestTimeoutError } from './pipelinePolicies';

/** What the classifier knows about the call that failed. */
export interface CallContext {
  readonly endpoint: string;
  readonly subscriptionId: string;
  /** The node resource group: the usual scope for Reader. */
  readonly resourceGroup?: string;
  readonly credentialSource?: 'vscode' | 'azureCli';
  readonly timeoutMs: number;
}

/** The parts of a RestError (core-rest-pipeline) this reads; errors from either SDK generation fit. */
interface RestErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly response?: { readonly headers?: { get(name: string): string | undefined } };
}

const MAX_AZURE_TEXT = 600;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|ALTNAME/i;

/** Azure's text, redacted and cut to `max` characters; runs of spaces (and, unless `keepLines`, line breaks) become one. */
export function cut(text: string | undefined, max = MAX_AZURE_TEXT, keepLines = false): string | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  const flat = keepLines
    ? redact(text).replace(/[^\S\n]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim()
    : redact(text).replace(/\s+/g, ' ').trim();
  // truncate never cuts a surrogate pair in half.
  return truncate(flat, max);
}

/**
 * Azure's error code as kept in a problem (and so in the log and the view): a code is a word
 * like `OperationNotAllowed`; anything else in that field (a line break and a forged log entry,
 * bidi characters, a page of text) is flattened to one line of at most 100 characters.
 */
export function azureCode(code: unknown): string | undefined {
  if (typeof code !== 'string' || code === '') {
    return undefined;
  }
  return /^[\w.-]{1,100}$/.test(code) ? code : truncate(singleLine(redact(code)), 100) || undefined;
}

/** `Retry-After` in ms (seconds or an HTTP date), when the answer had one. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const value = (error as RestErrorLike | undefined)?.response?.headers?.get('retry-after')
    ?? (error as RestErrorLike | undefined)?.response?.headers?.get('x-ms-retry-after-ms');
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** From an AuthorizationFailed message: the action refused and the scope it was refused on. */
export function parseAuthorizationFailed(message: string | undefined): { action?: string; scope?: string } {
  if (!message) {
    return {};
  }
  const action = /perform action '([^']{1,300})'/i.exec(message)?.[1];
  const scope = /over scope '([^']{1,600})'/i.exec(message)?.[1];
  return { action, scope };
}

/** Reader is enough for every read the diagnosis makes: on the resource group the scope lies in, or the scope itself. */
function suggestedScope(scope: string | undefined, context: CallContext): string {
  const rg = scope && /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(scope)?.[1];
  if (rg) {
    return rg;
  }
  if (scope && /^\/subscriptions\/[^/]+\/?$/i.test(scope)) {
    return scope.replace(/\/$/, '');
  }
  return context.resourceGroup
    ? `/subscriptions/${context.subscriptionId}/resourceGroups/${context.resourceGroup}`
    : `/subscriptions/${context.subscriptionId}`;
}

function signInAgain(context: CallContext): string {
  return context.credentialSource === 'azureCli'
    ? l10n.t('Run `az login` (the Azure CLI\'s sign-in has expired or was revoked), then Refresh.')
    : l10n.t('Sign in to Azure again, then Refresh.');
}

export function classify(error: unknown, context: CallContext): AzureProblem {
  if (isSignInError(error)) {
    return { kind: error.kind, message: error.message, nextStep: error.nextStep };
  }
  if (error instanceof RefusedHostError) {
    return {
      kind: 'refused-host',
      message: l10n.t('Azure answered with a link to {0}, which is not the configured Resource Manager endpoint; nothing was sent there.', error.host),
      nextStep: l10n.t('Check the setting {0} ({1} now); tokens go to that host only.', settingId(Settings.azureResourceManagerEndpoint), hostOf(context.endpoint)),
    };
  }
  if (error instanceof RequestTimeoutError) {
    return {
      kind: 'timeout',
      message: l10n.t('{0} did not answer within {1} s.', hostOf(context.endpoint), Math.round(error.timeoutMs / 1000)),
      nextStep: l10n.t('Check the network path (proxy, firewall) to {0}, then Refresh.', hostOf(context.endpoint)),
    };
  }
  if (error instanceof SyntaxError || error instanceof TypeError) {
    return malformed(context);
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as RestErrorLike;
  const azureMessage = cut(e.message);
  const status = e.statusCode;
  const code = azureCode(e.code);
  if (code === 'PARSE_ERROR') {
    return { ...malformed(context), status };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized', status, code,
      message: l10n.t('Azure refused the sign-in token (401), also after a fresh one was asked for.'),
      nextStep: signInAgain(context),
    };
  }
  if (status === 403) {
    const { action, scope } = parseAuthorizationFailed(e.message);
    const missingRole = { role: 'Reader', scope: suggestedScope(scope, context) };
    return {
      kind: 'forbidden', status, code, missingRole,
      message: action
        ? l10n.t('Not allowed to {0} on {1} ({2}).', action, scope ?? missingRole.scope, code ?? '403')
        : l10n.t('Not allowed ({0}): {1}', code ?? '403', azureMessage ?? ''),
      nextStep: askForRole(missingRole.role, missingRole.scope),
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found', status, code,
      message: azureMessage ?? l10n.t('Not found.'),
      nextStep: l10n.t('The resource no longer exists in Azure.'),
    };
  }
  if (status === 429) {
    const wait = retryAfterMs(error);
    return {
      kind: 'throttled', status, code,
      message: l10n.t('Azure is throttling requests (429): {0}', azureMessage ?? ''),
      nextStep: wait !== undefined
        ? l10n.t('Wait {0} s (Azure\'s Retry-After), then Refresh.', Math.ceil(wait / 1000))
        : l10n.t('Wait a minute, then Refresh.'),
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: 'server', status, code,
      message: l10n.t('Azure answered {0}: {1}', status, azureMessage ?? ''),
      nextStep: l10n.t('This is on Azure\'s side and usually passes: Refresh in a few minutes; check Azure status if it persists.'),
    };
  }
  if (status === undefined && code && /^[A-Z][A-Z0-9_]+$/.test(code)) {
    return {
      kind: 'network', code,
      message: l10n.t('Could not reach {0} ({1}).', hostOf(context.endpoint), code),
      nextStep: TLS_CODES.test(code)
        ? l10n.t('The TLS certificate of {0} is not trusted: add your proxy\'s CA to the system store or NODE_EXTRA_CA_CERTS (verification stays on).', hostOf(context.endpoint))
        : l10n.t('Check the network, proxy and DNS for {0}, then Refresh.', hostOf(context.endpoint)),
    };
  }
  return {
    kind: 'unknown', status, code,
    message: azureMessage ?? l10n.t('The call failed.'),
    nextStep: l10n.t('Check the log (Output › {0}) for details, then Refresh.', LOG_CHANNEL_NAME),
  };
}

function askForRole(role: string, scope: string): string {
  return l10n.t('Ask for the {0} role on {1} (or any role that can read it), then Refresh.', role, scope);
}

/**
 * A 403 whose scope the caller knows better than Azure's message told (the SDKs' paged lists drop
 * that message): Reader on `scope`, said in `message`.
 */
export function refusedOn(problem: AzureProblem, scope: string, message: string): AzureProblem {
  const missingRole = { role: 'Reader', scope };
  return { ...problem, message, missingRole, nextStep: askForRole(missingRole.role, scope) };
}

function malformed(context: CallContext): AzureProblem {
  return {
    kind: 'malformed',
    message: l10n.t('The answer from {0} was not the JSON Azure sends.', hostOf(context.endpoint)),
    nextStep: l10n.t('Refresh; if it persists, check for a proxy rewriting answers from {0}.', hostOf(context.endpoint)),
  };
}

/** Worth asking again inside the same call. */
export function isRetryable(problem: AzureProblem): boolean {
  return problem.kind === 'throttled' || problem.kind === 'server' || problem.kind === 'timeout'
    || (problem.kind === 'network' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)$/.test(problem.code ?? ''));
}
