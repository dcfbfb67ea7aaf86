import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HistoryFile } from '../../src/history/historyFile';
import { HistoryState } from '../../src/history/historyRecords';
import { clearAllHistory, historyFileName, HistoryStore, type HistoryStoreOptions } from '../../src/history/historyStore';
import { storageProblemText } from '../../src/history/storageHealth';
import { childEvent } from './historyStoreChild';

// What the store does when its storage fails: a full disk, a folder it may not write, a
// compaction that cannot finish. The failures are real errors of the real file system calls,
// injected into node:fs/promises (as root, permissions cannot make them happen).

const CLUSTER = 'aks-demo-westeurope\nhttps://aks-demo-dns-12345678.hcp.westeurope.azmk8s.io:443';
/** Above Linux's largest pid (2^22): no process has it. */
const DEAD_PID = 2 ** 22 + 12345;

type Fsp = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Makes `fs.promises[name]` fail with `code` while `when(args)` holds; counts the calls it failed. */
function inject(name: string, when: (args: unknown[]) => boolean, code: string): { readonly failed: number; restore(): void } {
  const fsp = fs.promises as unknown as Fsp;
  const real = fsp[name];
  let failed = 0;
  fsp[name] = (...args: unknown[]) => {
    if (when(args)) {
      failed++;
      const err = new Error(`${code}: injected failure, ${name} '${String(args[0])}'`) as NodeJS.ErrnoException;
      err.code = code;
      return Promise.reject(err);
    }
    return real.apply(fs.promises, args);
  };
  return { get failed() { return failed; }, restore: () => { fsp[name] = real; } };
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HistoryStore when its storage fails (full disk, no permission, failed compaction)', () => {
  let folder: string;
  const open: HistoryStore[] = [];
  const restores: (() => void)[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const options = (extra: Partial<HistoryStoreOptions> = {}): HistoryStoreOptions => ({
    folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 20, heartbeatMs: 100, lockStaleMs: 2_000, flushIntervalMs: 20,
    retryBaseMs: 50, retryMaxMs: 200, log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m) }, ...extra,
  });
  const openStore = async (extra: Partial<HistoryStoreOptions> = {}) => {
    const s = await HistoryStore.open(options(extra));
    open.push(s);
    return s;
  };
  const fault = (name: string, when: (args: unknown[]) => boolean, code: string) => {
    const f = inject(name, when, code);
    restores.push(() => f.restore());
    return f;
  };
  const file = () => path.join(folder, historyFileName(CLUSTER));
  const keys = (s: HistoryStore) => [...s.snapshot().events.values()].flat().map((e) => e.key).sort();
  /** The event keys the file holds, read as the next window would (whole lines only). */
  const onDisk = async () => {
    const state = new HistoryState();
    await new HistoryFile(file(), CLUSTER, { info: () => undefined, warn: () => undefined }).readAll(state);
    return [...state.events.keys()].sort();
  };

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-history-storage-'));
    warnings.length = 0;
    infos.length = 0;
  });

  afterEach(async () => {
    for (const r of restores.splice(0)) {
      r();
    }
    for (const s of open.splice(0)) {
      await s.close();
    }
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('a failed append (disk full) loses no record: they wait, in order, and are written once the disk works again', async () => {
    const s = await openStore();
    s.recordEvent(childEvent('k', 1, 1));
    await s.flush();
    const full = fault('appendFile', () => true, 'ENOSPC');
    s.recordEvent(childEvent('k', 2, 1));
    s.recordEvent(childEvent('k', 3, 1));
    await s.flush();
    await until('a few retries', () => full.failed >= 3);
    assert.deepEqual(await onDisk(), ['k-1'], 'nothing more reached the file yet');
    assert.deepEqual({ ...s.problem(), since: 0, retryAt: 0 }, { operation: 'write', path: file(), code: 'ENOSPC', since: 0, retryAt: 0 });
    const text = storageProblemText(s.problem()!, folder);
    assert.equal(text.message, `Repair history is not being recorded: ${folder}: ENOSPC`);
    assert.match(text.nextStep, /^Free disk space on the drive that holds VS Code's global storage/);
    assert.equal(warnings.filter((w) => /writing records failed/.test(w)).length, 1, 'logged once, not per retry');

    full.restore();
    s.recordEvent(childEvent('k', 4, 1));
    await until('the retry to write what waited', () => s.problem() === undefined);
    assert.deepEqual(await onDisk(), ['k-1', 'k-2', 'k-3', 'k-4']);
    assert.ok(infos.some((m) => /writing records works again/.test(m)), infos.join('\n'));
  });

  it('a rewrite that fails before its rename keeps what waited to be appended', async () => {
    const s = await openStore({ flushIntervalMs: 60_000 });
    s.recordEvent(childEvent('r', 1, 1));
    await s.flush();
    s.recordEvent(childEvent('r', 2, 1)); // waits for the next append
    // The compaction's temporary file cannot be created: it fails before anything is renamed.
    fs.mkdirSync(`${file()}.${process.pid}.compact.tmp`);
    await s.compact();
    assert.ok(warnings.some((w) => /EISDIR|illegal operation/.test(w)), warnings.join('\n'));
    await s.close();
    fs.rmdirSync(`${file()}.${process.pid}.compact.tmp`);
    assert.deepEqual(await onDisk(), ['r-1', 'r-2']);
  });

  it('a compaction that keeps failing removes its temporary file and waits before trying again', async () => {
    const s = await openStore({ maxBytes: 16 * 1024 });
    const fsp = fs.promises as unknown as Fsp;
    const realOpen = fsp.open;
    let attempts = 0;
    // The temporary file opens, but the disk fills up after the header: every write after it fails.
    fsp.open = async (...args: unknown[]) => {
      const handle = (await realOpen.apply(fs.promises, args)) as fs.promises.FileHandle;
      if (String(args[0]).endsWith('.compact.tmp')) {
        attempts++;
        const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
        let writes = 0;
        (handle as unknown as { write: unknown }).write = (...a: unknown[]) => {
          if (++writes > 1) {
            return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          }
          return write(...a);
        };
      }
      return handle;
    };
    restores.push(() => { fsp.open = realOpen; });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++) {
        s.recordEvent(childEvent('c', round * 50 + i, 1));
      }
      await s.flush();
    }
    assert.ok(fs.statSync(file()).size > 16 * 1024, 'past its bound: it wants compacting on every flush');
    assert.equal(attempts, 1, 'tried once, then not again for a minute');
    assert.equal(warnings.filter((w) => /compacting the history file failed/.test(w)).length, 1);
    assert.deepEqual(fs.readdirSync(folder).filter((n) => n.endsWith('.tmp')), [], 'no half-written copy left');
    assert.equal(s.problem(), undefined, 'appends still work: the history is recorded');
    assert.equal((await onDisk()).length, 1_000);
  });

  it('removes what failed or gone writers left (temporaries, stale locks) on open and on Clear, not what a live one uses', async () => {
    const other = historyFileName('another cluster');
    const third = historyFileName('a third cluster');
    const old = new Date(Date.now() - 5 * 60_000);
    const leftovers = () => {
      fs.writeFileSync(path.join(folder, `${other}.${DEAD_PID}.compact.tmp`), 'half');
      fs.writeFileSync(path.join(folder, `${third}.${process.pid}.compact.tmp`), 'old');
      fs.utimesSync(path.join(folder, `${third}.${process.pid}.compact.tmp`), old, old);
      fs.writeFileSync(path.join(folder, `${other}.lock.${DEAD_PID}.0a1b2c3d.tmp`), '{}');
      fs.writeFileSync(path.join(folder, `${other}.lock`), JSON.stringify({ pid: DEAD_PID, host: os.hostname(), token: 'gone', heartbeat: Date.now() }));
      // In use: a fresh temporary of this process, and a lock a live store holds.
      fs.writeFileSync(path.join(folder, `${other}.${process.pid}.compact.tmp`), 'in progress');
      fs.writeFileSync(path.join(folder, `${third}.lock`), JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'live', heartbeat: Date.now() }));
    };
    const inUse = [`${other}.${process.pid}.compact.tmp`, `${third}.lock`].sort();
    leftovers();
    const s = await openStore();
    assert.deepEqual(fs.readdirSync(folder).filter((n) => n !== `${historyFileName(CLUSTER)}.lock`).sort(), inUse);
    leftovers();
    await s.clear();
    assert.deepEqual(fs.readdirSync(folder).filter((n) => n !== `${historyFileName(CLUSTER)}.lock`).sort(), inUse);
    leftovers();
    fs.writeFileSync(path.join(folder, other), '');
    await clearAllHistory(folder);
    assert.deepEqual(fs.readdirSync(folder).filter((n) => n !== `${historyFileName(CLUSTER)}.lock`).sort(), inUse);
  });

  it('a lock it may not write (EACCES): said once, tried again after a pause, shown as a problem, and recording starts once it can', async () => {
    const denied = fault('writeFile', (args) => String(args[0]).includes('.lock'), 'EACCES');
    const s = await openStore();
    assert.equal(s.role, 'reader');
    await new Promise((r) => setTimeout(r, 1_000));
    // 50 polls in that second; the lock was tried at 0, 50, 150, 350, 550, 750, 950 ms at most.
    assert.ok(denied.failed >= 2 && denied.failed <= 10, `${denied.failed} tries`);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /taking or renewing the writer lock failed on .+\.lock: EACCES/);
    const problem = s.problem();
    assert.equal(problem?.operation, 'lock');
    assert.equal(problem?.code, 'EACCES');
    const text = storageProblemText(problem!, folder);
    assert.equal(text.message, `Repair history is not being recorded: ${folder}: EACCES`);
    assert.match(text.nextStep, /Check the permissions of VS Code's global storage folder \(.+\): VS Code must be able to create and write files there/);
    assert.equal(s.recordEvent(childEvent('l', 1, 1)), false, 'a reader records nothing');

    denied.restore();
    await until('this window to record', () => s.role === 'writer' && s.problem() === undefined);
    assert.equal(s.recordEvent(childEvent('l', 1, 1)), true);
    await s.flush();
    assert.deepEqual(await onDisk(), ['l-1']);
  });

  it('a folder that cannot be created (read-only file system): opens all the same, says why, and records once it can', async () => {
    fs.rmSync(folder, { recursive: true });
    const readOnly = fault('mkdir', () => true, 'EROFS');
    const s = await openStore();
    assert.equal(s.role, 'reader');
    assert.deepEqual([s.problem()?.operation, s.problem()?.code, s.problem()?.path], ['folder', 'EROFS', folder]);
    assert.match(storageProblemText(s.problem()!, folder).nextStep, /permissions of VS Code's global storage folder/);
    readOnly.restore();
    await until('the folder and the lock', () => s.role === 'writer' && s.problem() === undefined);
    s.recordEvent(childEvent('f', 1, 1));
    await s.flush();
    assert.deepEqual(await onDisk(), ['f-1']);
    assert.equal(warnings.filter((w) => /creating the history folder failed/.test(w)).length, 1);
  });

  it('a file written by a newer version of the extension is read, never rewritten', async () => {
    fs.mkdirSync(folder, { recursive: true });
    const event = { ...childEvent('n', 1, 1), origin: 'history', recordedAt: Date.now() };
    const content = `${JSON.stringify({ t: 'h', v: 2, cluster: CLUSTER, created: Date.now() })}\n${JSON.stringify({ t: 'e', e: event })}\n{"t":"z","future":true}\n`;
    fs.writeFileSync(file(), content);
    const s = await openStore();
    assert.equal(s.role, 'reader');
    assert.deepEqual(keys(s), ['n-1']);
    assert.equal(s.recordEvent(childEvent('n', 2, 1)), false);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.role, 'reader', 'it does not take the lock later either');
    await s.close();
    assert.equal(fs.readFileSync(file(), 'utf8'), content, 'the newer file is untouched');
    assert.ok(warnings.some((w) => /written in format 2 by a newer version/.test(w)), warnings.join('\n'));
  });

  it('a lock of a live process on this host is not taken over for a heartbeat only a little old', async () => {
    fs.mkdirSync(folder, { recursive: true });
    const lock = (age: number) => fs.writeFileSync(`${file()}.lock`, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'busy', heartbeat: Date.now() - age }));
    lock(10_000); // five stale periods: a busy extension host, not a gone one
    const busy = await openStore({ pollIntervalMs: 60_000 });
    assert.equal(busy.role, 'reader');
    await busy.close();
    lock(60_000); // thirty stale periods
    const taken = await openStore({ pollIntervalMs: 60_000 });
    assert.equal(taken.role, 'writer');
  });

  it('reading what was appended checks that it is still the same file (a compaction may have replaced it)', async () => {
    const s = await openStore();
    s.recordEvent(childEvent('t', 1, 1));
    await s.close();
    const reader = new HistoryFile(file(), CLUSTER, { info: () => undefined, warn: (m) => warnings.push(m) });
    const state = new HistoryState();
    await reader.readAll(state);
    assert.equal(state.recordCount, 1);
    // Another window compacts: a new file (longer, other lines) renamed over the one read.
    const replacement = `${fs.readFileSync(file(), 'utf8')}${JSON.stringify({ t: 'e', e: { ...childEvent('t', 2, 1), origin: 'history', recordedAt: 1 } })}\n`;
    fs.writeFileSync(`${file()}.new`, `${'x'.repeat(7)}${replacement}`);
    fs.renameSync(`${file()}.new`, file());
    assert.equal(await reader.readTail(state), 'replaced');
    assert.equal(warnings.length, 0, 'nothing read from the middle of the other file');
  });
});
