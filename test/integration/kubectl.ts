import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The real kubectl these machines have; tests that need it skip when it is absent. */
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export function kubectlAvailable(): boolean {
  return fs.existsSync(KUBECTL);
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A private cache dir so kubectl never reuses discovery from another stand-in or the user's ~/.kube. */
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-cache-'));

function baseArgs(kubeconfigPath: string): string[] {
  return ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir];
}

function kubectlEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return env;
}

/**
 * Runs kubectl asynchronously: the stand-in lives in this process, so a synchronous spawn would
 * block the event loop that has to answer kubectl.
 */
export function runKubectl(kubeconfigPath: string, args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(KUBECTL, [...baseArgs(kubeconfigPath), ...args], { env: kubectlEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

export interface KubectlStream {
  /** Everything written to stdout so far. */
  readonly output: () => string;
  /** Resolves once stdout contains `text`; rejects after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  kill(): Promise<void>;
}

/** Starts a long-running kubectl (e.g. `get --watch`) and lets a test wait for lines to appear. */
export function spawnKubectl(kubeconfigPath: string, args: string[]): KubectlStream {
  const child = spawn(KUBECTL, [...baseArgs(kubeconfigPath), ...args], { env: kubectlEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const l of listeners) {
      l();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => stdout,
    waitFor: (text, timeoutMs = 20_000) => new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = typeof text === 'string' ? stdout.includes(text) : text.test(stdout);
        if (found) {
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(stdout);
        }
        return found;
      };
      const listener = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`kubectl ${args.join(' ')}: no ${String(text)} within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      listeners.add(listener);
      check();
    }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
