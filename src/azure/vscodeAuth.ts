/**
 * VS Code's built-in Microsoft account as a `TokenCredential` for the @azure/* clients, as the
 * AKS extension does. The one file under src/azure that may import `vscode`; it is bundled into
 * extension.js, so it imports nothing of @azure at runtime (types only).
 *
 * It never pops a sign-in on its own (`silent`): not signed in is a SignInError the panel shows
 * with a "Sign in to Azure" action, which calls `signIn()`. A Resource Manager endpoint other than
 * the public cloud's signs in with VS Code's sovereign-cloud provider (which reads its cloud from
 * the setting `microsoft-sovereign-cloud.environment`). It gives tokens for that endpoint only.
 */
import * as vscode from 'vscode';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { SignInError, type RefreshableCredential } from './credentialTypes';
import { isPublicCloud, normalizeEndpoint } from './endpoints';

type AuthProvider = 'microsoft' | 'microsoft-sovereign-cloud';
/** Without a readable expiry, a token is treated as good for this long (the provider refreshes on its side). */
const FALLBACK_LIFETIME_MS = 5 * 60 * 1000;

export interface VscodeCredentialOptions {
  readonly tenant?: string;
  readonly resourceManagerEndpoint: string;
}

export type VscodeCredential = RefreshableCredential & {
  /** Asks the user to sign in (or to sign in again after a refused token). True when a session came back. */
  signIn(): Promise<boolean>;
};

/** The scopes VS Code's Microsoft provider takes: the endpoint's `.default`, and the tenant when set. */
export function sessionScopes(options: VscodeCredentialOptions): string[] {
  const endpoint = normalizeEndpoint(options.resourceManagerEndpoint);
  const tenant = options.tenant?.trim();
  return tenant ? [`${endpoint}/.default`, `VSCODE_TENANT:${tenant}`] : [`${endpoint}/.default`];
}

/** VS Code's public-cloud Microsoft provider, or its sovereign-cloud one for any other endpoint. */
export function authProvider(resourceManagerEndpoint: string): AuthProvider {
  return isPublicCloud(resourceManagerEndpoint) ? 'microsoft' : 'microsoft-sovereign-cloud';
}

/** The `exp` claim of a JWT access token, in epoch ms; the token is not verified (Azure does that). */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) {
    return undefined;
  }
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function vscodeCredential(options: VscodeCredentialOptions): VscodeCredential {
  const scopes = sessionScopes(options);
  const resourceScope = scopes[0];
  const provider = authProvider(options.resourceManagerEndpoint);
  /** The token Azure refused with a 401: never handed out again; the next sign-in forces a new session. */
  let refused: string | undefined;
  let lastToken: string | undefined;

  const notSignedIn = (): SignInError => new SignInError('not-signed-in',
    vscode.l10n.t('Not signed in to Azure in VS Code.'),
    provider === 'microsoft'
      ? vscode.l10n.t('Sign in to Azure (Accounts menu, or the panel\'s "Sign in to Azure"), then Refresh.')
      : vscode.l10n.t('Set microsoft-sovereign-cloud.environment to your cloud, sign in to Azure (the panel\'s "Sign in to Azure"), then Refresh.'));

  return {
    source: 'vscode',
    invalidate(): void {
      refused = lastToken;
    },
    async getToken(requested: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      // The session's token is for the configured endpoint: a client asking for another resource gets none.
      const other = [requested].flat().find((s) => normalizeEndpoint(s) !== resourceScope);
      if (other !== undefined) {
        throw new Error(vscode.l10n.t('VS Code\'s Azure account gives tokens for {0} only, not for {1}.', resourceScope, other));
      }
      let session: vscode.AuthenticationSession | undefined;
      try {
        session = await vscode.authentication.getSession(provider, scopes, { silent: true });
      } catch {
        // The provider is missing, or the user declined to share the account with this extension.
        throw notSignedIn();
      }
      if (!session) {
        throw notSignedIn();
      }
      if (refused !== undefined && session.accessToken === refused) {
        throw new SignInError('unauthorized',
          vscode.l10n.t('Azure refused the token of the account {0} (401).', session.account.label),
          vscode.l10n.t('Sign in to Azure again (the panel\'s "Sign in to Azure"), then Refresh.'));
      }
      lastToken = session.accessToken;
      return {
        token: session.accessToken,
        expiresOnTimestamp: tokenExpiry(session.accessToken) ?? Date.now() + FALLBACK_LIFETIME_MS,
      };
    },
    async signIn(): Promise<boolean> {
      const detail = vscode.l10n.t('AKS Node Auto-Repair reads the node\'s Azure resources (Reader is enough).');
      try {
        const session = refused !== undefined
          ? await vscode.authentication.getSession(provider, scopes, { forceNewSession: { detail } })
          : await vscode.authentication.getSession(provider, scopes, { createIfNone: { detail } });
        if (session.accessToken !== refused) {
          refused = undefined;
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}
