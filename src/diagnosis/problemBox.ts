/** A failure on the diagnosis page: what went wrong, the next step, and the button that fixes it. */
import * as l10n from '@vscode/l10n';
import type { AzureProblem } from '../domain/diagnosis';
import { settingId, Settings, type AzureCredentialSetting } from '../ids';
import { escapeHtml } from '../domain/html';
import { fillHtml, t } from './htmlParts';

/** The button that fixes a problem, if there is one to press. */
interface Fix {
  readonly label: string;
  readonly attrs: string;
}

export function fixFor(problem: AzureProblem, credential: AzureCredentialSetting): Fix | undefined {
  const e = escapeHtml;
  const setting = (key: Parameters<typeof settingId>[0]): Fix => ({ label: l10n.t('Open Setting'), attrs: `data-action="openSetting" data-setting="${e(settingId(key))}"` });
  switch (problem.kind) {
    case 'not-signed-in':
    case 'unauthorized':
      return credential === 'vscode'
        ? { label: l10n.t('Sign in to Azure'), attrs: 'data-action="signIn"' }
        : { label: l10n.t('Copy az login'), attrs: 'data-action="copy" data-text="az login"' };
    case 'cli-missing':
      return setting(Settings.azureCredential);
    case 'wrong-tenant':
      return setting(Settings.azureTenant);
    case 'refused-host':
      return setting(Settings.azureResourceManagerEndpoint);
    case 'throttled':
    case 'server':
    case 'timeout':
    case 'network':
    case 'malformed':
      return { label: l10n.t('Try Again'), attrs: 'data-action="refresh"' };
    default:
      return undefined;
  }
}

export function problemBox(problem: AzureProblem, credential: AzureCredentialSetting, extraClass = ''): string {
  const fix = fixFor(problem, credential);
  const details = [
    problem.status !== undefined ? l10n.t('HTTP {0}', problem.status) : '',
    problem.code ? problem.code : '',
  ].filter(Boolean);
  const role = problem.missingRole
    ? `<p class="missing-role">${fillHtml(l10n.t('Missing role: {0} on {1}'), `<strong>${t(problem.missingRole.role, 200)}</strong>`,
      `<code>${t(problem.missingRole.scope, 1000)}</code>`)}</p>`
    : '';
  return `<div class="problem kind-${escapeHtml(problem.kind)} ${extraClass}" role="group" aria-label="${escapeHtml(l10n.t('Problem'))}">`
    + `<p class="problem-message"><span class="codicon-error" aria-hidden="true">&#x2716;</span> ${t(problem.message)}`
    + `${details.length > 0 ? ` <span class="muted">(${t(details.join(', '), 300)})</span>` : ''}</p>`
    + role
    + `<p class="next-step"><strong>${escapeHtml(l10n.t('Next step:'))}</strong> ${t(problem.nextStep)}</p>`
    + (fix ? `<p class="fix"><button type="button" class="primary" ${fix.attrs}>${escapeHtml(fix.label)}</button></p>` : '')
    + '</div>';
}
