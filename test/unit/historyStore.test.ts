import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearAllHistory, historyFileName, HistoryStore, type HistoryStoreOptions } from '../../src/history/historyStore';
import { childEvent, type ChildRequest, type ChildState } from './historyStoreChild';

const CLUSTER = 'aks-demo-westeurope\nhttps://aks-demo-dns-12345678.hcp.westeurope.azmk8s.io:443';
const DAY = 86_400_000;
const NODE = 'aks-userpool-12345678-vmss000003';

/** A second Node process holding its own HistoryStore on the same folder: another window. */
class Child {
  private readonly proc: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly exited: Promise<number | null>;

  constructor() {
    this.proc = fork(path.join(__dirname, 'historyStoreChild.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) {
        w?.reject(new Error(m.error));
      } else {
        w?.resolve(m.value);
      }
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  request<T>(req: DistributiveOmit<ChildRequest, 'id'>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...req, id });
    });
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill();
      await this.exited;
    }
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('HistoryStore (append-only JSON lines per cluster)', () => {
  let folder: string;
  const open: HistoryStore[] = [];
  const children: Child[] = [];
  const warnings: string[] = [];
  const options = (extra: Partial<HistoryStoreOptions> = {}): HistoryStoreOptions => ({
    folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 50, heartbeatMs: 100, lockStaleMs: 2_000, flushIntervalMs: 20,
    log: { info: () => undefined, warn: (m) => warnings.push(m) }, ...extra,
  });
  const openStore = async (extra: Partial<HistoryStoreOptions> = {}) => {
    const s = await HistoryStore.open(options(extra));
    open.push(s);
    return s;
  };
  const file = () => path.join(folder, historyFileName(CLUSTER));
  const fileLines = () => fs.readFileSync(file(), 'utf8').split('\n').filter(Boolean);
  const counts = (s: HistoryStore) => new Map([...s.snapshot().events.values()].flat().map((e) => [e.key, e.count]));

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-history-'));
    warnings.length = 0;
  });

  afterEach(async () => {
    for (const c of children.splice(0)) {
      await c.stop();
    }
    for (const s of open.splice(0)) {
      await s.close();
    }
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('writes events, transitions and node facts, and reads them back after a reopen', async () => {
    const s = await openStore();
    assert.equal(s.role, 'writer');
    s.recordEvent(childEvent('e', 1, 1));
    s.recordEvent(childEvent('e', 1, 3)); // the same event seen again: newer count
    s.recordEvent(childEvent('e', 2, 1));
    s.recordTransition({ node: NODE, ready: 'False', at: Date.now() - 60_000, reason: 'KubeletNotReady' });
    s.recordNode({ name: NODE, pool: 'userpool', providerID: 'azure:///subscriptions/x/vmss/3', firstSeen: Date.now() - DAY, lastSeen: Date.now() });
    await s.close();

    // The file names the cluster inside; its name is a hash of the key.
    assert.match(path.basename(file()), /^[0-9a-f]{24}\.jsonl$/);
    assert.equal(JSON.parse(fileLines()[0]).cluster, CLUSTER);

    const again = await openStore();
    const snap = again.snapshot();
    assert.deepEqual([...counts(again)], [['e-1', 3], ['e-2', 1]]);
    assert.equal(snap.events.get(NODE)?.[0].origin, 'history');
    assert.deepEqual(snap.transitions.get(NODE)?.map((t) => [t.ready, t.reason]), [['False', 'KubeletNotReady']]);
    assert.equal(snap.nodes.get(NODE)?.pool, 'userpool');
    assert.equal(again.stats().skipped, 0);
  });

  it('batches appends: a burst of 5,000 records becomes a few writes, not 5,000', async () => {
    const s = await openStore({ flushIntervalMs: 500, flushRecords: 2_000 });
    const appends: number[] = [];
    const fsp = fs.promises as unknown as { appendFile: (...a: unknown[]) => Promise<void> };
    const real = fsp.appendFile;
    fsp.appendFile = (...a: unknown[]) => {
      appends.push((a[1] as Buffer).length);
      return real.apply(fs.promises, a);
    };
    try {
      for (let i = 0; i < 5_000; i++) {
        s.recordEvent(childEvent('burst', i, 1));
      }
      await s.flush();
    } finally {
      fsp.appendFile = real;
    }
    assert.ok(appends.length >= 1 && appends.length <= 4, `${appends.length} appends`);
    assert.equal(fileLines().length, 5_001);
  });

  it('drops records older than the retention on open and when the retention is shortened', async () => {
    const now = Date.now();
    const s = await openStore();
    const old = { ...childEvent('old', 1, 1), firstSeen: now - 40 * DAY, lastSeen: now - 40 * DAY };
    const mid = { ...childEvent('mid', 1, 1), firstSeen: now - 10 * DAY, lastSeen: now - 10 * DAY };
    s.recordEvent(old);
    s.recordEvent(mid);
    s.recordEvent(childEvent('new', 1, 1));
    s.recordTransition({ node: NODE, ready: 'False', at: now - 35 * DAY });
    await s.close();

    const again = await openStore();
    assert.deepEqual([...counts(again).keys()].sort(), ['mid-1', 'new-1']);
    assert.equal(again.snapshot().transitions.size, 0);
    await again.setRetention(7);
    assert.deepEqual([...counts(again).keys()], ['new-1']);
    // The file was rewritten without them, not only the memory.
    assert.ok(fileLines().every((l) => !l.includes('mid-1') && !l.includes('old-1')));
  });

  it('keeps each cluster within its size bound: compacts, then drops the oldest records', async () => {
    const s = await openStore({ maxBytes: 64 * 1024 });
    for (let i = 0; i < 1_000; i++) {
      s.recordEvent(childEvent('big', i, 1));
      if (i % 100 === 99) {
        await s.flush();
      }
    }
    await s.flush();
    const size = fs.statSync(file()).size;
    assert.ok(size <= 64 * 1024, `file is ${size} bytes`);
    assert.ok(s.stats().compactions >= 1);
    const kept = [...counts(s).keys()].map((k) => Number(k.slice(4))).sort((a, b) => a - b);
    assert.ok(kept.length > 50 && kept.length < 1_000, `${kept.length} kept`);
    // The oldest went (childEvent's time grows with i): what is kept is the newest, contiguous.
    assert.equal(kept.at(-1), 999);
    assert.equal(kept.length, 1_000 - kept[0]);
    assert.ok(warnings.some((w) => /size bound/.test(w)));
  });

  it('compacts superseded lines away: one line per record after many updates of the same events', async () => {
    const s = await openStore();
    for (let round = 1; round <= 30; round++) {
      for (let i = 0; i < 100; i++) {
        s.recordEvent(childEvent('upd', i, round));
      }
      await s.flush();
    }
    const inoBefore = s.stats().compactions;
    assert.ok(inoBefore >= 1, 'compacted at least once');
    assert.ok(fileLines().length < 3 * 100 + 1_000 + 100);
    await s.close();
    const again = await openStore();
    assert.equal(counts(again).size, 100);
    assert.ok([...counts(again).values()].every((c) => c === 30));
  });

  it('loses at most the last record when the host dies mid-write (a line cut short), and goes on appending', async () => {
    const s = await openStore();
    for (let i = 0; i < 10; i++) {
      s.recordEvent(childEvent('cut', i, 1));
    }
    await s.close();
    const size = fs.statSync(file()).size;
    fs.truncateSync(file(), size - 25); // the last line lost its end and its newline

    const again = await openStore();
    assert.equal(counts(again).size, 9);
    assert.equal(again.stats().skipped, 1, 'the cut-short last line is skipped');
    assert.ok(warnings.some((w) => /cut short/.test(w)), 'and reported');
    // The writer rewrote the file whole, so the next record starts on a line of its own.
    again.recordEvent(childEvent('cut', 42, 1));
    await again.close();
    const third = await openStore();
    assert.equal(counts(third).size, 10);
    assert.equal(third.stats().skipped, 0);
  });

  it('skips garbage lines anywhere, reports them, and keeps every good line', async () => {
    const s = await openStore();
    for (let i = 0; i < 5; i++) {
      s.recordEvent(childEvent('g', i, 1));
    }
    await s.close();
    const lines = fileLines();
    lines.splice(2, 0, '{"t":"e","e":{"key":', 'not json at all', '{"t":"x"}', '[]', '{"t":"e","e":{"key":"k","node":"n"}}');
    fs.writeFileSync(file(), `${lines.join('\n')}\n\u0000\u0000garbage`);
    const again = await openStore();
    assert.equal(counts(again).size, 5);
    // Five bad lines, and the cut-short garbage at the end.
    assert.equal(again.stats().skipped, 6);
    assert.equal(warnings.filter((w) => /skipped (the last )?line/.test(w)).length, 6);
  });

  it('compacts atomically: a compaction that fails before the rename leaves the old file whole', async () => {
    const s = await openStore();
    for (let i = 0; i < 20; i++) {
      s.recordEvent(childEvent('atom', i, 1));
    }
    await s.flush();
    const before = fs.readFileSync(file(), 'utf8');
    // The temporary file cannot be created: the write fails before anything is renamed.
    fs.mkdirSync(`${file()}.${process.pid}.compact.tmp`);
    await s.compact();
    assert.equal(fs.readFileSync(file(), 'utf8'), before);
    assert.ok(warnings.some((w) => /EISDIR|illegal operation/i.test(w)), warnings.join('\n'));
    fs.rmdirSync(`${file()}.${process.pid}.compact.tmp`);
    // A successful one replaces the file in one rename: new inode, no temporary file left.
    const ino = fs.statSync(file()).ino;
    await s.compact();
    assert.notEqual(fs.statSync(file()).ino, ino);
    assert.deepEqual(fs.readdirSync(folder).filter((n) => n.endsWith('.tmp')), []);
    const again = await openStore();
    assert.equal(counts(again).size, 20);
  });

  it('two processes on one cluster: one records, the other reads and follows, then takes over when the first closes', async () => {
    const writer = await openStore();
    assert.equal(writer.role, 'writer');
    const child = new Child();
    children.push(child);
    const opened = await child.request<{ role: string }>({ type: 'open', options: { ...options(), log: undefined } as never });
    assert.equal(opened.role, 'reader', 'the lock is held by this process');

    // The reader's records are not written: the window that holds the lock records.
    await child.request({ type: 'record', prefix: 'child', from: 0, to: 10, count: 1 });
    await child.request({ type: 'flush' });
    for (let i = 0; i < 10; i++) {
      writer.recordEvent(childEvent('parent', i, 2));
    }
    await writer.flush();
    await until('the reader to follow the file', async () => (await child.request<ChildState>({ type: 'state' })).events === 10);
    const seen = await child.request<ChildState>({ type: 'state' });
    assert.deepEqual(Object.keys(seen.counts).sort(), [...Array(10).keys()].map((i) => `parent-${i}`).sort());

    // The writer closes (the window closes): the reader takes over the lock and records.
    await writer.close();
    await until('the other process to become the writer', async () => (await child.request<ChildState>({ type: 'state' })).role === 'writer');
    await child.request({ type: 'record', prefix: 'child', from: 0, to: 5, count: 1 });
    await child.request({ type: 'close' });

    const after = await openStore();
    const all = counts(after);
    assert.equal(all.size, 15);
    assert.equal(all.get('parent-3'), 2);
    assert.equal(after.stats().skipped, 0);
  });

  it('takes over a stale lock (its process died) but not a live one', async () => {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(`${file()}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), token: 'dead', heartbeat: Date.now() }));
    const s = await openStore();
    assert.equal(s.role, 'writer', 'the lock of a process that no longer exists is stale');
    await s.close();
    fs.writeFileSync(`${file()}.lock`, JSON.stringify({ pid: 1, host: 'another-host', token: 'old', heartbeat: Date.now() - 60_000 }));
    const t = await openStore();
    assert.equal(t.role, 'writer', 'a heartbeat older than the stale time');
    const u = await openStore();
    assert.equal(u.role, 'reader', 'a fresh lock held by a live store');
  });

  it('even two writers at once (the lock ignored) count nothing twice and corrupt no line', async () => {
    const child = new Child();
    children.push(child);
    await child.request({ type: 'open', options: { ...options({ ignoreLock: true }), log: undefined } as never });
    const s = await openStore({ ignoreLock: true });
    // Both see the same 300 events and their counts grow, at the same time, each in its own process.
    const rounds = [1, 2, 3, 4, 5];
    await Promise.all([
      (async () => {
        for (const c of rounds) {
          await child.request({ type: 'record', prefix: 'both', from: 0, to: 300, count: c });
          await child.request({ type: 'flush' });
        }
      })(),
      (async () => {
        for (const c of rounds) {
          for (let i = 0; i < 300; i++) {
            s.recordEvent(childEvent('both', i, c));
          }
          await s.flush();
        }
      })(),
    ]);
    await child.request({ type: 'close' });
    await s.close();
    const after = await openStore();
    const all = counts(after);
    assert.equal(all.size, 300);
    assert.ok([...all.values()].every((c) => c === 5), 'the newest count, once');
    assert.equal(after.stats().skipped, 0);
  });

  it('a process killed while it appends leaves a readable file that lost at most its last line', async () => {
    const child = new Child();
    children.push(child);
    await child.request({ type: 'open', options: { ...options(), log: undefined } as never });
    await child.request({ type: 'spam', prefix: 'kill' });
    await until('some lines on disk', () => fs.existsSync(file()) && fs.statSync(file()).size > 200_000);
    child.kill();
    await child.exited;
    const s = await openStore({ lockStaleMs: 60_000 });
    assert.equal(s.role, 'writer', 'the dead process\'s lock is taken over');
    const keys = [...counts(s).keys()].map((k) => Number(k.slice(5))).sort((a, b) => a - b);
    assert.ok(keys.length > 100);
    // Records were written in order: what survives is every record up to the last whole line.
    assert.equal(keys.at(-1), keys.length - 1);
    assert.ok(s.stats().skipped <= 1);
  });

  it('Clear removes the file; a reader in another store notices and empties too', async () => {
    const s = await openStore();
    s.recordEvent(childEvent('c', 1, 1));
    await s.flush();
    const reader = await openStore();
    assert.equal(reader.role, 'reader');
    assert.equal(counts(reader).size, 1);
    await s.clear();
    assert.equal(fs.existsSync(file()), false);
    assert.equal(counts(s).size, 0);
    await until('the reader to empty', () => counts(reader).size === 0);
    // Recording goes on into a new file with its header.
    s.recordEvent(childEvent('c', 2, 1));
    await s.flush();
    assert.equal(JSON.parse(fileLines()[0]).t, 'h');
    assert.equal(await clearAllHistory(folder), 1);
    assert.equal(fs.existsSync(file()), false);
  });
});
