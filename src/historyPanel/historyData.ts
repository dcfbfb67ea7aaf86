/**
 * What the "Show Repair History" panel shows, computed from the merged events of every node: one
 * mark per node and UTC day with that day's repair actions, and the codes by count with the nodes
 * they hit. Pure data, no `vscode`: the panel gathers the input, the renderer draws the result.
 */
import type { EventOrigin, HistoryProblem, HistorySnapshot, InsightsStatus, SourcedEvent } from '../domain/history';
import type { RepairAction } from '../domain/repairMessage';
import { buildTimeline, type RepairStep } from '../domain/repairTimeline';

export const DAY_MS = 86_400_000;
/** The chart never spans more than this (Container Insights reads at most 90 days). */
export const MAX_DAYS = 90;
/** A chart of fewer days than this is padded back, so one day of live events is not a lone column. */
export const MIN_DAYS = 7;

/** A repair action's outcome as the chart colours it; `unfinished`: started, no end was seen. */
export type MarkOutcome = 'failed' | 'running' | 'unfinished' | 'succeeded';

/** Worst first: a day's mark takes the outcome of its worst action. */
export const OUTCOME_ORDER: readonly MarkOutcome[] = ['failed', 'running', 'unfinished', 'succeeded'];

export interface HistoryAction {
  readonly action: RepairAction;
  readonly outcome: MarkOutcome;
  readonly code?: string;
  /** Epoch ms the action started (or, without a Start, when it failed or ended). */
  readonly at: number;
  /** How many times its error was reported (1 for actions that did not fail). */
  readonly times: number;
  readonly origins: readonly EventOrigin[];
}

/** One node's repair actions on one UTC day. */
export interface DayMark {
  /** Index into `HistoryData.days`. */
  readonly day: number;
  readonly actions: readonly HistoryAction[];
  readonly outcome: MarkOutcome;
  /** The code the mark is labelled with (the day's latest failure that named one). */
  readonly code?: string;
  /** Set on a failed mark whose failures named no code. */
  readonly noCode?: boolean;
}

export interface HistoryNodeRow {
  readonly name: string;
  /** Not in the cluster now (known from the history or from events only). */
  readonly gone: boolean;
  readonly marks: readonly DayMark[];
  /** Failed actions in the period. */
  readonly failures: number;
  /** A code (or a codeless failure) was seen on it more than once. */
  readonly recurring: boolean;
}

export interface CodeNodeHit {
  readonly node: string;
  readonly times: number;
  readonly lastSeen: number;
}

export interface CodeRow {
  /** Undefined: failures that named no code. */
  readonly code?: string;
  /** The short label the chart's marks carry for this code (A, B, …; `?` for no code). */
  readonly key: string;
  readonly total: number;
  /** Recurring nodes (hit more than once) first, then by times, then by name. */
  readonly nodes: readonly CodeNodeHit[];
}

export interface HistorySources {
  /** The local history's snapshot was available. */
  readonly history: boolean;
  /** Epoch ms: the local history holds records from here on. */
  readonly historySince?: number;
  readonly insights?: InsightsStatus;
  /** Days of Container Insights asked for (the `containerInsights.days` setting). */
  readonly insightsDays?: number;
  /** The local history cannot be recorded (storage not writable), with what to do. */
  readonly historyProblem?: HistoryProblem;
}

export type HistoryData =
  | { readonly kind: 'noCluster'; readonly why?: string }
  | {
    readonly kind: 'cluster';
    /** The kubeconfig context the panel is about. */
    readonly cluster: string;
    readonly now: number;
    /** Epoch ms of each UTC day's start, oldest first; the last is today. */
    readonly days: readonly number[];
    /** Nodes with at least one repair action in the period: recurring first, then by failures, then by name. */
    readonly nodes: readonly HistoryNodeRow[];
    readonly codes: readonly CodeRow[];
    readonly sources: HistorySources;
    /** Actions older than the chart's first day (beyond 90 days), left out. */
    readonly olderLeftOut: number;
    /** False when the Nodes view watches another cluster now: the data is as last seen. */
    readonly watching: boolean;
  };

export interface HistoryInput {
  readonly cluster: string;
  readonly now: number;
  readonly snapshot?: HistorySnapshot;
  /** Nodes in the cluster now. */
  readonly liveNodes: ReadonlySet<string>;
  /** Each node's events from every source, merged (RepairHistoryView.eventsFor). */
  readonly events: ReadonlyMap<string, readonly SourcedEvent[]>;
  readonly insights?: InsightsStatus;
  readonly insightsDays?: number;
  readonly historyProblem?: HistoryProblem;
}

export function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The chart and table for one cluster. */
export function buildHistoryData(input: HistoryInput): Extract<HistoryData, { kind: 'cluster' }> {
  const { now } = input;
  const today = dayStart(now);
  const perNode = new Map<string, HistoryAction[]>();
  let earliestAction = today;
  for (const [node, events] of input.events) {
    const actions = actionsOf(events, now);
    if (actions.length > 0) {
      perNode.set(node, actions);
      earliestAction = actions.reduce((m, a) => Math.min(m, a.at), earliestAction);
    }
  }
  const insightsFrom = input.insights && input.insightsDays ? now - input.insightsDays * DAY_MS : today;
  let first = dayStart(Math.min(input.snapshot?.since ?? today, insightsFrom, earliestAction));
  first = Math.max(first, today - (MAX_DAYS - 1) * DAY_MS);
  first = Math.min(first, today - (MIN_DAYS - 1) * DAY_MS);
  const days: number[] = [];
  for (let d = first; d <= today; d += DAY_MS) {
    days.push(d);
  }

  let olderLeftOut = 0;
  const codeHits = new Map<string, Map<string, { times: number; lastSeen: number }>>();
  const NO_CODE = '\u0000';
  const rows: HistoryNodeRow[] = [];
  for (const [name, all] of perNode) {
    const actions = all.filter((a) => a.at >= first);
    olderLeftOut += all.length - actions.length;
    if (actions.length === 0) {
      continue;
    }
    const byDay = new Map<number, HistoryAction[]>();
    for (const a of actions) {
      // A clock ahead of ours puts an action after today: it still shows, on today.
      const day = Math.min(Math.floor((dayStart(a.at) - first) / DAY_MS), days.length - 1);
      const list = byDay.get(day) ?? [];
      list.push(a);
      byDay.set(day, list);
      if (a.outcome === 'failed') {
        const key = a.code ?? NO_CODE;
        const hits = codeHits.get(key) ?? new Map<string, { times: number; lastSeen: number }>();
        codeHits.set(key, hits);
        const hit = hits.get(name) ?? { times: 0, lastSeen: 0 };
        hit.times += a.times;
        hit.lastSeen = Math.max(hit.lastSeen, a.at);
        hits.set(name, hit);
      }
    }
    const marks = [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, list]) => dayMark(day, list));
    const failed = actions.filter((a) => a.outcome === 'failed');
    const timesByCode = new Map<string, number>();
    for (const a of failed) {
      timesByCode.set(a.code ?? NO_CODE, (timesByCode.get(a.code ?? NO_CODE) ?? 0) + a.times);
    }
    rows.push({
      name,
      gone: !input.liveNodes.has(name),
      marks,
      failures: failed.length,
      recurring: [...timesByCode.values()].some((t) => t > 1),
    });
  }
  rows.sort((a, b) => Number(b.recurring) - Number(a.recurring) || b.failures - a.failures || compare(a.name, b.name));

  const codes = [...codeHits.entries()].map(([code, hits]) => {
    const nodes = [...hits.entries()].map(([node, h]) => ({ node, times: h.times, lastSeen: h.lastSeen }))
      .sort((a, b) => Number(b.times > 1) - Number(a.times > 1) || b.times - a.times || compare(a.node, b.node));
    return { code: code === NO_CODE ? undefined : code, total: nodes.reduce((s, n) => s + n.times, 0), nodes };
  }).sort((a, b) => b.total - a.total || Number(a.code === undefined) - Number(b.code === undefined) || compare(a.code ?? '', b.code ?? ''));
  let letter = 0;
  const keyed: CodeRow[] = codes.map((c) => ({ ...c, key: c.code === undefined ? '?' : codeKey(letter++) }));

  return {
    kind: 'cluster',
    cluster: input.cluster,
    now,
    days,
    nodes: rows,
    codes: keyed,
    sources: {
      history: input.snapshot !== undefined,
      ...(input.snapshot ? { historySince: input.snapshot.since } : {}),
      ...(input.insights ? { insights: input.insights } : {}),
      ...(input.insights && input.insightsDays ? { insightsDays: input.insightsDays } : {}),
      ...(input.historyProblem ? { historyProblem: input.historyProblem } : {}),
    },
    olderLeftOut,
    watching: true,
  };
}

/** The key of a code row: A … Z, then A2 … Z2 and so on. */
export function codeKey(index: number): string {
  const round = Math.floor(index / 26);
  return String.fromCharCode(65 + (index % 26)) + (round > 0 ? String(round + 1) : '');
}

/** A node's repair actions: its timeline's steps, each with its outcome, code and sources. */
export function actionsOf(events: readonly SourcedEvent[], now: number): HistoryAction[] {
  const timeline = buildTimeline(events, undefined, now);
  return timeline.steps.flatMap((step) => {
    const at = step.started ?? step.failed ?? step.ended ?? step.lastSeen;
    if (at === undefined) {
      return [];
    }
    const outcome: MarkOutcome = step.status === 'failed' ? 'failed'
      : step.status === 'completed' ? 'succeeded'
        : step === timeline.current ? 'running' : 'unfinished';
    const action: HistoryAction = {
      action: step.action,
      outcome,
      at,
      times: outcome === 'failed' ? errorTimes(step) : 1,
      origins: originsOf(step),
      ...(step.code ? { code: step.code } : {}),
    };
    return [action];
  });
}

function errorTimes(step: RepairStep): number {
  const errors = step.events.filter((e) => e.phase === 'error');
  return Math.max(1, errors.reduce((s, e) => s + e.count, 0));
}

function originsOf(step: RepairStep): EventOrigin[] {
  const set = new Set<EventOrigin>(step.events.map((e) => (e as SourcedEvent).origin ?? 'live'));
  return (['live', 'history', 'containerInsights'] as const).filter((o) => set.has(o));
}

function dayMark(day: number, actions: readonly HistoryAction[]): DayMark {
  const sorted = [...actions].sort((a, b) => a.at - b.at);
  const outcome = OUTCOME_ORDER.find((o) => sorted.some((a) => a.outcome === o)) ?? 'succeeded';
  const failed = sorted.filter((a) => a.outcome === 'failed');
  const coded = [...failed].reverse().find((a) => a.code !== undefined);
  return {
    day,
    actions: sorted,
    outcome,
    ...(coded?.code ? { code: coded.code } : {}),
    ...(failed.length > 0 && !coded ? { noCode: true } : {}),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
