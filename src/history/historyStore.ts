/**
 * One cluster's repair history on disk: an append-only JSON-lines file in the extension's
 * global storage, folded into memory on open, appended in batches, compacted by writing a new
 * file and renaming it over the old one. Only the holder of the writer lock appends; other
 * windows read the file and follow it as it grows. See README.md for why this design. The file
 * work itself (the lock, appends, following, compaction, failing storage) is historySync.ts.
 */

import * as path from 'node:path';
import type { HistorySnapshot, ReadinessTransition, RecordedEvent, RecordedNode } from '../domain/history';
import { Emitter, type Disposable } from '../domain/emitter';
import type { RepairEventRecord } from '../domain/repairEvent';
import { historyFileName, type HistoryLog } from './historyFile';
import { recordedEvent } from './historyCodec';
import { HistoryState, type HistoryLine } from './historyRecords';
import { HistorySync, type StoreRole } from './historySync';
import type { StorageProblem } from './storageHealth';

export { clearAllHistory, historyFileName, type HistoryLog } from './historyFile';
export type { StoreRole } from './historySync';
export type { StorageProblem } from './storageHealth';

const DAY_MS = 86_400_000;

export interface HistoryStoreOptions {
  /** The folder holding every cluster's file (created when missing). */
  readonly folder: string;
  /** The cluster's key (context and API server); stored inside the file, hashed into its name. */
  readonly cluster: string;
  readonly retentionDays: number;
  /** Size bound per cluster: past it the file is compacted, then the oldest records dropped. */
  readonly maxBytes?: number;
  readonly maxRecords?: number;
  /** Appends are batched: one write per interval, or sooner once this many records wait. */
  readonly flushIntervalMs?: number;
  readonly flushRecords?: number;
  /** How often a reader looks for new lines (and a writer for a file cleared elsewhere). */
  readonly pollIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** A lock whose heartbeat is older than this is taken over. */
  readonly lockStaleMs?: number;
  /** Write without the lock: what two windows would do if the lock failed (tests prove reads still dedupe). */
  readonly ignoreLock?: boolean;
  /** A failed write, lock or read is tried again after this, doubling up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** A failed compaction is not tried again (except when asked for) before this. */
  readonly compactionBackoffMs?: number;
  readonly now?: () => number;
  readonly log?: HistoryLog;
}

export interface StoreStats {
  readonly role: StoreRole;
  readonly bytes: number;
  readonly lines: number;
  readonly records: number;
  /** Lines skipped as unreadable since open. */
  readonly skipped: number;
  readonly compactions: number;
}

export class HistoryStore implements Disposable {
  readonly file: string;
  private readonly sync: HistorySync;
  private readonly state = new HistoryState();
  private readonly logged = new Set<string>();
  private io: Promise<void> = Promise.resolve();
  private retentionDays: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private queuedFlush: Promise<void> | undefined;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private closed = false;
  /** No more records are taken; what waits is written. */
  private closing = false;
  private snapshotCache: { generation: number; snapshot: HistorySnapshot } | undefined;
  private readonly changed = new Emitter<void>((err) => this.log.warn(`A history listener failed: ${String(err)}`));
  private readonly roleChanged = new Emitter<StoreRole>((err) => this.log.warn(`A history listener failed: ${String(err)}`));
  /** The state changed (own records, lines another window wrote, retention, clear), or a storage problem started or ended. */
  readonly onDidChange = this.changed.event;
  /** This window became the writer (the other one closed) or stopped being it. */
  readonly onDidChangeRole = this.roleChanged.event;
  private readonly now: () => number;
  private readonly log: HistoryLog;
  private readonly flushIntervalMs: number;
  private readonly flushRecords: number;

  private constructor(private readonly options: HistoryStoreOptions) {
    this.file = path.join(options.folder, historyFileName(options.cluster));
    this.now = options.now ?? Date.now;
    this.log = options.log ?? { info: () => undefined, warn: () => undefined };
    this.retentionDays = clampDays(options.retentionDays);
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.flushRecords = options.flushRecords ?? 2_000;
    this.sync = new HistorySync(this.state, {
      folder: options.folder,
      file: this.file,
      cluster: options.cluster,
      ignoreLock: options.ignoreLock ?? false,
      lockStaleMs: options.lockStaleMs ?? 20_000,
      maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
      maxRecords: options.maxRecords ?? 200_000,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 60_000,
      compactionBackoffMs: options.compactionBackoffMs ?? 60_000,
      now: this.now,
      log: this.log,
      cutoff: () => this.cutoff(),
      changed: () => this.changed.fire(),
      roleChanged: (role) => this.roleChanged.fire(role),
      retryIn: (ms) => this.flushIn(Math.max(ms, this.flushIntervalMs)),
    });
  }

  /**
   * Opens (and reads) the cluster's history. Never fails on a bad file nor on storage that cannot
   * be written: the store then reads what it can, says so in `problem()`, and tries again.
   */
  static async open(options: HistoryStoreOptions): Promise<HistoryStore> {
    const store = new HistoryStore(options);
    await store.start();
    return store;
  }

  /**
   * Why this window does not record the cluster's history (or cannot read it), while that lasts:
   * the folder, the lock or the file cannot be written (EACCES, EROFS, ENOSPC …). Undefined when
   * all works, and when another window records.
   */
  problem(): StorageProblem | undefined {
    return this.sync.problem();
  }

  get cluster(): string {
    return this.options.cluster;
  }

  get role(): StoreRole {
    return this.sync.role;
  }

  stats(): StoreStats {
    const d = this.sync.disk;
    return { role: this.sync.role, bytes: d.offset, lines: d.lines, records: this.state.recordCount, skipped: d.skipped, compactions: this.sync.compactions };
  }

  // ---- reading -------------------------------------------------------------------------------

  snapshot(): HistorySnapshot {
    const generation = this.state.generation;
    if (this.snapshotCache?.generation === generation) {
      return this.snapshotCache.snapshot;
    }
    const events = new Map<string, readonly RecordedEvent[]>();
    const transitions = new Map<string, readonly ReadinessTransition[]>();
    for (const name of this.state.nodeNames()) {
      const e = this.state.eventsFor(name);
      if (e.length > 0) {
        events.set(name, e);
      }
      const t = this.state.transitionsFor(name);
      if (t.length > 0) {
        transitions.set(name, t);
      }
    }
    const snapshot: HistorySnapshot = {
      cluster: this.options.cluster,
      since: this.cutoff(),
      nodes: new Map(this.state.nodes),
      events,
      transitions,
    };
    this.snapshotCache = { generation, snapshot };
    return snapshot;
  }

  /** One node's recorded events, oldest first; the same array until they change. */
  eventsFor(node: string): readonly RecordedEvent[] {
    return this.state.eventsFor(node);
  }

  transitionsFor(node: string): readonly ReadinessTransition[] {
    return this.state.transitionsFor(node);
  }

  nodeFacts(node: string): RecordedNode | undefined {
    return this.state.nodes.get(node);
  }

  /** The recorded event with this key (for the recorder's change check). */
  event(key: string): RecordedEvent | undefined {
    return this.state.events.get(key);
  }

  /** Nodes with recorded events, in no order. */
  nodesWithEvents(): string[] {
    return [...this.state.nodesWithEvents()];
  }

  hasAnythingFor(node: string): boolean {
    return this.state.hasAnythingFor(node);
  }

  /** Bumped on every change of what the store holds. */
  get generation(): number {
    return this.state.generation;
  }

  // ---- recording (writer only; no file system here: appends are batched) ---------------------

  recordEvent(event: RepairEventRecord, recordedAt = this.now()): boolean {
    return this.record({ t: 'e', e: recordedEvent(event, recordedAt) });
  }

  recordTransition(transition: ReadinessTransition): boolean {
    return this.record({ t: 'r', r: transition });
  }

  recordNode(node: RecordedNode): boolean {
    return this.record({ t: 'n', n: node });
  }

  private record(line: HistoryLine): boolean {
    if (this.sync.role !== 'writer' || this.closing || !this.state.apply(line)) {
      return false;
    }
    if (this.sync.push(line) >= this.flushRecords && this.sync.writable) {
      void this.flush();
    } else {
      this.flushIn(this.flushIntervalMs);
    }
    this.changed.fire();
    return true;
  }

  /** Writes what is waiting, in one append (not before the pause after a failed write is over). */
  flush(): Promise<void> {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    // One queued flush takes everything that waits when it runs: no need for a second.
    this.queuedFlush ??= this.enqueue(async () => {
      this.queuedFlush = undefined;
      await this.sync.writePending();
    });
    return this.queuedFlush;
  }

  /** A flush after `ms`, unless one is due already (new records do not hurry a retry). */
  private flushIn(ms: number): void {
    if (this.flushTimer === undefined && !this.closing) {
      this.flushTimer = setTimeout(() => void this.flush(), ms);
      this.flushTimer.unref?.();
    }
  }

  // ---- maintenance ---------------------------------------------------------------------------

  async setRetention(days: number): Promise<void> {
    this.retentionDays = clampDays(days);
    await this.enqueue(async () => {
      if (this.state.dropOlderThan(this.cutoff()) > 0) {
        this.changed.fire();
        if (this.sync.role === 'writer') {
          await this.sync.compactNow();
        }
      }
    });
  }

  /** Rewrites the file with only what the state holds (writer only), even while a failed compaction waits. */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      if (this.sync.role === 'writer') {
        await this.sync.compactNow();
      }
    });
  }

  /** Forgets the cluster's history: memory and file (a writer in another window notices and starts over). */
  clear(): Promise<void> {
    return this.enqueue(async () => {
      await this.sync.clear();
      if (this.state.recordCount > 0) {
        this.state.clear();
        this.changed.fire();
      }
    });
  }

  /** Flushes, stops following the file and gives up the lock. */
  async close(): Promise<void> {
    if (this.closed || this.closing) {
      return this.io;
    }
    this.closing = true;
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    // The last chance for what waits: tried even while a failed write waits for its retry.
    await this.enqueue(() => this.sync.writePending(true));
    this.closed = true;
    for (const t of this.timers) {
      clearInterval(t);
    }
    await this.io;
    await this.sync.close();
    this.changed.dispose();
    this.roleChanged.dispose();
  }

  dispose(): void {
    void this.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  private async start(): Promise<void> {
    const problems = await this.sync.start();
    this.log.info(`Repair history ${this.file}: ${this.state.recordCount} records, ${this.sync.role}${problems > 0 ? `, ${problems} unreadable lines skipped` : ''}.`);
    const poll = setInterval(() => void this.enqueue(() => this.sync.poll()), this.options.pollIntervalMs ?? 2_000);
    const heartbeat = setInterval(() => void this.enqueue(() => this.sync.heartbeat()), this.options.heartbeatMs ?? 5_000);
    const retention = setInterval(() => void this.setRetention(this.retentionDays), 3_600_000);
    for (const t of [poll, heartbeat, retention]) {
      t.unref?.();
      this.timers.push(t);
    }
  }

  /** Runs file work one piece at a time; a failure is logged (once per message), never thrown at the caller's timer. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.io.then(() => (this.closed ? undefined : work())).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!this.logged.has(message)) {
        if (this.logged.size > 100) {
          this.logged.clear();
        }
        this.logged.add(message);
        this.log.warn(`Repair history ${this.file}: ${message}`);
      }
    });
    this.io = next;
    return next;
  }

  private cutoff(): number {
    return this.now() - this.retentionDays * DAY_MS;
  }
}

function clampDays(days: number): number {
  return Number.isFinite(days) ? Math.min(365, Math.max(1, Math.floor(days))) : 30;
}
