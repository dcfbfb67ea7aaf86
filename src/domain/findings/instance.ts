/** InvalidParameter and scaleSetNameAndInstanceIDFromProviderID failed: whether the node's VM exists and can be found. */
import * as l10n from '@vscode/l10n';
import type { Finding, InstanceFacts, RepairErrorSeen } from '../diagnosis';
import { shellQuote } from '../shellQuote';
import { guidanceIdFor } from './codes';
import { joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

// --- InvalidParameter ---------------------------------------------------------------------------

function describeInstance(i: InstanceFacts): string {
  return l10n.t('The instance still exists (provisioning state {0}, power state {1}).', quoted(i.provisioningState ?? '?'), quoted(i.powerState ?? '?'));
}
export function invalidParameterFinding(names: Names, e: RepairErrorSeen): Finding {
  const code = 'InvalidParameter';
  const section = names.diagnosis.instance;
  const base = { code, guidanceId: guidanceIdFor(code) };
  if (section.state === 'gone') {
    return {
      ...base,
      severity: 'info',
      title: l10n.t('The VM auto-repair asked for no longer exists'),
      evidence: joinSentences(reported(e), l10n.t('Azure answers 404 for {0}: the instance is gone.', quoted(names.target?.resourceId ?? ''))),
      nextStep: l10n.t('Usually harmless: the repair targeted a VM that was deleted or replaced. If the node object remains and new symptoms appear, contact Azure support with the node name and the time of the error.'),
      command: `kubectl get node ${shellQuote(names.diagnosis.node)} -o wide`,
    };
  }
  const cannot = unreadable(section, l10n.t('The instance'));
  return {
    ...base,
    severity: 'info',
    title: section.state === 'ok' ? l10n.t('The VM auto-repair asked for still exists') : l10n.t('Whether the VM still exists is not known'),
    evidence: joinSentences(reported(e), cannot ?? (section.state === 'ok' ? describeInstance(section.value) : undefined)),
    nextStep: joinSentences(unreadableStep(section), l10n.t('Usually harmless. If new symptoms appear, contact Azure support with the node name and the time of the error.')),
    command: names.instanceView(),
  };
}

// --- scaleSetNameAndInstanceIDFromProviderID failed ------------------------------------------------

export function providerIdFinding(names: Names, e: RepairErrorSeen | undefined): Finding {
  const code = 'scaleSetNameAndInstanceIDFromProviderID failed';
  const target = names.diagnosis.target;
  const raw = names.diagnosis.providerId ?? (target.ok ? undefined : target.raw);
  const evidence = target.ok
    ? l10n.t('The node\'s providerID now reads "{0}" and names {1}: it may have been set after auto-repair looked.', quoted(raw), quoted(target.target.resourceId))
    : raw
      ? l10n.t('The node\'s providerID is "{0}": {1}.', quoted(raw), quoted(target.reason))
      : l10n.t('The node has no providerID: {0}.', quoted(target.reason));
  return {
    code,
    guidanceId: guidanceIdFor(code),
    severity: target.ok ? 'info' : 'error',
    title: target.ok ? l10n.t('The providerID maps to a VM now') : l10n.t('The node\'s providerID does not map to an Azure VM'),
    evidence: joinSentences(reported(e), evidence),
    nextStep: target.ok
      ? l10n.t('If symptoms persist, contact Azure support with the node name and its providerID.')
      : l10n.t('The node may not have been provisioned correctly: compare its providerID with the scale sets in the node resource group; if the node never becomes Ready, delete the machine and let the pool replace it, and contact Azure support if it recurs.'),
    command: names.providerIdCommand(),
  };
}
