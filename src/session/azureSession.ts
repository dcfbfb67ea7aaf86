import * as vscode from 'vscode';
import type { AzureBackend, AzureSettings } from '../azure/azureTypes';
import { azureSettings, chooseCredential, type CredentialChoice } from '../diagnosis/azureSignIn';

/** Loads the Azure backend (dist/azure.js) on first use; nothing loads it at activation. */
export type BackendLoader = () => AzureBackend;

/**
 * Access to Azure for every feature that needs it (diagnosis, node VM actions, Container
 * Insights): the lazily loaded backend, the credential the settings choose, and the endpoints.
 * Settings are read on each call, so a changed setting applies to the next run.
 */
export class AzureSession {
  private loaded?: AzureBackend;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly loader: BackendLoader = defaultLoader,
  ) {}

  get isBackendLoaded(): boolean {
    return this.loaded !== undefined;
  }

  /** The backend, loaded now if it was not; throws when the bundle cannot load. */
  backend(): AzureBackend {
    if (!this.loaded) {
      const started = Date.now();
      const backend = this.loader();
      backend.setL10nBundle(vscode.l10n.bundle);
      this.loaded = backend;
      this.log.info(`Azure client loaded in ${Date.now() - started} ms.`);
    }
    return this.loaded;
  }

  /** The credential for one run, or the problem (with its fix) when there is none. */
  credential(): CredentialChoice {
    return chooseCredential(() => this.backend(), this.log);
  }

  /** Endpoints and the log for one run. */
  settings(): AzureSettings {
    return azureSettings(this.log);
  }
}

function defaultLoader(): AzureBackend {
  // Required here, not imported: the @azure/* clients (dist/azure.js) load when Azure is first used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../azure/azureBackend') as typeof import('../azure/azureBackend');
  return mod.backend;
}
