/**
 * Shared pieces of the benchmark programs: scale, statistics, a seeded random source and the
 * result rows every program hands back to scripts/bench.mjs as JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const BENCH_DATA = path.join(REPO_ROOT, 'bench-data');

/** BENCH_SCALE scales sizes and durations; 1 is the full benchmark. */
export function benchScale(): number {
  const s = Number(process.env.BENCH_SCALE ?? '1');
  return Number.isFinite(s) && s > 0 ? Math.min(s, 1) : 1;
}

/** One line of the results table. */
export interface BenchRow {
  /** Stable id, used by bench.mjs to attach explanations. */
  id: string;
  area: string;
  metric: string;
  /** Formatted figure as measured. */
  value: string;
  /** The side-by-side baseline measured in the same run, formatted; empty when none makes sense. */
  baseline?: string;
  /** ours / baseline, formatted with what it means (e.g. "0.42× grep"). */
  ratio?: string;
  /** The target in words, e.g. "< 10 ms". */
  target?: string;
  /** undefined: no target, or not measurable in this run. */
  met?: boolean;
  /** Filled when the target is missed or could not be measured: how far off, and why. */
  gap?: string;
}

export interface BenchResult {
  section: string;
  rows: BenchRow[];
  /** Method notes shown under the section in BENCHMARKS.md. */
  notes: string[];
  /** Raw figures, kept in the JSON for anyone who wants more than the table. */
  raw?: Record<string, unknown>;
}

/** Writes the result to the path given as the program's first argument (or stdout). */
export function emit(result: BenchResult): void {
  const out = process.argv[2];
  const json = JSON.stringify(result, null, 2);
  if (out) {
    fs.writeFileSync(out, json);
  } else {
    process.stdout.write(`${json}\n`);
  }
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** mulberry32: small, fast, reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) {
    return 'n/a';
  }
  if (ms < 0.01) {
    return `${(ms * 1000).toFixed(2)} µs`;
  }
  if (ms < 1) {
    return `${(ms * 1000).toFixed(0)} µs`;
  }
  if (ms < 100) {
    return `${ms.toFixed(2)} ms`;
  }
  if (ms < 10_000) {
    return `${ms.toFixed(0)} ms`;
  }
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) {
    return `${bytes.toFixed(0)} B`;
  }
  if (Math.abs(bytes) < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function fmtRatio(x: number, what: string): string {
  return Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}× ${what}` : 'n/a';
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    for (let i = 0; i < 4; i++) {
      g();
    }
  }
}
