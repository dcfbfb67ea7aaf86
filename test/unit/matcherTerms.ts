import type { MatcherTerm } from '../../src/domain/codeMatcher';

/** The seven codes and nine reasons of domain.md, as the catalog hands them to the matcher. */
export const TERMS: readonly MatcherTerm[] = [
  { term: 'VMExtensionProvisioningError', id: 'VMExtensionProvisioningError' },
  { term: 'InvalidParameter', id: 'InvalidParameter' },
  { term: 'scaleSetNameAndInstanceIDFromProviderID failed', id: 'scaleSetNameAndInstanceIDFromProviderID-failed' },
  { term: 'ManagedIdentityCredential authentication failed', id: 'ManagedIdentityCredential-authentication-failed' },
  { term: 'VMRedeploymentFailed', id: 'VMRedeploymentFailed' },
  { term: 'TooManyVMRedeploymentRequests', id: 'TooManyVMRedeploymentRequests' },
  { term: 'OutboundConnectivityNotEnabledOnVMSS', id: 'OutboundConnectivityNotEnabledOnVMSS' },
  ...['Reboot', 'Reimage', 'Redeploy'].flatMap((a) =>
    ['Start', 'End', 'Error'].map((p) => ({ term: `Node${a}${p}`, id: `Node${a}${p}` }))),
];
