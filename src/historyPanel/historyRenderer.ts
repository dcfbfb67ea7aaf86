/**
 * Renders the "Show Repair History" page: the sources it was drawn from, the timeline chart (an
 * inline SVG, historyChart), its text alternative, and the table of codes by count with the nodes
 * they hit. A pure function of the data, no `vscode`: the panel hands in the webview's resources.
 *
 * Everything from a cluster or Azure (node names, codes, Container Insights messages) is escaped
 * and only ever placed in element content or quoted attribute values. The page's one script
 * (media/history.js) runs under this render's nonce and only sends typed messages back.
 */
import * as l10n from '@vscode/l10n';
import { fillHtml } from '../diagnosis/htmlParts';
import { formatUtc, singleLine } from '../domain/format';
import { documentHead, escapeHtml, type WebviewResources } from '../domain/html';
import { MAX_CHART_ROWS, outcomeWord, renderChart, renderChartText, swatch, text, utcDay } from './historyChart';
import { OUTCOME_ORDER, type CodeRow, type HistoryData, type HistorySources } from './historyData';

type ClusterData = Extract<HistoryData, { kind: 'cluster' }>;

/** The regions the panel refills when the history changes (`id` of each element). */
export const HISTORY_REGIONS = ['sources', 'content'] as const;
export type HistoryRegionId = (typeof HISTORY_REGIONS)[number];

/** Messages the extension posts to the page. */
export type HistoryToPage = { readonly type: 'update'; readonly title: string; readonly regions: Readonly<Record<HistoryRegionId, string>> };

/** Messages the page posts; the panel checks every field against its own data. */
export type HistoryFromPage =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly node: string }
  | { readonly type: 'guidance'; readonly code: string }
  | { readonly type: 'openNodes' };

/** Nodes listed per code in the table; the rest are counted. */
export const MAX_TABLE_NODES = 50;
/** Codes listed in the table, the most frequent first; the rest are counted (a flood of distinct codes cannot stall the page). */
export const MAX_TABLE_CODES = 100;

const e = escapeHtml;

/** The page's heading (plain text, one line: the context name comes from a kubeconfig). */
export function historyTitle(data: HistoryData): string {
  return data.kind === 'cluster' ? l10n.t('Repair history of {0}', singleLine(data.cluster)) : l10n.t('Repair history');
}

/** The whole page: CSP with this render's nonce, the stylesheet, both regions, our one script. */
export function renderHistoryPage(data: HistoryData, res: WebviewResources): string {
  const r = renderHistoryRegions(data);
  return `${documentHead(res, historyTitle(data))}
<body>
<header>
<h1 id="title">${e(historyTitle(data))}</h1>
<div id="sources" class="sources" aria-live="polite">${r.sources}</div>
</header>
<main id="content">${r.content}</main>
<script nonce="${e(res.nonce)}" src="${e(res.scriptUri)}"></script>
</body>
</html>`;
}

export function renderHistoryRegions(data: HistoryData): Record<HistoryRegionId, string> {
  if (data.kind === 'noCluster') {
    return { sources: '', content: noClusterState(data.why) };
  }
  return { sources: renderSources(data), content: data.nodes.length === 0 ? noHistoryState(data) : renderContent(data) };
}

export function historyUpdate(data: HistoryData): HistoryToPage {
  return { type: 'update', title: historyTitle(data), regions: renderHistoryRegions(data) };
}

function noClusterState(why: string | undefined): string {
  return `<section class="empty" aria-labelledby="h-empty"><h2 id="h-empty">${e(l10n.t('No cluster is connected'))}</h2>`
    + (why ? `<p>${text(why, 500)}</p>` : '')
    + `<p>${e(l10n.t('The repair history belongs to the cluster the Nodes view watches. Connect one there (a kubeconfig with an AKS context), and this panel fills in.'))}</p>`
    + `<p><button type="button" class="primary" data-action="openNodes">${e(l10n.t('Open Nodes View'))}</button></p></section>`;
}

function noHistoryState(data: ClusterData): string {
  const since = data.sources.historySince;
  const lead = since !== undefined
    ? l10n.t('No auto-repair action on any node of this cluster since {0}.', formatUtc(since))
    : l10n.t('No auto-repair action seen on this cluster yet.');
  return `<section class="empty" aria-labelledby="h-empty"><h2 id="h-empty">${e(l10n.t('No repair history yet'))}</h2>`
    + `<p>${e(lead)}</p>`
    + `<p>${e(l10n.t('The history records while VS Code is open: every auto-repair event and readiness change the Nodes view sees is kept, so repairs stay here after the cluster drops its events (after one hour).'))}</p>`
    + `<p>${e(l10n.t('Next step: keep the Nodes view connected to this cluster; to see repairs from before, sign in to Azure so Container Insights can be read.'))}</p>`
    + `<p><button type="button" data-action="openNodes">${e(l10n.t('Open Nodes View'))}</button></p></section>`;
}

/**
 * The local history's line: since when, or that it is not recorded and what to do (the storage
 * cannot be written), or not open yet.
 */
function localHistoryItem(s: HistorySources): string {
  const problem = s.historyProblem;
  if (problem) {
    const since = s.history ? `${e(l10n.t('Local history since {0}', formatUtc(s.historySince)))}: ` : '';
    return `<li class="warn">${since}${text(problem.message, 500)} <span class="next-step">${text(problem.nextStep, 500)}</span></li>`;
  }
  return s.history
    ? `<li>${e(l10n.t('Local history since {0}', formatUtc(s.historySince)))}</li>`
    : `<li>${e(l10n.t('Local history: not available yet (it opens after the cluster connects)'))}</li>`;
}

/** Where the data came from: the cluster's hour, the local history since when, Container Insights and what it said. */
function renderSources(data: ClusterData): string {
  const s = data.sources;
  const items: string[] = [`<li>${e(l10n.t('Cluster events (the cluster keeps them for one hour)'))}</li>`];
  items.push(localHistoryItem(s));
  if (s.insights) {
    const i = s.insights;
    const days = s.insightsDays !== undefined ? l10n.t('Container Insights, {0} days', s.insightsDays) : l10n.t('Container Insights');
    const tone = i.kind === 'ok' ? '' : ' class="warn"';
    items.push(`<li${tone}>${e(days)}: ${text(i.message, 500)}${i.nextStep ? ` <span class="next-step">${text(i.nextStep, 500)}</span>` : ''}</li>`);
  } else {
    items.push(`<li class="muted">${e(l10n.t('Container Insights: not read (it is read when you are signed in to Azure and the cluster sends its events to Log Analytics)'))}</li>`);
  }
  const stale = data.watching ? '' : `<p class="stale" role="status">${e(l10n.t('The Nodes view watches another cluster now: this is {0} as last seen at {1}. Switch back to it to see updates.', data.cluster, formatUtc(data.now)))}</p>`;
  return `${stale}<p class="sources-lead">${e(l10n.t('Drawn from:'))}</p><ul class="source-list">${items.join('')}</ul>`
    + `<p class="muted">${e(l10n.t('Days are UTC, {0} to {1}. Updated {2}.', utcDay(data.days[0]), utcDay(data.days[data.days.length - 1]), formatUtc(data.now)))}</p>`;
}

function renderContent(data: ClusterData): string {
  const more = data.nodes.length - MAX_CHART_ROWS;
  const legend = OUTCOME_ORDER.map((o) => `<li>${swatch(o)}<span>${e(outcomeWord(o))}</span></li>`).join('')
    + `<li>${swatch('succeeded', '', true)}<span>${e(l10n.t('more than one action that day'))}</span></li>`;
  const older = data.olderLeftOut > 0
    ? `<p class="muted">${e(l10n.t('{0} repair action(s) older than the chart\'s first day are left out.', data.olderLeftOut))}</p>` : '';
  return `<section aria-labelledby="h-chart">
<h2 id="h-chart">${e(l10n.t('Timeline'))}</h2>
<p id="chart-help" class="muted">${e(l10n.t('One mark per node and day: its shape and colour say how that day\'s repairs ended, its letter which code (see the table). Tab to a mark or a node and press Enter to show the node in the Nodes view.'))}</p>
<ul class="legend" aria-label="${e(l10n.t('Legend'))}">${legend}</ul>
${renderChart(data, 'chart-help')}
${more > 0 ? `<p class="muted">${e(l10n.t('{0} more node(s) with repairs are in the table below.', more))}</p>` : ''}
${older}
<details class="text-alt"><summary>${e(l10n.t('Timeline as text'))}</summary>${renderChartText(data)}</details>
</section>
<section aria-labelledby="h-codes">
<h2 id="h-codes">${e(l10n.t('Error codes'))}</h2>
${renderCodes(data.codes)}
</section>`;
}

/** One row per code and node it hit: codes by count, recurring nodes first. Each row is focusable; Enter reveals its node. */
export function renderCodes(codes: readonly CodeRow[]): string {
  if (codes.length === 0) {
    return `<p>${e(l10n.t('No repair action failed over this period.'))}</p>`;
  }
  const head = `<thead><tr><th scope="col">${e(l10n.t('Mark'))}</th><th scope="col">${e(l10n.t('Code'))}</th><th scope="col" class="num">${e(l10n.t('Times'))}</th>`
    + `<th scope="col">${e(l10n.t('Node'))}</th><th scope="col" class="num">${e(l10n.t('On the node'))}</th><th scope="col">${e(l10n.t('Last seen'))}</th></tr></thead>`;
  const body = codes.slice(0, MAX_TABLE_CODES).map((c) => {
    const codeText = c.code === undefined ? l10n.t('(no code)') : c.code;
    const shown = c.nodes.slice(0, MAX_TABLE_NODES);
    const rows = shown.map((n, i) => {
      const first = i === 0;
      const aria = l10n.t('{0} on {1}: {2} time(s), last seen {3}. Press Enter to show the node in the Nodes view.', codeText, n.node, n.times, formatUtc(n.lastSeen));
      const name = text(n.node, 253);
      const attr = e(n.node);
      const codeCell = !first ? '<td class="cont"></td><td class="cont"></td><td class="cont"></td>'
        : `<td>${swatch('failed', c.key)}</td>`
          + `<td>${c.code === undefined ? `<span class="muted">${e(codeText)}</span>`
            : `<code>${text(c.code, 256)}</code> <button type="button" class="link" data-action="guidance" data-code="${e(c.code)}" aria-label="${e(l10n.t('Open the guidance for {0}', c.code))}">${e(l10n.t('Guidance'))}</button>`}</td>`
          + `<td class="num">${c.total}</td>`;
      return `<tr tabindex="0" class="${first ? 'group-start' : ''}${n.times > 1 ? ' recurring' : ''}" data-node="${attr}" data-key="r:${e(codeText)}:${attr}" aria-label="${e(aria)}">`
        + codeCell
        + `<td><code>${name}</code>${n.times > 1 ? ` <span class="badge">${e(l10n.t('recurring'))}</span>` : ''}</td>`
        + `<td class="num">${n.times}</td><td class="time">${e(formatUtc(n.lastSeen))}</td></tr>`;
    });
    const rest = c.nodes.length - shown.length;
    if (rest > 0) {
      rows.push(`<tr><td colspan="3"></td><td colspan="3" class="muted">${e(l10n.t('and {0} more node(s)', rest))}</td></tr>`);
    }
    return rows.join('');
  }).join('');
  const moreCodes = codes.length - MAX_TABLE_CODES;
  const more = moreCodes > 0 ? `<tr><td colspan="6" class="muted">${e(l10n.t('and {0} more codes', moreCodes))}</td></tr>` : '';
  return `<div class="table-scroll"><table class="codes"><caption class="muted">${fillHtml(l10n.t('Codes by how often they were seen, and the nodes they hit ({0} first).'), `<span class="badge">${e(l10n.t('recurring'))}</span>`)}</caption>${head}<tbody>${body}${more}</tbody></table></div>`;
}
