/**
 * One node's diagnosis: parse the providerID, then read the instance (+ extensions), Resource
 * Health, the Activity Log and the cluster in parallel, handing a new Diagnosis to `onUpdate` as
 * each section arrives. Never rejects: every failure is a section's problem. All clients share one
 * credential wrapper (one token per scope for the whole diagnosis); when every failing section
 * failed to sign in, the diagnosis says so once (`signIn`).
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AzureProblem, Diagnosis, Section } from '../domain/diagnosis';
import { parseProviderId } from '../domain/providerId';
import { activityRange, readActivity } from './activityReader';
import { ArmSession } from './armCall';
import type { AzureSettings, DiagnoseRequest } from './azureTypes';
import { readCluster } from './clusterReader';
import type { RefreshableCredential } from './credentialTypes';
import { normalizeEndpoint } from './endpoints';
import { readHealth } from './healthReader';
import { readInstance } from './instanceReader';
import { classify } from './problems';
import { shareCredential } from './sharedCredential';

type SectionKey = 'instance' | 'extensions' | 'health' | 'activity' | 'cluster';
const SECTIONS: readonly SectionKey[] = ['instance', 'extensions', 'health', 'activity', 'cluster'];
/** Failures no section can fix on its own: the credential gave no token at all. */
const SIGN_IN_KINDS: ReadonlySet<AzureProblem['kind']> = new Set(['not-signed-in', 'cli-missing', 'wrong-tenant']);

export interface DiagnoseOptions {
  /** Tests only: an HTTP client that trusts the stand-in's CA. Production uses the platform's trust. */
  readonly httpClient?: HttpClient;
}

/** The same state for every section (`Section<never>` fits each section's type: it holds no value). */
function every(section: Section<never>): Pick<Diagnosis, SectionKey> {
  return Object.fromEntries(SECTIONS.map((k) => [k, section])) as Record<SectionKey, Section<never>>;
}

/** The sign-in problem, when at least one section failed and every failing one failed to sign in. */
export function signInProblem(diagnosis: Pick<Diagnosis, SectionKey>): AzureProblem | undefined {
  const problems = SECTIONS.map((k) => diagnosis[k]).flatMap((s) => (s.state === 'error' ? [s.problem] : []));
  return problems.length > 0 && problems.every((p) => SIGN_IN_KINDS.has(p.kind)) ? problems[0] : undefined;
}

export async function diagnose(
  request: DiagnoseRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  onUpdate: (diagnosis: Diagnosis) => void,
  signal: AbortSignal,
  options: DiagnoseOptions = {},
): Promise<Diagnosis> {
  const target = parseProviderId(request.providerId);
  let diagnosis: Diagnosis = {
    node: request.node,
    providerId: request.providerId,
    target,
    ...every({ state: 'loading' }),
    startedAt: Date.now(),
  };
  const publish = (patch: Partial<Diagnosis>): void => {
    const next = { ...diagnosis, ...patch };
    diagnosis = { ...next, signIn: signInProblem(next) };
    try {
      onUpdate(diagnosis);
    } catch (error) {
      settings.log?.warn(`Azure: the diagnosis view failed to take an update: ${error instanceof Error ? error.name : typeof error}`);
    }
  };

  if (!target.ok) {
    publish({ ...every({ state: 'skipped', reason: l10n.t('The providerID does not name an Azure VM: {0}.', target.reason) }), completedAt: Date.now() });
    return diagnosis;
  }

  const activityWindow = activityRange({ now: request.now, notReadySince: request.notReadySince });
  diagnosis = { ...diagnosis, activityWindow };
  let session: ArmSession;
  try {
    const shared = shareCredential(credential as RefreshableCredential);
    session = new ArmSession(shared, target.target.subscriptionId, settings, signal, options.httpClient, target.target.resourceGroup);
  } catch (error) {
    const problem = classify(error, {
      endpoint: normalizeEndpoint(settings.resourceManagerEndpoint),
      subscriptionId: target.target.subscriptionId,
      timeoutMs: settings.requestTimeoutMs ?? 0,
    });
    publish({ ...every({ state: 'error', problem }), completedAt: Date.now() });
    return diagnosis;
  }

  const t = target.target;
  let pending = 4;
  const arrive = (patch: Partial<Diagnosis>): void => {
    pending--;
    publish(pending === 0 ? { ...patch, completedAt: Date.now() } : patch);
  };
  const unexpected = (keys: readonly SectionKey[]) => (error: unknown): void => {
    // The readers turn failures into sections; this is for a bug in a reader, so the panel still completes.
    const problem = classify(error, session.context);
    arrive(Object.fromEntries(keys.map((k) => [k, { state: 'error', problem }])));
  };
  await Promise.all([
    readInstance(session, t).then((s) => arrive({ instance: s.instance, extensions: s.extensions }), unexpected(['instance', 'extensions'])),
    readHealth(session, t).then((health) => arrive({ health }), unexpected(['health'])),
    readActivity(session, t, { now: request.now, notReadySince: request.notReadySince }).then((activity) => arrive({ activity }), unexpected(['activity'])),
    readCluster(session, t, request.pool).then((cluster) => arrive({ cluster }), unexpected(['cluster'])),
  ]);
  return diagnosis;
}
