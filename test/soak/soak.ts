/**
 * The reliability soak (issue 13), run by scripts/soak.mjs on the VS Code runtime's Node 24 with
 * --expose-gc: one production cluster connection (dist/cluster.js) with the history recorder and a
 * RefreshCoalescer on its model, against the API stand-in in a child process at 200 updates/s,
 * for an hour. Meanwhile the API server is killed and restarted from its state every 5 minutes,
 * the token rotates every 15, a watch hangs once, a malformed watch line arrives every few
 * minutes, and diagnoses and Container Insights reads (dist/azure.js) run every minute against the
 * ARM and Log Analytics stand-ins answering 429s and 500s. Writes the figures as JSON to argv[2].
 *
 * Usage: node --expose-gc out/test/soak/soak.js OUT.json [--minutes N] [--fast]
 */
import { ChildProcess, execFile, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as v8 from 'node:v8';

import type { AzureBackend, AzureSettings } from '../../src/azure/azureTypes';
import type { ClusterBackend, ConnectionState, Logger } from '../../src/cluster/clusterTypes';
import { ClusterModel } from '../../src/domain/clusterModel';
import type { Diagnosis } from '../../src/domain/diagnosis';
import { RefreshCoalescer } from '../../src/domain/refreshCoalescer';
import { HistoryRecorder } from '../../src/history/historyRecorder';
import { HistoryStore } from '../../src/history/historyStore';
import { fixedTokenCredential, trustStandInCa } from '../standin/azure/clientTrust';
import type { StandInCertificates } from '../standin/certs';
import { NODE_RESOURCE_GROUP, SUBSCRIPTION_ID } from '../standin/fixtures';
import { SIMULATED_NODES } from '../standin/simulatedCluster';
import { gc, nowMs, percentile, REPO_ROOT, seededRandom } from '../bench/common';
import { compareWithServer, isEqualState, ServerState, StateDiff } from '../bench/standinProtocol';
import type { AzureCleared, AzureReady, ToAzure, WireArmFault } from './azureStandins';
import type { Carry, ChurnSettings, Counters, Hung, Init, Ready, Snapshot, ToStandIn } from './soakProtocol';

const MIN = 60_000;

// ---------------------------------------------------------------- settings

const argv = process.argv.slice(2);
const outFile = argv[0];
const fast = argv.includes('--fast');
const minutesArg = argv.indexOf('--minutes');
const minutes = minutesArg >= 0 ? Number(argv[minutesArg + 1]) : 60;
const durationMs = minutes * MIN;

/** The issue's intervals, or (with --fast, for development) about a tenth of them. */
const SCHEDULE = fast
  ? { restartEveryMs: 40_000, downMs: [3_000, 8_000], rotateEveryMs: 65_000, malformedEveryMs: 25_000, azureEveryMs: 15_000, hangAtMs: 50_000, sampleEveryMs: 2_000, warmupMs: Math.min(2 * MIN, durationMs / 6) }
  : { restartEveryMs: 5 * MIN, downMs: [10_000, 60_000], rotateEveryMs: 15 * MIN, malformedEveryMs: 3 * MIN, azureEveryMs: MIN, hangAtMs: 7 * MIN, sampleEveryMs: 10_000, warmupMs: 10 * MIN };
const CHURN: ChurnSettings = fast
  ? { rate: 200, eventTtlMs: 3 * MIN, minDeleteAgeMs: MIN, expiryEveryMs: 5_000, seed: 13 }
  : { rate: 200, eventTtlMs: 60 * MIN, minDeleteAgeMs: 10 * MIN, expiryEveryMs: 10_000, seed: 13 };
const NODES = 500;
/** The events an hour of this churn leaves (about 6 a second net of deletions), spread over the TTL. */
const EVENTS = Math.round((6 * CHURN.eventTtlMs) / 1000);
/** The connection's options: the production defaults, except shorter watches with --fast (so a hung watch ends within the run). */
const WATCH = fast ? { watchTimeoutSeconds: 15, watchIdleMs: 20_000 } : {};
const IDLE_MS = fast ? 20_000 : 300 * 1000 + 30_000;

const random = seededRandom(2026);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** AKS_REPAIR_SOAK_SNAPSHOTS=<folder>: a heap snapshot with each memory row (an investigation run). */
const SNAPSHOTS = process.env.AKS_REPAIR_SOAK_SNAPSHOTS;

const log = (line: string): void => {
  process.stderr.write(`[soak ${((nowMs() - T0) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
};
const T0 = nowMs();

// ---------------------------------------------------------------- the stand-in process

class StandInProcess {
  private readonly waiting = new Map<string, { resolve: (m: unknown) => void; reject: (err: Error) => void }>();
  readonly exited: Promise<void>;
  private gone = false;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: { type: string }) => {
      const w = this.waiting.get(m.type);
      this.waiting.delete(m.type);
      w?.resolve(m);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => {
      this.gone = true;
      for (const [reply, w] of this.waiting) {
        w.reject(new Error(`the stand-in exited while waiting for ${reply}`));
      }
      this.waiting.clear();
      resolve();
    }));
  }

  static async start(init: Init): Promise<{ process: StandInProcess; ready: Ready }> {
    const child = fork(path.join(__dirname, 'soakStandin.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048'] });
    const p = new StandInProcess(child);
    const ready = await p.request<Ready>(init, 'ready');
    return { process: p, ready };
  }

  /**
   * Sends `message` and waits for the answer of type `reply`. Nothing of an answered request is
   * kept: a reaction on `exited` per request would hold each answer (the server's whole state,
   * for a comparison) in this, the measured, process until the stand-in exits.
   */
  request<T>(message: ToStandIn, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.gone) {
        reject(new Error(`the stand-in had exited before asking for ${reply}`));
        return;
      }
      this.waiting.set(reply, { resolve: resolve as (m: unknown) => void, reject });
      this.child.send(message);
    });
  }

  send(message: ToStandIn): void {
    this.child.send(message);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

// ---------------------------------------------------------------- what the soak records

interface MemoryRow {
  atMin: number;
  heapUsed: number;
  rss: number;
  /** Between two rows: the largest heapUsed and RSS sampled (no forced collection). */
  peakHeap: number;
  peakRss: number;
  /** Between two rows: the smallest RSS sampled (RSS swings with each relist; a leak raises this floor). */
  lowRss: number;
  /** What RSS is made of, after the forced collection: V8's heap as committed, and memory outside it (Buffers). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Used bytes per V8 heap space after the collection (old, code, trusted (bytecode), large objects…): where a growth is. */
  spaces: Record<string, number>;
  modelNodes: number;
  modelEvents: number;
  historyBytes: number;
  historyRecords: number;
  /**
   * The heap the history's records take, measured in a second process that opens a copy of the
   * history file (historyShare.ts); undefined when that failed.
   */
  historyHeap?: number;
}

interface RestartRecord {
  atMin: number;
  downMs: number;
  /** Restarted process listening → the connection's next `connected`. */
  connectedMs: number;
  /** Restarted process listening → model equal to the server's state (churn paused meanwhile). */
  equalMs: number;
  equal: boolean;
  diff?: StateDiff;
}

interface AzureRound {
  atMin: number;
  fault: string;
  /** What the fault should give: absorbed by the retries, or shown as one section's problem. */
  expect: 'complete' | 'section-error';
  diagnoseMs: number;
  insightsMs: number;
  sections: Record<string, string>;
  insightsOk: boolean;
  insightsProblem?: string;
  met: boolean;
}

function quietLogger(): Logger & { counts: Record<string, number>; recent: string[] } {
  const counts: Record<string, number> = {};
  const recent: string[] = [];
  const patterns: [string, RegExp][] = [
    ['malformed', /sent a malformed line/], ['unauthorized401', /401 Unauthorized while/], ['retrying', /^Retrying in/],
    ['expired410', /expired \(410 Gone\)/], ['idle', /sent nothing for|TimeoutError|timed? ?out/i],
  ];
  const note = (level: string, m: string): void => {
    for (const [name, re] of patterns) {
      if (re.test(m)) {
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    counts[level] = (counts[level] ?? 0) + 1;
    if (level !== 'debug' && level !== 'info') {
      recent.push(`${level}: ${m.slice(0, 300)}`);
      if (recent.length > 40) {
        recent.shift();
      }
    }
  };
  return {
    counts, recent,
    info: (m) => note('info', m), debug: (m) => note('debug', m), warn: (m) => note('warn', m), error: (m) => note('error', m),
  };
}

function modelEventCount(model: ClusterModel): number {
  let n = 0;
  for (const name of model.nodeNamesWithEvents()) {
    n += model.eventsFor(name).length;
  }
  return n;
}

function providerIdOf(node: string): string {
  const m = /^(aks-[a-z0-9]+-\d+)-vmss(\d{6})$/.exec(node);
  if (!m) {
    throw new Error(node);
  }
  return `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${m[1]}-vmss/virtualMachines/${Number(m[2])}`;
}

/** The Azure faults, one per round, in turn: absorbed by the retries (3 per call), or more than they absorb. */
const AZURE_FAULTS: { name: string; expect: AzureRound['expect']; arm?: WireArmFault; la?: ToAzure & { target: 'la' } }[] = [
  { name: 'none', expect: 'complete' },
  { name: 'ARM 429 ×2 (Retry-After 1 s)', expect: 'complete', arm: { path: { source: '.', flags: '' }, kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 } },
  { name: 'Log Analytics 500 ×2', expect: 'complete', la: { type: 'fault', target: 'la', fault: { kind: 'status', status: 500, times: 2 } } },
  { name: 'ARM 500 ×2', expect: 'complete', arm: { path: { source: '.', flags: '' }, kind: 'status', status: 500, times: 2 } },
  { name: 'Log Analytics 429 ×2 (Retry-After 1 s)', expect: 'complete', la: { type: 'fault', target: 'la', fault: { kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 } } },
  { name: 'ARM 500 on Resource Health, every try', expect: 'section-error', arm: { path: { source: 'Microsoft\\.ResourceHealth', flags: 'i' }, kind: 'status', status: 500 } },
];

/**
 * The heap the history's records take now: its file copied (the lock file left out, so the copy
 * opens as the only window) and opened by historyShare.js in a process of its own.
 */
async function historyShare(folder: string, cluster: string): Promise<{ bytes: number; records: number } | undefined> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-soak-share-'));
  try {
    await fs.promises.mkdir(path.join(copy, 'history'));
    for (const name of await fs.promises.readdir(folder)) {
      if (name.endsWith('.jsonl')) {
        await fs.promises.copyFile(path.join(folder, name), path.join(copy, 'history', name));
      }
    }
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', path.join(__dirname, 'historyShare.js'), path.join(copy, 'history'), cluster],
        { timeout: 120_000, maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    return JSON.parse(out) as { bytes: number; records: number };
  } catch (err) {
    log(`the history's heap could not be measured: ${String(err)}`);
    return undefined;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-soak-'));
  const tokenFile = path.join(work, 'token');
  /** The API server's state while its process is down (written by the one killed, read by the next). */
  const stateFile = path.join(work, 'apiserver-state.json');
  let token = `soak-${randomUUID()}`;
  fs.writeFileSync(tokenFile, token);

  // The production bundles.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const clusterBundle = require(path.join(REPO_ROOT, 'dist', 'cluster.js')) as { backend: ClusterBackend; loadClient?: () => Promise<unknown> };
  await clusterBundle.loadClient?.();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const azureBundle = require(path.join(REPO_ROOT, 'dist', 'azure.js')) as { backend: AzureBackend };

  const errorsFile = path.join(work, 'errors-created.txt');

  log(`starting: ${minutes} min${fast ? ' (fast intervals)' : ''}, ${NODES} nodes, ${EVENTS} events, churn ${CHURN.rate}/s`);
  const started = await StandInProcess.start({ type: 'init', churn: CHURN, token, nodes: NODES, events: EVENTS, errorsFile });
  let standin = started.process;
  const ready = started.ready;
  const port = ready.port;
  const certificates: StandInCertificates = ready.certificates;
  const azure = fork(path.join(__dirname, 'azureStandins.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const azureReady = await new Promise<AzureReady>((resolve) => azure.once('message', (m: AzureReady) => resolve(m)));
  const untrust = trustStandInCa(azureReady.caPem);

  // The kubeconfig: the stand-in's CA, and the exec plugin that prints the token file.
  const kubeconfig = path.join(work, 'config');
  const ca = Buffer.from(ready.caPem).toString('base64');
  const user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [path.join(__dirname, 'tokenPlugin.js'), tokenFile], interactiveMode: 'Never' } };
  fs.writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'clusters:', '- name: soak', '  cluster:', `    server: https://127.0.0.1:${port}`, `    certificate-authority-data: ${ca}`,
    'contexts:', '- name: soak', '  context:', '    cluster: soak', '    user: soak-user', 'current-context: soak', 'users:', '- name: soak-user', `  user: ${JSON.stringify(user)}`, '',
  ].join('\n'));

  // The extension's pieces on one model: the connection, the history recorder, the tree's coalescer.
  const model = new ClusterModel();
  const logger = quietLogger();
  const historyCluster = `soak\nhttps://127.0.0.1:${port}`;
  let store: HistoryStore | undefined = await HistoryStore.open({ folder: path.join(work, 'history'), cluster: historyCluster, retentionDays: 30 });
  let recorder: HistoryRecorder | undefined = new HistoryRecorder(model, store);
  let flushes = 0;
  let lastFlush = -Infinity;
  let minFlushGap = Infinity;
  let flushSecond = 0;
  let flushesThisSecond = 0;
  let maxFlushesPerSecond = 0;
  const coalescer = new RefreshCoalescer(() => {
    const t = nowMs();
    flushes++;
    minFlushGap = Math.min(minFlushGap, t - lastFlush);
    lastFlush = t;
    const second = Math.floor(t / 1000);
    flushesThisSecond = second === flushSecond ? flushesThisSecond + 1 : 1;
    flushSecond = second;
    maxFlushesPerSecond = Math.max(maxFlushesPerSecond, flushesThisSecond);
  });
  let modelChanges = 0;
  const modelSub = model.onDidChange(() => {
    modelChanges++;
    coalescer.push();
  });

  const connection = clusterBundle.backend.connect({ settingPath: kubeconfig, model, log: logger, pageSize: 500, ...WATCH });
  const states: { at: number; kind: ConnectionState['kind'] }[] = [];
  const stateCounts: Record<string, number> = {};
  let failedStates = 0;
  connection.onDidChangeState((s) => {
    const kind = s.kind === 'reconnecting' ? `reconnecting (${s.problem.kind})` : s.kind;
    stateCounts[kind] = (stateCounts[kind] ?? 0) + 1;
    if (s.kind === 'failed') {
      failedStates++;
      log(`connection FAILED: ${s.problem.kind}: ${s.problem.message}`);
    }
    states.push({ at: nowMs(), kind: s.kind });
    if (states.length > 200) {
      states.shift();
    }
  });
  connection.start();

  const serverState = (): Promise<ServerState> => standin.request<ServerState>({ type: 'state' }, 'state');
  /**
   * Waits until the model equals the server's state. Churn is paused, but events still expire on
   * the server (the TTL runs on, as in a cluster): the state is read again for every comparison,
   * so the model is compared with what the server holds now, not with what it held when the wait began.
   */
  const waitEqual = async (timeoutMs: number): Promise<{ ms: number; equal: boolean; diff: StateDiff }> => {
    const t = nowMs();
    let diff = compareWithServer(model.snapshot(), await serverState());
    while (!isEqualState(diff) && nowMs() - t < timeoutMs) {
      await sleep(100);
      diff = compareWithServer(model.snapshot(), await serverState());
    }
    return { ms: nowMs() - t, equal: isEqualState(diff), diff };
  };
  const waitConnectedAfter = async (since: number, timeoutMs: number): Promise<number> => {
    while (nowMs() - since < timeoutMs) {
      const hit = states.find((s) => s.at >= since && s.kind === 'connected');
      if (hit) {
        return hit.at - since;
      }
      await sleep(20);
    }
    return Infinity;
  };

  const first = await waitConnectedAfter(T0, 120_000);
  const firstEqual = await waitEqual(120_000);
  log(`connected in ${first.toFixed(0)} ms; model equal: ${firstEqual.equal} (${model.nodes().length} nodes, ${modelEventCount(model)} events)`);
  if (!firstEqual.equal) {
    throw new Error(`the first load never matched the server: ${JSON.stringify(firstEqual.diff)}`);
  }

  // ---- the run
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  standin.send({ type: 'churn', on: true });
  const start = nowMs();
  const at = (): number => (nowMs() - start) / MIN;
  const memory: MemoryRow[] = [];
  let peakHeap = 0;
  let peakRss = 0;
  let lowRss = Infinity;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
    lowRss = Math.min(lowRss, m.rss);
  }, SCHEDULE.sampleEveryMs);
  // What the soak was doing, for the stalls: the longest gaps of a 100 ms timer, with the phase they fell in.
  let phase = 'churn';
  const stalls: { atMin: number; ms: number; phase: string }[] = [];
  let lastProbe = nowMs();
  /** When the soak's last forced collection ended, and how long it took: a synchronous stall no probe tick sees as a phase. */
  let lastGc = { at: 0, ms: 0 };
  const probe = setInterval(() => {
    const t = nowMs();
    const late = t - lastProbe - 100;
    const gcInside = lastGc.at > lastProbe && lastGc.at <= t;
    lastProbe = t;
    if (late > 200) {
      stalls.push({ atMin: at(), ms: late, phase: gcInside ? `soak: forced GC (${lastGc.ms.toFixed(0)} ms of it)` : phase });
      stalls.sort((a, b) => b.ms - a.ms);
      stalls.length = Math.min(stalls.length, 15);
    }
  }, 100);
  const shares: Promise<void>[] = [];
  const memoryRow = (): void => {
    const gcStart = nowMs();
    gc();
    lastGc = { at: nowMs(), ms: nowMs() - gcStart };
    const m = process.memoryUsage();
    memory.push({
      atMin: at(), heapUsed: m.heapUsed, rss: m.rss, peakHeap: Math.max(peakHeap, m.heapUsed), peakRss: Math.max(peakRss, m.rss), lowRss: Math.min(lowRss, m.rss),
      heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers,
      spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((x) => [x.space_name, x.space_used_size])),
      modelNodes: model.nodes().length, modelEvents: modelEventCount(model), historyBytes: store?.stats().bytes ?? 0, historyRecords: store?.stats().records ?? 0,
    });
    peakHeap = 0;
    peakRss = 0;
    lowRss = Infinity;
    const row = memory[memory.length - 1];
    if (SNAPSHOTS) {
      // For finding what grows (scripts/heap-diff.mjs compares two); it stalls the loop for seconds,
      // so a run with snapshots measures nothing else.
      const file = v8.writeHeapSnapshot(path.join(SNAPSHOTS, `minute-${row.atMin.toFixed(1).padStart(5, '0')}.heapsnapshot`));
      log(`heap snapshot: ${file}`);
    }
    shares.push(historyShare(path.join(work, 'history'), historyCluster).then((share) => {
      row.historyHeap = share?.bytes;
      log(`memory at minute ${row.atMin.toFixed(1)}: the history's ${share?.records ?? '?'} records take ${share ? (share.bytes / 2 ** 20).toFixed(1) : '?'} MB of heap`);
    }));
    log(`memory: heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MB, RSS ${(m.rss / 2 ** 20).toFixed(1)} MB, ${modelEventCount(model)} events in the model, history ${((store?.stats().bytes ?? 0) / 2 ** 20).toFixed(1)} MB`);
  };
  memoryRow();

  const restarts: RestartRecord[] = [];
  const rotations: number[] = [];
  let malformedSent = 0;
  let hang: { atMin: number; watches: number; endedAfterMs?: number } | undefined;
  const azureRounds: AzureRound[] = [];
  let nextRestart = SCHEDULE.restartEveryMs;
  let nextRotate = SCHEDULE.rotateEveryMs;
  let nextMalformed = SCHEDULE.malformedEveryMs;
  let nextAzure = SCHEDULE.azureEveryMs / 2;
  let azureIndex = 0;
  let hangDone = false;
  const elapsed = (): number => nowMs() - start;

  const restart = async (): Promise<void> => {
    const atMin = at();
    phase = 'API server writing its state';
    const snap = await standin.request<Snapshot>({ type: 'snapshot', file: stateFile }, 'snapshot');
    await standin.kill();
    phase = 'API server down';
    const [lo, hi] = SCHEDULE.downMs;
    const downMs = lo + Math.floor(random() * (hi - lo));
    log(`API server killed (rv ${snap.resourceVersion}); down for ${(downMs / 1000).toFixed(0)} s`);
    await sleep(downMs);
    const carry: Carry = snap.carry;
    phase = 'API server starting';
    const next = await StandInProcess.start({ type: 'init', churn: CHURN, token, port, certificates, stateFile, carry, errorsFile });
    phase = 'reconnect and relist';
    standin = next.process;
    const listening = nowMs();
    const connectedMs = await waitConnectedAfter(listening, 180_000);
    const eq = await waitEqual(60_000);
    const equalMs = nowMs() - listening;
    standin.send({ type: 'churn', on: true });
    phase = 'churn';
    restarts.push({ atMin, downMs, connectedMs, equalMs, equal: eq.equal, ...(eq.equal ? {} : { diff: eq.diff }) });
    log(`restarted (restored in ${next.ready.startMs} ms): connected after ${connectedMs.toFixed(0)} ms, model equal after ${equalMs.toFixed(0)} ms (${eq.equal ? 'equal' : `NOT equal: ${JSON.stringify(eq.diff)}`})`);
  };

  const rotate = async (): Promise<void> => {
    token = `soak-${randomUUID()}`;
    // The file first (what kubelogin would print next), then the server stops taking the old one.
    fs.writeFileSync(`${tokenFile}.new`, token);
    fs.renameSync(`${tokenFile}.new`, tokenFile);
    standin.send({ type: 'rotate', token });
    log('token rotated');
    rotations.push(at());
  };

  const azureRound = async (): Promise<void> => {
    const fault = AZURE_FAULTS[azureIndex++ % AZURE_FAULTS.length];
    if (fault.arm) {
      azure.send({ type: 'fault', target: 'arm', fault: fault.arm } satisfies ToAzure);
    }
    if (fault.la) {
      azure.send(fault.la);
    }
    const settings: AzureSettings = { resourceManagerEndpoint: azureReady.armUrl, logAnalyticsEndpoint: azureReady.laUrl };
    const credential = fixedTokenCredential(azureReady.token);
    const node = SIMULATED_NODES.userNotReady[0];
    const now = Date.now();
    const t1 = nowMs();
    const signal = AbortSignal.timeout(120_000);
    const d: Diagnosis = await azureBundle.backend.diagnose({ node, providerId: providerIdOf(node), pool: 'userpool', notReadySince: now - 40 * MIN, errors: [], now },
      credential, settings, () => undefined, signal);
    const diagnoseMs = nowMs() - t1;
    const t2 = nowMs();
    const insights = await azureBundle.backend.readContainerInsights({ providerId: providerIdOf(node), node, days: 7, now }, credential, settings, signal);
    const insightsMs = nowMs() - t2;
    await new Promise<AzureCleared>((resolve) => {
      azure.once('message', (m: AzureCleared) => resolve(m));
      azure.send({ type: 'clear' } satisfies ToAzure);
    });
    const sections: Record<string, string> = {
      instance: d.instance.state, extensions: d.extensions.state, health: d.health.state, activity: d.activity.state, cluster: d.cluster.state,
    };
    const insightsOk = insights.problem === undefined && insights.events.length > 0;
    const allOk = Object.values(sections).every((s) => s === 'ok');
    const met = fault.expect === 'complete'
      ? allOk && insightsOk
      : sections.health === 'error' && Object.entries(sections).every(([k, s]) => k === 'health' || s === 'ok') && insightsOk;
    azureRounds.push({ atMin: at(), fault: fault.name, expect: fault.expect, diagnoseMs, insightsMs, sections, insightsOk, insightsProblem: insights.problem?.message, met });
    log(`azure (${fault.name}): diagnosis ${diagnoseMs.toFixed(0)} ms ${JSON.stringify(sections)}, insights ${insightsMs.toFixed(0)} ms ${insightsOk ? 'ok' : `problem: ${insights.problem?.message ?? 'no rows'}`}${met ? '' : ' — NOT as expected'}`);
  };

  // One fault at a time, in time order; the hung watch keeps restarts away until the client's idle timer ended it.
  let tasks: Promise<void> = Promise.resolve();
  while (elapsed() < durationMs) {
    await sleep(250);
    const t = elapsed();
    if (hang && hang.endedAfterMs === undefined) {
      const hungAt = start + hang.atMin * MIN;
      const ended = states.find((s) => s.at > hungAt && s.kind === 'reconnecting');
      if (ended) {
        hang.endedAfterMs = ended.at - hungAt;
        log(`hung watch ended by the client after ${(hang.endedAfterMs / 1000).toFixed(1)} s`);
      } else if (nowMs() - hungAt > IDLE_MS + 60_000) {
        hang.endedAfterMs = Infinity;
        log('hung watch NOT ended by the client');
      }
    }
    const hangOpen = hang !== undefined && hang.endedAfterMs === undefined;
    if (!hangDone && t >= SCHEDULE.hangAtMs && t + IDLE_MS + 20_000 < durationMs) {
      hangDone = true;
      const hung = await standin.request<Hung>({ type: 'hang', resource: 'events' }, 'hung');
      hang = { atMin: at(), watches: hung.watches };
      log(`events watch hung (${hung.watches} watch)`);
      continue;
    }
    if (t >= nextRestart && !hangOpen) {
      nextRestart += SCHEDULE.restartEveryMs;
      if (t + 30_000 < durationMs) {
        memoryRow();
        await restart();
      }
      continue;
    }
    if (t >= nextRotate) {
      nextRotate += SCHEDULE.rotateEveryMs;
      await rotate();
      continue;
    }
    if (t >= nextMalformed && !hangOpen) {
      nextMalformed += SCHEDULE.malformedEveryMs;
      standin.send({ type: 'corrupt', count: 1 });
      malformedSent++;
      continue;
    }
    if (t >= nextAzure) {
      nextAzure += SCHEDULE.azureEveryMs;
      // In the background: a diagnosis runs beside the cluster's faults, as in the extension.
      tasks = tasks.then(azureRound).catch((err: unknown) => log(`azure round threw: ${String(err)}`));
    }
  }
  await tasks;

  // ---- the end: churn stops, the model must equal the server, the history must hold every error
  lag.disable();
  clearInterval(sampler);
  clearInterval(probe);
  standin.send({ type: 'churn', on: false });
  if (SNAPSHOTS) {
    // With the last row's: what the final comparison and the end of churn leave in the heap.
    gc();
    log(`heap snapshot: ${v8.writeHeapSnapshot(path.join(SNAPSHOTS, 'before-final.heapsnapshot'))}`);
  }
  const counters = await standin.request<Counters>({ type: 'counters' }, 'counters');
  const final = await waitEqual(120_000);
  await standin.request<Snapshot>({ type: 'snapshot', file: stateFile }, 'snapshot');
  memoryRow();
  log(`final: model ${final.equal ? 'equal to' : 'DIFFERENT from'} the server after ${final.ms.toFixed(0)} ms ${JSON.stringify(final.diff)}`);

  await Promise.all(shares);
  modelSub.dispose();
  coalescer.dispose();
  recorder.dispose();
  await store.close();
  // The last references: the heap measured next is without the store and the recorder.
  // eslint-disable-next-line no-useless-assignment
  recorder = undefined;
  store = undefined;
  // The history store keeps what it holds in memory (30 days): its share of the heap, for the no-leak figure.
  gc();
  const heapWithoutHistory = process.memoryUsage().heapUsed;
  connection.dispose();
  const history = await HistoryStore.open({ folder: path.join(work, 'history'), cluster: `soak\nhttps://127.0.0.1:${port}`, retentionDays: 30 });
  const errorKeys = new Set(fs.readFileSync(errorsFile, 'utf8').split('\n').filter((k) => k !== ''));
  let errorsMissing = 0;
  const missingSample: string[] = [];
  for (const key of errorKeys) {
    if (!history.event(key)) {
      errorsMissing++;
      if (missingSample.length < 5) {
        missingSample.push(key);
      }
    }
  }
  let historyEvents = 0;
  let duplicateKeys = 0;
  let duplicateRows = 0;
  const duplicateSample: string[] = [];
  for (const node of history.nodesWithEvents()) {
    const events = history.eventsFor(node);
    historyEvents += events.length;
    duplicateKeys += events.length - new Set(events.map((e) => e.key)).size;
    // The same occurrence under two keys would show as two rows in the history panel.
    const seen = new Map<string, string>();
    for (const e of events) {
      const occurrence = `${e.reason}\u0000${e.firstSeen}\u0000${e.message}`;
      const other = seen.get(occurrence);
      if (other !== undefined) {
        duplicateRows++;
        if (duplicateSample.length < 5) {
          duplicateSample.push(`${node} ${e.reason} first seen ${new Date(e.firstSeen ?? 0).toISOString()}: ${other} and ${e.key}`);
        }
      }
      seen.set(occurrence, e.key);
    }
  }
  const historyStats = history.stats();
  await history.close();

  untrust();
  azure.disconnect();
  await standin.kill();
  fs.rmSync(work, { recursive: true, force: true });

  const result = {
    fast, minutes, schedule: SCHEDULE, churn: CHURN, nodes: NODES, events: EVENTS, watch: { ...WATCH, idleMs: IDLE_MS }, node: process.version,
    memory, restarts, rotations, malformedSent, hang, azureRounds,
    final: { ...final, heapWithoutHistory, counters, errorKeys: errorKeys.size, errorsMissing, missingSample, historyEvents, duplicateKeys, duplicateRows, duplicateSample, historyStats },
    refresh: { flushes, modelChanges, minFlushGap, maxFlushesPerSecond, seconds: (nowMs() - start) / 1000 },
    stalls, stallsNameForcedGc: true,
    lag: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    connection: { stateCounts, failedStates, logCounts: logger.counts, recentWarnings: logger.recent.slice(-15) },
    restartPercentiles: {
      connectedP99: percentile(restarts.map((r) => r.connectedMs).sort((a, b) => a - b), 99),
      equalP99: percentile(restarts.map((r) => r.equalMs).sort((a, b) => a - b), 99),
    },
  };
  fs.writeFileSync(outFile, JSON.stringify(result, null, 1));
  log(`wrote ${outFile}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
