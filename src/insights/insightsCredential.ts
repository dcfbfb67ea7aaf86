/**
 * The credential for a Container Insights read, only when one is at hand without asking: the
 * Azure CLI's (setting `azureCli`), or VS Code's Microsoft account when it is already signed in
 * (checked with `silent`, so no sign-in ever pops up at connect). VS Code's account gives tokens
 * for the Resource Manager endpoint only (vscodeAuth.ts); the Log Analytics scope is asked of the
 * same provider here, also silently.
 */
import * as vscode from 'vscode';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import type { TokenCredential } from '../azure/azureTypes';
import { SignInError, type RefreshableCredential } from '../azure/credentialTypes';
import { normalizeEndpoint } from '../azure/endpoints';
import { authProvider, sessionScopes, tokenExpiry } from '../azure/vscodeAuth';
import type { CredentialChoice } from '../diagnosis/azureSignIn';
import { SETTINGS_SECTION, Settings } from '../ids';

const FALLBACK_LIFETIME_MS = 5 * 60 * 1000;
const SILENT_CHECK_TIMEOUT_MS = 10_000;

export interface SilentCredentialOptions {
  readonly resourceManagerEndpoint: string;
  readonly logAnalyticsEndpoint: string;
}

/** True when VS Code's Microsoft account is signed in for the Resource Manager endpoint (never prompts). */
export async function vscodeSignedIn(resourceManagerEndpoint: string): Promise<boolean> {
  const tenant = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.azureTenant, '').trim() || undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const session = vscode.authentication.getSession(authProvider(resourceManagerEndpoint), sessionScopes({ tenant, resourceManagerEndpoint }), { silent: true });
    // A provider that never registers must not hold the read forever.
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), SILENT_CHECK_TIMEOUT_MS);
    });
    return (await Promise.race([session, timeout])) !== undefined;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The chosen credential, extended for VS Code's account with the Log Analytics scope (asked
 * silently: not signed in for it is a sign-in problem in the result, not a prompt).
 */
export function insightsCredential(choice: Extract<CredentialChoice, { credential: unknown }>, options: SilentCredentialOptions): TokenCredential {
  if (choice.mode !== 'vscode') {
    return choice.credential;
  }
  const arm = choice.credential as RefreshableCredential;
  const logAnalyticsScope = `${normalizeEndpoint(options.logAnalyticsEndpoint)}/.default`;
  const provider = authProvider(options.resourceManagerEndpoint);
  const tenant = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.azureTenant, '').trim() || undefined;
  let refused: string | undefined;
  let last: string | undefined;
  const credential: RefreshableCredential = {
    source: 'vscode',
    invalidate(): void {
      refused = last;
      arm.invalidate?.();
    },
    async getToken(scopes: string | string[], getOptions?: GetTokenOptions): Promise<AccessToken | null> {
      const asked = [scopes].flat();
      if (!asked.every((s) => normalizeEndpoint(s) === logAnalyticsScope)) {
        return arm.getToken(scopes, getOptions);
      }
      let session: vscode.AuthenticationSession | undefined;
      try {
        session = await vscode.authentication.getSession(provider, tenant ? [logAnalyticsScope, `VSCODE_TENANT:${tenant}`] : [logAnalyticsScope], { silent: true });
      } catch {
        session = undefined;
      }
      if (!session || session.accessToken === refused) {
        throw new SignInError('not-signed-in',
          vscode.l10n.t('VS Code\'s Azure account gave no token for Log Analytics.'),
          vscode.l10n.t('Sign in to Azure again (Accounts menu), or use the Azure CLI\'s account (setting aksNodeRepair.azure.credential), then Refresh.'));
      }
      last = session.accessToken;
      return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken) ?? Date.now() + FALLBACK_LIFETIME_MS };
    },
  };
  return credential;
}
