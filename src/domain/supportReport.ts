/**
 * "AKS: Create Support Report": one node's story as Markdown, ready to paste into an Azure support
 * request: the cluster, the node, every repair event from every source in UTC, what each code
 * means, the Azure diagnosis, and what could not be read and why. No `vscode`.
 *
 * Secrets: the report is built only from fields that cannot hold one (names, versions, the API
 * server's host, event text), and each field is redacted before it is escaped (mdCode and mdText
 * redact first). Never the finished Markdown: a mask matched over escaped text can swallow a
 * closing backtick or an escaping backslash and free what follows. Untrusted text (from
 * the cluster, Azure, the history or a user's catalog) goes into code spans or is escaped (see
 * diagnosisMarkdown), so it can neither inject a link, an image or HTML nor break the layout.
 */
import * as l10n from '@vscode/l10n';
import type { Diagnosis, Finding, Section } from './diagnosis';
import { diagnosisToMarkdown, mdCode, mdText } from './diagnosisMarkdown';
import { formatUtc } from './format';
import { recurrences, type EventOrigin, type InsightsStatus, type ReadinessTransition, type RecordedNode, type SourcedEvent } from './history';
import type { NodeSummary } from './nodeProjection';
import { buildTimeline } from './repairTimeline';

/** What a catalog entry says a code means (one line each). */
export interface CodeMeaning {
  readonly title: string;
  readonly summary: string;
  readonly firstStep?: string;
}

export interface SupportReportInput {
  readonly node: string;
  /** Epoch ms the report is made. */
  readonly now: number;
  readonly extensionVersion: string;
  /**
   * The kubeconfig identity of the watched cluster. Only `context`, `cluster` and the host of
   * `server` are read: whatever else the object carries never reaches the report.
   */
  readonly identity?: { readonly context: string; readonly cluster: string; readonly server: string };
  /** Why the cluster cannot be read now (failed or reconnecting), and warnings of a connected one. */
  readonly connectionProblem?: string;
  readonly connectionWarnings?: readonly string[];
  /** The node as the cluster has it now; undefined when it is not in the cluster. */
  readonly live?: NodeSummary;
  /** The node as the local history remembers it. */
  readonly recorded?: RecordedNode;
  /** Distinct kubelet versions of the cluster's nodes. */
  readonly kubeletVersions: readonly string[];
  /** The node's events from every source, merged. */
  readonly events: readonly SourcedEvent[];
  readonly transitions?: readonly ReadinessTransition[];
  /** The local history was available; since when it holds records. */
  readonly history: { readonly available: boolean; readonly since?: number };
  readonly insights?: InsightsStatus;
  /** What a code or reason means, from the guidance catalog; undefined when the catalog has no entry. */
  readonly meaning: (code: string) => CodeMeaning | undefined;
  readonly diagnosis?: { readonly diagnosis: Diagnosis; readonly findings: readonly Finding[] };
}

const bullet = (label: string, value: string): string => `- ${esc(label)}: ${value}`;

/** Our own words: escaped too, so a translation cannot open markup by accident. */
function esc(text: string): string {
  return mdText(text);
}

/** The API server's host (and port), without scheme, path, query or user info; undefined when it is not a URL. */
export function apiServerHost(server: string): string | undefined {
  try {
    const url = new URL(server);
    return url.host || undefined;
  } catch {
    return undefined;
  }
}

export function originLabel(origin: EventOrigin | undefined): string {
  switch (origin ?? 'live') {
    case 'live': return l10n.t('cluster (live)');
    case 'history': return l10n.t('local history');
    case 'containerInsights': return l10n.t('Container Insights');
  }
}

function clusterSection(input: SupportReportInput): string[] {
  const out = [`## ${esc(l10n.t('Cluster'))}`, ''];
  const id = input.identity;
  const facts = clusterFacts(input.diagnosis?.diagnosis.cluster);
  const rows: (string | undefined)[] = [
    id && bullet(l10n.t('Kubeconfig context'), mdCode(id.context)),
    id && bullet(l10n.t('Cluster (kubeconfig)'), mdCode(id.cluster)),
    facts && bullet(l10n.t('Cluster (Azure)'), mdCode(facts.name)),
    facts && bullet(l10n.t('Resource ID'), mdCode(facts.resourceId)),
    facts?.kubernetesVersion ? bullet(l10n.t('Kubernetes version (control plane, from Azure)'), mdCode(facts.kubernetesVersion)) : undefined,
    input.kubeletVersions.length > 0 ? bullet(l10n.t('Kubelet versions of the nodes'), input.kubeletVersions.map(mdCode).join(', ')) : undefined,
    id && bullet(l10n.t('API server host'), mdCode(apiServerHost(id.server) ?? l10n.t('not a URL'))),
    facts?.outboundType ? bullet(l10n.t('Outbound type'), mdCode(facts.outboundType)) : undefined,
  ];
  const shown = rows.filter((r): r is string => r !== undefined);
  out.push(...(shown.length > 0 ? shown : [esc(l10n.t('No cluster is connected, and no Azure diagnosis names the cluster.'))]), '');
  return out;
}

function clusterFacts(section: Section<{ name: string; resourceId: string; kubernetesVersion?: string; outboundType?: string }> | undefined) {
  return section?.state === 'ok' ? section.value : undefined;
}

function nodeSection(input: SupportReportInput): string[] {
  const n = input.live;
  const r = input.recorded;
  const value = (v: string | undefined) => (v ? mdCode(v) : undefined);
  const rows: [string, string | undefined][] = [
    [l10n.t('Name'), mdCode(input.node)],
    [l10n.t('In the cluster'), n ? esc(l10n.t('yes')) : r?.goneAt !== undefined ? esc(l10n.t('no, it left at {0}', formatUtc(r.goneAt))) : esc(l10n.t('no'))],
    [l10n.t('Node pool'), value(n?.pool ?? r?.pool)],
    [l10n.t('VM size'), value(n?.instanceType ?? r?.instanceType)],
    [l10n.t('Node image version'), value(n?.nodeImage ?? r?.nodeImage)],
    [l10n.t('Provider ID'), value(n?.providerID ?? r?.providerID)],
    [l10n.t('Zone'), value(n?.zone)],
    [l10n.t('OS'), value(n?.os)],
    [l10n.t('Kubelet version'), value(n?.kubeletVersion)],
    [l10n.t('Cordoned'), n ? esc(n.unschedulable ? l10n.t('yes') : l10n.t('no')) : undefined],
    [l10n.t('Auto-repair will not act on it because of'), n && n.skipReasons.length > 0 ? n.skipReasons.map(mdCode).join(', ') : undefined],
    [l10n.t('First seen by the extension'), r ? mdCode(formatUtc(r.firstSeen)) : undefined],
    [l10n.t('Last seen by the extension'), r ? mdCode(formatUtc(r.lastSeen)) : undefined],
  ];
  const out = [`## ${esc(l10n.t('Node'))}`, '', ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => bullet(k, v!)), ''];
  out.push(`### ${esc(l10n.t('Conditions'))}`, '');
  if (n) {
    const since = n.readySince !== undefined ? ` ${esc(l10n.t('since'))} ${mdCode(formatUtc(n.readySince))}` : '';
    const why = [n.reason && `${esc(l10n.t('reason'))} ${mdCode(n.reason)}`, n.message && `${esc(l10n.t('message'))} ${mdText(n.message)}`].filter(Boolean).join(', ');
    out.push(`- Ready: ${mdCode(n.ready)}${since}${why ? `; ${why}` : ''}`);
    out.push(n.pressures.length > 0
      ? bullet(l10n.t('Other conditions that are True'), n.pressures.map(mdCode).join(', '))
      : `- ${esc(l10n.t('No other condition is True (no memory, disk or PID pressure, network available).'))}`);
  } else {
    out.push(`- ${esc(l10n.t('Not in the cluster now: its conditions cannot be read. Its readiness changes, as the extension saw them, are in the timeline.'))}`);
  }
  out.push('');
  return out;
}

function stepsSection(input: SupportReportInput): string[] {
  const timeline = buildTimeline(input.events, undefined, input.now);
  const out = [`## ${esc(l10n.t('Repair steps'))}`, ''];
  if (timeline.steps.length === 0) {
    out.push(esc(l10n.t('No auto-repair step was seen for this node.')), '');
    return out;
  }
  for (const s of timeline.steps) {
    const times = [
      s.started !== undefined && `${esc(l10n.t('started'))} ${mdCode(formatUtc(s.started))}`,
      s.ended !== undefined && `${esc(l10n.t('ended'))} ${mdCode(formatUtc(s.ended))}`,
      s.failed !== undefined && `${esc(l10n.t('failed'))} ${mdCode(formatUtc(s.failed))}`,
    ].filter(Boolean).join(', ');
    const status = s.status === 'failed'
      ? (s.code ? `${esc(l10n.t('failed with'))} ${mdCode(s.code)}` : esc(l10n.t('failed (no code)')))
      : s.status === 'completed' ? esc(l10n.t('completed')) : s === timeline.current ? esc(l10n.t('running')) : esc(l10n.t('no end seen'));
    out.push(`- ${esc(`${s.action} #${s.attempt}`)}: ${status}${times ? ` (${times})` : ''}`);
  }
  out.push('');
  return out;
}

function timelineSection(input: SupportReportInput): string[] {
  type Row = { at: number; line: string };
  const rows: Row[] = input.events.map((e) => {
    const at = e.firstSeen ?? e.lastSeen ?? 0;
    const parts = [
      mdCode(formatUtc(e.firstSeen ?? e.lastSeen, l10n.t('time unknown'))),
      mdCode(e.reason || l10n.t('(no reason)')),
      e.type && e.type !== 'Normal' ? mdCode(e.type) : undefined,
      e.code ? `${esc(l10n.t('code'))} ${mdCode(e.code)}` : undefined,
      e.count > 1 ? esc(l10n.t('×{0}, last {1}', e.count, formatUtc(e.lastSeen, '?'))) : undefined,
      `${esc(l10n.t('source:'))} ${esc(originLabel(e.origin))}`,
    ].filter(Boolean);
    return { at, line: `- ${parts.join(' · ')}${e.message ? ` — ${mdText(e.message)}` : ''}` };
  });
  for (const t of input.transitions ?? []) {
    const reason = t.reason ? ` (${mdCode(t.reason)})` : '';
    rows.push({ at: t.at, line: `- ${mdCode(formatUtc(t.at, '?'))} · ${esc(l10n.t('Ready became'))} ${mdCode(t.ready)}${reason} · ${esc(l10n.t('source:'))} ${esc(originLabel('history'))}` });
  }
  rows.sort((a, b) => a.at - b.at);
  const out = [`## ${esc(l10n.t('Repair timeline (UTC)'))}`, ''];
  out.push(...(rows.length > 0 ? rows.map((r) => r.line) : [esc(l10n.t('No event about this node was found in any source.'))]), '');
  return out;
}

function codesSection(input: SupportReportInput): string[] {
  const out = [`## ${esc(l10n.t('Error codes and what they mean'))}`, ''];
  const seen = new Map<string, { reasonOnly: boolean }>();
  for (const e of input.events) {
    if (e.code) {
      seen.set(e.code, { reasonOnly: false });
    } else if (e.phase === 'error' && !seen.has(e.reason)) {
      seen.set(e.reason, { reasonOnly: true });
    }
  }
  if (seen.size === 0) {
    out.push(esc(l10n.t('No auto-repair error was seen for this node.')), '');
    return out;
  }
  const recurring = new Map(recurrences(input.events).map((r) => [r.code, r]));
  for (const [code, { reasonOnly }] of seen) {
    const m = input.meaning(code);
    const rec = recurring.get(code);
    const label = reasonOnly ? `${mdCode(code)} ${esc(l10n.t('(an error with no code)'))}` : mdCode(code);
    const times = !rec ? '' : ` ${esc(rec.days <= 1 ? l10n.t('(seen {0} times within a day)', rec.times) : l10n.t('(seen {0} times over {1} days)', rec.times, rec.days))}`;
    const meaning = m
      ? `${mdText(m.title)}: ${mdText(m.summary)}${m.firstStep ? ` ${esc(l10n.t('First step:'))} ${mdText(m.firstStep)}` : ''}`
      : esc(l10n.t('Not in the guidance catalog: a code this extension does not know.'));
    out.push(`- ${label}${times} — ${meaning}`);
  }
  out.push('');
  return out;
}

/** The diagnosis's own Markdown, its headings moved under this report's (never inside a fenced block). */
function diagnosisSection(input: SupportReportInput): string[] {
  const out = [`## ${esc(l10n.t('Azure diagnosis'))}`, ''];
  if (!input.diagnosis) {
    out.push(esc(l10n.t('Not included: the node was not diagnosed in Azure in this VS Code session.')), '');
    return out;
  }
  let fence: string | undefined;
  for (const line of diagnosisToMarkdown(input.diagnosis.diagnosis, input.diagnosis.findings).trimEnd().split('\n')) {
    const f = /^(`{3,})/.exec(line);
    if (f && (fence === undefined || f[1].length >= fence.length)) {
      fence = fence === undefined ? f[1] : undefined;
    }
    out.push(fence === undefined && /^#{1,4} /.test(line) ? `##${line}` : line);
  }
  out.push('');
  return out;
}

/** Each source the report could not read, and why. */
export function gaps(input: SupportReportInput): string[] {
  const out: string[] = [];
  if (!input.identity) {
    out.push(l10n.t('No cluster is connected now: the node\'s current state could not be read.'));
  }
  if (input.connectionProblem) {
    out.push(l10n.t('The cluster could not be read: {0}', input.connectionProblem));
  }
  for (const w of input.connectionWarnings ?? []) {
    out.push(l10n.t('The cluster said: {0}', w));
  }
  if (!input.live) {
    out.push(input.recorded
      ? l10n.t('The node is no longer in the cluster: its details are as the local history last saw them ({0}).', formatUtc(input.recorded.lastSeen))
      : l10n.t('The node is not in the cluster and the local history has no record of it: only its events are known.'));
  }
  if (!input.history.available) {
    out.push(l10n.t('The local history was not available (not loaded yet, or it could not be opened): events older than the cluster\'s hour are missing unless Container Insights had them.'));
  }
  const i = input.insights;
  if (!i) {
    out.push(l10n.t('Container Insights was not read for this cluster (not signed in to Azure, no Log Analytics workspace found, or not read yet).'));
  } else if (i.kind !== 'ok') {
    out.push(l10n.t('Container Insights: {0}{1}', i.message, i.nextStep ? ` ${i.nextStep}` : ''));
  }
  const d = input.diagnosis?.diagnosis;
  if (!d) {
    out.push(l10n.t('Azure: no diagnosis of this node in this VS Code session. Run "AKS: Diagnose Node in Azure", then create the report again, to include the scale-set instance, its VM extensions, Resource Health and the Activity Log.'));
  } else if (d.signIn) {
    out.push(l10n.t('Azure: {0} {1}', d.signIn.message, d.signIn.nextStep));
  } else {
    const sections: [string, Section<unknown>][] = [
      [l10n.t('Instance'), d.instance], [l10n.t('VM extensions'), d.extensions], [l10n.t('Resource Health'), d.health],
      [l10n.t('Activity Log'), d.activity], [l10n.t('Cluster and node pool'), d.cluster],
    ];
    for (const [name, s] of sections) {
      if (s.state === 'error') {
        out.push(l10n.t('Azure, {0}: {1}', name, s.problem.message));
      }
    }
  }
  return out;
}

/** The report, as Markdown. */
export function buildSupportReport(input: SupportReportInput): string {
  const missing = gaps(input);
  const sources = [
    originLabel('live'),
    input.history.available ? l10n.t('local history since {0}', formatUtc(input.history.since, '?')) : undefined,
    input.insights ? l10n.t('Container Insights ({0} rows)', input.insights.rows) : undefined,
    input.diagnosis ? l10n.t('Azure diagnosis of {0}', formatUtc(input.diagnosis.diagnosis.completedAt ?? input.diagnosis.diagnosis.startedAt, '?')) : undefined,
  ].filter((s): s is string => s !== undefined);
  return [
    `# ${esc(l10n.t('AKS node auto-repair report for'))} ${mdCode(input.node)}`,
    '',
    esc(l10n.t('Created {0} by the AKS Node Auto-Repair extension {1}. All times are UTC.', formatUtc(input.now), input.extensionVersion)),
    '',
    ...clusterSection(input),
    ...nodeSection(input),
    ...stepsSection(input),
    ...timelineSection(input),
    ...codesSection(input),
    ...diagnosisSection(input),
    `## ${esc(l10n.t('What the extension could not read'))}`,
    '',
    ...(missing.length > 0 ? missing.map((m) => `- ${mdText(m)}`) : [esc(l10n.t('Nothing: every source answered.'))]),
    '',
    `## ${esc(l10n.t('About this report'))}`,
    '',
    bullet(l10n.t('Extension'), mdCode(`AKS Node Auto-Repair ${input.extensionVersion}`)),
    bullet(l10n.t('Sources'), sources.map(esc).join(', ')),
    '',
    `> ${esc(l10n.t('Review this report before you share it. It holds no tokens, keys or kubeconfig contents, but it names your cluster, nodes and Azure resources, and event messages are copied as the cluster sent them.'))}`,
    '',
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}
