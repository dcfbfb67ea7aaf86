/**
 * Two pipeline policies every client gets: the host guard (a token goes to the configured
 * Resource Manager endpoint only) and a per-request timeout (a hung connection fails).
 */
import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';
import type { AzureLogger } from './azureTypes';
import { hostOf } from './endpoints';

/** A request to a host other than the configured endpoint (a `nextLink` or polling URL elsewhere). */
export class RefusedHostError extends Error {
  override readonly name = 'RefusedHostError';
  constructor(readonly host: string) {
    super(`refused a request to ${host}`);
  }
}

/** A single request got no answer in time. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Refuses any request whose origin (scheme, host, port) differs from `endpoint`. Placed before the
 * bearer-token policy, so a refused request never gets a token; a second copy runs last, next to
 * the wire, to catch anything a later policy might have redirected. Logs the host only.
 */
export function hostGuardPolicy(endpoint: string, log: AzureLogger | undefined, name: string): PipelinePolicy {
  const allowed = originOf(endpoint);
  return {
    name,
    async sendRequest(request: PipelineRequest, next) {
      if (allowed === undefined || originOf(request.url) !== allowed) {
        const host = hostOf(request.url);
        log?.warn(`Azure: refused a request to ${host}: tokens go to ${allowed ?? endpoint} only.`);
        throw new RefusedHostError(host);
      }
      return next(request);
    },
  };
}

/** Each request (each page, each retry) gets `timeoutMs`; the caller's own abort still wins. */
export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'aksNodeRepairRequestTimeout',
    async sendRequest(request, next) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const outer = request.abortSignal as AbortSignal | undefined;
      request.abortSignal = outer ? AbortSignal.any([outer, timeout]) : timeout;
      try {
        return await next(request);
      } catch (error) {
        if (timeout.aborted && !outer?.aborted) {
          throw new RequestTimeoutError(timeoutMs);
        }
        throw error;
      } finally {
        request.abortSignal = outer;
      }
    },
  };
}
