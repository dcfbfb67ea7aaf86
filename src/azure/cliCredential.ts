/**
 * The Azure CLI's account as a credential (`az account get-access-token`), its failures turned
 * into sign-in errors with the fix: install the CLI, run `az login`, or sign in to the tenant.
 * A tenant setting that is not a tenant id or domain never throws here: the credential's
 * getToken fails as wrong-tenant, so the panel shows the setting to correct.
 */
import * as l10n from '@vscode/l10n';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { AzureCliCredential } from '@azure/identity';
import { Settings, settingId } from '../ids';
import { SignInError, type RefreshableCredential } from './credentialTypes';

const TENANT_SETTING = settingId(Settings.azureTenant);
/** A tenant id (GUID) or a domain name, as `az login --tenant` takes; identity checks the same characters. */
const TENANT_SHAPE = /^[0-9a-zA-Z.-]{1,256}$/;

const WRONG_TENANT = /AADSTS(90002|50020|50128|50059|700016|500011)|tenant '[^']*' not found|Invalid tenant id|--tenant/i;

export function cliSignInError(error: unknown, tenant: string | undefined): SignInError {
  const text = error instanceof Error ? error.message : String(error);
  if (/Azure CLI could not be found|az:.*not found|is not recognized/i.test(text)) {
    return new SignInError('cli-missing', l10n.t('The Azure CLI (az) was not found on PATH.'),
      l10n.t('Install the Azure CLI (https://aka.ms/azure-cli), run `az login`, then Refresh.'));
  }
  if (tenant && WRONG_TENANT.test(text)) {
    return new SignInError('wrong-tenant', l10n.t('The Azure CLI is not signed in to the tenant {0}.', tenant),
      l10n.t('Run `az login --tenant {0}`, or correct the setting {1}, then Refresh.', tenant, TENANT_SETTING));
  }
  if (/az login/i.test(text)) {
    return new SignInError('not-signed-in', l10n.t('The Azure CLI is not signed in.'),
      tenant ? l10n.t('Run `az login --tenant {0}`, then Refresh.', tenant) : l10n.t('Run `az login`, then Refresh.'));
  }
  return new SignInError('not-signed-in', l10n.t('The Azure CLI gave no token.'),
    l10n.t('Run `az account get-access-token` in a terminal to see why, then `az login` if needed.'));
}

function badTenant(tenant: string): SignInError {
  const shown = tenant.length > 80 ? `${tenant.slice(0, 79)}…` : tenant;
  return new SignInError('wrong-tenant', l10n.t('The setting {0} ({1}) is not a tenant ID or domain name.', TENANT_SETTING, shown),
    l10n.t('Correct the setting {0} (a tenant ID, or a domain such as contoso.onmicrosoft.com), or clear it to use the Azure CLI\'s default tenant, then Refresh.', TENANT_SETTING));
}

/** Fails every getToken with `error`: what a credential that cannot be built gives the panel. */
function failingCredential(error: SignInError): RefreshableCredential {
  return {
    source: 'azureCli',
    invalidate(): void { /* nothing cached */ },
    getToken(): Promise<AccessToken> {
      return Promise.reject(error);
    },
  };
}

export function createCliCredential(tenant?: string): RefreshableCredential {
  const tenantId = tenant?.trim() || undefined;
  if (tenantId !== undefined && !TENANT_SHAPE.test(tenantId)) {
    return failingCredential(badTenant(tenantId));
  }
  let inner: AzureCliCredential;
  try {
    inner = new AzureCliCredential(tenantId ? { tenantId } : {});
  } catch {
    // identity's own tenant check, should it be stricter than ours.
    return failingCredential(badTenant(tenantId ?? ''));
  }
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
