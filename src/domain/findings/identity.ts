/** ManagedIdentityCredential authentication failed: the kubelet identity as the cluster configures it. */
import * as l10n from '@vscode/l10n';
import type { Finding, RepairErrorSeen } from '../diagnosis';
import { shellQuote } from '../shellQuote';
import { guidanceIdFor } from './codes';
import { joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

export function identityFinding(names: Names, e: RepairErrorSeen): Finding {
  const code = 'ManagedIdentityCredential authentication failed';
  const base = { code, guidanceId: guidanceIdFor(code) };
  const section = names.diagnosis.cluster;
  const cannot = unreadable(section, l10n.t('The cluster'));
  const id = names.cluster?.kubeletIdentity;
  const evidence = cannot ?? (id && (id.resourceId || id.clientId || id.objectId)
    ? l10n.t('The cluster\'s kubelet identity is {0} (client ID {1}, object ID {2}).', quoted(id.resourceId ?? '?'), quoted(id.clientId ?? '?'), quoted(id.objectId ?? '?'))
    : l10n.t('The cluster has no kubelet identity configured.'));
  const t = names.target;
  return {
    ...base,
    severity: 'error',
    title: l10n.t('The node\'s managed identity could not authenticate'),
    evidence: joinSentences(reported(e), evidence),
    nextStep: joinSentences(unreadableStep(section), l10n.t('Check that this identity still exists and is assigned to the scale set of the node, then reimage the node; if it persists, contact Azure support.')),
    command: t?.kind === 'vmss'
      ? `az vmss identity show -g ${shellQuote(t.resourceGroup)} -n ${shellQuote(t.scaleSet)}`
      : names.clusterShow('identityProfile.kubeletidentity'),
  };
}
