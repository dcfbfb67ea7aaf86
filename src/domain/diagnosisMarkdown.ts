/**
 * A node's Azure diagnosis as Markdown, for "Copy as Markdown" and the support report. Everything
 * in a Diagnosis is untrusted text: values go into code spans (no HTML, no links, no emphasis can
 * come out of them), prose is backslash-escaped with anything link-like put in code spans, so a
 * message from Azure can neither inject markup nor become a link wherever the Markdown is pasted.
 * Times are UTC; bearer tokens and signatures that appear in messages are masked.
 */
import * as l10n from '@vscode/l10n';
import { describeExitCode, extensionExitCode } from './bootstrapExitCodes';
import type {
  ActivityEntry, ClusterFacts, Diagnosis, ExtensionFacts, Finding, HealthFacts, InstanceFacts, Section,
} from './diagnosis';
import { formatUtc, singleLine, truncate } from './format';
import { redact } from './redact';

/** A value longer than this is cut: a report is read by people. */
const VALUE_MAX = 1000;

/** Credentials that Azure or a cluster may echo in a message are masked before the text is cut. */
function clean(text: string | number | boolean | undefined): string {
  return truncate(singleLine(redact(String(text ?? ''), [], '[redacted]')), VALUE_MAX);
}

/** A code span that holds `text` literally, whatever backticks it contains. */
export function mdCode(text: string | number | boolean | undefined): string {
  const s = clean(text);
  if (s === '') {
    return '—';
  }
  let longest = 0;
  for (const run of s.match(/`+/g) ?? []) {
    longest = Math.max(longest, run.length);
  }
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s.startsWith(' ') || s.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Paths (resource IDs), URLs, `www.` names, e-mail addresses and host names: what renderers turn into links. */
const LINK_LIKE = /(?<![\w/])\/[^\s`]+|(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[^\s`]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b/g;

/** Prose with untrusted parts: markup escaped, anything link-like in a code span. */
export function mdText(text: string | undefined): string {
  const s = clean(text);
  let out = '';
  let last = 0;
  for (const m of s.matchAll(LINK_LIKE)) {
    // Sentence punctuation after a path or URL is not part of it.
    const link = m[0].replace(/[.,;:!?)'"\]]+$/, '');
    if (m.index < last || link === '') {
      continue;
    }
    out += escapeInline(s.slice(last, m.index)) + mdCode(link);
    last = m.index + link.length;
  }
  return out + escapeInline(s.slice(last));
}

function escapeInline(text: string): string {
  // Untrusted prose never starts a line here (a list marker or a heading comes first), so only
  // what can open markup mid-line is escaped: emphasis, code, links and images, HTML, entities.
  return text.replace(/[\\`*_[\]<>!|~&]/g, '\\$&');
}

/** A fenced block whose fence no line of `text` can close. */
function fenced(text: string, info = ''): string {
  let longest = 2;
  for (const run of text.match(/`+/g) ?? []) {
    longest = Math.max(longest, run.length);
  }
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${clean(text)}\n${fence}`;
}

function item(label: string, value: string | number | boolean | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : `- ${escapeInline(label)}: ${mdCode(value)}`;
}

function lines(...parts: (string | undefined)[]): string[] {
  return parts.filter((p): p is string => p !== undefined);
}

function stateWord(section: Section<unknown>): string {
  switch (section.state) {
    case 'loading':
      return l10n.t('still loading');
    case 'ok':
      return l10n.t('read');
    case 'gone':
      return l10n.t('gone (404)');
    case 'error':
      return l10n.t('could not be read');
    case 'skipped':
      return l10n.t('not read');
  }
}

function sectionMarkdown<T>(title: string, section: Section<T>, body: (value: T) => string[]): string[] {
  const out = [`## ${escapeInline(title)} (${escapeInline(stateWord(section))})`, ''];
  switch (section.state) {
    case 'loading':
      out.push(escapeInline(l10n.t('The answer had not arrived when this was copied.')));
      break;
    case 'ok': {
      const rows = body(section.value);
      out.push(...(rows.length > 0 ? rows : [escapeInline(l10n.t('Nothing reported.'))]));
      break;
    }
    case 'gone':
      out.push(`${escapeInline(l10n.t('The resource does not exist:'))} ${mdText(section.message)}`);
      break;
    case 'skipped':
      out.push(`${escapeInline(l10n.t('Not asked:'))} ${mdText(section.reason)}`);
      break;
    case 'error': {
      const p = section.problem;
      out.push(...lines(
        `- ${escapeInline(l10n.t('Problem'))}: ${mdText(p.message)}`,
        item(l10n.t('Kind'), p.kind),
        item(l10n.t('HTTP status'), p.status),
        item(l10n.t('Azure error code'), p.code),
        p.missingRole ? `- ${escapeInline(l10n.t('Missing role'))}: ${mdCode(p.missingRole.role)} ${escapeInline(l10n.t('on'))} ${mdCode(p.missingRole.scope)}` : undefined,
        `- ${escapeInline(l10n.t('Next step'))}: ${mdText(p.nextStep)}`,
      ));
      break;
    }
  }
  out.push('');
  return out;
}

function instanceRows(i: InstanceFacts): string[] {
  return lines(
    item(l10n.t('Resource ID'), i.resourceId),
    item(l10n.t('Name'), i.name),
    item(l10n.t('Computer name'), i.computerName),
    item(l10n.t('Power state'), i.powerState),
    item(l10n.t('Provisioning state'), i.provisioningState),
    item(l10n.t('Latest model applied'), i.latestModelApplied === undefined ? undefined : i.latestModelApplied ? l10n.t('yes') : l10n.t('no')),
    item(l10n.t('Image'), i.image),
    item(l10n.t('VM size'), i.vmSize),
    item(l10n.t('Zone'), i.zone),
    item(l10n.t('VM health'), i.vmHealth),
  );
}

function extensionRows(extensions: readonly ExtensionFacts[]): string[] {
  const out: string[] = [];
  for (const x of extensions) {
    const exit = extensionExitCode(x);
    out.push(`- ${mdCode(x.name)}`, ...lines(
      item(l10n.t('Type'), [x.type, x.typeHandlerVersion].filter(Boolean).join(' ')),
      item(l10n.t('Status'), x.status),
      item(l10n.t('Level'), x.level),
      item(l10n.t('Code'), x.code),
      exit === undefined ? undefined : item(l10n.t('Exit code'), describeExitCode(exit).label),
      exit === undefined ? undefined : `- ${escapeInline(l10n.t('Meaning'))}: ${mdText(describeExitCode(exit).meaning)}`,
      item(l10n.t('Message'), x.message),
    ).map((l) => `  ${l}`));
  }
  return out;
}

function healthRows(h: HealthFacts): string[] {
  return lines(
    item(l10n.t('Availability'), h.availabilityState),
    item(l10n.t('Summary'), h.summary),
    item(l10n.t('Reason'), h.reason),
    item(l10n.t('Detailed status'), h.detailedStatus),
    item(l10n.t('Since'), formatUtc(h.since)),
  );
}

function activityRows(entries: readonly ActivityEntry[]): string[] {
  return [...entries].sort((a, b) => a.time - b.time).map((a) => {
    const parts = [
      mdCode(formatUtc(a.time, '?')),
      mdCode(a.operationLabel ?? a.operation),
      a.status && mdCode(a.subStatus ? `${a.status} (${a.subStatus})` : a.status),
      a.caller && `${escapeInline(l10n.t('by'))} ${mdCode(a.caller)}`,
      (a.errorCode || a.errorMessage) && `${escapeInline(l10n.t('error'))} ${mdCode([a.errorCode, a.errorMessage].filter(Boolean).join(': '))}`,
    ].filter(Boolean);
    return `- ${parts.join(' · ')}`;
  });
}

function clusterRows(c: ClusterFacts): string[] {
  const rows = lines(
    item(l10n.t('Cluster'), c.name),
    item(l10n.t('Resource ID'), c.resourceId),
    item(l10n.t('Provisioning state'), c.provisioningState),
    item(l10n.t('Power state'), c.powerState),
    item(l10n.t('Kubernetes version'), c.kubernetesVersion),
    item(l10n.t('Outbound type'), c.outboundType),
    item(l10n.t('Node resource group'), c.nodeResourceGroup),
    item(l10n.t('Kubelet identity'), c.kubeletIdentity?.resourceId ?? c.kubeletIdentity?.clientId),
  );
  const p = c.pool;
  if (p) {
    rows.push(`- ${escapeInline(l10n.t('Node pool'))} ${mdCode(p.name)}`, ...lines(
      item(l10n.t('Provisioning state'), p.provisioningState),
      item(l10n.t('Power state'), p.powerState),
      item(l10n.t('Count'), p.count),
      item(l10n.t('VM size'), p.vmSize),
      item(l10n.t('Node image version'), p.nodeImageVersion),
      item(l10n.t('Mode'), p.mode),
    ).map((l) => `  ${l}`));
  } else {
    rows.push(`- ${escapeInline(l10n.t('Node pool: not found in the cluster'))}`);
  }
  return rows;
}

function severityWord(s: Finding['severity']): string {
  return s === 'error' ? l10n.t('error') : s === 'warning' ? l10n.t('warning') : l10n.t('info');
}

function findingsMarkdown(findings: readonly Finding[]): string[] {
  const out = [`## ${escapeInline(l10n.t('Findings'))}`, ''];
  if (findings.length === 0) {
    out.push(escapeInline(l10n.t('No findings.')), '');
    return out;
  }
  findings.forEach((f, i) => {
    out.push(`### ${i + 1}. ${mdText(f.title)} (${escapeInline(severityWord(f.severity))})`, '');
    out.push(...lines(
      item(l10n.t('Code'), f.code),
      item(l10n.t('Azure error'), f.azureMessage),
      `- ${escapeInline(l10n.t('Evidence'))}: ${mdText(f.evidence)}`,
      `- ${escapeInline(l10n.t('Next step'))}: ${mdText(f.nextStep)}`,
      item(l10n.t('Guidance entry'), f.guidanceId),
    ));
    if (f.command) {
      out.push('', fenced(f.command, 'sh'));
    }
    out.push('');
  });
  return out;
}

/** The whole diagnosis, every section with its state, then the findings. */
export function diagnosisToMarkdown(d: Diagnosis, findings: readonly Finding[]): string {
  const target = d.target;
  const head = [
    `# ${escapeInline(l10n.t('Azure diagnosis of node'))} ${mdCode(d.node)}`,
    '',
    ...lines(
      item(l10n.t('Provider ID'), d.providerId ?? (target.ok ? undefined : target.raw)),
      target.ok
        ? item(target.target.kind === 'vmss' ? l10n.t('Scale-set instance') : l10n.t('Virtual machine'), target.target.resourceId)
        : `- ${escapeInline(l10n.t('Provider ID does not parse'))}: ${mdText(target.reason)}`,
      item(l10n.t('Started'), formatUtc(d.startedAt, '?')),
      d.completedAt === undefined ? `- ${escapeInline(l10n.t('Completed: still loading'))}` : item(l10n.t('Completed'), formatUtc(d.completedAt, '?')),
    ),
    '',
  ];
  return [
    ...head,
    ...findingsMarkdown(findings),
    ...sectionMarkdown(l10n.t('Instance'), d.instance, instanceRows),
    ...sectionMarkdown(l10n.t('VM extensions'), d.extensions, extensionRows),
    ...sectionMarkdown(l10n.t('Resource Health'), d.health, healthRows),
    ...sectionMarkdown(l10n.t('Activity Log'), d.activity, activityRows),
    ...sectionMarkdown(l10n.t('Cluster and node pool'), d.cluster, clusterRows),
  ].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
