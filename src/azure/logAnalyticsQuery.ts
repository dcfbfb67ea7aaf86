/**
 * One KQL query against one Log Analytics workspace with `@azure/monitor-query-logs`: the
 * configured endpoint (its `/v1`, and a token scope that follows it), the host guard before the
 * token and again next to the wire, a per-request timeout, the caller's abort, and the same retry
 * rules as Resource Manager calls (429 after Retry-After, 5xx, timeouts; one fresh token after a
 * 401). Every failure ends as an `AzureProblem` in Log Analytics' terms, never an exception.
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, type HttpClient, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import type { AzureProblem } from '../domain/diagnosis';
import type { InsightsTable } from '../domain/containerInsightsQuery';
import { Settings, settingId } from '../ids';
import type { AzureSettings } from './azureTypes';
import type { RefreshableCredential } from './credentialTypes';
import { hostOf, normalizeEndpoint } from './endpoints';
import { hostGuardPolicy, RefusedHostError, requestTimeoutPolicy } from './pipelinePolicies';
import { azureCode, classify, cut, isRetryable, retryAfterMs } from './problems';
import { sleep } from '../domain/sleep';

export const DEFAULT_LOG_ANALYTICS_ENDPOINT = 'https://api.loganalytics.io';
/** A query over 90 days of events may take longer than one ARM read. */
const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** A longer Retry-After is not waited in the background: the status says when to refresh. */
const MAX_RETRY_AFTER_MS = 20_000;
/** The role that reads a workspace's tables. */
export const LOG_ANALYTICS_READER = 'Log Analytics Reader';

export interface WorkspaceQuery {
  /** The workspace ID (a GUID: the workspace's `customerId`). */
  readonly customerId: string;
  /** For messages: the role is asked on this scope. */
  readonly workspaceResourceId?: string;
  readonly kql: string;
  readonly startTime: Date;
  readonly endTime: Date;
}

export type QueryOutcome =
  | { readonly ok: true; readonly table: InsightsTable; readonly partial?: AzureProblem }
  | { readonly ok: false; readonly problem: AzureProblem; readonly cancelled?: boolean };

/** The endpoint as an https origin, or undefined (no token is sent to anything else). */
export function logAnalyticsEndpoint(settings: AzureSettings): string | undefined {
  const raw = normalizeEndpoint(settings.logAnalyticsEndpoint ?? '') || DEFAULT_LOG_ANALYTICS_ENDPOINT;
  try {
    return new URL(raw).protocol === 'https:' ? raw : undefined;
  } catch {
    return undefined;
  }
}

/**
 * monitor-query-logs 1.0 does not pass `abortSignal` on to its request: this policy joins the
 * read's signal to every request, so cancelling the read ends a hung query.
 */
function abortPolicy(signal: AbortSignal): PipelinePolicy {
  return {
    name: 'aksNodeRepairAbort',
    sendRequest(request, next) {
      const own = request.abortSignal as AbortSignal | undefined;
      request.abortSignal = own ? AbortSignal.any([own, signal]) : signal;
      return next(request);
    },
  };
}

function createClient(credential: TokenCredential, endpoint: string, settings: AzureSettings, signal: AbortSignal, httpClient: HttpClient | undefined): LogsQueryClient {
  const client = new LogsQueryClient(credential, {
    endpoint: `${endpoint}/v1`,
    credentials: { scopes: [`${endpoint}/.default`] },
    additionalPolicies: [
      { policy: abortPolicy(signal), position: 'perCall' },
      { policy: requestTimeoutPolicy(settings.requestTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS), position: 'perRetry' },
      { policy: hostGuardPolicy(endpoint, settings.log, 'aksNodeRepairHostGuardWire'), position: 'perRetry' },
    ],
    retryOptions: { maxRetries: 0 },
    ...(httpClient ? { httpClient } : {}),
  });
  client.pipeline.addPolicy(hostGuardPolicy(endpoint, settings.log, 'aksNodeRepairHostGuard'), { beforePolicies: [bearerTokenAuthenticationPolicyName] });
  return client;
}

/** The SDK's table (`columnDescriptors`) as the mapper reads it. */
function tableOf(tables: readonly LogsTable[]): InsightsTable {
  const table = tables.find((t) => t.name === 'PrimaryResult') ?? tables[0];
  return table ? { columns: table.columnDescriptors ?? [], rows: table.rows ?? [] } : { columns: [], rows: [] };
}

export async function queryWorkspace(
  credential: TokenCredential & RefreshableCredential,
  query: WorkspaceQuery,
  settings: AzureSettings,
  signal: AbortSignal,
  httpClient?: HttpClient,
): Promise<QueryOutcome> {
  const endpoint = logAnalyticsEndpoint(settings);
  if (!endpoint) {
    return { ok: false, problem: notHttps() };
  }
  const maxRetries = Math.max(0, settings.maxRetries ?? DEFAULT_MAX_RETRIES);
  const baseDelay = Math.max(0, settings.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS);
  const context = { endpoint, subscriptionId: '', credentialSource: credential.source, timeoutMs: settings.requestTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS };
  let client = createClient(credential, endpoint, settings, signal, httpClient);
  let refreshed = false;
  for (let retries = 0; ;) {
    try {
      const result = await client.queryWorkspace(query.customerId, query.kql, { startTime: query.startTime, endTime: query.endTime }, { serverTimeoutInSeconds: 60 });
      if (result.status === LogsQueryResultStatus.PartialFailure) {
        return { ok: true, table: tableOf(result.partialTables), partial: partialProblem(result.partialError) };
      }
      return { ok: true, table: tableOf(result.tables) };
    } catch (error) {
      if (signal.aborted) {
        return { ok: false, cancelled: true, problem: { kind: 'unknown', message: l10n.t('Cancelled.'), nextStep: l10n.t('Refresh to read it again.') } };
      }
      const problem = queryProblem(error, classify(error, context), query, endpoint);
      if (problem.kind === 'unauthorized' && problem.status === 401 && !refreshed) {
        refreshed = true;
        settings.log?.info('Log Analytics: 401; asking the credential for a fresh token once.');
        credential.invalidate?.();
        client = createClient(credential, endpoint, settings, signal, httpClient);
        continue;
      }
      const delay = retries < maxRetries && isRetryable(problem) ? retryDelay(problem, error, retries, baseDelay) : undefined;
      if (delay !== undefined) {
        retries++;
        settings.log?.info(`Log Analytics: query: ${problem.status ?? problem.kind}; retry ${retries} of ${maxRetries} in ${delay} ms.`);
        if (!(await sleep(delay, signal))) {
          return { ok: false, cancelled: true, problem: { kind: 'unknown', message: l10n.t('Cancelled.'), nextStep: l10n.t('Refresh to read it again.') } };
        }
        continue;
      }
      settings.log?.warn(`Log Analytics: query: ${problem.kind}${problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}.`);
      return { ok: false, problem };
    }
  }
}

function retryDelay(problem: AzureProblem, error: unknown, retries: number, baseDelay: number): number | undefined {
  if (problem.kind === 'throttled') {
    const after = retryAfterMs(error);
    if (after !== undefined) {
      return after > MAX_RETRY_AFTER_MS ? undefined : Math.ceil(after);
    }
  }
  const exp = Math.min(MAX_BACKOFF_MS, baseDelay * 2 ** retries);
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

/** The Resource Manager wording of a problem, where Log Analytics differs: the role, the host, the workspace. */
function queryProblem(error: unknown, problem: AzureProblem, query: WorkspaceQuery, endpoint: string): AzureProblem {
  const scope = query.workspaceResourceId ?? l10n.t('the workspace {0}', query.customerId);
  if (error instanceof RefusedHostError) {
    return {
      ...problem,
      message: l10n.t('Log Analytics answered with a link to {0}, which is not the configured Log Analytics endpoint; nothing was sent there.', error.host),
      nextStep: l10n.t('Check the setting {0} ({1} now); tokens go to that host only.', settingId(Settings.azureLogAnalyticsEndpoint), hostOf(endpoint)),
    };
  }
  if (problem.kind === 'forbidden') {
    return {
      ...problem,
      missingRole: { role: LOG_ANALYTICS_READER, scope },
      message: l10n.t('Not allowed to query the Log Analytics workspace {0} ({1}).', query.customerId, problem.code ?? '403'),
      nextStep: l10n.t('Ask for the {0} role on {1} (or Reader, or any role that can read its tables), then Refresh.', LOG_ANALYTICS_READER, scope),
    };
  }
  if (problem.kind === 'not-found') {
    return {
      ...problem,
      message: l10n.t('Log Analytics knows no workspace {0} ({1}).', query.customerId, problem.code ?? '404'),
      nextStep: l10n.t('Check the setting {0}, or clear it to find the cluster\'s workspace; then Refresh.', settingId(Settings.containerInsightsWorkspaceId)),
    };
  }
  if (problem.kind === 'throttled') {
    const wait = retryAfterMs(error);
    return {
      ...problem,
      message: l10n.t('Log Analytics is throttling queries (429): {0}', problem.message.replace(/^.*?\(429\):\s*/, '')),
      nextStep: wait !== undefined
        ? l10n.t('Wait {0} s (Log Analytics\' Retry-After), then Refresh.', Math.ceil(wait / 1000))
        : l10n.t('Wait a minute, then Refresh.'),
    };
  }
  return problem;
}

interface ErrorInfoLike {
  readonly code?: string;
  readonly message?: string;
  readonly details?: readonly { readonly code?: string; readonly message?: string; readonly innererror?: { readonly message?: string } }[];
  readonly innererror?: { readonly message?: string };
}

/** Log Analytics' `error` beside the tables: what was left out, said once. */
function partialProblem(error: ErrorInfoLike | undefined): AzureProblem {
  const detail = error?.details?.[0];
  const why = cut(detail?.innererror?.message ?? detail?.message ?? error?.innererror?.message ?? error?.message, 300) ?? '';
  return {
    kind: 'server',
    code: azureCode(error?.code),
    message: why ? l10n.t('{0} ({1})', cut(error?.message, 200) ?? l10n.t('Part of the query failed.'), why) : cut(error?.message, 300) ?? l10n.t('Part of the query failed.'),
    nextStep: l10n.t('Some events may be missing: Refresh later, or lower {0} to read fewer days.', settingId(Settings.containerInsightsDays)),
  };
}

function notHttps(): AzureProblem {
  return {
    kind: 'refused-host',
    message: l10n.t('The setting {0} is not an https:// address, so no token is sent anywhere.', settingId(Settings.azureLogAnalyticsEndpoint)),
    nextStep: l10n.t('Set it to your cloud\'s Log Analytics endpoint, for example https://api.loganalytics.io.'),
  };
}

