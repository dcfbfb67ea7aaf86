// The reliability soak (issue 13): builds the production bundles and the soak programs as
// scripts/bench.mjs does, runs test/soak/soak.ts for an hour on the VS Code runtime's Node 24 (the
// Azure bundle needs it), samples the machine's load meanwhile, and writes docs/RELIABILITY.md.
// Exits 1 when a target is missed (the report is written either way). No test asserts these figures.
//
// Usage: node scripts/soak.mjs [--minutes N] [--fast] [--write] [--report] [--no-build]
//   --minutes N  run N minutes instead of 60.
//   --fast       the faults' intervals shortened about tenfold, for development (the default run
//                uses the issue's: restart every 5 min, token every 15, ...).
//   --write      write docs/RELIABILITY.md even for a short or fast run (otherwise such runs go to
//                bench-data/RELIABILITY.<minutes>min[-fast].md).
//   --report     measure nothing: rewrite the report from the last run's figures (bench-data/soak-last-run.json;
//                with --minutes/--fast, the last such run's).
//   --no-build   use dist/ and out/ as they are (AKS_REPAIR_SOAK_OUT=out-x: tsc's output in out-x/ instead).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForMeasuring, measuredCommit, runtimeNode, sh } from './measuring.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const minutesAt = args.indexOf('--minutes');
const minutesAsked = minutesAt >= 0 ? Number(args[minutesAt + 1]) : 60;
const fastAsked = args.includes('--fast');
// A short or fast run keeps its figures apart, so it never replaces the full run's (which --report renders by default).
const LAST_RUN = minutesAsked >= 60 && !fastAsked ? 'bench-data/soak-last-run.json' : `bench-data/soak-last-run.${minutesAsked}min${fastAsked ? '-fast' : ''}.json`;
const last = reportOnly ? JSON.parse(fs.readFileSync(LAST_RUN, 'utf8')) : undefined;
const minutes = last?.result?.minutes ?? minutesAsked;
const fast = last?.result?.fast ?? fastAsked;
if (!(minutes > 0)) {
  console.error('--minutes needs a positive number');
  process.exit(2);
}
const fullRun = minutes >= 60 && !fast;
const docsPath = fullRun || args.includes('--write') ? 'docs/RELIABILITY.md' : `bench-data/RELIABILITY.${minutes}min${fast ? '-fast' : ''}.md`;
const command = last?.command ?? `npm run soak${minutes === 60 && !fast ? '' : ` -- --minutes ${minutes}${fast ? ' --fast' : ''}`}`;


// ---- build -------------------------------------------------------------------------------------
if (!reportOnly && !args.includes('--no-build')) {
  buildForMeasuring('soak');
}

// ---- machine -----------------------------------------------------------------------------------
const cpus = os.cpus();
const machine = last?.machine ?? {
  cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, ramGB: (os.totalmem() / 1024 ** 3).toFixed(1), os: `${os.type()} ${os.release()}`,
  commit: measuredCommit(), date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), loadAverage: os.loadavg().map((x) => x.toFixed(2)).join(', '),
};

// ---- run ---------------------------------------------------------------------------------------
let result = last?.result;
let load = last?.load ?? [];
let exitCode = last?.exitCode ?? 0;
if (!reportOnly) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-soak-out-')), 'soak.json');
  const node = runtimeNode();
  machine.node = sh(node, ['--version']);
  console.log(`[soak] ${minutes} min${fast ? ' (fast intervals)' : ''} on ${node} (${machine.node})`);
  const loadTimer = setInterval(() => load.push(os.loadavg()[0]), 60_000);
  load.push(os.loadavg()[0]);
  exitCode = await new Promise((resolve) => {
    const extra = [...(minutesAt >= 0 ? ['--minutes', String(minutes)] : []), ...(fast ? ['--fast'] : [])];
    const program = path.join(process.env.AKS_REPAIR_SOAK_OUT ?? 'out', 'test', 'soak', 'soak.js');
    const child = spawn(node, ['--expose-gc', program, out, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => resolve(code ?? 1));
  });
  clearInterval(loadTimer);
  load.push(os.loadavg()[0]);
  result = exitCode === 0 && fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : undefined;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  fs.mkdirSync('bench-data', { recursive: true });
  fs.writeFileSync(LAST_RUN, JSON.stringify({ machine, command, result, load, exitCode }, null, 1));
}

// ---- figures -----------------------------------------------------------------------------------
const MB = 2 ** 20;
const fmtMB = (b) => `${(b / MB).toFixed(1)} MB`;
const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');
const fmtMs = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms` : 'n/a');
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function rowsOf(r) {
  if (!r) {
    return [{ id: 'soak.failed', metric: 'Soak run', value: `failed (exit ${exitCode}); see the console output`, target: 'completes', met: false }];
  }
  const rows = [];
  const warmupMin = r.schedule.warmupMs / 60_000;
  const base = r.memory.find((m) => m.atMin >= warmupMin - 0.01) ?? r.memory[0];
  const end = r.memory[r.memory.length - 1];
  const enough = end.atMin - base.atMin > 0.5;
  const span = `from minute ${base.atMin.toFixed(1)} (after the first ${warmupMin.toFixed(warmupMin < 1 ? 1 : 0)}) to the end (minute ${end.atMin.toFixed(1)})`;
  const growth = (a, b) => (b - a) / a;
  // The history keeps its records in memory for the retention period by design: each row's share
  // is measured by opening a copy of its file in a second process (test/soak/historyShare.ts).
  const measuredShare = r.memory.every((m) => typeof m.historyHeap === 'number');
  const aside = (m) => m.heapUsed - (measuredShare ? m.historyHeap : 0);
  if (measuredShare) {
    rows.push({
      id: 'memory.heap', metric: `Heap after forced GC, the history's records aside (each row's heap minus what the same history file takes when a second process opens it), ${span}`,
      value: `${fmtMB(aside(base))} → ${fmtMB(aside(end))} (${pct(growth(aside(base), aside(end)))})`, target: 'growth ≤ 10 % (no leak)',
      met: enough ? growth(aside(base), aside(end)) <= 0.1 : undefined,
    });
    const perRecord = end.historyRecords > 0 ? end.historyHeap / end.historyRecords : 0;
    rows.push({
      id: 'memory.history', metric: `The history's records in memory, kept by design for the retention period (30 days): at minute ${base.atMin.toFixed(1)} / at the end, and per record; the store holds at most 200,000 records (and a 32 MB file), about ${fmtMB(perRecord * 200_000)} at this size`,
      value: `${fmtMB(base.historyHeap)} for ${base.historyRecords.toLocaleString('en-US')} / ${fmtMB(end.historyHeap)} for ${end.historyRecords.toLocaleString('en-US')}; ${perRecord.toFixed(0)} B`,
      target: 'bounded', met: true,
    });
  }
  rows.push({
    id: measuredShare ? 'memory.heapTotal' : 'memory.heap', metric: `Heap after forced GC, the history included, ${span}`,
    value: `${fmtMB(base.heapUsed)} → ${fmtMB(end.heapUsed)} (${pct(growth(base.heapUsed, end.heapUsed))})`,
    ...(measuredShare ? {} : { target: 'growth ≤ 10 % (no leak)', met: enough ? growth(base.heapUsed, end.heapUsed) <= 0.1 : undefined }),
  });
  if (r.final.heapWithoutHistory) {
    rows.push({
      id: 'memory.historyClosed', metric: "Check of the history's measure: heap after GC at the end minus the same once the store is closed (in the soak's own process)",
      value: `${fmtMB(end.heapUsed - r.final.heapWithoutHistory)}${measuredShare ? ` (second process: ${fmtMB(end.historyHeap)})` : ''}`,
    });
  }
  // RSS swings with each relist (pages come back to the OS late): a leak shows as a rising floor, so
  // the lowest row of the first 15 minutes after the warm-up is compared with the lowest of the last 15.
  // Where the run kept each interval's lowest sample (every sampleEveryMs), a row's floor is that.
  const sampled = r.memory.every((m) => typeof m.lowRss === 'number');
  const rssOf = (m) => (sampled ? Math.min(m.rss, m.lowRss) : m.rss) - (measuredShare ? m.historyHeap : 0);
  const firstWindow = r.memory.filter((m) => m.atMin >= base.atMin - 0.01 && m.atMin < base.atMin + 15);
  const lastWindow = r.memory.filter((m) => m.atMin > end.atMin - 15 && m.atMin >= base.atMin + 15);
  if (lastWindow.length > 0) {
    const low = (list) => list.reduce((a, m) => (rssOf(m) < rssOf(a) ? m : a));
    const lowFirst = low(firstWindow);
    const lowLast = low(lastWindow);
    rows.push({
      id: 'memory.rss', metric: `RSS${measuredShare ? ", the history's records aside," : ''} lowest ${sampled ? `sample (every ${r.schedule.sampleEveryMs / 1000} s)` : 'row'} of minutes ${base.atMin.toFixed(0)}-${(base.atMin + 15).toFixed(0)} (${sampled ? 'the interval ending at ' : ''}minute ${lowFirst.atMin.toFixed(1)}) → lowest ${sampled ? 'sample' : 'row'} of the last 15 minutes (${sampled ? 'the interval ending at ' : ''}minute ${lowLast.atMin.toFixed(1)})`,
      value: `${fmtMB(rssOf(lowFirst))} → ${fmtMB(rssOf(lowLast))} (${pct(growth(rssOf(lowFirst), rssOf(lowLast)))})`, target: 'growth ≤ 10 % (no leak)',
      met: growth(rssOf(lowFirst), rssOf(lowLast)) <= 0.1,
    });
  }
  rows.push({
    id: lastWindow.length > 0 ? 'memory.rssRows' : 'memory.rss', metric: `RSS, ${span}, single rows`,
    value: `${fmtMB(base.rss)} → ${fmtMB(end.rss)} (${pct(growth(base.rss, end.rss))})`,
    ...(lastWindow.length > 0 ? {} : { target: 'growth ≤ 10 % (no leak)', met: enough ? growth(base.rss, end.rss) <= 0.1 : undefined }),
  });
  const connected = r.restarts.map((x) => x.connectedMs);
  const equal = r.restarts.map((x) => x.equalMs);
  rows.push({
    id: 'restart.connected', metric: `API server restarts (${r.restarts.length}): restarted process listening → "connected", p99 (all: ${connected.map(fmtS).join(', ')})`,
    value: fmtS(r.restartPercentiles.connectedP99), target: 'p99 < 10 s', met: r.restarts.length ? r.restartPercentiles.connectedP99 < 10_000 : undefined,
  });
  rows.push({
    id: 'restart.equal', metric: 'After each restart: listening → model equal to the server\'s state (node and event projections, digest by digest), p99 / restarts that reached it',
    value: `${fmtS(r.restartPercentiles.equalP99)} / ${r.restarts.filter((x) => x.equal).length} of ${r.restarts.length}`, target: 'every restart', met: r.restarts.length ? r.restarts.every((x) => x.equal) : undefined,
  });
  const f = r.final;
  const d = f.diff;
  rows.push({
    id: 'final.equal', metric: `At the end (churn stopped): model vs server, ${f.counters.nodes} nodes and ${Object.keys(d).length ? '' : ''}${f.counters.events} events`,
    value: f.equal ? `equal (after ${fmtMs(f.ms)})` : `${d.nodesDiffer} nodes differ, ${d.eventsMissing} events missing, ${d.eventsStale} stale, ${d.eventsExtra} extra`, target: 'equal', met: f.equal,
  });
  rows.push({
    id: 'final.history', metric: `Local history holds every error event the server ever had (${f.errorKeys.toLocaleString('en-US')} created, fixture included; the stand-in deleted ${f.counters.counters.expired.toLocaleString('en-US')} events by TTL and ${f.counters.counters.deletions.toLocaleString('en-US')} by churn)`,
    value: f.errorsMissing === 0 ? `all ${f.errorKeys.toLocaleString('en-US')}` : `${f.errorsMissing} missing (e.g. ${f.missingSample.join(', ')})`, target: 'none missing', met: f.errorsMissing === 0,
  });
  rows.push({
    id: 'final.duplicates', metric: `Duplicate rows in the history (${f.historyEvents.toLocaleString('en-US')} events): same key twice / same occurrence (reason, first seen, message) under two keys`,
    value: `${f.duplicateKeys} / ${f.duplicateRows}${f.duplicateSample?.length ? ` (${f.duplicateSample.join('; ')})` : ''}`, target: '0 / 0', met: f.duplicateKeys === 0 && f.duplicateRows === 0,
  });
  const rf = r.refresh;
  rows.push({
    id: 'refresh.rate', metric: `Tree refreshes (RefreshCoalescer flushes) for ${rf.modelChanges.toLocaleString('en-US')} model changes: most in one clock second / shortest gap / mean`,
    value: `${rf.maxFlushesPerSecond} / ${fmtMs(rf.minFlushGap)} / ${(rf.flushes / rf.seconds).toFixed(2)}/s`, target: '≤ 4/s (gap ≥ 248 ms)', met: rf.maxFlushesPerSecond <= 4 && rf.minFlushGap >= 248,
  });
  rows.push({
    id: 'lag', metric: 'Event-loop lag over the run, p50 / p99 / max (monitorEventLoopDelay, 10 ms resolution)',
    value: `${fmtMs(r.lag.p50)} / ${fmtMs(r.lag.p99)} / ${fmtMs(r.lag.max)}`, target: 'p99 < 50 ms', met: r.lag.p99 < 50,
  });
  const c = f.counters.counters;
  const rate = c.updates / (c.churnMs / 1000);
  rows.push({
    id: 'churn.rate', metric: `Churn achieved (${c.updates.toLocaleString('en-US')} updates: ${c.nodeUpdates.toLocaleString('en-US')} node updates with ${c.readinessFlips.toLocaleString('en-US')} readiness flips, ${c.repairEvents.toLocaleString('en-US')} repair events with ${c.errorEvents.toLocaleString('en-US')} errors (formats ${c.errorFormats.join(' / ')}), ${c.countBumps.toLocaleString('en-US')} count bumps, ${c.deletions.toLocaleString('en-US')} deletions; ${c.lateTicks} late ticks)`,
    value: `${rate.toFixed(0)} updates/s`, target: '200/s (≥ 190)', met: rate >= 190,
  });
  if (r.hang) {
    rows.push({
      id: 'hang', metric: `Hung events watch (server stops sending, connection open): ended by the client's idle timer (${fmtS(r.watch.idleMs)}) after`,
      value: fmtS(r.hang.endedAfterMs), target: `≤ ${fmtS(r.watch.idleMs + 5000)}`, met: r.hang.endedAfterMs <= r.watch.idleMs + 5000,
    });
  }
  const lc = r.connection.logCounts;
  const sc = r.connection.stateCounts;
  rows.push({
    id: 'token', metric: `Token rotations (${r.rotations.length}): 401s answered by running the exec plugin again / the connection "failed" / shown as unauthorized`,
    value: `${lc.unauthorized401 ?? 0} / ${r.connection.failedStates} / ${sc['reconnecting (unauthorized)'] ?? 0}`, target: '≥ 1 per rotation / 0 / 0',
    met: r.rotations.length ? (lc.unauthorized401 ?? 0) >= r.rotations.length && r.connection.failedStates === 0 && !sc['reconnecting (unauthorized)'] : undefined,
  });
  rows.push({
    id: 'malformed', metric: 'Malformed watch lines asked for / sent by the stand-in (a request just before a restart is lost with the process) / relists the connection made for them (each logged)',
    value: `${r.malformedSent} / ${f.counters.counters.corruptedLines} / ${lc.malformed ?? 0}`, target: 'one relist per line sent', met: (lc.malformed ?? 0) === f.counters.counters.corruptedLines && f.counters.counters.corruptedLines > 0,
  });
  const az = r.azureRounds;
  const absorbed = az.filter((a) => a.expect === 'complete');
  const over = az.filter((a) => a.expect === 'section-error');
  const slowest = Math.max(...az.map((a) => Math.max(a.diagnoseMs, a.insightsMs)));
  rows.push({
    id: 'azure', metric: `Azure rounds (a diagnosis and a Container Insights read each): complete with no fault or faults the retries absorb / the failing section alone shows the problem when they do not / slowest read`,
    value: `${absorbed.filter((a) => a.met).length} of ${absorbed.length} / ${over.filter((a) => a.met).length} of ${over.length} / ${fmtS(slowest)}`,
    target: 'all / all / settles', met: az.length ? az.every((a) => a.met) : undefined,
  });
  return rows;
}

const rows = rowsOf(result);
const missed = rows.filter((r) => r.met === false);
if (missed.length > 0) {
  exitCode = exitCode || 1;
}

// ---- report ------------------------------------------------------------------------------------
/**
 * Why a target is missed and what to do next, written from the last full run's figures: revise
 * them after a new full run (`--report` re-renders without measuring).
 */
const EXPLANATIONS = {
  // The last full run (December 2026, commit 59625d9 and the soak's own fixes after it) met every
  // target; the heap row at the limit (+10.0 %). Write the why and the next step of a missed
  // target here from the run that missed it.
};

const esc = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const mark = (met) => (met === true ? 'met' : met === false ? '**not met**' : '–');

function markdown() {
  const r = result;
  const lines = [];
  lines.push('# Reliability', '');
  lines.push(`Generated by \`${command}\` (scripts/soak.mjs) on ${machine.date}: one run of ${minutes} minutes${fast ? ' with the fault intervals shortened (--fast; a development run, not the issue\'s schedule)' : ''}. Every figure comes from that run. Targets are checked here, never in the test suite; the soak exits 1 when one is missed.`, '');
  lines.push('## Machine', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| CPU | ${machine.cpu}, ${machine.cores} cores |`);
  lines.push(`| RAM | ${machine.ramGB} GB |`);
  lines.push(`| OS | ${machine.os} |`);
  lines.push(`| Node (soak, all processes) | ${machine.node ?? r?.node ?? 'unknown'} (the VS Code runtime's Node: dist/azure.js needs ≥ 22) |`);
  lines.push(`| Commit | ${machine.commit} |`);
  lines.push(`| Load average at start | ${machine.loadAverage} |`);
  if (load.length) {
    const avg = load.reduce((a, b) => a + b, 0) / load.length;
    lines.push(`| 1-minute load during the run | min ${Math.min(...load).toFixed(1)}, mean ${avg.toFixed(1)}, max ${Math.max(...load).toFixed(1)} (sampled every minute; ${machine.cores} cores, shared with other work: the soak was not run exclusively) |`);
  }
  lines.push(`| Reproduce | \`npm ci && bash scripts/setup-vscode-runtime.sh && ${command}\` |`);
  lines.push('');
  lines.push('## Results', '');
  lines.push('| Figure | Value | Target | |', '|---|---|---|---|');
  for (const row of rows) {
    lines.push(`| ${esc(row.metric)} | ${esc(row.value)} | ${esc(row.target)} | ${mark(row.met)} |`);
  }
  lines.push('');
  lines.push('## Targets missed: gap, explanation, next step', '');
  if (missed.length === 0) {
    lines.push('None.', '');
  }
  for (const row of missed) {
    const e = EXPLANATIONS[row.id];
    lines.push(`### ${row.metric}`, '', `- **Gap:** ${row.value} against ${row.target}`);
    lines.push(...(e ? [`- **Why:** ${e.why}`, `- **Next step:** ${e.next}`] : ['- **Why / next step:** not analysed yet.']), '');
  }
  if (!r) {
    lines.push('The run did not complete; there are no further figures.', '');
    return `${lines.join('\n')}\n`;
  }
  lines.push('## Heap and RSS over time', '');
  lines.push(`One row before each API server restart (every ${(r.schedule.restartEveryMs / 60_000).toFixed(r.schedule.restartEveryMs < 60_000 ? 2 : 0)} min) and one at the end. Heap is \`heapUsed\` after forced collections (\`gc()\` ×4, --expose-gc); the peaks are the largest samples (every ${r.schedule.sampleEveryMs / 1000} s, no forced collection) since the row before.`, '');
  // Runs before the split of RSS was recorded have no heapTotal / lowRss columns.
  const split = r.memory.every((m) => typeof m.heapTotal === 'number');
  if (split) {
    lines.push("Heap committed is V8's `heapTotal` (pages it holds, used or not) and outside the heap is `external` (Buffers), both after the same collections; the lowest RSS is the smallest sample since the row before.", '');
  }
  lines.push(`| Minute | Heap (after GC) | ${split ? 'Heap committed | Outside the heap | ' : ''}RSS | ${split ? 'Lowest RSS | ' : ''}Peak heap | Peak RSS | Nodes / events in the model | History file / records |`,
    `|---|---|${split ? '---|---|' : ''}---|${split ? '---|' : ''}---|---|---|---|`);
  for (const m of r.memory) {
    lines.push(`| ${m.atMin.toFixed(1)} | ${fmtMB(m.heapUsed)} | ${split ? `${fmtMB(m.heapTotal)} | ${fmtMB(m.external)} | ` : ''}${fmtMB(m.rss)} | ${split ? `${fmtMB(m.lowRss)} | ` : ''}${fmtMB(m.peakHeap)} | ${fmtMB(m.peakRss)} | ${m.modelNodes} / ${m.modelEvents.toLocaleString('en-US')} | ${fmtMB(m.historyBytes)} / ${(m.historyRecords ?? 0).toLocaleString('en-US')} |`);
  }
  lines.push('');
  const withSpaces = r.memory.filter((m) => m.spaces);
  if (withSpaces.length >= 2) {
    // Where the heap grew: each V8 space at the first row after the warm-up and at the last.
    const first = withSpaces.find((m) => m.atMin >= r.schedule.warmupMs / 60_000 - 0.01) ?? withSpaces[0];
    const last = withSpaces[withSpaces.length - 1];
    lines.push(`Heap used by V8 space, after the same collections, at minute ${first.atMin.toFixed(1)} and at minute ${last.atMin.toFixed(1)} (the history's records are in the old space):`, '');
    lines.push('| Space | First | Last | Growth |', '|---|---|---|---|');
    for (const name of Object.keys(last.spaces)) {
      const a = first.spaces[name] ?? 0;
      const b = last.spaces[name];
      lines.push(`| ${name} | ${fmtMB(a)} | ${fmtMB(b)} | ${fmtMB(b - a)} |`);
    }
    lines.push('');
  }
  lines.push('## API server restarts', '');
  lines.push('| Minute | Down for | Listening → connected | Listening → model equal | Equal |', '|---|---|---|---|---|');
  for (const x of r.restarts) {
    lines.push(`| ${x.atMin.toFixed(1)} | ${fmtS(x.downMs)} | ${fmtS(x.connectedMs)} | ${fmtS(x.equalMs)} | ${x.equal ? 'yes' : `no: ${esc(JSON.stringify(x.diff))}`} |`);
  }
  lines.push('');
  if (r.stalls?.length) {
    lines.push('## Longest event-loop stalls', '');
    lines.push('The longest delays of a 100 ms timer beyond its interval (over 200 ms), with what the soak was doing. Phases marked "soak:" are the measurement\'s own work (the forced collections before each memory row; they are in the lag figures too).', '');
    if (!r.stallsNameForcedGc) {
      lines.push('In this run a stall is named by the phase the timer found when it fired after it: the forced collection for the memory row just before each restart ran synchronously and is named "API server writing its state" (those rows fall exactly on the restart minutes). test/soak/soak.ts now names such a stall "soak: forced GC".', '');
    }
    lines.push('| Minute | Stall | Phase |', '|---|---|---|');
    for (const x of r.stalls) {
      lines.push(`| ${x.atMin.toFixed(1)} | ${fmtMs(x.ms)} | ${esc(x.phase)} |`);
    }
    lines.push('');
  }
  lines.push('## Azure rounds', '');
  lines.push('| Minute | Fault | Expected | Diagnosis | Sections | Container Insights | |', '|---|---|---|---|---|---|---|');
  for (const a of r.azureRounds) {
    const sections = Object.entries(a.sections).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`| ${a.atMin.toFixed(1)} | ${esc(a.fault)} | ${a.expect === 'complete' ? 'complete' : 'that section\'s problem'} | ${fmtMs(a.diagnoseMs)} | ${sections} | ${a.insightsOk ? 'ok' : esc(a.insightsProblem ?? 'no rows')}, ${fmtMs(a.insightsMs)} | ${a.met ? 'as expected' : '**not as expected**'} |`);
  }
  lines.push('');
  lines.push('## Method', '');
  const s = r.schedule;
  const ch = r.churn;
  const minutesOf = (ms) => `${(ms / 60_000).toFixed(ms < 60_000 ? 2 : 0)} min`;
  lines.push(
    `- **What runs.** The soak (test/soak/soak.ts) is one process holding what the extension holds for a cluster: a \`ClusterModel\`, the production cluster bundle's connection (\`require('dist/cluster.js').backend.connect()\`, as test/bench/clusterBench.ts does, with the production defaults${r.watch.watchTimeoutSeconds ? `, except watchTimeoutSeconds ${r.watch.watchTimeoutSeconds} and watchIdleMs ${r.watch.watchIdleMs} for --fast` : ''}), the \`HistoryRecorder\` writing a \`HistoryStore\` in a temporary folder, and a \`RefreshCoalescer\` fed by every model change (its flushes stand for tree refreshes). The recorder, store, model and coalescer come from tsc's out/ (out/src/history, out/src/domain), the same sources: the coalescer and model are bundled into dist/extension.js, and the recorder and store into dist/historyStore.js, and both bundles require the \`vscode\` module when loaded (dist/historyStore.js hands VS Code's l10n strings to its copy of @vscode/l10n), so neither loads in plain Node. Azure reads use the production Azure bundle (\`require('dist/azure.js').backend\`), which needs Node ≥ 22: the whole soak runs on the VS Code runtime's Node ${r.node}.`,
    `- **The cluster.** The API stand-in (test/standin/apiServer.ts) runs in a child process (test/soak/soakStandin.ts) with ${r.nodes} nodes (≈10 KB each) and ${r.events.toLocaleString('en-US')} auto-repair events spread over the last hour, so the event count stays about level: ${ch.rate} updates/s in 10 ms ticks, 70 % node heartbeats (one in ten flips readiness), 4 % steps of repair sequences (Start, then End or, one in three, Error; error messages rotate through the three formats of src/domain/repairMessage.ts: \`…failure: CODE\`, \`…See error details here: CODE\`, \`…Learn more: aka.ms/aks/node-auto-repair-errors\`), 25 % count bumps of one of the 300 newest events, 1 % deletions of an event at least ${minutesOf(ch.minDeleteAgeMs)} old. Every ${ch.expiryEveryMs / 1000} s the stand-in deletes the events last seen more than ${minutesOf(ch.eventTtlMs)} ago (deleteEventsOlderThan), as the API server's event TTL does. The child tells the soak the uid of every error event it creates; the soak keeps that list.`,
    `- **Why deletions spare young events.** An error event that lives less long than the client is blind (an outage, or the hung watch until the idle timer ends it) can never reach the local history, whatever the extension does; real auto-repair events live an hour. So churn deletes only events at least ${minutesOf(ch.minDeleteAgeMs)} old, longer than any blind period here.`,
    `- **API server restarts.** Every ${minutesOf(s.restartEveryMs)} the soak has the child write its state to a file the soak keeps (exportState: every object verbatim; the churn's own bookkeeping comes back over IPC; churn pauses; the file keeps tens of MB of JSON out of the measured process's heap), kills it (SIGKILL: connections drop without a goodbye), waits ${s.downMs[0] / 1000}–${s.downMs[1] / 1000} s (seeded random), and forks a new child on the same port with the same certificates and token, which restores the state (restoreState: same uids and resourceVersions, a restart point one past the last resourceVersion, so a watch from any pre-restart resourceVersion gets 410 Expired; proven in test/integration/standin.soak.test.ts). "Connected" is the connection's first \`connected\` state after the new child listens; "model equal" compares model.snapshot() with the server's projections (projectNode/projectEvent, digest by digest, test/bench/standinProtocol.ts) every 100 ms, with churn paused until they are equal (at most 60 s), then churn resumes. The connection relists after every reconnect, so it never resumes a watch from before the restart: it sees the 410 only if it did.`,
    `- **Token rotation.** The kubeconfig's user is an exec plugin (test/soak/tokenPlugin.ts, run with the soak's Node) printing the token in a file, without an expiry, so client-node keeps it. Every ${minutesOf(s.rotateEveryMs)} the soak writes a new token to the file, then the stand-in swaps to it (rotateToken: the old one gets 401 at once). The connection's next request gets 401; src/cluster/credentials.ts drops the cached credentials and retries once with the plugin run again. Counted from the connection's log ("401 Unauthorized while …").`,
    `- **Hung watch.** Once (minute ${r.hang ? r.hang.atMin.toFixed(1) : '–'}), the stand-in stops writing to the open events watch, bookmarks and its server-side timeout included, without closing it (hangWatches); the client's idle timer (${fmtS(r.watch.idleMs)}) must end it. Restarts wait until it has (the next restart moves later).`,
    `- **Malformed lines.** Every ${minutesOf(s.malformedEveryMs)} the next watch event goes out cut in half (corruptNextWatchEvents); the connection must relist that resource.`,
    `- **Azure.** The ARM and Log Analytics stand-ins (test/standin/azure, the simulated Azure of the vscode tier) run in a third process (test/soak/azureStandins.ts); the soak trusts their CA through Node's default CA list (trustStandInCa) so the production clients are built unchanged. Every ${minutesOf(s.azureEveryMs)}, beside the cluster's faults, the soak diagnoses a node and reads its Container Insights events with the production settings (3 retries per call), after injecting, in turn: nothing; ARM 429 ×2 (Retry-After 1 s); Log Analytics 500 ×2; ARM 500 ×2; Log Analytics 429 ×2; ARM 500 on Resource Health on every try (more than the retries absorb: only the health section may show a problem). Faults are cleared after each round.`,
    `- **Memory and lag.** See the table above for heap and RSS. "No leak" compares, for the heap after forced collections, the row after the first ${minutesOf(s.warmupMs)} with the last, and for RSS (which swings by tens of MB with each relist, as the allocator returns pages late) the lowest row of the first 15 minutes after that with the lowest of the last 15: a leak raises that floor. The local history keeps every record for its retention period (30 days) by design, so it is measured apart and subtracted: after each row the soak copies the history file and a second process (test/soak/historyShare.ts) opens it with the same HistoryStore code and reports the heap the open store adds after forced collections; at the end, closing the store in the soak's own process checks that figure. The single-row and history-included figures are in the table as well. Event-loop lag is monitorEventLoopDelay over the whole run, the soak's own forced collections included (a histogram cannot be paused: re-enabled, it records the gap). Tree refreshes are counted per clock second and by the shortest gap between two (the coalescer's clock has 1 ms steps, so 248 ms stands for 250).`,
    `- **At the end** churn stops, the model must equal the server's state, the recorder flushes, the store closes and is opened again: every error key the soak was told about must be in it, and no event may appear twice (by key, or as the same occurrence under two keys).`,
  );
  lines.push('');
  lines.push('## Connection log during the run', '');
  lines.push(`States entered: ${Object.entries(r.connection.stateCounts).map(([k, v]) => `${k} ${v}`).join(', ')}. Log lines: ${Object.entries(r.connection.logCounts).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  return `${lines.join('\n')}\n`;
}

console.log('\n[soak] results\n');
for (const row of rows) {
  console.log(`${row.met === true ? 'met    ' : row.met === false ? 'NOT MET' : '–      '}  ${row.value.padEnd(40)}  ${row.target ?? ''}  ${row.metric.slice(0, 90)}`);
}
fs.mkdirSync(path.dirname(docsPath), { recursive: true });
fs.writeFileSync(docsPath, markdown());
console.log(`\n[soak] wrote ${docsPath}${missed.length ? `; ${missed.length} target(s) missed` : ''}`);
process.exit(exitCode);
