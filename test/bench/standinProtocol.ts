/** Messages between clusterBench.ts and the stand-in child (standinProcess.ts). */
import { createHash } from 'node:crypto';

export interface StandInReady {
  type: 'ready';
  kubeconfigPath: string;
  nodes: number;
  events: number;
  /** JSON bytes of all nodes / all events as stored (what a full list carries, without paging envelopes). */
  nodeBytes: number;
  eventBytes: number;
  /** Events the model keeps (projectEvent accepts them): what "complete" means. */
  modelEvents: number;
  generateMs: number;
}

export interface Churned {
  type: 'churned';
  nodeUpdates: number;
  eventUpdates: number;
  eventDeletes: number;
  seconds: number;
  /** Updates per second actually achieved. */
  rate: number;
  /** Timer ticks that fell behind (the child could not keep up). */
  lateTicks: number;
}

export interface ServerState {
  type: 'state';
  /** name → digest of the node's projection (includes resourceVersion and readiness). */
  nodes: Record<string, string>;
  /** event key → digest of the event's projection. */
  events: Record<string, string>;
}

/** Digest of a projection: the model and the server side hash the same projectNode/projectEvent output. */
export const digest = (x: unknown): string => createHash('sha1').update(JSON.stringify(x)).digest('base64');

/** How a model's snapshot differs from the server's projections (0 everywhere: equal). */
export interface StateDiff {
  nodesDiffer: number;
  eventsMissing: number;
  eventsStale: number;
  eventsExtra: number;
}

/** Compares model.snapshot() with the server's digests, digest by digest. */
export function compareWithServer(snapshot: { nodes: readonly { name: string }[]; events: readonly { key: string }[] }, server: ServerState): StateDiff {
  const modelNodes = new Map(snapshot.nodes.map((n) => [n.name, digest(n)]));
  let nodesDiffer = [...modelNodes.keys()].filter((n) => !(n in server.nodes)).length;
  for (const [name, d] of Object.entries(server.nodes)) {
    if (modelNodes.get(name) !== d) {
      nodesDiffer++;
    }
  }
  const modelEvents = new Map(snapshot.events.map((e) => [e.key, digest(e)]));
  let eventsMissing = 0;
  let eventsStale = 0;
  for (const [key, d] of Object.entries(server.events)) {
    const mine = modelEvents.get(key);
    if (mine === undefined) {
      eventsMissing++;
    } else if (mine !== d) {
      eventsStale++;
    }
  }
  const eventsExtra = [...modelEvents.keys()].filter((k) => !(k in server.events)).length;
  return { nodesDiffer, eventsMissing, eventsStale, eventsExtra };
}

export const isEqualState = (d: StateDiff): boolean => d.nodesDiffer + d.eventsMissing + d.eventsStale + d.eventsExtra === 0;
