import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/**
 * Every bundle (dist/extension.js and each lazy bundle, see esbuild.mjs) carries its own copy of
 * @vscode/l10n, which src/domain translates through: hand it VS Code's strings. The extension calls
 * this in activate(); each lazy bundle's entry calls it when the bundle is loaded.
 */
export function useVscodeL10n(): void {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
}
