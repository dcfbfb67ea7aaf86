/**
 * One diagnosis's credential: every client's token policy asks this one, so each scope has one
 * `getToken` in flight and one token cached (until shortly before it expires) for the whole
 * diagnosis: with the Azure CLI that is one `az` run, not one per client. A sign-in failure is
 * kept too (the user has to act, then Refresh starts a new diagnosis). `invalidate()` (after a
 * 401) drops everything and passes the word on, so the next ask gets a fresh token, once.
 */
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { isSignInError, type RefreshableCredential } from './credentialTypes';

/** A cached token is handed out until this long before it expires. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SharedCredential extends RefreshableCredential {
  /** Tests and logs: how many times the wrapped credential was asked. */
  readonly innerCalls: number;
}

export function shareCredential(inner: RefreshableCredential): SharedCredential {
  const pending = new Map<string, Promise<AccessToken | null>>();
  const tokens = new Map<string, AccessToken>();
  const failures = new Map<string, unknown>();
  let innerCalls = 0;
  /** Bumped by invalidate(): an answer to an ask made before it is not cached. */
  let epoch = 0;

  const ask = (key: string, scopes: string | string[], options: GetTokenOptions | undefined): Promise<AccessToken | null> => {
    const askedIn = epoch;
    innerCalls++;
    const promise = inner.getToken(scopes, options).then((token) => {
      if (askedIn === epoch && token) {
        tokens.set(key, token);
      }
      return token;
    }, (error: unknown) => {
      if (askedIn === epoch && isSignInError(error)) {
        failures.set(key, error);
      }
      throw error;
    }).finally(() => {
      if (pending.get(key) === promise) {
        pending.delete(key);
      }
    });
    pending.set(key, promise);
    return promise;
  };

  return {
    source: inner.source,
    get innerCalls(): number {
      return innerCalls;
    },
    invalidate(): void {
      epoch++;
      pending.clear();
      tokens.clear();
      failures.clear();
      inner.invalidate?.();
    },
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // A claims challenge (continuous access evaluation) asks for a token no cache may answer.
      if (options?.claims) {
        innerCalls++;
        return inner.getToken(scopes, options);
      }
      const key = `${[scopes].flat().slice().sort().join(' ')}|${options?.tenantId ?? ''}`;
      const token = tokens.get(key);
      if (token && token.expiresOnTimestamp - EXPIRY_MARGIN_MS > Date.now()) {
        return token;
      }
      if (failures.has(key)) {
        throw failures.get(key);
      }
      return pending.get(key) ?? ask(key, scopes, options);
    },
  };
}
