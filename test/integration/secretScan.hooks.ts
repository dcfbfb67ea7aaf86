/**
 * Root hooks of the integration tier (required by .mocharc.json): the tier's secret scan.
 *
 * Loaded before any test file, it wraps the entry points through which the tests drive the code
 * under test (the cluster backend's `connect`, `createAzureBackend`, `Credentials`,
 * `KubeNodeActions`) so that, whichever logger a test passes, every line the code logs is also
 * kept here, and so is everything the code hands back: connection states and their problems,
 * action results and progress, diagnoses, Container Insights results, operation results, and the
 * message of every error thrown. The wrappers pass everything through unchanged. A failed test's
 * error message joins the transcript too.
 *
 * After the last test, no secret the stand-ins registered (test/harness/secrets.ts) may appear in
 * it, in any of the encodings the scanner knows; the scanner first proves it finds a planted one,
 * and a full run must have seen enough text that the scan means something.
 */
import type { Context } from 'mocha';
import * as azureBackend from '../../src/azure/azureBackend';
import * as clusterBackend from '../../src/cluster/clusterBackend';
import * as credentials from '../../src/cluster/credentials';
import * as nodeActions from '../../src/cluster/nodeActions';
import { describeFindings, findSecrets, registeredSecrets, selfTestScanner } from '../harness/secrets';

interface Transcript {
  text: string[];
  chars: number;
  /** Log lines the code under test wrote. */
  logLines: number;
  /** Values it handed back (results, states, callbacks' arguments, errors). */
  values: number;
  /** Entry points wrapped: connections, backends, node actions. */
  wrapped: number;
}

const transcript: Transcript = { text: [], chars: 0, logLines: 0, values: 0, wrapped: 0 };

function keep(text: string): void {
  transcript.text.push(text);
  transcript.chars += text.length;
}

/** JSON of a value, errors with their message and stack; cycles and functions dropped. */
function textOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Error) {
        return { ...v, name: v.name, message: v.message, stack: v.stack };
      }
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) {
          return undefined;
        }
        seen.add(v);
      }
      return typeof v === 'function' ? undefined : v;
    }) ?? '';
  } catch {
    return String(value);
  }
}

function keepValue(value: unknown): void {
  transcript.values++;
  keep(textOf(value));
}

const TEED = Symbol('teed logger');
type AnyLogger = Record<string, unknown> & { [TEED]?: true };
const LOG_LEVELS = ['info', 'warn', 'error', 'debug'] as const;

function isLogger(value: unknown): value is AnyLogger {
  return typeof value === 'object' && value !== null && typeof (value as AnyLogger).info === 'function' && typeof (value as AnyLogger).warn === 'function';
}

/** The same logger, each line also kept here. */
function teeLogger<T extends AnyLogger>(log: T): T {
  if (log[TEED]) {
    return log;
  }
  const teed: AnyLogger = Object.create(log) as AnyLogger;
  for (const level of LOG_LEVELS) {
    const write = log[level];
    if (typeof write === 'function') {
      teed[level] = (message: string): void => {
        transcript.logLines++;
        keep(`[${level}] ${message}`);
        (write as (m: string) => void).call(log, message);
      };
    }
  }
  teed[TEED] = true;
  return teed as T;
}

/** An argument with its loggers teed: a logger itself, or an options object with a `log`. */
function teeArgument(arg: unknown): unknown {
  if (isLogger(arg)) {
    return teeLogger(arg);
  }
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg) && isLogger((arg as { log?: unknown }).log)) {
    return { ...arg, log: teeLogger((arg as { log: AnyLogger }).log) };
  }
  return arg;
}

/** Members whose results are credentials, not output: never recorded. */
const UNRECORDED = new Set(['getToken', 'cliCredential', 'setL10nBundle']);

function hasMethods(value: object): boolean {
  for (let o: object | null = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.getOwnPropertyNames(o).some((k) => k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(o, k)?.value === 'function')) {
      return true;
    }
  }
  return false;
}

/** What a call returned, kept; an API object (methods) comes back wrapped in turn. */
function recordResult(result: unknown): unknown {
  if (result instanceof Promise) {
    return result.then(
      (v: unknown) => recordResult(v),
      (err: unknown) => {
        keepValue(err);
        throw err;
      },
    );
  }
  if (typeof result === 'object' && result !== null && hasMethods(result)) {
    return recorded(result);
  }
  if (result !== undefined) {
    keepValue(result);
  }
  return result;
}

/** A pass-through view of `target`: calls go to it with teed loggers and recorded callbacks; what they return is kept. */
function recorded<T extends object>(target: T): T {
  transcript.wrapped++;
  return new Proxy(target, {
    get(obj, prop) {
      const member = Reflect.get(obj, prop, obj) as unknown;
      if (typeof member !== 'function' || typeof prop !== 'string' || UNRECORDED.has(prop) || prop === 'constructor') {
        return member;
      }
      return (...args: unknown[]): unknown => {
        const passed = args.map((a) => (typeof a === 'function'
          ? (...cbArgs: unknown[]) => {
            cbArgs.forEach(keepValue);
            return (a as (...x: unknown[]) => unknown)(...cbArgs);
          }
          : teeArgument(a)));
        try {
          return recordResult((member as (...x: unknown[]) => unknown).apply(obj, passed));
        } catch (err) {
          keepValue(err);
          throw err;
        }
      };
    },
  });
}

/** A class whose instances are built with teed loggers (and, with `record`, come back recorded). */
function wrapClass<C extends new (...args: never[]) => object>(cls: C, record: boolean): C {
  return new Proxy(cls, {
    construct(target, args: unknown[], newTarget) {
      const instance = Reflect.construct(target, args.map(teeArgument), newTarget) as object;
      return record ? recorded(instance) : instance;
    },
  });
}

function install(): void {
  const connect = clusterBackend.backend.connect.bind(clusterBackend.backend);
  clusterBackend.backend.connect = (options) => recorded(connect(teeArgument(options) as typeof options));

  const azure = azureBackend as { createAzureBackend: typeof azureBackend.createAzureBackend };
  const create = azure.createAzureBackend;
  azure.createAzureBackend = (options) => recorded(create(options));

  // Credentials hold the kubeconfig's secrets: only their logger is teed, nothing they return is kept.
  const creds = credentials as { Credentials: typeof credentials.Credentials };
  creds.Credentials = wrapClass(creds.Credentials, false);
  const actions = nodeActions as { KubeNodeActions: typeof nodeActions.KubeNodeActions };
  actions.KubeNodeActions = wrapClass(actions.KubeNodeActions, true);
}

install();

/** A run of at least this many tests is the tier (not one file): it must have seen this much. */
const FULL_RUN_TESTS = 100;
const FULL_RUN_MIN = { logLines: 200, values: 500, chars: 200_000 };

let testsRun = 0;

export const mochaHooks = {
  afterEach(this: Context): void {
    testsRun++;
    const test = this.currentTest;
    if (test?.state === 'failed' && test.err) {
      keepValue(test.err);
    }
  },

  afterAll(): void {
    const all = transcript.text.join('\n');
    selfTestScanner(all.slice(0, 10_000));
    const findings = findSecrets(all);
    const seen = `${transcript.logLines} log lines and ${transcript.values} values (${(transcript.chars / 1000).toFixed(0)} kB) from ${transcript.wrapped} wrapped entry points, ${registeredSecrets().length} secrets registered`;
    if (findings.length > 0) {
      throw new Error(describeFindings(findings, `what the code under test logged or returned (${seen})`));
    }
    if (testsRun >= FULL_RUN_TESTS && (transcript.logLines < FULL_RUN_MIN.logLines || transcript.values < FULL_RUN_MIN.values || transcript.chars < FULL_RUN_MIN.chars)) {
      throw new Error(`The secret scan saw too little to mean anything: ${seen}; a full run sees at least ${JSON.stringify(FULL_RUN_MIN)}.`);
    }
    console.log(`  secret scan: no stand-in secret in ${seen}.`);
  },
};
