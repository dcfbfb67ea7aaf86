/** What the diagnosis page shows for one node: the state the panel keeps and every renderer reads. */
import type { DiagnoseRequest } from '../azure/azureTypes';
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
  /** The node is no longer in the watched cluster: the run used its last known providerID and pool. */
  readonly nodeLeft?: boolean;
}

/** What one run asks of the backend, and whether the node was still in the cluster to ask it from. */
export interface PanelRequest extends DiagnoseRequest {
  /** The node left the cluster (or the view now watches another one): providerID and pool are the last known. */
  readonly nodeLeft?: boolean;
}

/** The one problem shown at the top of the page: a failure before any call, or a sign-in every section hit. */
export function pageProblem(view: DiagnosisView): AzureProblem | undefined {
  return view.problem ?? view.diagnosis.signIn;
}

/** Whether any section is still being read. */
export function isBusy(view: DiagnosisView): boolean {
  if (view.problem) {
    return false;
  }
  const d = view.diagnosis;
  return [d.instance, d.extensions, d.health, d.activity, d.cluster].some((s) => s.state === 'loading');
}
