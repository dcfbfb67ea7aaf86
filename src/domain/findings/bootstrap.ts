/** VMExtensionProvisioningError: the failed VM extension, and for the bootstrap extension its exit code. */
import * as l10n from '@vscode/l10n';
import { describeExitCode, extensionExitCode, isBootstrapExtension } from '../bootstrapExitCodes';
import type { ExtensionFacts, Finding, RepairErrorSeen, Section } from '../diagnosis';
import { guidanceIdFor } from './codes';
import { joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

function isBootstrap(x: ExtensionFacts): boolean {
  return isBootstrapExtension(x.name, x.type);
}

function isFailed(x: ExtensionFacts): boolean {
  return /error/i.test(x.level ?? '') || /fail/i.test(x.status ?? '') || /fail/i.test(x.code ?? '');
}

export function failedBootstrap(section: Section<readonly ExtensionFacts[]>): ExtensionFacts | undefined {
  if (section.state !== 'ok') {
    return undefined;
  }
  return section.value.find((x) => isBootstrap(x) && isFailed(x));
}

export function bootstrapFinding(names: Names, e: RepairErrorSeen | undefined): Finding {
  const code = 'VMExtensionProvisioningError';
  const section = names.diagnosis.extensions;
  const base = { code, guidanceId: guidanceIdFor(code) };
  const cannot = unreadable(section, l10n.t('The instance\'s VM extensions'));
  if (cannot !== undefined || section.state !== 'ok') {
    return {
      ...base,
      severity: 'error',
      title: l10n.t('A VM extension failed to provision'),
      evidence: joinSentences(reported(e), cannot),
      nextStep: joinSentences(unreadableStep(section), l10n.t('Read the extensions of the instance and the bootstrap extension\'s message (vmssCSE).')),
      command: names.instanceView(),
    };
  }
  const failed = section.value.filter(isFailed);
  const ext = failed.find(isBootstrap) ?? failed[0];
  if (!ext) {
    return {
      ...base,
      severity: 'info',
      title: l10n.t('No VM extension reports a failure now'),
      evidence: joinSentences(reported(e), l10n.t('All {0} extensions of the instance provisioned; a later reimage may have fixed the failure.', section.value.length)),
      nextStep: l10n.t('If the node is still NotReady, follow the NotReady checklist; the Activity Log shows what ran since.'),
      command: names.instanceView(),
    };
  }
  const exit = extensionExitCode(ext);
  const status = quoted(ext.status ?? ext.code ?? ext.level);
  if (exit === undefined) {
    return {
      ...base,
      severity: 'error',
      title: l10n.t('The {0} extension failed', quoted(ext.name)),
      evidence: joinSentences(reported(e), l10n.t('The {0} extension reports "{1}": {2}', quoted(ext.name), status, quoted(ext.message) || l10n.t('(no message)'))),
      nextStep: l10n.t('Fix what the extension\'s message names, then reimage this instance.'),
      command: names.instanceView(),
    };
  }
  const described = describeExitCode(exit);
  return {
    ...base,
    severity: 'error',
    title: described.known
      ? l10n.t('Node bootstrap failed: exit code {0}', described.label)
      : l10n.t('Node bootstrap failed: {0}', described.label),
    evidence: joinSentences(reported(e), l10n.t('The {0} extension reports "{1}" with exit code {2}: {3}.', quoted(ext.name), status, exit, described.meaning)),
    nextStep: described.nextStep,
    command: names.reimage() ?? names.instanceView(),
  };
}
