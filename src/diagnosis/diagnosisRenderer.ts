/**
 * Renders a node's Azure diagnosis to the diagnosis webview's HTML. No `vscode` import: the panel
 * hands in the webview's resource URIs and CSP source, so this is unit-tested under plain Node.
 *
 * Everything in a Diagnosis came from Azure or the cluster: untrusted text, escaped here, and
 * only ever placed in element content or quoted attribute values. The page has no inline script
 * or handler; its one script (media/diagnosis.js) runs under this render's nonce.
 *
 * This module is the page frame (CSP, nonce, toolbar, the regions and the messages that refill
 * them); the regions' content comes from sectionRenderers, findingsRenderer and problemBox.
 */
import * as l10n from '@vscode/l10n';
import type { Diagnosis } from '../domain/diagnosis';
import { settingId, Settings } from '../ids';
import { isBusy, pageProblem, type DiagnosisView } from './diagnosisView';
import { renderFindings } from './findingsRenderer';
import { documentHead, escapeHtml, type WebviewResources } from '../domain/html';
import { formatUtc } from '../domain/format';
import { fillHtml, t } from './htmlParts';
import { problemBox } from './problemBox';
import {
  renderActivity, renderCluster, renderExtensions, renderHealth, renderInstance, renderSection, renderTarget,
} from './sectionRenderers';

/**
 * The regions of the page the panel refills as answers arrive (`id` of each element). `h-instance`
 * is the instance section's heading: a scale set instance or, for availability-set nodes, a VM.
 */
export const REGIONS = ['status', 'problem', 'findings', 'target', 'h-instance', 'instance', 'extensions', 'health', 'activity', 'cluster'] as const;
export type RegionId = (typeof REGIONS)[number];

/** Messages the extension posts to the page. */
export type ToPageMessage =
  | { readonly type: 'update'; readonly regions: Readonly<Record<RegionId, string>>; readonly busy: boolean };

/** Messages the page posts; the panel ignores anything else and checks every field. */
export type FromPageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'copyMarkdown' }
  | { readonly type: 'copy'; readonly text: string }
  /** The finding's index in the panel's findings: the panel builds the guidance target from its own copy. */
  | { readonly type: 'guidance'; readonly index: number }
  | { readonly type: 'signIn' }
  | { readonly type: 'openSetting'; readonly setting: string };

/** The settings a page may ask the panel to open (the ones a problem's fix button names). */
export const OPENABLE_SETTINGS: readonly string[] = [
  Settings.azureCredential, Settings.azureTenant, Settings.azureResourceManagerEndpoint,
].map(settingId);

/** The whole page: CSP with this render's nonce, the stylesheet, every region filled, our one script. */
export function renderDiagnosisPage(view: DiagnosisView, res: WebviewResources): string {
  const e = escapeHtml;
  const r = renderRegions(view);
  const section = (id: RegionId, title: string): string =>
    `<section class="section" aria-labelledby="h-${id}"><h2 id="h-${id}">${id === 'instance' ? r['h-instance'] : e(title)}</h2>`
    + `<div class="section-body" id="${id}" aria-live="polite">${r[id]}</div></section>`;
  const node = view.diagnosis.node;
  return `${documentHead(res, l10n.t('Azure diagnosis of {0}', node))}
<body data-copy-label="${e(l10n.t('Copy'))}" data-copied-label="${e(l10n.t('Copied'))}">
<header>
<h1>${fillHtml(l10n.t('Azure diagnosis of {0}'), `<code>${t(node, 253)}</code>`)}</h1>
<nav class="toolbar" aria-label="${e(l10n.t('Diagnosis actions'))}">
<button type="button" data-action="refresh" title="${e(l10n.t('Read everything from Azure again'))}">${e(l10n.t('Refresh'))}</button>
<button type="button" data-action="copyMarkdown">${e(l10n.t('Copy as Markdown'))}</button>
</nav>
<div id="status" class="status" role="status" aria-live="polite">${r.status}</div>
<div id="problem" aria-live="assertive">${r.problem}</div>
</header>
<main aria-busy="${isBusy(view) ? 'true' : 'false'}">
${section('findings', l10n.t('Findings'))}
${section('target', l10n.t('The node in Azure'))}
${section('instance', '')}
${section('extensions', l10n.t('VM extensions'))}
${section('health', l10n.t('Resource Health'))}
${section('activity', l10n.t('Activity Log'))}
${section('cluster', l10n.t('Cluster and node pool'))}
</main>
<script nonce="${e(res.nonce)}" src="${e(res.scriptUri)}"></script>
</body>
</html>`;
}

/** Each region's inner HTML: what the panel posts as answers arrive. */
export function renderRegions(view: DiagnosisView): Record<RegionId, string> {
  const d = view.diagnosis;
  const c = view.credential;
  return {
    status: renderStatus(view),
    problem: renderPageProblem(view),
    findings: renderFindings(view),
    target: renderTarget(d, view.nodeLeft === true),
    'h-instance': escapeHtml(instanceHeading(d)),
    instance: renderSection(d.instance, c, (i) => renderInstance(i, d), d.signIn),
    extensions: renderSection(d.extensions, c, renderExtensions, d.signIn),
    health: renderSection(d.health, c, renderHealth, d.signIn),
    activity: renderSection(d.activity, c, (a) => renderActivity(a, d), d.signIn),
    cluster: renderSection(d.cluster, c, renderCluster, d.signIn),
  };
}

/** The one problem at the top: a failure before any call, or the sign-in every failed section hit (shown once). */
function renderPageProblem(view: DiagnosisView): string {
  const problem = pageProblem(view);
  return problem ? problemBox(problem, view.credential, 'page-problem') : '';
}

/** `Virtual machine` for an availability-set node, `Scale set instance` otherwise. */
function instanceHeading(d: Diagnosis): string {
  return d.target.ok && d.target.target.kind === 'vm' ? l10n.t('Virtual machine') : l10n.t('Scale set instance');
}

/** The update message for the page. */
export function updateMessage(view: DiagnosisView): ToPageMessage {
  return { type: 'update', regions: renderRegions(view), busy: isBusy(view) };
}

function renderStatus(view: DiagnosisView): string {
  const d = view.diagnosis;
  if (view.problem) {
    return `<span class="muted">${escapeHtml(l10n.t('Nothing could be read from Azure.'))}</span>`;
  }
  if (isBusy(view)) {
    return `<span class="spinner" aria-hidden="true"></span>${escapeHtml(l10n.t('Reading from Azure… (started {0})', formatUtc(d.startedAt)))}`;
  }
  const done = d.completedAt ?? d.startedAt;
  const seconds = ((done - d.startedAt) / 1000).toFixed(1);
  return `<span class="muted">${escapeHtml(l10n.t('Read from Azure at {0} in {1} s.', formatUtc(done), seconds))}</span>`;
}
