/**
 * Helpers for the cluster access layer's tests: a stand-in loaded with the simulated AKS cluster
 * and a kubeconfig on disk, a log that keeps every line, and waits on connection state.
 */

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { backend } from '../../src/cluster/clusterBackend';
import type { ClusterConnection, ConnectionState, ConnectOptions, Logger } from '../../src/cluster/clusterTypes';
import { ClusterModel } from '../../src/domain/clusterModel';
import { ApiStandIn, ApiStandInOptions, KubeconfigOptions } from '../standin/apiServer';
import { simulatedEvents, simulatedNodes } from '../standin/simulatedCluster';
import { registerSecret } from '../harness/secrets';

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface TestCluster {
  readonly server: ApiStandIn;
  readonly dir: string;
  readonly kubeconfigPath: string;
  /** Writes another kubeconfig for this server into the temp folder. */
  writeKubeconfig(name: string, options?: KubeconfigOptions): string;
  stop(): Promise<void>;
}

export async function startTestCluster(options: ApiStandInOptions = {}): Promise<TestCluster> {
  const server = await ApiStandIn.start(options);
  const now = new Date();
  for (const node of simulatedNodes(now)) {
    server.upsertNode(node);
  }
  for (const event of simulatedEvents(now)) {
    server.upsertEvent(event);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-cluster-test-'));
  const writeKubeconfig = (name: string, kubeconfigOptions: KubeconfigOptions = {}): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, server.kubeconfig(kubeconfigOptions), { mode: 0o600 });
    return file;
  };
  const kubeconfigPath = writeKubeconfig('kubeconfig', { contextName: 'aks-demo-westeurope', clusterName: 'aks-demo', userName: 'clusterUser_rg_aks-demo' });
  return {
    server, dir, kubeconfigPath, writeKubeconfig,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error' | 'debug';
  readonly text: string;
}

export function collectingLogger(lines: LogLine[] = [], echo = process.env.CLUSTER_TEST_LOG === '1'): Logger & { lines: LogLine[] } {
  const add = (level: LogLine['level']) => (text: string): void => {
    lines.push({ level, text });
    if (echo) {
      console.log(`  [${level}] ${text}`);
    }
  };
  return { lines, info: add('info'), warn: add('warn'), error: add('error'), debug: add('debug') };
}

export interface Connected {
  readonly connection: ClusterConnection;
  readonly model: ClusterModel;
  readonly states: ConnectionState[];
  readonly log: Logger & { lines: LogLine[] };
}

/**
 * A test's teardown: fails it if one of `tokens` (by default the stand-in's) reached the connection's
 * log, and disposes the connection and stops the stand-in whether it did or not.
 */
export async function disposeAndStop(cluster: TestCluster, current: Connected | undefined, tokens: readonly string[] = [cluster.server.token]): Promise<void> {
  try {
    if (current) {
      const leaked = current.log.lines.find((l) => tokens.some((t) => l.text.includes(t)));
      assert.equal(leaked, undefined, 'a token reached the log');
    }
  } finally {
    current?.connection.dispose();
    await cluster.stop();
  }
}

/** Connects with small timings; the caller disposes. */
export function connect(kubeconfigPath: string, overrides: Partial<ConnectOptions> = {}): Connected {
  const model = overrides.model ?? new ClusterModel();
  const log = collectingLogger();
  const connection = backend.connect({
    settingPath: kubeconfigPath,
    model,
    log,
    pageSize: 500,
    backoff: { initialMs: 50, maxMs: 400 },
    requestTimeoutMs: 2000,
    watchTimeoutSeconds: 30,
    watchIdleMs: 10_000,
    ...overrides,
  });
  const states: ConnectionState[] = [connection.state];
  connection.onDidChangeState((s) => states.push(s));
  connection.start();
  return { connection, model, states, log };
}

export async function waitUntil(condition: () => boolean, what: string | (() => string), timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out: ${typeof what === 'string' ? what : what()}`);
    }
    await delay(10);
  }
}

export async function waitForState(c: Connected, kind: ConnectionState['kind'], timeoutMs = 8000, after = 0): Promise<ConnectionState> {
  await waitUntil(() => c.states.slice(after).some((s) => s.kind === kind), () => `state ${kind}; saw ${c.states.map((s) => s.kind).join(' → ')}`, timeoutMs);
  const found = c.states.slice(after).find((s) => s.kind === kind);
  if (!found) {
    throw new Error('unreachable');
  }
  return found;
}

/** What the model should hold for the server's current state. */
export function expectedSnapshot(server: ApiStandIn): ReturnType<ClusterModel['snapshot']> {
  const model = new ClusterModel();
  model.replaceNodes(server.nodes());
  model.replaceEvents(server.events());
  return model.snapshot();
}

/** The model's state without resourceVersions (watched and listed copies of one object may differ only there). */
export function comparable(snapshot: ReturnType<ClusterModel['snapshot']>): unknown {
  return { nodes: snapshot.nodes.map((n) => ({ ...n, resourceVersion: undefined })), events: snapshot.events };
}

/** Writes a node script that prints an ExecCredential with the token in `token`, counting its runs in `calls`. */
export function writeExecPlugin(dir: string, token: string): { script: string; tokenFile: string; calls(): number } {
  registerSecret('the exec plugin\'s token', token);
  const tokenFile = path.join(dir, 'token');
  const callsFile = path.join(dir, 'calls');
  const script = path.join(dir, 'exec-plugin.js');
  fs.writeFileSync(tokenFile, token);
  fs.writeFileSync(script, [
    "const fs = require('fs');",
    `fs.appendFileSync(${JSON.stringify(callsFile)}, 'x');`,
    `const token = fs.readFileSync(${JSON.stringify(tokenFile)}, 'utf8').trim();`,
    "process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token } }));",
    '',
  ].join('\n'));
  return {
    script, tokenFile,
    calls: () => (fs.existsSync(callsFile) ? fs.readFileSync(callsFile, 'utf8').length : 0),
  };
}

export function execUser(command: string, args: string[] = []): object {
  return { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, args, interactiveMode: 'Never' } };
}
