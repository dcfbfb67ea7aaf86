/**
 * One diagnosis's calls to Resource Manager: each call retried on 429 (after Azure's Retry-After),
 * 5xx, timeouts and dropped connections with backoff up to `maxRetries`; a 401 makes the session
 * ask the credential for a fresh token once (new clients, so no cached token is reused) and try
 * again; every failure ends as an `AzureProblem`, never an exception.
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AzureProblem } from '../domain/diagnosis';
import { createArmClients, DEFAULT_REQUEST_TIMEOUT_MS, type ArmClients } from './armClients';
import type { AzureLogger, AzureSettings } from './azureTypes';
import type { RefreshableCredential } from './credentialTypes';
import { normalizeEndpoint } from './endpoints';
import { classify, isRetryable, retryAfterMs, type CallContext } from './problems';
import { sleep } from '../domain/sleep';

export type CallResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: AzureProblem; readonly cancelled?: boolean };

export const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** A longer Retry-After is not waited inside the panel: the section shows it and says when to refresh. */
const MAX_RETRY_AFTER_MS = 20_000;

export class ArmSession {
  private clientsNow: ArmClients;
  private generation = 0;
  private refreshing: Promise<void> | undefined;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly log: AzureLogger | undefined;
  readonly context: CallContext;

  constructor(
    private readonly credential: TokenCredential & RefreshableCredential,
    readonly subscriptionId: string,
    private readonly settings: AzureSettings,
    private readonly signal: AbortSignal,
    private readonly httpClient: HttpClient | undefined,
    resourceGroup: string,
  ) {
    this.maxRetries = Math.max(0, settings.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.baseDelayMs = Math.max(0, settings.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS);
    this.log = settings.log;
    this.context = {
      endpoint: normalizeEndpoint(settings.resourceManagerEndpoint),
      subscriptionId,
      resourceGroup,
      credentialSource: credential.source,
      timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    };
    this.clientsNow = this.build();
  }

  private build(): ArmClients {
    return createArmClients(this.credential, this.subscriptionId, {
      endpoint: this.settings.resourceManagerEndpoint,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      log: this.log,
      httpClient: this.httpClient,
    });
  }

  /**
   * Runs `fn` until it succeeds, fails for good, or the diagnosis is cancelled. `mayRetry` can
   * refuse a retry the session would make (a POST that may have reached Azure is not sent again).
   */
  async call<T>(
    what: string,
    fn: (clients: ArmClients, signal: AbortSignal) => Promise<T>,
    options: { readonly mayRetry?: (problem: AzureProblem) => boolean } = {},
  ): Promise<CallResult<T>> {
    let retries = 0;
    let refreshedHere = false;
    for (;;) {
      const generation = this.generation;
      try {
        return { ok: true, value: await fn(this.clientsNow, this.signal) };
      } catch (error) {
        if (this.signal.aborted) {
          return cancelled();
        }
        const problem = classify(error, this.context);
        if (problem.kind === 'unauthorized' && problem.status === 401 && !refreshedHere) {
          refreshedHere = true;
          if (await this.refreshOnce(generation, what)) {
            continue;
          }
        }
        if (isRetryable(problem) && retries < this.maxRetries && (options.mayRetry?.(problem) ?? true)) {
          const delay = this.delayFor(problem, error, retries);
          if (delay !== undefined) {
            retries++;
            this.log?.info(`Azure: ${what}: ${problem.status ?? problem.kind}; retry ${retries} of ${this.maxRetries} in ${delay} ms.`);
            if (!(await sleep(delay, this.signal))) {
              return cancelled();
            }
            continue;
          }
        }
        this.log?.warn(`Azure: ${what}: ${problem.kind}${problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}.`);
        return { ok: false, problem };
      }
    }
  }

  /**
   * One fresh token for the whole diagnosis: the first 401 tells the credential its token was
   * refused and rebuilds the clients; calls refused with the old token retry with the new clients.
   * False when a refresh already happened after this call's own clients were built.
   */
  private async refreshOnce(generation: number, what: string): Promise<boolean> {
    if (this.generation > generation) {
      return true;
    }
    if (this.generation > 0) {
      return false;
    }
    if (!this.refreshing) {
      this.log?.info(`Azure: ${what}: 401; asking the credential for a fresh token once.`);
      this.refreshing = Promise.resolve().then(() => {
        this.credential.invalidate?.();
        this.clientsNow = this.build();
        this.generation++;
      });
    }
    await this.refreshing;
    return true;
  }

  /** Retry-After for a 429 (undefined when too long to wait here), else exponential backoff with ±20 % jitter. */
  private delayFor(problem: AzureProblem, error: unknown, retries: number): number | undefined {
    if (problem.kind === 'throttled') {
      const after = retryAfterMs(error);
      if (after !== undefined) {
        return after > MAX_RETRY_AFTER_MS ? undefined : Math.ceil(after);
      }
    }
    const exp = Math.min(MAX_BACKOFF_MS, this.baseDelayMs * 2 ** retries);
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  }
}

function cancelled<T>(): CallResult<T> {
  return {
    ok: false,
    cancelled: true,
    problem: { kind: 'unknown', message: l10n.t('Cancelled.'), nextStep: l10n.t('Refresh to read it again.') },
  };
}

/** Collects a paged list, stopping at `limit` items (a runaway `nextLink` chain ends there). */
export async function collect<T>(pages: AsyncIterable<T>, limit: number): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) {
    items.push(item);
    if (items.length >= limit) {
      break;
    }
  }
  return items;
}
