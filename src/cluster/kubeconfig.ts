/**
 * Reads kubeconfig files the way kubectl does: the setting's file, else every file in KUBECONFIG
 * (missing ones skipped; the first file to set current-context wins; for duplicate cluster, user
 * or context names the first file wins), else ~/.kube/config. client-node throws on duplicate
 * names, so the files are merged here and the result handed to it as one document.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as l10n from '@vscode/l10n';
import { load as loadYaml } from 'js-yaml';

import { singleLine } from '../domain/format';
import { expandHome } from '../domain/homePath';
import { settingId, Settings } from '../ids';
import { CliCommands } from './cliCommands';
import type { ClusterIdentity, ConnectionProblem, KubeconfigOptions } from './clusterTypes';
import { oneLine } from '../domain/redact';
import { expandedSize } from '../domain/expandedSize';

/** In JSON characters: far above a real kubeconfig (certificates make a context a few KB), far below a crash. */
const MAX_EXPANDED_SIZE = 16 * 1024 * 1024;

export interface ResolvedKubeconfig {
  readonly identity: ClusterIdentity;
  /** The merged kubeconfig (kubectl's format, file paths made absolute) for KubeConfig.loadFromString. */
  readonly text: string;
  /** The current user's exec credential plugin command, if it has one. */
  readonly execCommand?: string;
  /** Credentials found in the user entry, to redact from anything logged. */
  readonly secrets: readonly string[];
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; problem: ConnectionProblem };

type Entry = Record<string, unknown>;
type Section = 'clusters' | 'users' | 'contexts';

/** A function, not a constant: the cluster bundle's l10n is configured after this module loads. */
function getCredentialsStep(): string {
  return l10n.t('Run "{0}", or set "{1}" to your kubeconfig file', CliCommands.getCredentials, settingId(Settings.kubeconfig));
}

/** The files to read, in precedence order, and whether they came from the setting. */
function kubeconfigFiles(options: KubeconfigOptions): { files: string[]; source: 'setting' | 'KUBECONFIG' | 'default' } {
  const home = options.home ?? os.homedir();
  const setting = options.settingPath?.trim();
  if (setting) {
    return { files: [path.resolve(expandHome(setting, home))], source: 'setting' };
  }
  const env = options.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list) {
    const files = list.split(path.delimiter).filter((f) => f.length > 0).map((f) => path.resolve(f));
    if (files.length > 0) {
      return { files: [...new Set(files)], source: 'KUBECONFIG' };
    }
  }
  return { files: [path.join(home, '.kube', 'config')], source: 'default' };
}

export function resolveKubeconfig(options: KubeconfigOptions): Resolved<ResolvedKubeconfig> {
  const { files, source } = kubeconfigFiles(options);
  const read: string[] = [];
  const merged: Record<Section, Map<string, Entry>> = { clusters: new Map(), users: new Map(), contexts: new Map() };
  let currentContext: string | undefined;

  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // kubectl skips missing files in a KUBECONFIG list; a file named by the setting must exist.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && source === 'KUBECONFIG') {
        continue;
      }
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return fail({
          kind: 'kubeconfig-missing', file,
          message: l10n.t('No kubeconfig file at {0}', file),
          nextStep: source === 'setting'
            ? l10n.t('Check the "{0}" setting, or clear it to use KUBECONFIG or ~/.kube/config', settingId(Settings.kubeconfig))
            : getCredentialsStep(),
        });
      }
      return fail({
        kind: 'kubeconfig-invalid', file,
        message: l10n.t('Cannot read kubeconfig {0}: {1}', file, oneLine((err as Error).message)),
        nextStep: l10n.t('Check the file and its permissions'),
      });
    }
    read.push(file);
    const parsed = parseDocument(text, file);
    if (!parsed.ok) {
      return parsed;
    }
    const doc = parsed.value;
    const dir = path.dirname(file);
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      const entries = doc[section];
      if (entries === undefined || entries === null) {
        continue;
      }
      if (!Array.isArray(entries)) {
        return invalid(file, l10n.t('Kubeconfig {0} is invalid: "{1}" is not a list', file, section));
      }
      for (const [i, entry] of entries.entries()) {
        const name = asRecord(entry)?.name;
        if (typeof name !== 'string' || name.length === 0) {
          return invalid(file, l10n.t('Kubeconfig {0} is invalid: {1}[{2}] has no name', file, section, i));
        }
        if (!merged[section].has(name)) {
          merged[section].set(name, absolutePaths(section, asRecord(entry) ?? {}, dir));
        }
      }
    }
    const cc = doc['current-context'];
    if (currentContext === undefined && typeof cc === 'string' && cc.length > 0) {
      currentContext = cc;
    }
  }

  if (read.length === 0) {
    return fail({
      kind: 'kubeconfig-missing', file: files[0],
      message: files.length === 1
        ? l10n.t('No kubeconfig file at {0}', files[0])
        : l10n.t('None of the KUBECONFIG files exist: {0}', files.join(', ')),
      nextStep: getCredentialsStep(),
    });
  }

  const contexts = [...merged.contexts.keys()];
  const contextList = contexts.join(', ');
  const wanted = options.context?.trim() || currentContext;
  if (!wanted) {
    return fail({
      kind: 'no-context', file: read[0],
      message: contexts.length > 0
        ? l10n.t('The kubeconfig sets no current context (contexts: {0})', contextList)
        : l10n.t('The kubeconfig sets no current context and has no contexts'),
      nextStep: contexts.length > 0
        ? l10n.t('Run "{0}" with one of: {1}', CliCommands.useContext, contextList)
        : getCredentialsStep(),
    });
  }
  const context = asRecord(merged.contexts.get(wanted)?.context);
  if (!merged.contexts.has(wanted)) {
    return fail({
      kind: 'no-context', file: read[0],
      message: contexts.length > 0
        ? l10n.t('Context "{0}" is not in the kubeconfig (contexts: {1})', wanted, contextList)
        : l10n.t('Context "{0}" is not in the kubeconfig, which has no contexts', wanted),
      nextStep: contexts.length > 0 ? l10n.t('Choose one of: {0}', contextList) : getCredentialsStep(),
    });
  }
  const clusterName = typeof context?.cluster === 'string' ? context.cluster : '';
  const userName = typeof context?.user === 'string' ? context.user : '';
  const cluster = asRecord(merged.clusters.get(clusterName)?.cluster);
  if (!cluster) {
    return invalid(read[0], l10n.t('Kubeconfig {0} is invalid: context "{1}" names cluster "{2}", which is not defined', read[0], wanted, clusterName));
  }
  const server = cluster.server;
  if (typeof server !== 'string' || server.length === 0) {
    return invalid(read[0], l10n.t('Kubeconfig {0} is invalid: cluster "{1}" has no server', read[0], clusterName));
  }
  const userEntry = merged.users.get(userName);
  const user = asRecord(userEntry?.user) ?? {};
  if (userName && !userEntry) {
    return invalid(read[0], l10n.t('Kubeconfig {0} is invalid: context "{1}" names user "{2}", which is not defined', read[0], wanted, userName));
  }

  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [...merged.clusters.values()],
    users: [...merged.users.values()],
    contexts: [...merged.contexts.values()],
    'current-context': wanted,
  };
  const exec = asRecord(user.exec);
  const secrets = [user.token, user.password, user['client-key-data']].filter((s): s is string => typeof s === 'string' && s.length > 0);
  return {
    ok: true,
    value: {
      identity: { context: wanted, cluster: clusterName, server, user: userName, files: read, contexts },
      // JSON is YAML: client-node's loadFromString reads it as it is.
      text: JSON.stringify(config),
      execCommand: typeof exec?.command === 'string' ? exec.command : undefined,
      secrets,
    },
  };
}

function parseDocument(text: string, file: string): Resolved<Entry> {
  let doc: unknown;
  try {
    doc = loadYaml(text, { filename: file });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line?: number; column?: number }; message?: string };
    const reason = oneLine(e.reason ?? e.message ?? String(err), 200);
    const message = e.mark?.line !== undefined
      ? l10n.t('Kubeconfig {0} is not valid YAML: {1} (line {2}, column {3})', file, reason, e.mark.line + 1, (e.mark.column ?? 0) + 1)
      : l10n.t('Kubeconfig {0} is not valid YAML: {1}', file, reason);
    return invalid(file, message, oneLine(e.message ?? String(err), 2000));
  }
  // An empty file is an empty kubeconfig, as for kubectl.
  if (doc === undefined || doc === null) {
    return { ok: true, value: {} };
  }
  const record = asRecord(doc);
  if (!record) {
    return invalid(file, l10n.t('{0} is not a kubeconfig (the document is not a mapping)', file));
  }
  // YAML aliases can make a small file huge (or circular) once written out as JSON below.
  if (expandedSize(record, MAX_EXPANDED_SIZE) >= MAX_EXPANDED_SIZE) {
    return invalid(file, l10n.t('Kubeconfig {0} is too large once its YAML aliases are expanded, or an alias refers to itself', file));
  }
  return { ok: true, value: record };
}

/** Relative file references are relative to the kubeconfig that names them, as for kubectl. */
function absolutePaths(section: Section, entry: Entry, dir: string): Entry {
  const inner = section === 'clusters' ? 'cluster' : section === 'users' ? 'user' : undefined;
  const body = inner ? asRecord(entry[inner]) : undefined;
  if (!inner || !body) {
    return entry;
  }
  const copy: Entry = { ...body };
  for (const key of ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile']) {
    const value = copy[key];
    if (typeof value === 'string' && value.length > 0 && !path.isAbsolute(value)) {
      copy[key] = path.join(dir, value);
    }
  }
  const exec = asRecord(copy.exec);
  // kubectl resolves a relative exec command that contains a path separator against the file's folder.
  if (exec && typeof exec.command === 'string' && !path.isAbsolute(exec.command) && /[\\/]/.test(exec.command)) {
    copy.exec = { ...exec, command: path.join(dir, exec.command) };
  }
  return { ...entry, [inner]: copy };
}

function asRecord(value: unknown): Entry | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Entry : undefined;
}

/** `message` says what is wrong with `file`, in one localized sentence. */
function invalid(file: string, message: string, detail?: string): { ok: false; problem: ConnectionProblem } {
  return fail({
    kind: 'kubeconfig-invalid', file,
    message,
    nextStep: l10n.t('Check the file {0}, or get fresh credentials with "{1}"', file, CliCommands.getCredentials),
    ...(detail ? { detail } : {}),
  });
}

/**
 * Every kubeconfig problem goes through here: its texts quote names and paths from the file, which
 * may hold line breaks, bidi overrides or terminal escapes; they are shown and logged on one line.
 */
function fail(problem: ConnectionProblem): { ok: false; problem: ConnectionProblem } {
  return {
    ok: false,
    problem: { ...problem, message: singleLine(problem.message), nextStep: singleLine(problem.nextStep) },
  };
}
