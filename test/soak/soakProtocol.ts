/**
 * Messages between the soak (soak.ts, the measured process) and the API stand-in's process
 * (soakStandin.ts), which the soak kills and starts again with the state it kept.
 */
import type { StandInCertificates } from '../standin/certs';

export interface ChurnSettings {
  /** Updates per second. */
  rate: number;
  /** Events last seen longer ago than this are deleted (the API server's event TTL). */
  eventTtlMs: number;
  /** Churn deletes only events at least this old (see the method notes in RELIABILITY.md). */
  minDeleteAgeMs: number;
  /** How often expired events are deleted. */
  expiryEveryMs: number;
  seed: number;
}

/** The first message to a new stand-in process. */
export interface Init {
  type: 'init';
  churn: ChurnSettings;
  token: string;
  /** Absent on the first start: listen on a free port, create certificates and the fixture. */
  port?: number;
  certificates?: StandInCertificates;
  /** The state the killed process wrote (exportState() as JSON): a file the soak keeps, so the bytes never pass through its heap. */
  stateFile?: string;
  /** First start: the fixture's size. */
  nodes?: number;
  events?: number;
  /** The repair-sequence progress and the churn's own bookkeeping, carried across restarts. */
  carry?: Carry;
  /**
   * Where the keys of the error events created are appended, one a line: the soak reads the file
   * only after its last memory row, so the list of every error ever created is not in its heap.
   */
  errorsFile: string;
}

/** What the churn remembers besides the server's objects. */
export interface Carry {
  /** node → the action of the repair sequence in progress on it. */
  sequences: Record<string, string>;
  counters: ChurnCounters;
  /** Rotates the three error message formats. */
  errorFormat: number;
}

export interface ChurnCounters {
  /** Updates made, and the time the churn ran (for the rate achieved). */
  updates: number;
  churnMs: number;
  nodeUpdates: number;
  readinessFlips: number;
  repairEvents: number;
  errorEvents: number;
  countBumps: number;
  deletions: number;
  expired: number;
  /** Errors by message format (1 colon, 2 see-details, 3 learn-more). */
  errorFormats: [number, number, number];
  lateTicks: number;
  /** Watch events the stand-in actually sent cut in half (a request may be lost to a restart). */
  corruptedLines: number;
}

export interface Ready {
  type: 'ready';
  port: number;
  caPem: string;
  certificates: StandInCertificates;
  /** ms from the process's init to listening (restoring the state included). */
  startMs: number;
  resourceVersion: string;
}

export interface Snapshot {
  type: 'snapshot';
  /** The last resourceVersion written to the file. */
  resourceVersion: number;
  carry: Carry;
}

export type ToStandIn =
  | Init
  | { type: 'churn'; on: boolean }
  /** Pauses churn and writes the state to `file`. */
  | { type: 'snapshot'; file: string }
  | { type: 'state' }
  | { type: 'rotate'; token: string }
  | { type: 'hang'; resource: string }
  | { type: 'corrupt'; count: number }
  | { type: 'counters' };

export interface Counters {
  type: 'counters';
  counters: ChurnCounters;
  nodes: number;
  events: number;
  openWatches: number;
}

export interface Hung {
  type: 'hung';
  watches: number;
}
