/**
 * Reads the errors a call to the API server ends with. Our own list and watch requests
 * (kubeRequest.ts) throw an HttpStatusError (`statusCode`, the body as a string, headers) or a
 * RequestFailed (the socket's error as `cause`, its `code` copied); client-node, which node actions
 * and the credential step still use, throws an ApiException (`code`, `body` as a JSON string,
 * headers), `TypeError: fetch failed` with a `cause.code`, or a plugin's failure. Plus our own
 * aborts and timeouts. problems.ts turns these into words.
 */

import type { Logger } from './clusterTypes';
import { oneLine } from '../domain/redact';

/** The HTTP status of an ApiException (`code`) or of a failed watch (`statusCode`). */
export function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') {
    return e.statusCode;
  }
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) {
    return e.code;
  }
  return undefined;
}

/** True for an abort we asked for (dispose, refresh), as opposed to a timeout. */
export function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'AbortError';
}

export function isTimeout(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

/** A credential plugin that could not be started (not installed, not executable). */
export function isSpawnFailure(err: unknown): boolean {
  const e = err as { syscall?: unknown } | undefined;
  return typeof e?.syscall === 'string' && e.syscall.startsWith('spawn');
}

/**
 * A connection that failed without a code to say how: client-node's `fetch failed`, or our own
 * RequestFailed (kubeRequest.ts) whose socket error had none.
 */
export function isFetchFailure(err: unknown): boolean {
  return (err instanceof TypeError && /fetch failed|terminated/i.test(err.message))
    || (err as { name?: unknown } | undefined)?.name === 'RequestFailed';
}

/** An Error thrown as it is (or a SyntaxError), as client-node does for a plugin's failure. */
export function isPlainError(err: unknown): boolean {
  return err instanceof Error && (err.constructor === Error || err instanceof SyntaxError);
}

/** The first `code` string along the cause chain. */
export function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A 429/503's wait, from its Retry-After header or its Status' retryAfterSeconds. */
export function retryAfter(err: unknown, body: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> }).headers;
  const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = header !== undefined ? Number(header) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const fromBody = (body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds;
  return typeof fromBody === 'number' && fromBody >= 0 ? fromBody * 1000 : undefined;
}

/** The Status message of a parsed error body, redacted, one line. */
export function statusMessage(body: unknown, secrets: readonly string[]): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? oneLine(message, 200, secrets) : undefined;
}

/**
 * The error's body, parsed (a Status, as a rule). A body that is not JSON (a proxy's HTML page,
 * say) has no Status to read: that is logged, and the error is classified by its status alone.
 */
export function parseBody(err: unknown, log: Logger | undefined, secrets: readonly string[]): unknown {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    if (body.trim() === '') {
      return undefined;
    }
    try {
      return JSON.parse(body);
    } catch (parseErr) {
      log?.debug(`The API server's error body is not JSON (${errorMessage(parseErr)}): ${oneLine(body, 200, secrets)}`);
      return undefined;
    }
  }
  return typeof body === 'object' ? body : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The error and its causes, for the log. */
export function describe(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(`${current.name}${code !== undefined ? ` ${String(code)}` : ''}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ← ').slice(0, 4000);
}
