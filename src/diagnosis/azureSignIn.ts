/**
 * Which Azure credential and Resource Manager endpoint a diagnosis run uses, read from the
 * settings each run; or the problem (with its fix) when it cannot sign in.
 */
import * as vscode from 'vscode';
import type { AzureBackend, AzureSettings, TokenCredential } from '../azure/azureTypes';
import { vscodeCredential } from '../azure/vscodeAuth';
import type { AzureProblem } from '../domain/diagnosis';
import { SETTINGS_SECTION, Settings, type AzureCredentialSetting } from '../ids';

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
        message: vscode.l10n.t('The setting {0} is not an https:// address, so no token is sent anywhere.', `${SETTINGS_SECTION}.${Settings.azureResourceManagerEndpoint}`),
        nextStep: vscode.l10n.t('Set it to your cloud\'s Resource Manager endpoint, for example https://management.azure.com.'),
      },
    };
  }
  try {
    if (mode === 'azureCli') {
      return { mode, credential: backend().cliCredential(tenant) };
    }
    const credential = vscodeCredential({ tenant, resourceManagerEndpoint: endpoint });
    return { mode, credential, signIn: () => credential.signIn() };
  } catch (err) {
    log.error(`No Azure credential: ${String(err)}`);
    return {
      mode,
      problem: {
        kind: mode === 'azureCli' ? 'cli-missing' : 'not-signed-in',
        message: vscode.l10n.t('No Azure credential could be set up: {0}', err instanceof Error ? err.message : String(err)),
        nextStep: mode === 'azureCli'
          ? vscode.l10n.t('Install the Azure CLI and run "az login", or use VS Code\'s account (setting {0}).', `${SETTINGS_SECTION}.${Settings.azureCredential}`)
          : vscode.l10n.t('Sign in to Azure from the Accounts menu, then refresh.'),
      },
    };
  }
}

/** What a run needs besides its credential: the Resource Manager endpoint its calls go to. */
export function azureSettings(): AzureSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return { resourceManagerEndpoint: endpointSetting(config) ?? 'https://management.azure.com' };
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
    return url.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}
