/**
 * Compaction: the state written to a new file (one line per record, what is superseded or past
 * retention gone), then renamed over the old one, so a crash at any point leaves one whole file.
 * Past the size bound the oldest events and transitions are dropped first.
 */

import * as fs from 'node:fs/promises';
import { encodeLine, FORMAT_VERSION } from './historyCodec';
import type { ReadinessTransition } from '../domain/history';
import { eventTime, type HistoryLine, type HistoryState } from './historyRecords';

/** Records encoded per slice (between two yields to the event loop) and per write. */
const WRITE_SLICE = 2_000;
/** The size bound drops records down to this share of the bound, so it is not hit again at once. */
const BOUND_SLACK = 0.8;

export interface CompactionOptions {
  readonly cluster: string;
  readonly created: number;
  readonly maxBytes: number;
  readonly maxRecords: number;
}

export interface CompactionResult {
  readonly ino: number;
  readonly bytes: number;
  readonly lines: number;
  /** Records dropped for the size bound (also removed from the state). */
  readonly dropped: number;
}

interface Entry {
  readonly kind: 'e' | 'r' | 'n';
  readonly key: string;
  readonly at: number;
  readonly line: HistoryLine;
  readonly ref: object;
  text: string;
  dropped: boolean;
}

export async function writeCompacted(file: string, state: HistoryState, options: CompactionOptions): Promise<CompactionResult> {
  const entries = await encodeAll(state);
  const dropped = enforceBound(entries, state, options);
  const tmp = `${file}.${process.pid}.compact.tmp`;
  let bytes = 0;
  try {
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      bytes += (await handle.write(encodeLine({ t: 'h', v: FORMAT_VERSION, cluster: options.cluster, created: options.created }))).bytesWritten;
      for (let i = 0; i < entries.length; i += WRITE_SLICE) {
        const chunk = entries.slice(i, i + WRITE_SLICE).filter((e) => !e.dropped).map((e) => e.text).join('');
        if (chunk) {
          bytes += (await handle.write(chunk)).bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // A full disk or a refused write: the old file stays whole, and no half-written copy stays beside it.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  const stat = await fs.stat(file);
  return { ino: stat.ino, bytes, lines: 1 + entries.length - dropped, dropped };
}

/** The state's records as lines, encoded in slices so a large history never blocks the event loop. */
async function encodeAll(state: HistoryState): Promise<Entry[]> {
  // The records are immutable: taking the references now fixes what the new file holds.
  const entries: Entry[] = [];
  for (const n of state.nodes.values()) {
    entries.push({ kind: 'n', key: n.name, at: Infinity, line: { t: 'n', n }, ref: n, text: '', dropped: false });
  }
  for (const e of state.events.values()) {
    entries.push({ kind: 'e', key: e.key, at: eventTime(e), line: { t: 'e', e }, ref: e, text: '', dropped: false });
  }
  for (const r of state.allTransitions()) {
    entries.push({ kind: 'r', key: '', at: r.at, line: { t: 'r', r }, ref: r, text: '', dropped: false });
  }
  for (let i = 0; i < entries.length; i++) {
    entries[i].text = encodeLine(entries[i].line);
    if (i % WRITE_SLICE === WRITE_SLICE - 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return entries;
}

/** Past the size bound: marks the oldest events and transitions dropped, down to the bound's slack. */
function enforceBound(entries: Entry[], state: HistoryState, options: CompactionOptions): number {
  let bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.text), 0);
  let count = entries.length;
  if (bytes <= options.maxBytes && count <= options.maxRecords) {
    return 0;
  }
  const byAge = entries.filter((e) => e.kind !== 'n').sort((a, b) => a.at - b.at);
  let dropped = 0;
  for (const e of byAge) {
    if (bytes <= options.maxBytes * BOUND_SLACK && count <= options.maxRecords * BOUND_SLACK) {
      break;
    }
    e.dropped = true;
    bytes -= Buffer.byteLength(e.text);
    count--;
    dropped++;
    // Unless a newer sighting of it arrived meanwhile (it waits to be appended).
    if (e.kind === 'e' && state.events.get(e.key) === e.ref) {
      state.removeEvent(e.key);
    } else if (e.kind === 'r') {
      state.removeTransition(e.ref as ReadinessTransition);
    }
  }
  return dropped;
}
