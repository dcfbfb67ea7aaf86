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
