/**
 * The API stand-in in a child process of its own, so its CPU and memory stay out of the measured
 * process. Driven over IPC by clusterBench.ts:
 *   → { type: 'churn', rate, seconds }   ← { type: 'churned', ... }
 *   → { type: 'state' }                  ← { type: 'state', nodes, events }  (projection digests)
 *   → { type: 'stop' }
 * On start it loads BENCH_NODES bulk nodes and BENCH_EVENTS node events and sends
 * { type: 'ready', kubeconfigPath, ... }.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { projectNode } from '../../src/domain/nodeProjection';
import { eventKey, projectEvent } from '../../src/domain/repairEvent';
import { ApiStandIn, KubeObject } from '../standin/apiServer';
import { aksNodeName, makeNode, makeNoiseEvent, makeRepairEvent, RepairReason } from '../standin/fixtures';
import { seededRandom } from './common';
import { Churned, digest, ServerState, StandInReady } from './standinProtocol';

const REASONS: RepairReason[] = ['NodeRebootStart', 'NodeRebootEnd', 'NodeReimageStart', 'NodeReimageEnd', 'NodeRedeployStart', 'NodeRedeployError', 'NodeRebootError'];

function send(message: unknown): void {
  process.send?.(message);
}

/** The server's nodes and events as the model would project them, one digest each (compared with model.snapshot()). */
export function serverState(server: ApiStandIn): ServerState {
  const nodesOut: Record<string, string> = {};
  for (const n of server.nodes()) {
    const p = projectNode(n);
    if (p) {
      nodesOut[p.name] = digest(p);
    }
  }
  const eventsOut: Record<string, string> = {};
  for (const e of server.events()) {
    const p = projectEvent(e);
    const key = eventKey(e);
    if (p && key) {
      eventsOut[key] = digest(p);
    }
  }
  return { type: 'state', nodes: nodesOut, events: eventsOut };
}

async function main(): Promise<void> {
  const nodeCount = Number(process.env.BENCH_NODES ?? 5000);
  const eventCount = Number(process.env.BENCH_EVENTS ?? 50_000);
  const random = seededRandom(5);
  const server = await ApiStandIn.start();
  const started = Date.now();
  const names = Array.from({ length: nodeCount }, (_, i) => aksNodeName(`pool${i % 10}`, Math.floor(i / 10)));
  const nodes = names.map((name, i) => makeNode({ name, bulk: true, ready: i % 50 === 0 ? 'False' : 'True' }));
  const now = Date.now();
  const events: KubeObject[] = [];
  for (let i = 0; i < eventCount; i++) {
    const node = names[i % nodeCount];
    const at = new Date(now - Math.floor(random() * 50 * 60_000));
    events.push(i % 10 === 9
      ? makeNoiseEvent({ reason: 'NodeNotReady', node, at })
      : makeRepairEvent({ node, reason: REASONS[i % REASONS.length], at, format: 1, code: 'VMExtensionProvisioningError' }));
  }
  server.loadNodes(nodes);
  server.loadEvents(events);
  const kubeconfigPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-bench-kc-')), 'config');
  fs.writeFileSync(kubeconfigPath, server.kubeconfig());
  const stored = { nodes: server.nodes(), events: server.events() };
  const ready: StandInReady = {
    type: 'ready', kubeconfigPath, nodes: nodeCount, events: eventCount,
    nodeBytes: stored.nodes.reduce((n, o) => n + JSON.stringify(o).length, 0),
    eventBytes: stored.events.reduce((n, o) => n + JSON.stringify(o).length, 0),
    modelEvents: stored.events.filter((e) => projectEvent(e) !== undefined).length,
    generateMs: Date.now() - started,
  };
  // The latest version of each object, kept here so updates do not need server.nodes() copies.
  const current = new Map(stored.nodes.map((n) => [n.metadata?.name ?? '', n]));
  const liveEvents = stored.events.map((e) => e);
  stored.nodes = [];
  stored.events = [];
  send(ready);

  const churn = (rate: number, seconds: number): void => {
    const tickMs = 10;
    const perTick = rate * tickMs / 1000;
    const result: Churned = { type: 'churned', nodeUpdates: 0, eventUpdates: 0, eventDeletes: 0, seconds: 0, rate: 0, lateTicks: 0 };
    const t0 = Date.now();
    let due = 0;
    let ticks = 0;
    const update = (): void => {
      const r = random();
      if (r < 0.5) {
        // A node flips readiness or just posts a heartbeat; either way its resourceVersion moves.
        const name = names[Math.floor(random() * names.length)];
        const node = current.get(name) as KubeObject & { status: { conditions: { type: string; status: string; lastHeartbeatTime: string; lastTransitionTime: string }[] } };
        const flip = random() < 0.3;
        const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const conditions = node.status.conditions.map((c) => (c.type === 'Ready'
          ? { ...c, status: flip ? (c.status === 'True' ? 'False' : 'True') : c.status, lastHeartbeatTime: stamp, ...(flip ? { lastTransitionTime: stamp } : {}) }
          : c));
        current.set(name, server.upsertNode({ ...node, status: { ...node.status, conditions } }));
        result.nodeUpdates++;
      } else if (r < 0.8) {
        // A new auto-repair event on some node.
        const node = names[Math.floor(random() * names.length)];
        liveEvents.push(server.upsertEvent(makeRepairEvent({ node, reason: REASONS[Math.floor(random() * REASONS.length)], at: new Date() })));
        result.eventUpdates++;
      } else if (r < 0.99) {
        // A repeated event: count and lastTimestamp move.
        const i = Math.floor(random() * liveEvents.length);
        const e = liveEvents[i];
        liveEvents[i] = server.upsertEvent({ ...e, count: Number(e.count ?? 1) + 1, lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
        result.eventUpdates++;
      } else {
        const i = Math.floor(random() * liveEvents.length);
        const e = liveEvents[i];
        liveEvents[i] = liveEvents[liveEvents.length - 1];
        liveEvents.pop();
        server.deleteEvent(e.metadata?.namespace ?? 'default', e.metadata?.name ?? '');
        result.eventDeletes++;
      }
    };
    const timer = setInterval(() => {
      ticks++;
      const elapsed = Date.now() - t0;
      if (elapsed > (ticks + 2) * tickMs) {
        result.lateTicks++;
      }
      // Catch up on the schedule, so a late tick does not lower the rate.
      const target = Math.min(rate * seconds, Math.floor(perTick * elapsed / tickMs));
      while (due < target) {
        update();
        due++;
      }
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        result.seconds = (Date.now() - t0) / 1000;
        result.rate = due / result.seconds;
        send(result);
      }
    }, tickMs);
  };

  const state = (): ServerState => serverState(server);

  process.on('message', (m: { type: string; rate?: number; seconds?: number }) => {
    if (m.type === 'churn') {
      churn(m.rate ?? 1000, m.seconds ?? 30);
    } else if (m.type === 'state') {
      send(state());
    } else if (m.type === 'stop') {
      void server.stop().then(() => {
        fs.rmSync(path.dirname(kubeconfigPath), { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => {
    fs.rmSync(path.dirname(kubeconfigPath), { recursive: true, force: true });
    process.exit(0);
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
