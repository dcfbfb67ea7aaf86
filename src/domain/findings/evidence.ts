/**
 * How findings word their evidence: times, Azure text quoted short and flat, sections that could
 * not be read, the repair error the node showed, Activity Log entries.
 */
import * as l10n from '@vscode/l10n';
import type { ActivityEntry, RepairErrorSeen, Section } from '../diagnosis';
import { formatUtc, singleLine, truncate } from '../format';
import type { Names } from './resourceNames';

/** Azure text quoted in a finding: a sentence, not a page. */
const QUOTED_MAX = 300;

export function quoted(text: string | undefined): string {
  return truncate(singleLine(text ?? ''), QUOTED_MAX);
}

/** Why a section gives no evidence, in a sentence; undefined when it has its value. */
export function unreadable(section: Section<unknown>, what: string): string | undefined {
  switch (section.state) {
    case 'ok':
      return undefined;
    case 'loading':
      return l10n.t('{0} is still being read.', what);
    case 'gone':
      return l10n.t('{0} no longer exists ({1}).', what, quoted(section.message));
    case 'skipped':
      return l10n.t('{0} was not read: {1}', what, quoted(section.reason));
    case 'error': {
      const p = section.problem;
      return p.missingRole
        ? l10n.t('{0} could not be read: {1} (this needs the {2} role on {3}).', what, quoted(p.message), quoted(p.missingRole.role), quoted(p.missingRole.scope))
        : l10n.t('{0} could not be read: {1}', what, quoted(p.message));
    }
  }
}

/** The next step a failed section calls for (sign in, get a role …), after the finding's own. */
export function unreadableStep(section: Section<unknown>): string | undefined {
  return section.state === 'error' ? quoted(section.problem.nextStep) : undefined;
}

export function joinSentences(...parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join(' ');
}

/** "Auto-repair reported VMExtensionProvisioningError on its reimage (Azure: …)." */
export function reported(e: RepairErrorSeen | undefined): string | undefined {
  if (!e) {
    return undefined;
  }
  const when = e.seenAt === undefined ? '' : ` (${formatUtc(e.seenAt, '?')})`;
  const code = e.code ? quoted(e.code) : l10n.t('no error code');
  return e.azureMessage
    ? l10n.t('Auto-repair\'s {0} failed with {1}{2}; Azure said: "{3}".', e.action, code, when, quoted(e.azureMessage))
    : l10n.t('Auto-repair\'s {0} failed with {1}{2}.', e.action, code, when);
}

export function activityOf(names: Names): readonly ActivityEntry[] {
  return names.diagnosis.activity.state === 'ok' ? names.diagnosis.activity.value : [];
}

export function describeEntry(a: ActivityEntry): string {
  const what = quoted(a.operationLabel ?? a.operation);
  const error = [a.errorCode, a.errorMessage].filter(Boolean).map((t) => quoted(t)).join(': ');
  return error
    ? l10n.t('{0} {1} at {2}: {3}', what, quoted(a.status ?? ''), formatUtc(a.time, '?'), error)
    : l10n.t('{0} {1} at {2}', what, quoted(a.status ?? ''), formatUtc(a.time, '?'));
}
