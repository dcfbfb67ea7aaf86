/** The findings region of the diagnosis page: each finding's evidence, next step, command to copy and guidance link. */
import * as l10n from '@vscode/l10n';
import type { Finding } from '../domain/diagnosis';
import { isBusy, type DiagnosisView } from './diagnosisView';
import { escapeHtml } from '../domain/html';
import { loading, t } from './htmlParts';

export function renderFindings(view: DiagnosisView): string {
  if (view.problem) {
    return `<p class="muted">${escapeHtml(l10n.t('No findings: nothing could be read.'))}</p>`;
  }
  const findings = view.findings;
  const busy = isBusy(view);
  if (findings.length === 0) {
    return busy ? loading()
      : `<p class="muted">${escapeHtml(l10n.t('No findings: the evidence shows nothing that explains an auto-repair error on this node.'))}</p>`;
  }
  const items = findings.map((f, i) => {
    const cmd = f.command ? `<div class="code-block"><div class="code-actions"><button type="button" class="copy" data-action="copyCode" aria-label="${escapeHtml(l10n.t('Copy the command'))}">${escapeHtml(l10n.t('Copy'))}</button></div>`
      + `<pre tabindex="0"><code>${t(f.command, 2000)}</code></pre></div>` : '';
    const guidance = f.guidanceId
      ? `<p><a href="#" class="guidance-link" data-action="guidance" data-finding="${i}">${escapeHtml(l10n.t('Open the guidance for {0}', f.code))}</a></p>` : '';
    return `<article class="finding severity-${escapeHtml(f.severity)}" aria-labelledby="finding-${i}">`
      + `<h3 id="finding-${i}"><span class="badge severity-${escapeHtml(f.severity)}">${escapeHtml(severityLabel(f.severity))}</span> ${t(f.title, 300)}</h3>`
      + `<p class="finding-code"><code>${t(f.code, 200)}</code></p>`
      + `<p class="evidence">${t(f.evidence)}</p>`
      + `<p class="next-step"><strong>${escapeHtml(l10n.t('Next step:'))}</strong> ${t(f.nextStep)}</p>`
      + cmd + guidance + '</article>';
  }).join('');
  return items + (busy ? loading() : '');
}

function severityLabel(severity: Finding['severity']): string {
  switch (severity) {
    case 'error': return l10n.t('error');
    case 'warning': return l10n.t('warning');
    default: return l10n.t('info');
  }
}
