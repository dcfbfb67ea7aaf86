/**
 * Entry point of the lazily loaded Azure bundle (dist/azure.js, see esbuild.mjs): the diagnosis
 * panel requires it when "Diagnose Node in Azure" first runs, so activation never pays for the
 * @azure/* clients. No `vscode` import here: this layer is tested under plain Node.
 */
import * as l10n from '@vscode/l10n';
import type { AzureBackend } from './azureTypes';
import { createCliCredential } from './cliCredential';
import { readContainerInsights } from './containerInsights';
import { diagnose, type DiagnoseOptions } from './diagnose';
import { deleteMachine, runInstanceOperation } from './instanceActions';

export type * from './azureTypes';
export type { DiagnoseOptions } from './diagnose';

/** The backend; `options` are for tests (an HTTP client that trusts the stand-in's CA). */
export function createAzureBackend(options: DiagnoseOptions = {}): AzureBackend {
  return {
    diagnose: (request, credential, settings, onUpdate, signal) => diagnose(request, credential, settings, onUpdate, signal, options),
    cliCredential: (tenant) => createCliCredential(tenant),
    runInstanceOperation: (request, credential, settings, onProgress, signal) => runInstanceOperation(request, credential, settings, onProgress, signal, options),
    deleteMachine: (request, credential, settings, onProgress, signal) => deleteMachine(request, credential, settings, onProgress, signal, options),
    readContainerInsights: (request, credential, settings, signal) => readContainerInsights(request, credential, settings, signal, options),
    setL10nBundle(contents: Record<string, string> | undefined): void {
      if (contents) {
        l10n.config({ contents });
      }
    },
  };
}

export const backend: AzureBackend = createAzureBackend();
