/**
 * The history store's side on disk: which window writes (the writer lock), what waits to be
 * written, following the file as other windows change it, and compaction. Every method runs on
 * the store's one file-work queue. Storage that fails (a folder, lock or file that cannot be
 * written, a full disk) loses no record that waits, is tried again after a pause and is logged
 * once per error (StorageHealth); a compaction that fails leaves no temporary file and waits a
 * minute before it is tried again.
 */

import * as fs from 'node:fs/promises';
import { removeStaleFiles } from './historyCleanup';
import { writeCompacted } from './historyCompaction';
import { HistoryFile, type HistoryLog } from './historyFile';
import { encodeLine, FORMAT_VERSION } from './historyCodec';
import type { HistoryLine, HistoryState } from './historyRecords';
import { StorageHealth, type StorageOperation, type StorageProblem } from './storageHealth';
import { code, WriterLock } from './writerLock';

/**
 * Records that wait for a write that keeps failing are held up to this many lines; past it they
 * are let go, since the state holds them all, and the next write rewrites the whole file instead.
 */
const MAX_PENDING = 50_000;

export type StoreRole = 'writer' | 'reader';

export interface SyncOptions {
  readonly folder: string;
  readonly file: string;
  readonly cluster: string;
  readonly ignoreLock: boolean;
  readonly lockStaleMs: number;
  readonly maxBytes: number;
  readonly maxRecords: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly compactionBackoffMs: number;
  readonly now: () => number;
  readonly log: HistoryLog;
  /** Epoch ms: records older than this are past retention. */
  readonly cutoff: () => number;
  /** The state changed, or a storage problem started or ended. */
  readonly changed: () => void;
  readonly roleChanged: (role: StoreRole) => void;
  /** Asks the store for a flush after this long (the retry of a failed write). */
  readonly retryIn: (ms: number) => void;
}

export class HistorySync {
  readonly disk: HistoryFile;
  private readonly lock: WriterLock;
  private readonly health: StorageHealth;
  private currentRole: StoreRole = 'reader';
  /** Records not yet on disk, oldest first; taken out only once a write holding them succeeded. */
  private pending: HistoryLine[] = [];
  /** Records were let go from `pending` (a long failure): the next write is a whole rewrite. */
  private rewriteDue = false;
  private folderReady = false;
  /** The file names a newer format than this version writes: never the writer of it. */
  private newerFormat = false;
  compactions = 0;

  constructor(private readonly state: HistoryState, private readonly o: SyncOptions) {
    this.lock = new WriterLock(`${o.file}.lock`, o.lockStaleMs, o.now);
    this.disk = new HistoryFile(o.file, o.cluster, o.log);
    const retry = { baseMs: o.retryBaseMs, maxMs: o.retryMaxMs };
    const compaction = { baseMs: o.compactionBackoffMs, maxMs: o.compactionBackoffMs };
    this.health = new StorageHealth(o.log, o.now, (op) => (op === 'compact' ? compaction : retry), o.changed);
  }

  get role(): StoreRole {
    return this.currentRole;
  }

  get waiting(): number {
    return this.pending.length;
  }

  /** Whether a write may be tried now (no failed one waits for its retry). */
  get writable(): boolean {
    return this.health.ready('write');
  }

  problem(): StorageProblem | undefined {
    return this.health.get('folder') ?? this.health.get('write')
      ?? (this.currentRole === 'reader' ? this.health.get('lock') : undefined) ?? this.health.get('read');
  }

  /** A record the state took: it waits for the next write. */
  push(line: HistoryLine): number {
    this.pending.push(line);
    return this.pending.length;
  }

  /** Takes the lock (or not), reads the file; how many lines were unreadable. */
  async start(): Promise<number> {
    let problems = 0;
    if (await this.ensureFolder()) {
      await this.removeStale();
      this.currentRole = this.o.ignoreLock || (await this.tryLock()) ? 'writer' : 'reader';
      try {
        problems = await this.reload();
        this.health.succeeded('read');
      } catch (err) {
        // What cannot be read must not be rewritten from an empty state: read only, and try again.
        this.health.failed('read', this.o.file, err);
        await this.stepDown();
      }
      await this.checkFormat();
    }
    if (this.disk.cutShort && this.currentRole === 'writer') {
      // The lock is ours, so nobody is writing that line: a write was interrupted (the host was killed).
      problems++;
      this.disk.skipped++;
      this.o.log.warn(`Repair history ${this.o.file}: skipped the last line, cut short by an interrupted write.`);
    }
    if (this.currentRole === 'writer' && (problems > 0 || this.needsCompaction())) {
      await this.compactNow();
    }
    return problems;
  }

  /** The poll: follows the file, and tries again what failed (the folder, reading, the lock) once its pause is over. */
  async poll(): Promise<void> {
    if (!(await this.ensureFolder()) || !this.health.ready('read')) {
      return;
    }
    try {
      await this.sync();
      this.health.succeeded('read');
    } catch (err) {
      this.health.failed('read', this.o.file, err);
      return;
    }
    if (this.currentRole === 'reader' && !this.o.ignoreLock && (await this.tryLock())) {
      this.currentRole = 'writer';
      this.o.log.info(`Repair history ${this.o.file}: the window that recorded it closed (or its storage works again); this one records now.`);
      try {
        await this.reload();
        await this.checkFormat();
      } catch (err) {
        this.health.failed('read', this.o.file, err);
        await this.stepDown();
        return;
      }
      if (this.currentRole === 'writer') {
        this.o.roleChanged('writer');
      }
    }
  }

  async heartbeat(): Promise<void> {
    if (this.currentRole !== 'writer' || this.o.ignoreLock) {
      return;
    }
    let renewed: boolean;
    try {
      renewed = await this.lock.renew();
      this.health.succeeded('lock');
    } catch (err) {
      // Still the writer (the lock file names it); another window may take over once the heartbeat is old.
      this.health.failed('lock', this.lock.file, err);
      return;
    }
    if (!renewed) {
      await this.writePending(true);
      this.currentRole = 'reader';
      this.pending = [];
      this.rewriteDue = false;
      this.o.log.info(`Repair history ${this.o.file}: another window took over recording.`);
      this.o.roleChanged('reader');
    }
  }

  /**
   * Appends what waits (or rewrites the file, after records were let go). Lines leave `pending`
   * only once the write holding them succeeded; a failure keeps them, in order, for the retry.
   * `force` tries even while a failed write waits for its pause (closing).
   */
  async writePending(force = false): Promise<void> {
    if (this.pending.length === 0 && !this.rewriteDue) {
      return;
    }
    if (!force && !this.health.ready('write')) {
      this.retryAfter('write');
      return;
    }
    try {
      if (!(await this.ensureFolder())) {
        this.retryAfter('folder');
        return;
      }
      // Another window may have cleared, compacted or appended since: catch up before appending.
      await this.sync();
      if (this.currentRole !== 'writer') {
        this.pending = [];
        this.rewriteDue = false;
        return;
      }
      if (this.rewriteDue) {
        await this.rewrite();
      } else {
        const count = this.pending.length;
        await this.disk.append(this.pending.slice(0, count).map(encodeLine).join(''), count, this.o.now());
        this.pending.splice(0, count);
      }
      this.health.succeeded('write');
    } catch (err) {
      this.writeFailed(err);
      return;
    }
    if (this.needsCompaction() && this.health.ready('compact')) {
      await this.compactNow();
    }
  }

  /** A compaction: a failure leaves the old file whole, is logged once, and is not tried again for a while. */
  async compactNow(): Promise<void> {
    try {
      await this.rewrite();
      this.health.succeeded('compact');
    } catch (err) {
      this.health.failed('compact', this.o.file, err);
    }
  }

  /** Forgets what waits and deletes the file (and what failed writers left in the folder). */
  async clear(): Promise<void> {
    this.pending = [];
    this.rewriteDue = false;
    await fs.rm(this.o.file, { force: true });
    this.disk.reset();
    await this.removeStale();
  }

  /** Closing: says what could not be written, gives up the lock. */
  async close(): Promise<void> {
    if (this.pending.length > 0 || this.rewriteDue) {
      const what = this.rewriteDue ? 'the latest' : String(this.pending.length);
      this.o.log.warn(`Repair history ${this.o.file}: ${what} records could not be written before closing (${this.health.get('write')?.code ?? 'not written'}).`);
    }
    try {
      await this.lock.release();
    } catch (err) {
      this.o.log.warn(`Could not release the history lock ${this.lock.file}: ${String(err)}`);
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Takes the lock when it is free or stale; a failure (not a lock held elsewhere) is a problem, tried again after a pause. */
  private async tryLock(): Promise<boolean> {
    if (!this.health.ready('lock') || this.newerFormat) {
      return false;
    }
    try {
      const got = await this.lock.tryAcquire();
      this.health.succeeded('lock');
      return got;
    } catch (err) {
      this.health.failed('lock', this.lock.file, err);
      return false;
    }
  }

  /** Creates the folder when missing; false (and a problem, tried again after a pause) when it cannot be. */
  private async ensureFolder(): Promise<boolean> {
    if (this.folderReady) {
      return true;
    }
    if (!this.health.ready('folder')) {
      return false;
    }
    try {
      await fs.mkdir(this.o.folder, { recursive: true });
      this.folderReady = true;
      this.health.succeeded('folder');
      return true;
    } catch (err) {
      this.health.failed('folder', this.o.folder, err);
      return false;
    }
  }

  private async removeStale(): Promise<void> {
    const removed = await removeStaleFiles(this.o.folder, { now: this.o.now, lockStaleMs: this.o.lockStaleMs });
    if (removed.length > 0) {
      this.o.log.info(`Repair history: removed ${removed.length} file(s) a failed or closed writer left: ${removed.join(', ')}.`);
    }
  }

  /** A file written by a newer version of the extension is read, never rewritten by this one. */
  private async checkFormat(): Promise<void> {
    if (this.disk.version <= FORMAT_VERSION || this.newerFormat) {
      return;
    }
    this.newerFormat = true;
    this.o.log.warn(`Repair history ${this.o.file} was written in format ${this.disk.version} by a newer version of this extension (this one writes ${FORMAT_VERSION}): this window only reads it.`);
    await this.stepDown();
  }

  /** No longer the writer: gives up the lock; what waits is not written (the new writer records). */
  private async stepDown(): Promise<void> {
    if (this.currentRole !== 'writer') {
      return;
    }
    this.currentRole = 'reader';
    this.pending = [];
    this.rewriteDue = false;
    try {
      await this.lock.release();
    } catch (err) {
      this.health.failed('lock', this.lock.file, err);
    }
    this.o.roleChanged('reader');
  }

  private needsCompaction(): boolean {
    const d = this.disk;
    return d.offset > this.o.maxBytes || this.state.recordCount > this.o.maxRecords || d.lines > 2 * this.state.recordCount + 1_000;
  }

  /** Reads the whole file into a fresh state; how many lines were unreadable. */
  private async reload(): Promise<number> {
    const problems = await this.disk.readAll(this.state);
    this.state.dropOlderThan(this.o.cutoff());
    this.o.changed();
    return problems;
  }

  /** What changed on disk since the last look: appended lines, a compaction, a clear elsewhere. */
  private async sync(): Promise<void> {
    const stat = await this.disk.stat();
    if (!stat) {
      if (this.disk.ino !== undefined || this.disk.offset > 0) {
        // Cleared in another window: forget it here too (what is waiting is newer than the clear).
        this.disk.reset();
        if (this.state.recordCount > 0) {
          this.state.clear();
          this.reapplyPending();
          this.o.changed();
        }
      }
      return;
    }
    if (stat.ino === this.disk.ino && stat.size === this.disk.offset) {
      return;
    }
    const before = this.state.generation;
    const read = stat.ino === this.disk.ino && stat.size > this.disk.offset ? await this.disk.readTail(this.state) : 'replaced';
    if (read === 'replaced') {
      await this.reload();
      this.reapplyPending();
      await this.checkFormat();
    } else if (this.state.generation !== before) {
      this.o.changed();
    }
  }

  private reapplyPending(): void {
    for (const line of this.pending) {
      this.state.apply(line);
    }
  }

  private writeFailed(err: unknown): void {
    if (code(err) === 'ENOENT') {
      // The folder went (deleted by hand): made again before the next try.
      this.folderReady = false;
    }
    this.health.failed('write', this.o.file, err);
    if (this.pending.length > MAX_PENDING) {
      this.pending = [];
      this.rewriteDue = true;
    }
    this.retryAfter('write');
  }

  /** Asks for the next try once the failed operation's pause is over (new records do not shorten it). */
  private retryAfter(operation: StorageOperation): void {
    const at = this.health.get(operation)?.retryAt ?? this.o.now();
    this.o.retryIn(Math.max(0, at - this.o.now()));
  }

  /** Writes the state to a new file and renames it over the old one: a crash leaves one or the other whole. */
  private async rewrite(): Promise<void> {
    await this.sync();
    // The state holds what waits to be appended: the new file has it. Records that arrive while
    // the file is written wait for the next append, after the rename.
    const written = this.pending.length;
    this.state.dropOlderThan(this.o.cutoff());
    const result = await writeCompacted(this.o.file, this.state, {
      cluster: this.o.cluster, created: this.o.now(), maxBytes: this.o.maxBytes, maxRecords: this.o.maxRecords,
    });
    this.pending.splice(0, written);
    this.rewriteDue = false;
    if (result.dropped > 0) {
      this.o.log.warn(`Repair history ${this.o.file} reached its size bound: dropped the ${result.dropped} oldest records.`);
      this.o.changed();
    }
    this.disk.adopt(result);
    this.compactions++;
  }
}
