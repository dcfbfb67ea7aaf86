/** Any other code, or none: the failed operations the Activity Log shows. */
import * as l10n from '@vscode/l10n';
import type { Finding, RepairErrorSeen } from '../diagnosis';
import { guidanceIdFor } from './codes';
import { activityOf, describeEntry, joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

export function genericFinding(names: Names, e: RepairErrorSeen): Finding {
  const section = names.diagnosis.activity;
  const failed = activityOf(names).filter((a) => /fail/i.test(a.status ?? '') || a.errorCode !== undefined).sort((a, b) => b.time - a.time);
  const cannot = unreadable(section, l10n.t('The Activity Log'));
  const evidence = cannot ?? (failed.length === 0
    ? l10n.t('The Activity Log shows no failed operation on this instance or its scale set.')
    : failed.length === 1
      ? l10n.t('The Activity Log shows 1 failed operation: {0}.', describeEntry(failed[0]))
      : l10n.t('The Activity Log shows {0} failed operations; the latest: {1}.', failed.length, describeEntry(failed[0])));
  return {
    code: e.code ?? e.reason,
    guidanceId: e.code ? guidanceIdFor(e.code) : e.reason,
    severity: 'error',
    title: e.code ? l10n.t('Auto-repair {0} failed: {1}', e.action, quoted(e.code)) : l10n.t('Auto-repair {0} failed with no error code', e.action),
    evidence: joinSentences(reported(e), evidence),
    nextStep: joinSentences(unreadableStep(section), failed.length > 0
      ? l10n.t('The Activity Log\'s error is the real reason behind the auto-repair error: act on it, then check the node again.')
      : l10n.t('Save the node name, the time and the full message now (events are kept for an hour), and follow the NotReady checklist.')),
    command: names.activityLog('--status Failed -o table'),
  };
}
