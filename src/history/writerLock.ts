/**
 * Who records a cluster's history when several VS Code windows watch it: the holder of a lock
 * file beside the history file, `{ pid, host, token, heartbeat }`. The holder renews the
 * heartbeat; a lock whose process is gone (same host) is taken over at once, one whose heartbeat
 * is old is taken over too, but when its process still runs on this host only once the heartbeat
 * is much older (a busy extension host misses heartbeats; it has not gone).
 * Two windows can race for a stale lock: each checks at its next heartbeat that the token is
 * still its own and steps down when not, and reading dedupes, so the overlap counts nothing twice.
 */

import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';

/** Same host, live process: its heartbeat must be this many stale periods old before a takeover. */
export const LIVE_PROCESS_STALE_FACTOR = 15;

export interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly heartbeat: number;
}

export class WriterLock {
  private readonly token = randomUUID();
  private held = false;

  constructor(
    readonly file: string,
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock when it is free or stale; true when this process holds it afterwards. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) {
      return this.renew();
    }
    try {
      await fs.writeFile(this.file, this.content(), { flag: 'wx', mode: 0o600 });
      this.held = true;
      return true;
    } catch (err) {
      if (code(err) !== 'EEXIST') {
        throw err;
      }
    }
    const current = await this.read();
    if (current === 'missing') {
      return this.tryAcquire();
    }
    if (current !== 'unreadable' && !this.isStale(current)) {
      return false;
    }
    if (current === 'unreadable' && !(await this.unreadableLongEnough())) {
      return false;
    }
    await this.writeAtomically();
    // Another window may have taken it over at the same moment: the last rename wins.
    const after = await this.read();
    this.held = after !== 'missing' && after !== 'unreadable' && after.token === this.token;
    return this.held;
  }

  /** Renews the heartbeat; false (and no longer held) when another process took the lock. */
  async renew(): Promise<boolean> {
    if (!this.held) {
      return false;
    }
    const current = await this.read();
    if (current === 'missing' || current === 'unreadable' || current.token !== this.token) {
      this.held = false;
      return false;
    }
    await this.writeAtomically();
    return true;
  }

  async release(): Promise<void> {
    if (!this.held) {
      return;
    }
    this.held = false;
    const current = await this.read();
    if (current !== 'missing' && current !== 'unreadable' && current.token === this.token) {
      await fs.rm(this.file, { force: true });
    }
  }

  private isStale(lock: LockContent): boolean {
    return lockIsStale(lock, this.now(), this.staleMs);
  }

  /** A lock file that cannot be parsed (a crash mid-create) counts as stale once it is old. */
  private async unreadableLongEnough(): Promise<boolean> {
    try {
      const stat = await fs.stat(this.file);
      return this.now() - stat.mtimeMs > this.staleMs;
    } catch {
      return true;
    }
  }

  private content(): string {
    const lock: LockContent = { pid: process.pid, host: os.hostname(), token: this.token, heartbeat: this.now() };
    return JSON.stringify(lock);
  }

  private async writeAtomically(): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${this.token.slice(0, 8)}.tmp`;
    await fs.writeFile(tmp, this.content(), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  private read(): Promise<LockContent | 'missing' | 'unreadable'> {
    return readLock(this.file);
  }
}

/** Whether a lock may be taken over: its process is gone (this host), or its heartbeat is old enough. */
export function lockIsStale(lock: LockContent, now: number, staleMs: number): boolean {
  const age = now - lock.heartbeat;
  if (lock.host === os.hostname() && lock.pid !== process.pid) {
    // Checked before the heartbeat: a live process is given far longer than the stale time.
    return !processAlive(lock.pid) || age > staleMs * LIVE_PROCESS_STALE_FACTOR;
  }
  return age > staleMs;
}

export async function readLock(file: string): Promise<LockContent | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return code(err) === 'ENOENT' ? 'missing' : 'unreadable';
  }
  return parseLock(text);
}

export function parseLock(text: string): LockContent | 'unreadable' {
  try {
    const r = JSON.parse(text) as Partial<LockContent>;
    if (typeof r.pid === 'number' && typeof r.host === 'string' && typeof r.token === 'string' && typeof r.heartbeat === 'number') {
      return r as LockContent;
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return code(err) === 'EPERM';
  }
}

export function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
