/**
 * One long-running operation's view of its own polling, as a pipeline policy on the clients that
 * run it: the POST's answer names the status URLs (`Azure-AsyncOperation`, `Location`); a GET of
 * one of them is a poll, whose body gives Azure's status text (`InProgress` …) and, when it
 * failed, Azure's error. The SDK poller keeps neither (it normalises the status and folds the
 * error into a plain Error's message), and it gives up for good on the first 429 or 5xx of a poll:
 * so this policy retries a poll itself (Retry-After, else backoff), as armCall.ts retries a call.
 */
import type { Pipeline, PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { AzureLogger } from './azureTypes';
import { azureCode, classify, isRetryable, retryAfterMs, type CallContext } from './problems';

export const OPERATION_WATCH_POLICY = 'aksNodeRepairOperationWatch';
const MAX_BACKOFF_MS = 10_000;
/** A poll's Retry-After is waited up to this long; the operation keeps running meanwhile. */
const MAX_POLL_RETRY_AFTER_MS = 60_000;
const MAX_ERROR_TEXT = 4000;

export interface OperationError {
  readonly code?: string;
  readonly message?: string;
}

export interface OperationWatchOptions {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly context: CallContext;
  readonly log?: AzureLogger;
  readonly what: string;
}

export class OperationWatch {
  /** The POST went out (so the operation may run in Azure even if its answer never arrives). */
  sent = false;
  /** Azure's status text from the latest poll. */
  status: string | undefined;
  /** Azure's error from the latest poll that carried one. */
  error: OperationError | undefined;
  /** Polls answered (retries included). */
  polls = 0;
  private readonly pollUrls = new Set<string>();

  constructor(private readonly options: OperationWatchOptions) {}

  /** Adds the policy to a client's pipeline once (clients rebuilt after a 401 get it too). */
  watch(pipeline: Pipeline): void {
    if (!pipeline.getOrderedPolicies().some((p) => p.name === OPERATION_WATCH_POLICY)) {
      // No phase: it runs before the per-retry policies, so a retried poll goes through the host guard again.
      pipeline.addPolicy(this.policy());
    }
  }

  private policy(): PipelinePolicy {
    return {
      name: OPERATION_WATCH_POLICY,
      sendRequest: async (request, next) => {
        if (request.method === 'POST') {
          this.sent = true;
          const response = await next(request);
          if (response.status >= 200 && response.status < 300) {
            for (const header of ['azure-asyncoperation', 'operation-location', 'location']) {
              const url = response.headers.get(header);
              const key = url ? urlKey(url, request.url) : undefined;
              if (key) {
                this.pollUrls.add(key);
              }
            }
          }
          return response;
        }
        const key = urlKey(request.url);
        return request.method === 'GET' && key !== undefined && this.pollUrls.has(key)
          ? this.poll(request, next)
          : next(request);
      },
    };
  }

  private async poll(request: PipelineRequest, next: (r: PipelineRequest) => Promise<PipelineResponse>): Promise<PipelineResponse> {
    const { maxRetries, log, what } = this.options;
    for (let retries = 0; ; retries++) {
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        const problem = classify(error, this.options.context);
        if (retries < maxRetries && isRetryable(problem) && !aborted(request)) {
          log?.info(`Azure: ${what}: polling failed (${problem.kind}${problem.code ? ` ${problem.code}` : ''}); retry ${retries + 1} of ${maxRetries}.`);
          await sleep(this.backoff(retries), request);
          continue;
        }
        throw error;
      }
      if ((response.status === 429 || response.status >= 500) && retries < maxRetries && !aborted(request)) {
        const after = retryAfterMs({ response });
        const delay = after !== undefined ? Math.min(MAX_POLL_RETRY_AFTER_MS, Math.ceil(after)) : this.backoff(retries);
        log?.info(`Azure: ${what}: polling answered ${response.status}; retry ${retries + 1} of ${maxRetries} in ${delay} ms.`);
        await sleep(delay, request);
        continue;
      }
      this.polls++;
      this.read(response);
      return response;
    }
  }

  /** Azure's status from a poll: the body's `status`, else what the HTTP status means for a Location URL. */
  private read(response: PipelineResponse): void {
    let body: { status?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) as typeof body : undefined;
    } catch {
      body = undefined;
    }
    if (typeof body?.status === 'string') {
      this.status = body.status.slice(0, 50);
    } else if (response.status === 202) {
      this.status = 'InProgress';
    } else if (response.status >= 200 && response.status < 300 && !/^(succeeded|failed|canceled|cancelled)$/i.test(this.status ?? '')) {
      this.status = 'Succeeded';
    }
    const error = body?.error;
    if (error && typeof error === 'object') {
      this.error = {
        code: azureCode(error.code),
        message: typeof error.message === 'string' ? error.message.slice(0, MAX_ERROR_TEXT) : undefined,
      };
    }
  }

  private backoff(retries: number): number {
    const exp = Math.min(MAX_BACKOFF_MS, this.options.baseDelayMs * 2 ** retries);
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  }
}

/** origin + path, lower-cased: a poll URL is recognised whatever its query (api-version is added by the SDK). */
function urlKey(url: string, base?: string): string | undefined {
  try {
    const u = new URL(url, base);
    return `${u.origin}${u.pathname}`.toLowerCase();
  } catch {
    return undefined;
  }
}

function aborted(request: PipelineRequest): boolean {
  return (request.abortSignal as AbortSignal | undefined)?.aborted === true;
}

/** Waits, or returns early when the request is aborted (the next try then fails with the abort). */
function sleep(ms: number, request: PipelineRequest): Promise<void> {
  const signal = request.abortSignal as AbortSignal | undefined;
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
