/** Which auto-repair codes have a finding of their own, and the catalog entry each one opens. */

/** Catalog ids of the codes whose id differs from the code as written. */
const CATALOG_IDS: Readonly<Record<string, string>> = {
  'scaleSetNameAndInstanceIDFromProviderID failed': 'scaleSetNameAndInstanceIDFromProviderID-failed',
  'ManagedIdentityCredential authentication failed': 'ManagedIdentityCredential-authentication-failed',
};

const KNOWN = [
  'VMExtensionProvisioningError', 'OutboundConnectivityNotEnabledOnVMSS', 'VMRedeploymentFailed', 'TooManyVMRedeploymentRequests',
  'InvalidParameter', 'scaleSetNameAndInstanceIDFromProviderID failed', 'ManagedIdentityCredential authentication failed',
] as const;
export type KnownCode = typeof KNOWN[number];

/** The catalog id for a code as written; codes outside the catalog keep their text (the panel opens the unknown-code entry). */
export function guidanceIdFor(code: string): string {
  const known = knownCode(code);
  return known ? CATALOG_IDS[known] ?? known : code;
}

export function knownCode(code: string | undefined): KnownCode | undefined {
  const lower = code?.trim().toLowerCase();
  return lower === undefined ? undefined : KNOWN.find((k) => k.toLowerCase() === lower);
}
