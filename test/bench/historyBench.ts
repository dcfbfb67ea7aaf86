/**
 * Repair history benchmark: (1) recording under churn: 1,000 updates/s into a real ClusterModel
 * with the HistoryRecorder and a writing HistoryStore, event-loop lag beside the same churn without
 * recording, appends counted, and the file read back compared with the model (nothing lost);
 * (2) reading 5,000 nodes × 30 days of history: open (read and fold), snapshot, every node's
 * merged events, and the Nodes view's frame (TreeFrame) over it beside the frame without history.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { ClusterModel } from '../../src/domain/clusterModel';
import { mergeEvents } from '../../src/domain/history';
import { describeNode } from '../../src/domain/nodeDescription';
import { HistoryRecorder, isRecordedEvent } from '../../src/history/historyRecorder';
import { HistoryStore } from '../../src/history/historyStore';
import { MergedTimelines, TreeFrame, type TreeHistory } from '../../src/tree/treeFrame';
import { aksNodeName, makeNode, makeNoiseEvent, makeRepairEvent, type RepairReason } from '../standin/fixtures';
import { BenchRow, benchScale, emit, fmtBytes, fmtMs, fmtRatio, gc, log, median, nowMs, seededRandom } from './common';

const CLUSTER = 'aks-bench\nhttps://aks-bench-dns.hcp.westeurope.azmk8s.io:443';
const NODES = 5_000;
/** Redraws of each Nodes view frame variant, rotated so that none always runs first after a collection. */
const FRAME_ROUNDS = 32;
const DAY = 86_400_000;
const POOLS = ['system', 'userpool', 'gpupool', 'spotpool', 'batchpool'];

const scale = benchScale();
const nodeName = (i: number) => aksNodeName(POOLS[i % POOLS.length], Math.floor(i / POOLS.length));

interface ChurnFigures {
  seconds: number;
  updates: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  appends: number;
  bytes: number;
  flips: number;
  eventsInModel: number;
  missing: number;
  stale: number;
  transitionsMissing: number;
  lateTicks: number;
}

/** Counts the store's appends (one per batch) without changing them. */
function countAppends(): { count(): number; restore(): void } {
  const fsp = fs.promises as unknown as { appendFile: (...a: unknown[]) => Promise<void> };
  const real = fsp.appendFile;
  let n = 0;
  fsp.appendFile = (...a: unknown[]) => {
    n++;
    return real.apply(fs.promises, a);
  };
  return { count: () => n, restore: () => { fsp.appendFile = real; } };
}

/**
 * 1,000 updates/s in 10 ms ticks for `seconds`: 40 % readiness flips (round robin over the nodes,
 * so a node flips at most every few seconds), 40 % count bumps of existing repair events, 20 %
 * new repair events. With `record`, the recorder writes them to a store in `folder`.
 */
async function churn(record: boolean, seconds: number, folder: string): Promise<ChurnFigures> {
  const rand = seededRandom(7);
  const model = new ClusterModel();
  const start = Date.now();
  model.replaceNodes(Array.from({ length: NODES }, (_, i) => makeNode({ name: nodeName(i), ready: 'True', since: new Date(start - DAY), bulk: true })));
  const store = record ? await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, pollIntervalMs: 2_000 }) : undefined;
  const recorder = store ? new HistoryRecorder(model, store) : undefined;
  const appends = countAppends();
  const reasons: RepairReason[] = ['NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError', 'NodeReimageStart', 'NodeReimageError'];
  const live: { raw: Record<string, unknown>; count: number }[] = [];
  const ready = new Array<boolean>(NODES).fill(true);
  let flips = 0;
  let nextFlip = 0;
  let updates = 0;
  let lateTicks = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = nowMs();
  const perTick = 10;
  for (let tick = 0; tick < seconds * 100; tick++) {
    for (let k = 0; k < perTick; k++) {
      const r = rand();
      if (r < 0.4) {
        const i = nextFlip++ % NODES;
        ready[i] = !ready[i];
        model.applyNode('MODIFIED', makeNode({ name: nodeName(i), ready: ready[i] ? 'True' : 'False', since: new Date(), bulk: true }));
        flips++;
      } else if (r < 0.8 && live.length > 0) {
        const e = live[Math.floor(rand() * live.length)];
        e.count++;
        e.raw = { ...e.raw, count: e.count, lastTimestamp: new Date().toISOString() };
        model.applyEvent('MODIFIED', e.raw);
      } else {
        const node = nodeName(Math.floor(rand() * NODES));
        const raw = makeRepairEvent({ node, reason: reasons[Math.floor(rand() * reasons.length)], at: new Date(), code: 'VMExtensionProvisioningError', name: `${node}.bench${updates}` });
        live.push({ raw, count: 1 });
        model.applyEvent('ADDED', raw);
      }
      updates++;
    }
    // Pace to 10 ms per tick; a tick that starts late counts (the loop could not keep up).
    const due = t0 + (tick + 1) * 10;
    const wait = due - nowMs();
    if (wait < -10) {
      lateTicks++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  const elapsed = (nowMs() - t0) / 1000;
  lag.disable();
  recorder?.dispose();
  await store?.close();
  appends.restore();

  let missing = 0;
  let stale = 0;
  let transitionsMissing = 0;
  let eventsInModel = 0;
  let bytes = 0;
  if (record) {
    const again = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30 });
    bytes = again.stats().bytes;
    for (const name of model.nodeNamesWithEvents()) {
      for (const e of model.eventsFor(name).filter(isRecordedEvent)) {
        eventsInModel++;
        const held = again.event(e.key);
        if (!held) {
          missing++;
        } else if (held.count !== e.count || held.lastSeen !== e.lastSeen) {
          stale++;
        }
      }
    }
    let transitions = 0;
    for (const t of again.snapshot().transitions.values()) {
      transitions += t.length;
    }
    transitionsMissing = flips - transitions;
    await again.close();
  }
  return {
    seconds: elapsed, updates, lagP50: lag.percentile(50) / 1e6, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6,
    appends: appends.count(), bytes, flips, eventsInModel, missing, stale, transitionsMissing, lateTicks,
  };
}

interface ReadFigures {
  records: number;
  bytes: number;
  writeMs: number;
  openMs: number;
  openLagMax: number;
  snapshotMs: number;
  mergedAllMs: number;
  frameNoHistoryMs: number;
  frameEmptyHistoryMs: number;
  /** Median over the rounds of (frame with the empty history) / (frame without history). */
  frameEmptyRatio: number;
  frameColdMs: number;
  frameWarmMs: number;
  compactMs: number;
  nodesWithHistory: number;
}

/**
 * 30 days of a 5,000-node cluster: each day 5 % of the nodes go NotReady (a transition, the
 * NodeNotReady event, a reboot Start and End, a transition back), 1 % also get a failed reimage.
 */
async function readHistory(folder: string): Promise<ReadFigures> {
  const rand = seededRandom(11);
  const now = Date.now();
  const days = Math.max(2, Math.round(30 * scale));
  const writer = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30, flushRecords: 5_000 });
  const tw = nowMs();
  let seq = 0;
  const event = (node: string, reason: string, at: number, extra: Record<string, unknown> = {}) => ({
    key: `uid-${seq++}`, node, reason, format: 'none' as const, message: `${reason} on ${node}`, count: 1, firstSeen: at, lastSeen: at, source: 'aks-auto-repair', ...extra,
  });
  for (let d = days; d >= 1; d--) {
    for (let k = 0; k < NODES * 0.05; k++) {
      const i = Math.floor(rand() * NODES);
      const node = nodeName(i);
      const at = now - d * DAY + Math.floor(rand() * (DAY - 3_600_000));
      writer.recordNode({ name: node, pool: POOLS[i % POOLS.length], instanceType: 'Standard_D8ds_v5', nodeImage: 'AKSUbuntu-2204gen2containerd-202411.12.0', providerID: `azure:///subscriptions/x/vmss/${i}`, firstSeen: now - 40 * DAY, lastSeen: at });
      writer.recordTransition({ node, ready: 'False', at, reason: 'KubeletNotReady' });
      writer.recordEvent(event(node, 'NodeNotReady', at), at);
      writer.recordEvent(event(node, 'NodeRebootStart', at + 300_000, { action: 'reboot', phase: 'start', message: 'Node auto-repair is initiating a reboot action due to NotReady status persisting for more than five minutes.' }), at);
      writer.recordEvent(event(node, 'NodeRebootEnd', at + 300_200, { action: 'reboot', phase: 'end', message: 'Reboot action from node auto-repair has completed.' }), at);
      if (k % 5 === 0) {
        writer.recordEvent(event(node, 'NodeReimageStart', at + 600_000, { action: 'reimage', phase: 'start', message: 'Node auto-repair is initiating a reimage action.' }), at);
        writer.recordEvent(event(node, 'NodeReimageError', at + 600_900, { action: 'reimage', phase: 'error', code: 'VMExtensionProvisioningError', format: 'colon', type: 'Warning', message: 'Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError' }), at);
      }
      writer.recordTransition({ node, ready: 'True', at: at + 900_000, reason: 'KubeletReady' });
    }
  }
  await writer.close();
  const writeMs = nowMs() - tw;

  const opens: number[] = [];
  let openLagMax = 0;
  let store: HistoryStore | undefined;
  for (let round = 0; round < 3; round++) {
    await store?.close();
    // What is left of the writing above is not the reader's stall.
    gc();
    // The longest the loop went without running a 2 ms interval timer while the file was read.
    let last = nowMs();
    let worst = 0;
    const probe = setInterval(() => {
      const t = nowMs();
      worst = Math.max(worst, t - last);
      last = t;
    }, 2);
    const t = nowMs();
    store = await HistoryStore.open({ folder, cluster: CLUSTER, retentionDays: 30 });
    opens.push(nowMs() - t);
    worst = Math.max(worst, nowMs() - last);
    clearInterval(probe);
    openLagMax = Math.max(openLagMax, worst);
  }
  const s = store!;
  const stats = s.stats();
  const ts = nowMs();
  const snapshot = s.snapshot();
  const snapshotMs = nowMs() - ts;

  // The cluster now: every node, and the last hour's repairs of 50 nodes (recorded too, as the writing window has them).
  const model = new ClusterModel();
  model.replaceNodes(Array.from({ length: NODES }, (_, i) => makeNode({ name: nodeName(i), ready: i % 100 === 0 ? 'False' : 'True', since: new Date(now - (i % 100 === 0 ? 1_800_000 : 2 * DAY)), bulk: true })));
  const liveRaw = [];
  for (let i = 0; i < NODES; i += 100) {
    liveRaw.push(makeNoiseEvent({ reason: 'NodeNotReady', node: nodeName(i), at: new Date(now - 1_800_000) }));
    liveRaw.push(makeRepairEvent({ node: nodeName(i), reason: 'NodeRebootStart', at: new Date(now - 1_500_000) }));
    liveRaw.push(makeRepairEvent({ node: nodeName(i), reason: 'NodeRebootError', at: new Date(now - 1_499_000), code: 'OutboundConnectivityNotEnabledOnVMSS' }));
  }
  model.replaceEvents(liveRaw);
  const history: TreeHistory = { recordedFor: (n) => s.eventsFor(n), recordedNodeNames: () => s.nodesWithEvents(), snapshot: () => s.snapshot() };

  const tm = nowMs();
  for (let i = 0; i < NODES; i++) {
    const name = nodeName(i);
    mergeEvents(model.eventsFor(name), s.eventsFor(name));
  }
  const mergedAllMs = nowMs() - tm;

  /** One redraw of the expanded view: every pool's nodes, their line, and the gone group. */
  const pass = (h: TreeHistory | undefined, merged: MergedTimelines) => {
    const t = nowMs();
    const frame = new TreeFrame(model, now, h, merged);
    for (const pool of frame.pools()) {
      for (const n of pool.nodes) {
        const snap = frame.node(n.name);
        describeNode(n, snap.status ?? snap.timeline, now);
      }
    }
    frame.goneNodes();
    return nowMs() - t;
  };
  // A history with nothing for these nodes: the live path with the history wired in.
  const emptyFolder = `${folder}-empty`;
  const empty = await HistoryStore.open({ folder: emptyFolder, cluster: CLUSTER, retentionDays: 30 });
  const emptyHistory: TreeHistory = { recordedFor: (n) => empty.eventsFor(n), recordedNodeNames: () => empty.nodesWithEvents(), snapshot: () => empty.snapshot() };
  const base: number[] = [];
  const none: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const shared = new MergedTimelines();
  pass(history, shared);
  pass(emptyHistory, new MergedTimelines());
  const variants: (() => void)[] = [
    () => base.push(pass(undefined, new MergedTimelines())),
    () => none.push(pass(emptyHistory, new MergedTimelines())),
    () => cold.push(pass(history, new MergedTimelines())),
    () => warm.push(pass(history, shared)),
  ];
  for (let r = 0; r < FRAME_ROUNDS; r++) {
    gc();
    // Rotated, so no variant always runs first after a collection.
    for (let v = 0; v < variants.length; v++) {
      variants[(r + v) % variants.length]();
    }
  }
  await empty.close();

  // A compaction of the whole file (what retention or the size bound triggers).
  const tc = nowMs();
  await s.compact();
  const compactMs = nowMs() - tc;
  await s.close();
  return {
    records: stats.records, bytes: stats.bytes, writeMs, openMs: median(opens), openLagMax, snapshotMs, mergedAllMs,
    frameNoHistoryMs: median(base), frameEmptyHistoryMs: median(none),
    // Each round's two frames run next to each other: their ratio is less disturbed by a slow moment than the medians' ratio.
    frameEmptyRatio: median(none.map((ms, r) => ms / base[r])), frameColdMs: median(cold), frameWarmMs: median(warm), compactMs, nodesWithHistory: snapshot.events.size,
  };
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-history-bench-'));
  try {
    const seconds = Math.max(3, Math.round(20 * scale));
    log(`history: churn without recording, ${seconds} s`);
    const without = await churn(false, seconds, path.join(root, 'none'));
    log(`history: churn with recording, ${seconds} s`);
    const withRec = await churn(true, seconds, path.join(root, 'churn'));
    log(`history: reading 5,000 nodes × ${Math.max(2, Math.round(30 * scale))} days`);
    const read = await readHistory(path.join(root, 'read'));
    const rate = withRec.updates / withRec.seconds;
    const lost = withRec.missing + withRec.stale + Math.max(0, withRec.transitionsMissing);
    rows.push(
      {
        id: 'history.lag', area: 'History', metric: `Event-loop lag while recording ${rate.toFixed(0)} updates/s for ${withRec.seconds.toFixed(0)} s, p50 / p99 / max (monitorEventLoopDelay, 10 ms resolution)`,
        value: `${fmtMs(withRec.lagP50)} / ${fmtMs(withRec.lagP99)} / ${fmtMs(withRec.lagMax)}`,
        baseline: `same churn, no recording: ${fmtMs(without.lagP50)} / ${fmtMs(without.lagP99)} / ${fmtMs(without.lagMax)}`,
        ratio: fmtRatio(withRec.lagP99 / without.lagP99, 'p99 without recording'), target: 'p99 < 50 ms', met: withRec.lagP99 < 50,
        gap: withRec.lagP99 < 50 ? undefined : `p99 ${fmtMs(withRec.lagP99)}`,
      },
      {
        id: 'history.appends', area: 'History', metric: 'Appends to the file during the churn (batched writes) / bytes written',
        value: `${withRec.appends} appends (${(withRec.appends / withRec.seconds).toFixed(1)}/s) / ${fmtBytes(withRec.bytes)}`,
        baseline: `${withRec.updates.toLocaleString('en-US')} model updates`, target: '≤ 3 appends/s', met: withRec.appends / withRec.seconds <= 3,
      },
      {
        id: 'history.lost', area: 'History', metric: 'File read back vs the model after churn (every recordable event\'s count and last seen, every Ready flip)',
        value: lost === 0 ? `identical (${withRec.eventsInModel.toLocaleString('en-US')} events, ${withRec.flips.toLocaleString('en-US')} transitions)`
          : `${withRec.missing} events missing, ${withRec.stale} stale, ${withRec.transitionsMissing} transitions missing`,
        target: 'nothing lost', met: lost === 0, gap: lost === 0 ? undefined : 'records lost',
      },
      {
        id: 'history.open', area: 'History', metric: `Open (read + fold) ${read.records.toLocaleString('en-US')} records, ${fmtBytes(read.bytes)} (5,000 nodes, 30 days; median of 3) / longest event-loop stall meanwhile`,
        value: `${fmtMs(read.openMs)} / ${fmtMs(read.openLagMax)}`, target: '< 1 s; lag max < 100 ms', met: read.openMs < 1_000 && read.openLagMax < 100,
      },
      {
        id: 'history.query', area: 'History', metric: 'snapshot() / every node\'s merged events (live + recorded, 5,000 nodes)',
        value: `${fmtMs(read.snapshotMs)} / ${fmtMs(read.mergedAllMs)}`, target: '< 200 ms each', met: read.snapshotMs < 200 && read.mergedAllMs < 200,
      },
      {
        id: 'history.treeLive', area: 'History', metric: `Nodes view frame, 5,000 nodes, history wired in but empty for them (the live path; median of ${FRAME_ROUNDS}; ratio: median of each round's own)`,
        value: fmtMs(read.frameEmptyHistoryMs), baseline: `no history at all (before this feature): ${fmtMs(read.frameNoHistoryMs)}`,
        ratio: fmtRatio(read.frameEmptyRatio, 'no history'), target: '≤ 1.2× no history', met: read.frameEmptyRatio <= 1.2,
        gap: read.frameEmptyRatio <= 1.2 ? undefined : `${fmtMs(read.frameEmptyHistoryMs - read.frameNoHistoryMs)} more per redraw`,
      },
      {
        id: 'history.tree', area: 'History', metric: `Nodes view frame, 5,000 nodes (${read.nodesWithHistory.toLocaleString('en-US')} with 30 days of history): first redraw / next redraws (median of ${FRAME_ROUNDS})`,
        value: `${fmtMs(read.frameColdMs)} / ${fmtMs(read.frameWarmMs)}`, baseline: `no history: ${fmtMs(read.frameNoHistoryMs)}`,
        ratio: fmtRatio(read.frameWarmMs / read.frameNoHistoryMs, 'no history'), target: 'next redraws < 50 ms', met: read.frameWarmMs < 50,
      },
      {
        id: 'history.compact', area: 'History', metric: 'Compaction of that file (write new + fsync + rename) / writing it as records (batched appends)',
        value: `${fmtMs(read.compactMs)} / ${fmtMs(read.writeMs)}`,
      },
    );
    const notes = [
      `Churn: a real ClusterModel with ${NODES.toLocaleString('en-US')} nodes (makeNode bulk fixtures) gets 1,000 updates/s in 10 ms ticks for ${seconds} s: 40 % Ready flips (round robin, so one node flips every ${(NODES / 400).toFixed(1)} s), 40 % count bumps of earlier repair events, 20 % new repair events. The HistoryRecorder (250 ms ticks) writes to a HistoryStore (appends every 500 ms or 2,000 records) on ${os.tmpdir()}; the baseline is the same churn with no recorder. ${withRec.lateTicks} late ticks with recording, ${without.lateTicks} without. Afterwards the store is closed, opened again, and every recordable event of the model and every flip is looked up in it.`,
      `Reading: ${read.records.toLocaleString('en-US')} records written through the store (each day 5 % of the nodes go NotReady and are rebooted, 1 % also fail a reimage), then opened three times. Open reads the file in one read and folds it, yielding to the event loop every 4,000 lines; its lag is the longest gap between two runs of a 2 ms interval timer meanwhile. Nodes view frame: a TreeFrame over the 5,000 nodes (50 NotReady with live repair events that are in the history too) reads every node's snapshot and its line (describeNode), and the gone group; "first" builds every merged timeline, "next" reuses them (what a refresh does when nothing changed); the baseline is the same frame with no history.`,
    ];
    emit({ section: 'history', rows, notes, raw: { without, withRec, read } });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
