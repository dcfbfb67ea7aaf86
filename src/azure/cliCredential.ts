/**
 * The Azure CLI's account as a credential (`az account get-access-token`), its failures turned
 * into sign-in errors with the fix: install the CLI, run `az login`, or sign in to the tenant.
 */
import * as l10n from '@vscode/l10n';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { AzureCliCredential } from '@azure/identity';
import { SignInError, type RefreshableCredential } from './credentialTypes';

const WRONG_TENANT = /AADSTS(90002|50020|50128|50059|700016|500011)|tenant '[^']*' not found|Invalid tenant id|--tenant/i;

export function cliSignInError(error: unknown, tenant: string | undefined): SignInError {
  const text = error instanceof Error ? error.message : String(error);
  if (/Azure CLI could not be found|az:.*not found|is not recognized/i.test(text)) {
    return new SignInError('cli-missing', l10n.t('The Azure CLI (az) was not found on PATH.'),
      l10n.t('Install the Azure CLI (https://aka.ms/azure-cli), run `az login`, then Refresh.'));
  }
  if (tenant && WRONG_TENANT.test(text)) {
    return new SignInError('wrong-tenant', l10n.t('The Azure CLI is not signed in to the tenant {0}.', tenant),
      l10n.t('Run `az login --tenant {0}`, or correct the setting aksNodeRepair.azure.tenant, then Refresh.', tenant));
  }
  if (/az login/i.test(text)) {
    return new SignInError('not-signed-in', l10n.t('The Azure CLI is not signed in.'),
      tenant ? l10n.t('Run `az login --tenant {0}`, then Refresh.', tenant) : l10n.t('Run `az login`, then Refresh.'));
  }
  return new SignInError('not-signed-in', l10n.t('The Azure CLI gave no token.'),
    l10n.t('Run `az account get-access-token` in a terminal to see why, then `az login` if needed.'));
}

export function createCliCredential(tenant?: string): RefreshableCredential {
  const tenantId = tenant?.trim() || undefined;
  const inner = new AzureCliCredential(tenantId ? { tenantId } : {});
  return {
    source: 'azureCli',
    // `az` itself refreshes its token; each getToken asks it again, so nothing is cached to drop.
    invalidate(): void { /* nothing cached here */ },
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      try {
        return await inner.getToken(scopes, options);
      } catch (error) {
        throw cliSignInError(error, tenantId);
      }
    },
  };
}
