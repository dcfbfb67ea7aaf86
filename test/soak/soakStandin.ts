/**
 * The API stand-in for the soak, in a process of its own: the soak kills this process (the API
 * server goes away with its connections) and forks a new one with the state it kept, on the same
 * port and certificates. Here: the cluster's churn (node heartbeats and readiness flips, repair
 * sequences with errors in the three message formats, count bumps, deletions), the event TTL, and
 * the faults the soak asks for. Driven over IPC, see soakProtocol.ts.
 */
import * as fs from 'node:fs';

import { ApiStandIn, KubeObject, StandInState } from '../standin/apiServer';
import { aksNodeName, makeNode, makeRepairEvent, RepairReason } from '../standin/fixtures';
import { seededRandom } from '../bench/common';
import { serverState } from '../bench/standinProcess';
import type { Carry, ChurnCounters, Counters, Hung, Init, Ready, Snapshot, ToStandIn } from './soakProtocol';

const POOLS = ['system', 'userpool', 'gpupool', 'spotpool', 'batchpool'];
const ACTIONS = ['Reboot', 'Reimage', 'Redeploy'];
const CODES = ['VMExtensionProvisioningError', 'OutboundConnectivityNotEnabledOnVMSS', 'InvalidParameter', 'AllocationFailed', 'OverconstrainedAllocationRequest'];
/** Count bumps go to one of the most recently created events (a repeating event is a recent one). */
const RECENT = 300;

function send(message: unknown): void {
  process.send?.(message);
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function emptyCounters(): ChurnCounters {
  return { updates: 0, churnMs: 0, nodeUpdates: 0, readinessFlips: 0, repairEvents: 0, errorEvents: 0, countBumps: 0, deletions: 0, expired: 0, errorFormats: [0, 0, 0], lateTicks: 0, corruptedLines: 0 };
}

interface Live {
  key: string;
  event: KubeObject;
  createdMs: number;
}

class SoakCluster {
  private readonly random: () => number;
  private readonly names: string[];
  /** The latest stored copy of each node (server.nodes() copies them all). */
  private readonly nodesNow = new Map<string, KubeObject>();
  private readonly lastStep = new Map<string, number>();
  /** Events in creation order (the latest stored copy of each). */
  private live: Live[] = [];
  private pendingErrors: string[] = [];
  private churnTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  readonly carry: Carry;
  private readonly corruptedBefore: number;

  constructor(readonly server: ApiStandIn, private readonly init: Init) {
    this.random = seededRandom(init.churn.seed);
    this.carry = init.carry ?? { sequences: {}, counters: emptyCounters(), errorFormat: 0 };
    this.corruptedBefore = this.carry.counters.corruptedLines;
    for (const n of server.nodes()) {
      this.nodesNow.set(n.metadata?.name ?? '', n);
    }
    this.names = [...this.nodesNow.keys()];
    for (const e of server.events().sort((a, b) => Date.parse(String(a.metadata?.creationTimestamp)) - Date.parse(String(b.metadata?.creationTimestamp)))) {
      this.live.push({ key: `${e.metadata?.namespace}/${e.metadata?.name}`, event: e, createdMs: Date.parse(String(e.metadata?.creationTimestamp)) });
    }
  }

  /** The first start: nodes, and an hour's worth of events spread over the TTL (so expiry runs from the first minute). */
  static fixture(server: ApiStandIn, init: Init): string[] {
    const nodeCount = init.nodes ?? 500;
    const names = Array.from({ length: nodeCount }, (_, i) => aksNodeName(POOLS[i % POOLS.length], Math.floor(i / POOLS.length)));
    server.loadNodes(names.map((name, i) => makeNode({ name, bulk: true, ready: i % 40 === 0 ? 'False' : 'True' })));
    const now = Date.now();
    const events: KubeObject[] = [];
    const count = init.events ?? 1000;
    for (let i = 0; i < count; i++) {
      // Oldest first, so creation order is time order.
      // From 95 % of the TTL ago (the oldest expire soon after the churn starts, none before the client's first list) to now.
      const at = new Date(now - init.churn.eventTtlMs * 0.95 + Math.floor((i / count) * init.churn.eventTtlMs * 0.95));
      // Round robin: one node's events are minutes apart, so no two are the same occurrence.
      const node = names[i % names.length];
      const action = ACTIONS[i % 3];
      const phase = i % 3 === 0 ? 'Start' : i % 3 === 1 ? 'End' : 'Error';
      const format = ((Math.floor(i / 3) % 3) + 1) as 1 | 2 | 3;
      events.push(makeRepairEvent({ node, reason: `Node${action}${phase}` as RepairReason, at, format, code: CODES[i % CODES.length] }));
    }
    server.loadEvents(events);
    // The fixture's error events are among those the server ever had.
    return server.events().filter((e) => String(e.reason).endsWith('Error')).map((e) => String(e.metadata?.uid));
  }

  start(initialErrors: string[]): void {
    this.pendingErrors.push(...initialErrors);
    this.reportTimer = setInterval(() => this.reportErrors(), 1000);
  }

  private reportErrors(): void {
    if (this.pendingErrors.length > 0) {
      // The keys are the events' uids, as eventKey() has them.
      fs.appendFileSync(this.init.errorsFile, `${this.pendingErrors.join('\n')}\n`);
      this.pendingErrors = [];
    }
  }

  private expire(): void {
    const deleted = new Set(this.server.deleteEventsOlderThan(Date.now() - this.init.churn.eventTtlMs));
    if (deleted.size > 0) {
      this.carry.counters.expired += deleted.size;
      this.live = this.live.filter((l) => !deleted.has(l.key));
    }
  }

  setChurn(on: boolean): void {
    if (!on) {
      if (this.churnTimer) {
        clearInterval(this.churnTimer);
        this.churnTimer = undefined;
      }
      return;
    }
    if (this.churnTimer) {
      return;
    }
    // The event TTL runs from the first churn on (after the soak's first list), across restarts.
    this.expiryTimer ??= setInterval(() => this.expire(), this.init.churn.expiryEveryMs);
    const tickMs = 10;
    const rate = this.init.churn.rate;
    const t0 = Date.now();
    let due = 0;
    let last = t0;
    this.churnTimer = setInterval(() => {
      const now = Date.now();
      const elapsed = now - t0;
      // A tick more than two ticks late: the process could not keep up (the schedule catches up).
      if (now - last > 3 * tickMs) {
        this.carry.counters.lateTicks++;
      }
      this.carry.counters.churnMs += now - last;
      last = now;
      // Catch up on the schedule, so a late tick does not lower the rate.
      const target = Math.floor((rate * elapsed) / 1000);
      while (due < target) {
        this.update();
        this.carry.counters.updates++;
        due++;
      }
    }, tickMs);
  }

  private update(): void {
    const r = this.random();
    if (r < 0.7) {
      this.nodeUpdate(this.random() < 0.1);
    } else if (r < 0.74) {
      this.repairStep();
    } else if (r < 0.99) {
      this.bump();
    } else {
      this.deleteOld();
    }
  }

  /** A heartbeat (resourceVersion and lastHeartbeatTime move) or a readiness flip. */
  private nodeUpdate(flip: boolean): void {
    const name = this.names[Math.floor(this.random() * this.names.length)];
    const node = this.nodesNow.get(name) as KubeObject & { status: { conditions: { type: string; status: string; lastHeartbeatTime: string; lastTransitionTime: string }[] } };
    const stamp = iso(Date.now());
    const conditions = node.status.conditions.map((cond) => (cond.type === 'Ready'
      ? { ...cond, status: flip ? (cond.status === 'True' ? 'False' : 'True') : cond.status, lastHeartbeatTime: stamp, ...(flip ? { lastTransitionTime: stamp } : {}) }
      : cond));
    this.nodesNow.set(name, this.server.upsertNode({ ...node, status: { ...node.status, conditions } }));
    this.carry.counters.nodeUpdates++;
    if (flip) {
      this.carry.counters.readinessFlips++;
    }
  }

  /**
   * The next step of a node's repair sequence: Start, then End or (one in three) Error. A node
   * whose last step was less than 2 s ago is skipped (timestamps have 1 s steps: two Starts in one
   * second would be the same occurrence in the history under two keys, which the soak counts as a duplicate).
   */
  private repairStep(): void {
    const node = this.names[Math.floor(this.random() * this.names.length)];
    if (Date.now() - (this.lastStep.get(node) ?? 0) < 2_000) {
      return;
    }
    this.lastStep.set(node, Date.now());
    const running = this.carry.sequences[node];
    let reason: RepairReason;
    let format: 1 | 2 | 3 = 1;
    if (running === undefined) {
      const action = ACTIONS[Math.floor(this.random() * ACTIONS.length)];
      this.carry.sequences[node] = action;
      reason = `Node${action}Start` as RepairReason;
    } else {
      delete this.carry.sequences[node];
      const failed = this.random() < 1 / 3;
      reason = `Node${running}${failed ? 'Error' : 'End'}` as RepairReason;
      if (failed) {
        format = ((this.carry.errorFormat++ % 3) + 1) as 1 | 2 | 3;
      }
    }
    const code = CODES[Math.floor(this.random() * CODES.length)];
    const stored = this.server.upsertEvent(makeRepairEvent({ node, reason, at: new Date(), format, code }));
    this.live.push({ key: `${stored.metadata?.namespace}/${stored.metadata?.name}`, event: stored, createdMs: Date.now() });
    this.carry.counters.repairEvents++;
    if (reason.endsWith('Error')) {
      this.carry.counters.errorEvents++;
      this.carry.counters.errorFormats[format - 1]++;
      this.pendingErrors.push(String(stored.metadata?.uid));
    }
  }

  /** A repeated event: count and lastTimestamp move. */
  private bump(): void {
    if (this.live.length === 0) {
      return;
    }
    const i = this.live.length - 1 - Math.floor(this.random() * Math.min(RECENT, this.live.length));
    const l = this.live[i];
    l.event = this.server.upsertEvent({ ...l.event, count: Number(l.event.count ?? 1) + 1, lastTimestamp: iso(Date.now()) });
    this.carry.counters.countBumps++;
  }

  /** Deletes an event old enough (a few tries at random; none when all are young). */
  private deleteOld(): void {
    const minAge = Date.now() - this.init.churn.minDeleteAgeMs;
    for (let attempt = 0; attempt < 3 && this.live.length > 0; attempt++) {
      const i = Math.floor(this.random() * this.live.length);
      const l = this.live[i];
      if (l.createdMs <= minAge) {
        this.live.splice(i, 1);
        this.server.deleteEvent(String(l.event.metadata?.namespace), String(l.event.metadata?.name));
        this.carry.counters.deletions++;
        return;
      }
    }
  }

  /** The carried counters, with what the server counted since this process started. */
  private sync(): void {
    this.carry.counters.corruptedLines = this.corruptedBefore + this.server.corruptedWatchLines;
  }

  snapshot(file: string): Snapshot {
    this.setChurn(false);
    this.sync();
    this.reportErrors();
    const state = this.server.exportState();
    fs.writeFileSync(file, JSON.stringify(state));
    return { type: 'snapshot', resourceVersion: state.resourceVersion, carry: this.carry };
  }

  counters(): Counters {
    this.sync();
    return { type: 'counters', counters: this.carry.counters, nodes: this.server.nodeCount, events: this.server.eventCount, openWatches: this.server.openWatches };
  }

  stopTimers(): void {
    this.setChurn(false);
    clearInterval(this.reportTimer);
    clearInterval(this.expiryTimer);
  }
}

async function main(init: Init): Promise<void> {
  const t0 = Date.now();
  const server = await ApiStandIn.start({
    port: init.port, token: init.token, certificates: init.certificates,
    // 30 s of changes at 200/s (the default 1,000 is 5 s): a watch that reconnects at once resumes.
    historyLimit: 6_000,
  });
  let initialErrors: string[] = [];
  if (init.stateFile) {
    server.restoreState(JSON.parse(fs.readFileSync(init.stateFile, 'utf8')) as StandInState);
  } else {
    initialErrors = SoakCluster.fixture(server, init);
  }
  const cluster = new SoakCluster(server, init);
  cluster.start(initialErrors);
  const ready: Ready = { type: 'ready', port: server.port, caPem: server.caPem, certificates: server.certificates, startMs: Date.now() - t0, resourceVersion: server.resourceVersion };
  send(ready);

  process.on('message', (m: ToStandIn) => {
    switch (m.type) {
      case 'churn': cluster.setChurn(m.on); break;
      case 'snapshot': send(cluster.snapshot(m.file)); break;
      case 'state': send(serverState(server)); break;
      case 'counters': send(cluster.counters()); break;
      case 'rotate': server.rotateToken(m.token); break;
      case 'hang': send({ type: 'hung', watches: server.hangWatches(m.resource) } satisfies Hung); break;
      case 'corrupt': server.corruptNextWatchEvents(m.count); break;
      default: break;
    }
  });
  process.on('disconnect', () => {
    cluster.stopTimers();
    process.exit(0);
  });
}

if (require.main === module) {
  process.once('message', (m: ToStandIn) => {
    if (m.type !== 'init') {
      throw new Error(`expected init, got ${m.type}`);
    }
    main(m).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}
