/** What the diagnosis page shows for one node: the state the panel keeps and every renderer reads. */
import type { AzureProblem, Diagnosis, Finding } from '../domain/diagnosis';
import type { AzureCredentialSetting } from '../ids';

/** What the panel shows for one node. */
export interface DiagnosisView {
  readonly diagnosis: Diagnosis;
  readonly findings: readonly Finding[];
  /** Which sign-in the fix buttons offer (`Sign in to Azure`, or copy `az login`). */
  readonly credential: AzureCredentialSetting;
  /** A failure before any section could be asked (the Azure client did not load, no credential). */
  readonly problem?: AzureProblem;
}

/** Whether any section is still being read. */
export function isBusy(view: DiagnosisView): boolean {
  if (view.problem) {
    return false;
  }
  const d = view.diagnosis;
  return [d.instance, d.extensions, d.health, d.activity, d.cluster].some((s) => s.state === 'loading');
}
