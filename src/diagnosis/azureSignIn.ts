/**
 * Which Azure credential and Resource Manager endpoint a diagnosis run uses, read from the
 * settings each run; or the problem (with its fix) when it cannot sign in.
 */
import * as vscode from 'vscode';
import type { AzureBackend, AzureLogger, AzureSettings, TokenCredential } from '../azure/azureTypes';
import { normalizeEndpoint } from '../azure/endpoints';
import { vscodeCredential } from '../azure/vscodeAuth';
import type { AzureProblem } from '../domain/diagnosis';
import { oneLine } from '../domain/redact';
import { SETTINGS_SECTION, settingId, Settings, type AzureCredentialSetting } from '../ids';

/** What one run needs to sign in, or why it cannot. */
export type CredentialChoice =
  | { readonly credential: TokenCredential; readonly mode: AzureCredentialSetting; readonly signIn?: () => Promise<boolean> }
  | { readonly problem: AzureProblem; readonly mode: AzureCredentialSetting };

/** The credential for one run: VS Code's account or the Azure CLI's (which loads the backend). */
export function chooseCredential(backend: () => AzureBackend, log: vscode.LogOutputChannel): CredentialChoice {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const mode = credentialSetting();
  const tenant = config.get<string>(Settings.azureTenant, '').trim() || undefined;
  const endpoint = endpointSetting(config);
  if (!endpoint) {
    return {
      mode,
      problem: {
        kind: 'refused-host',
        message: vscode.l10n.t('The setting {0} is not an https:// address, so no token is sent anywhere.', settingId(Settings.azureResourceManagerEndpoint)),
        nextStep: vscode.l10n.t('Set it to your cloud\'s Resource Manager endpoint, for example https://management.azure.com.'),
      },
    };
  }
  if (mode === 'azureCli') {
    let loaded: AzureBackend;
    try {
      loaded = backend();
    } catch (err) {
      log.error(`Could not load the Azure client: ${oneLine(String(err))}`);
      return { mode, problem: clientNotLoaded() };
    }
    try {
      return { mode, credential: loaded.cliCredential(tenant) };
    } catch (err) {
      // AzureCliCredential checks the tenant when it is built: a bad tenant is the setting's fault, not the CLI's.
      log.error(`No Azure CLI credential: ${oneLine(String(err))}`);
      return { mode, problem: credentialProblem(err, tenant, mode) };
    }
  }
  try {
    const credential = vscodeCredential({ tenant, resourceManagerEndpoint: endpoint });
    return { mode, credential, signIn: () => credential.signIn() };
  } catch (err) {
    log.error(`No Azure credential: ${oneLine(String(err))}`);
    return { mode, problem: credentialProblem(err, tenant, mode) };
  }
}

/** The Azure bundle (dist/azure.js) did not load: not a sign-in problem, so no sign-in fix. */
export function clientNotLoaded(): AzureProblem {
  return {
    kind: 'unknown',
    message: vscode.l10n.t('The Azure client could not be loaded.'),
    nextStep: vscode.l10n.t('Reinstall the extension; see the "AKS Node Auto-Repair" output for details.'),
  };
}

function credentialProblem(err: unknown, tenant: string | undefined, mode: AzureCredentialSetting): AzureProblem {
  const detail = err instanceof Error ? err.message : String(err);
  if (tenant !== undefined) {
    return {
      kind: 'wrong-tenant',
      message: vscode.l10n.t('No Azure credential could be set up for the tenant "{0}": {1}', tenant, detail),
      nextStep: vscode.l10n.t('Set {0} to your tenant\'s ID (a GUID) or domain, or clear it to use the account\'s home tenant.', settingId(Settings.azureTenant)),
    };
  }
  return {
    kind: mode === 'azureCli' ? 'cli-missing' : 'not-signed-in',
    message: vscode.l10n.t('No Azure credential could be set up: {0}', detail),
    nextStep: mode === 'azureCli'
      ? vscode.l10n.t('Install the Azure CLI and run "az login", or use VS Code\'s account (setting {0}).', settingId(Settings.azureCredential))
      : vscode.l10n.t('Sign in to Azure from the Accounts menu, then press Refresh.'),
  };
}

/**
 * What a run needs besides its credential: the Resource Manager endpoint its calls go to, and the
 * log where refused hosts, retries and sign-in refreshes are written (hosts and codes only).
 */
export function azureSettings(log: vscode.LogOutputChannel): AzureSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const azureLog: AzureLogger = {
    info: (message) => log.info(`Azure: ${message}`),
    warn: (message) => log.warn(`Azure: ${message}`),
  };
  return {
    resourceManagerEndpoint: endpointSetting(config) ?? 'https://management.azure.com',
    logAnalyticsEndpoint: logAnalyticsEndpointSetting(config),
    log: azureLog,
  };
}

/**
 * The Log Analytics endpoint as set (trimmed, no trailing slash), or the public cloud's when unset.
 * Not https: passed on as it is, and the backend refuses it with the setting named (no token goes out).
 */
function logAnalyticsEndpointSetting(config: vscode.WorkspaceConfiguration): string {
  const raw = config.get<string>(Settings.azureLogAnalyticsEndpoint, 'https://api.loganalytics.io').trim() || 'https://api.loganalytics.io';
  return normalizeEndpoint(raw);
}

/** Which sign-in the settings ask for: VS Code's account unless `azureCli`. */
export function credentialSetting(): AzureCredentialSetting {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.azureCredential) === 'azureCli' ? 'azureCli' : 'vscode';
}

/** The Resource Manager endpoint when it is an https URL; undefined otherwise (no token goes out). */
function endpointSetting(config: vscode.WorkspaceConfiguration): string | undefined {
  const raw = config.get<string>(Settings.azureResourceManagerEndpoint, 'https://management.azure.com').trim() || 'https://management.azure.com';
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' ? normalizeEndpoint(raw) : undefined;
  } catch {
    return undefined;
  }
}
