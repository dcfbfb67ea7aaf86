import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { expandHome } from '../domain/homePath';
import { parseJsonc } from '../domain/jsonc';
import { SETTINGS_SECTION, settingId, Settings } from '../ids';

/** Where `aksNodeRepair.catalogFolders` points, and what an untrusted workspace may not add to it. */

/**
 * The folders to load from `aksNodeRepair.catalogFolders`, and in an untrusted workspace the ones
 * left out: every workspace and workspace-folder value, and user-setting folders relative to the
 * workspace (they would read the repository's files too).
 */
export function configuredFolders(): { folders: string[]; ignored: string[] } {
  if (vscode.workspace.isTrusted) {
    return { folders: clean(vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(Settings.catalogFolders)), ignored: [] };
  }
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<unknown>(Settings.catalogFolders);
  const global = clean(inspected?.globalValue);
  const fromWorkspace = [
    ...clean(inspected?.workspaceValue),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((folder) =>
      clean(vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect<unknown>(Settings.catalogFolders)?.workspaceFolderValue)),
    ...workspaceSettingsFileFolders(),
  ];
  const folders = global.filter((f) => isAbsoluteFolder(f));
  const ignored = [...new Set([...fromWorkspace, ...global.filter((f) => !isAbsoluteFolder(f))])];
  return { folders, ignored };
}

/**
 * What the workspace's own settings files put in the setting. While the workspace is untrusted
 * VS Code drops restricted settings before extensions see them (even `inspect` has no workspace
 * value), so the only way to say what was ignored is to read the files.
 */
function workspaceSettingsFileFolders(): string[] {
  const key = settingId(Settings.catalogFolders);
  const sources: { uri: vscode.Uri; read: (json: unknown) => unknown }[] = (vscode.workspace.workspaceFolders ?? [])
    .map((folder) => ({ uri: vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), read: (json: unknown) => property(json, key) }));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile) {
    sources.push({ uri: workspaceFile, read: (json: unknown) => property(property(json, 'settings'), key) });
  }
  return sources.flatMap(({ uri, read }) => {
    if (uri.scheme !== 'file') {
      return [];
    }
    try {
      const stat = fs.statSync(uri.fsPath);
      return stat.isFile() && stat.size <= 1024 * 1024 ? clean(read(parseJsonc(fs.readFileSync(uri.fsPath, 'utf8')))) : [];
    } catch {
      // No settings file, or one VS Code could not read either.
      return [];
    }
  });
}

function property(json: unknown, key: string): unknown {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>)[key] : undefined;
}

/** Only non-empty strings: settings files are edited by hand. */
function clean(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : [];
}

function isAbsoluteFolder(folder: string): boolean {
  return /^([A-Za-z]:)?[\\/]/.test(expandHome(folder));
}

/** `~/runbooks` and workspace-relative folders, as a user would write them in settings. */
export function resolveUserFolder(folder: string): string {
  const expanded = expandHome(folder);
  if (isAbsoluteFolder(expanded)) {
    return expanded;
  }
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? vscode.Uri.joinPath(ws.uri, expanded).fsPath : expanded;
}
