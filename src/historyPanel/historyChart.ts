/**
 * The repair history timeline as an inline SVG drawn from data: one row per node, one column per
 * UTC day, one mark per node and day with that day's repair actions. The mark's shape and colour
 * say the outcome (shape alone is enough: high contrast and colour-blind readers), its letter the
 * code (the codes table says which). Every mark and node label is focusable and carries the node's
 * name for the page script, which asks the extension to reveal it. No `vscode` import.
 *
 * Node names and codes come from the cluster or Azure: escaped, and only ever placed in element
 * content or quoted attribute values. Styles come from classes (the CSP allows no inline style).
 */
import * as l10n from '@vscode/l10n';
import { escapeHtml } from '../domain/html';
import { formatClock, singleLine, truncate } from '../domain/format';
import type { EventOrigin } from '../domain/history';
import type { DayMark, HistoryAction, HistoryData, HistoryNodeRow, MarkOutcome } from './historyData';

type ClusterData = Extract<HistoryData, { kind: 'cluster' }>;

/** Rows beyond this are listed in the table only: the chart stays readable. */
export const MAX_CHART_ROWS = 200;
/** Actions of one day a mark's label (and the text alternative) names; the rest are counted, so a runaway day cannot bloat the page. */
export const MAX_LABEL_ACTIONS = 5;
/** Shown characters of a node name in the chart (the whole name is in its label and tooltip). */
const NAME_CHARS = 36;
const CHAR_W = 7.3;
const ROW_H = 28;
const AXIS_H = 26;

/** `2026-12-03`: a UTC day. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Untrusted text for one line: control and bidi characters out, cut, escaped. */
export function text(value: string, max = 300): string {
  return escapeHtml(truncate(singleLine(value), max));
}

/** A long node name cut in the middle: the pool and the instance suffix both stay readable. */
export function shortName(name: string, max = NAME_CHARS): string {
  const s = singleLine(name);
  if (s.length <= max) {
    return s;
  }
  const tail = Math.floor((max - 1) / 2);
  // Both cuts keep surrogate pairs whole (truncate for the head; the tail never starts on a low half).
  const start = s.length - tail + (/[\uDC00-\uDFFF]/.test(s.charAt(s.length - tail)) ? 1 : 0);
  return `${truncate(s, max - tail)}${s.slice(start)}`;
}

export function outcomeWord(outcome: MarkOutcome): string {
  switch (outcome) {
    case 'failed': return l10n.t('failed');
    case 'succeeded': return l10n.t('succeeded');
    case 'running': return l10n.t('running');
    case 'unfinished': return l10n.t('no end seen');
  }
}

export function actionWord(action: HistoryAction['action']): string {
  switch (action) {
    case 'reboot': return l10n.t('reboot');
    case 'reimage': return l10n.t('reimage');
    case 'redeploy': return l10n.t('redeploy');
  }
}

export function originWord(origin: EventOrigin): string {
  switch (origin) {
    case 'live': return l10n.t('cluster');
    case 'history': return l10n.t('local history');
    case 'containerInsights': return l10n.t('Container Insights');
  }
}

/** `reimage failed: VMExtensionProvisioningError ×2 at 09:35 UTC (cluster, local history)`: plain text. */
export function describeAction(a: HistoryAction): string {
  const what = a.code !== undefined
    ? l10n.t('{0} {1}: {2}', actionWord(a.action), outcomeWord(a.outcome), singleLine(a.code))
    : a.outcome === 'failed' ? l10n.t('{0} failed (no code)', actionWord(a.action)) : l10n.t('{0} {1}', actionWord(a.action), outcomeWord(a.outcome));
  const times = a.times > 1 ? ` ×${a.times}` : '';
  return l10n.t('{0}{1} at {2} UTC ({3})', what, times, formatClock(a.at), a.origins.map(originWord).join(', '));
}

/** The first MAX_LABEL_ACTIONS of a day's actions, each as `describe` says it, then `+N more`. */
export function someActions(actions: readonly HistoryAction[], describe: (a: HistoryAction) => string): string[] {
  const named = actions.slice(0, MAX_LABEL_ACTIONS).map(describe);
  return actions.length > named.length ? [...named, l10n.t('+{0} more', actions.length - named.length)] : named;
}

/** Plain text a screen reader says for a mark, and its tooltip. */
export function markLabel(node: string, dayMs: number, mark: DayMark): string {
  return l10n.t('{0}, {1}: {2} repair action(s): {3}.', singleLine(node), utcDay(dayMs), mark.actions.length, someActions(mark.actions, describeAction).join('; '));
}

/** The key letter a mark carries: its code's, `?` for a failure without one, nothing otherwise. */
function markKey(mark: DayMark, keys: ReadonlyMap<string | undefined, string>): string {
  if (mark.code !== undefined) {
    return keys.get(mark.code) ?? '';
  }
  return mark.noCode ? '?' : '';
}

/** The outcome's shape, centred on (cx, cy), `size` across. */
export function shape(outcome: MarkOutcome, cx: number, cy: number, size: number): string {
  const h = size / 2;
  switch (outcome) {
    case 'failed':
    case 'running':
      return `<rect class="shape" x="${cx - h}" y="${cy - h}" width="${size}" height="${size}" rx="2"/>`;
    case 'succeeded':
    case 'unfinished':
      return `<circle class="shape" cx="${cx}" cy="${cy}" r="${h}"/>`;
  }
}

/** A small legend swatch: the outcome's shape in its own SVG. */
export function swatch(outcome: MarkOutcome, label = '', stacked = false): string {
  return `<svg class="swatch outcome-${outcome}" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">`
    + (stacked ? `<g class="stack">${shape(outcome, 12, 8, 11)}</g><g class="gap">${shape(outcome, 8.5, 11.5, 13)}</g>${shape(outcome, 8.5, 11.5, 11)}` : shape(outcome, 10, 10, 14))
    + `${label ? `<text class="mark-label" x="10" y="10">${escapeHtml(label)}</text>` : ''}</svg>`;
}

export interface ChartGeometry {
  /** Width of the node names' column (its own SVG, which does not scroll). */
  readonly labelW: number;
  readonly cellW: number;
  /** Width of the days' SVG (it scrolls sideways when the panel is narrow). */
  readonly width: number;
  readonly height: number;
}

export function geometry(data: ClusterData, rows: readonly HistoryNodeRow[]): ChartGeometry {
  const chars = Math.max(12, ...rows.map((r) => shortName(r.name).length + (r.gone ? 7 : 0)));
  const labelW = Math.round(Math.min(chars, NAME_CHARS + 7) * CHAR_W + 16);
  const days = data.days.length;
  const cellW = days <= 31 ? 28 : days <= 62 ? 20 : 16;
  // Room on the right for today's axis label, which is wider than a narrow column.
  return { labelW, cellW, width: days * cellW + 12, height: AXIS_H + rows.length * ROW_H + 4 };
}

/**
 * The whole chart: the node names in one SVG that stays put, the days (axis, grid, marks) in a
 * second one that scrolls sideways when the panel is narrower than the period, rows aligned.
 */
export function renderChart(data: ClusterData, describedBy: string): string {
  const rows = data.nodes.slice(0, MAX_CHART_ROWS);
  const g = geometry(data, rows);
  const e = escapeHtml;
  const labels: string[] = [];
  const out: string[] = [];
  const dayX = (i: number): number => i * g.cellW;
  // Today's column, behind everything.
  const last = data.days.length - 1;
  out.push(`<rect class="today" x="${dayX(last)}" y="0" width="${g.cellW}" height="${g.height}"/>`);
  // Day labels: every few days so they do not collide, and always today.
  const step = Math.ceil(44 / g.cellW);
  data.days.forEach((day, i) => {
    const labelled = i === last || (i % step === 0 && last - i >= step);
    if (labelled) {
      out.push(`<text class="axis" x="${dayX(i) + g.cellW / 2}" y="${AXIS_H - 9}">${e(utcDay(day).slice(5))}</text>`);
    }
    out.push(`<line class="grid${labelled ? ' grid-major' : ''}" x1="${dayX(i)}" y1="${AXIS_H - 4}" x2="${dayX(i)}" y2="${g.height}"/>`);
  });
  const size = Math.min(g.cellW - 8, 18);
  // Looked up once per mark: a list scan per mark would be marks × codes.
  const keys = new Map(data.codes.map((c) => [c.code, c.key]));
  rows.forEach((row, r) => {
    const top = AXIS_H + r * ROW_H;
    const cy = top + ROW_H / 2;
    const name = e(row.name);
    labels.push(`<line class="row-line" x1="0" y1="${top + ROW_H}" x2="${g.labelW}" y2="${top + ROW_H}"/>`);
    out.push(`<line class="row-line" x1="0" y1="${top + ROW_H}" x2="${g.width}" y2="${top + ROW_H}"/>`);
    const label = row.gone ? l10n.t('{0}, no longer in the cluster: show it in the Nodes view', singleLine(row.name)) : l10n.t('{0}: show it in the Nodes view', singleLine(row.name));
    labels.push(`<g class="node-label${row.gone ? ' gone' : ''}" tabindex="0" role="button" data-node="${name}" data-key="n:${name}" aria-label="${e(label)}">`
      + `<title>${e(label)}</title>`
      + `<rect class="focus-ring" x="1" y="${top + 2}" width="${g.labelW - 4}" height="${ROW_H - 4}" rx="3"/>`
      + `<text class="node-name" x="8" y="${cy}">${e(shortName(row.name))}${row.gone ? ` <tspan class="gone-tag">${e(l10n.t('(gone)'))}</tspan>` : ''}</text></g>`);
    for (const mark of row.marks) {
      const cx = dayX(mark.day) + g.cellW / 2;
      const aria = markLabel(row.name, data.days[mark.day], mark);
      const key = markKey(mark, keys);
      out.push(`<g class="mark outcome-${mark.outcome}" tabindex="0" role="button" data-node="${name}" data-key="m:${mark.day}:${name}" aria-label="${e(aria)}">`
        + `<title>${e(aria)}</title>`
        + `<rect class="focus-ring" x="${cx - g.cellW / 2 + 1}" y="${top + 2}" width="${g.cellW - 2}" height="${ROW_H - 4}" rx="3"/>`
        // Several actions that day: a second outline behind the mark, like a stack of cards.
        + (mark.actions.length > 1 ? `<g class="stack">${shape(mark.outcome, cx + 4, cy - 4, size)}</g><g class="gap">${shape(mark.outcome, cx, cy, size + 3)}</g>` : '')
        + shape(mark.outcome, cx, cy, size)
        + (key ? `<text class="mark-label${key.length > 1 ? ' long' : ''}" x="${cx}" y="${cy}">${e(key)}</text>` : '')
        + '</g>');
    }
  });
  const title = l10n.t('Repair actions per node and UTC day, {0} to {1}', utcDay(data.days[0]), utcDay(data.days[last]));
  return `<div class="chart-wrap" role="group" aria-label="${e(title)}" aria-describedby="${e(describedBy)}">`
    + `<svg class="chart chart-labels" width="${g.labelW}" height="${g.height}" viewBox="0 0 ${g.labelW} ${g.height}">`
    + `<text class="axis axis-title" x="8" y="${AXIS_H - 9}">${e(l10n.t('Node'))}</text>${labels.join('')}</svg>`
    + `<div class="chart-scroll"><svg class="chart chart-days" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}">`
    + out.join('') + '</svg></div></div>';
}

/** The chart as text, for readers who cannot see it: per node, per day, each action. */
export function renderChartText(data: ClusterData): string {
  const rows = data.nodes.slice(0, MAX_CHART_ROWS);
  const items = rows.map((row) => {
    const days = row.marks.map((m) => `<li>${text(utcDay(data.days[m.day]))}: ${someActions(m.actions, describeAction).map((t) => text(t, 600)).join('; ')}</li>`).join('');
    const gone = row.gone ? ` <span class="muted">${escapeHtml(l10n.t('(no longer in the cluster)'))}</span>` : '';
    return `<li><code>${text(row.name, 253)}</code>${gone}<ul>${days}</ul></li>`;
  });
  return `<ul class="chart-text">${items.join('')}</ul>`;
}
