/**
 * Findings: for each auto-repair error the node showed, what the Azure evidence says and the next
 * step, with a command to copy that names the node's real resources. Plain text, no `vscode`: the
 * panel and the Markdown copy escape it. Every name and message here came from Azure or the
 * cluster, so commands quote names for a POSIX shell and messages are flattened and cut short.
 *
 * This module picks one error per code and hands each to the module for its theme: bootstrap,
 * outbound, redeploy, instance (and providerID), identity, or generic for any other code.
 */
import type { Diagnosis, Finding, RepairErrorSeen } from '../diagnosis';
import { bootstrapFinding, failedBootstrap } from './bootstrap';
import { knownCode } from './codes';
import { quoted } from './evidence';
import { genericFinding } from './generic';
import { identityFinding } from './identity';
import { invalidParameterFinding, providerIdFinding } from './instance';
import { outboundFinding } from './outbound';
import { redeployFailedFinding, tooManyRedeploysFinding } from './redeploy';
import { Names } from './resourceNames';

/**
 * The findings for a node: one per distinct auto-repair error code it showed (newest first), plus
 * what the evidence shows by itself (a failed bootstrap, a providerID that does not parse) when no
 * error named it. `now` bounds the Activity Log window when the diagnosis does not give its own.
 */
export function findingsFor(diagnosis: Diagnosis, errors: readonly RepairErrorSeen[], now: number): Finding[] {
  const names = new Names(diagnosis, now);
  const byCode = new Map<string, RepairErrorSeen>();
  const sorted = [...errors].sort((a, b) => (b.seenAt ?? 0) - (a.seenAt ?? 0));
  for (const e of sorted) {
    const key = e.code ? (knownCode(e.code) ?? e.code.trim()) : `\u0000${e.reason}`;
    if (!byCode.has(key)) {
      byCode.set(key, e);
    }
  }
  const findings: Finding[] = [];
  for (const e of byCode.values()) {
    findings.push(findingForError(names, e));
  }
  const covered = new Set([...byCode.values()].map((e) => knownCode(e.code)));
  if (!covered.has('VMExtensionProvisioningError')) {
    const bootstrap = failedBootstrap(diagnosis.extensions);
    if (bootstrap) {
      findings.push({ ...bootstrapFinding(names, undefined), severity: 'warning' });
    }
  }
  if (!covered.has('scaleSetNameAndInstanceIDFromProviderID failed') && !diagnosis.target.ok) {
    findings.push({ ...providerIdFinding(names, undefined), severity: 'warning' });
  }
  return findings;
}

function findingForError(names: Names, e: RepairErrorSeen): Finding {
  const known = knownCode(e.code);
  let finding: Finding;
  switch (known) {
    case 'VMExtensionProvisioningError':
      finding = bootstrapFinding(names, e);
      break;
    case 'OutboundConnectivityNotEnabledOnVMSS':
      finding = outboundFinding(names, e);
      break;
    case 'VMRedeploymentFailed':
      finding = redeployFailedFinding(names, e);
      break;
    case 'TooManyVMRedeploymentRequests':
      finding = tooManyRedeploysFinding(names, e);
      break;
    case 'InvalidParameter':
      finding = invalidParameterFinding(names, e);
      break;
    case 'scaleSetNameAndInstanceIDFromProviderID failed':
      finding = providerIdFinding(names, e);
      break;
    case 'ManagedIdentityCredential authentication failed':
      finding = identityFinding(names, e);
      break;
    default:
      finding = genericFinding(names, e);
  }
  return e.azureMessage ? { ...finding, azureMessage: quoted(e.azureMessage) } : finding;
}
