/** The evidence sections of the diagnosis page: the node in Azure, instance, extensions, health, Activity Log, cluster. */
import * as l10n from '@vscode/l10n';
import { describeExitCode } from '../domain/bootstrapExitCodes';
import type {
  ActivityEntry, AzureProblem, AzureProblemKind, ClusterFacts, Diagnosis, ExtensionFacts, HealthFacts, InstanceFacts, Section,
} from '../domain/diagnosis';
import type { AzureCredentialSetting } from '../ids';
import { formatUtc } from '../domain/format';
import { escapeHtml } from '../domain/html';
import { code, facts, fillHtml, loading, plain, stateBadge, t } from './htmlParts';
import { problemBox } from './problemBox';

/** Sign-in problems: when `Diagnosis.signIn` is set, the page shows one and the sections only point to it. */
const SIGN_IN_KINDS: readonly AzureProblemKind[] = ['not-signed-in', 'unauthorized', 'cli-missing', 'wrong-tenant'];

/**
 * A section in any state: still loading, its value, gone, skipped, or the problem that stopped it.
 * With `signIn` (the sign-in problem the page shows once at the top), a section that failed to
 * sign in says so in a line instead of repeating the problem and its button.
 */
export function renderSection<T>(section: Section<T>, credential: AzureCredentialSetting, ok: (value: T) => string, signIn?: AzureProblem): string {
  switch (section.state) {
    case 'loading':
      return loading();
    case 'ok':
      return ok(section.value);
    case 'gone':
      return `<div class="gone"><p><span class="badge severity-warning">${escapeHtml(l10n.t('gone'))}</span> ${t(section.message)}</p></div>`;
    case 'skipped':
      return `<p class="muted skipped">${escapeHtml(l10n.t('Not read: {0}', section.reason))}</p>`;
    case 'error':
      return signIn && SIGN_IN_KINDS.includes(section.problem.kind)
        ? `<p class="muted skipped">${escapeHtml(l10n.t('Not read: signing in to Azure failed (see the problem above).'))}</p>`
        : problemBox(section.problem, credential);
  }
}

/** The node's Azure resource; with `nodeLeft`, first a note that the node is no longer in the cluster. */
export function renderTarget(d: Diagnosis, nodeLeft = false): string {
  const left = nodeLeft
    ? `<p class="notice node-left"><span class="badge severity-warning">${escapeHtml(l10n.t('left the cluster'))}</span> `
      + `${escapeHtml(l10n.t('The node is no longer in the watched cluster: this reads the Azure resources of its last known providerID and pool.'))}</p>`
    : '';
  return left + renderTargetFacts(d);
}

function renderTargetFacts(d: Diagnosis): string {
  if (!d.target.ok) {
    return `<div class="problem kind-providerid"><p>${escapeHtml(l10n.t('The node\'s providerID does not lead to an Azure VM: {0}.', d.target.reason))}</p>`
      + `<p>${escapeHtml(l10n.t('providerID as the node has it:'))} ${d.target.raw ? `<code>${t(d.target.raw, 1100)}</code>` : `<em>${escapeHtml(l10n.t('(empty)'))}</em>`}</p></div>`;
  }
  const target = d.target.target;
  return facts([
    [l10n.t('Resource ID'), code(target.resourceId)],
    target.kind === 'vmss'
      ? [l10n.t('Scale set, instance'), `${code(target.scaleSet, 100)!} ${code(target.instanceId, 20)!}`]
      : [l10n.t('Virtual machine'), code(target.vmName, 100)],
  ]);
}

export function renderInstance(i: InstanceFacts, d: Diagnosis): string {
  // The node's resource ID is shown above; repeat it only when Azure answered for another one.
  const sameId = d.target.ok && d.target.target.resourceId.toLowerCase() === i.resourceId.toLowerCase();
  return facts([
    [l10n.t('Resource ID'), sameId ? undefined : code(i.resourceId)],
    [l10n.t('Name'), plain(i.name, 200)],
    [l10n.t('Computer name'), plain(i.computerName, 200)],
    [l10n.t('Power state'), stateBadge(i.powerState)],
    [l10n.t('Provisioning state'), stateBadge(i.provisioningState)],
    [l10n.t('Latest model applied'), i.latestModelApplied === undefined ? undefined : escapeHtml(i.latestModelApplied ? l10n.t('yes') : l10n.t('no'))],
    [l10n.t('Image'), code(i.image, 500)],
    [l10n.t('VM size'), plain(i.vmSize, 100)],
    [l10n.t('Zone'), plain(i.zone, 20)],
    [l10n.t('Application health'), stateBadge(i.vmHealth)],
  ]);
}

export function renderExtensions(list: readonly ExtensionFacts[]): string {
  if (list.length === 0) {
    return `<p class="muted">${escapeHtml(l10n.t('The instance view lists no VM extensions.'))}</p>`;
  }
  return list.map((x) => {
    const exit = x.exitCode === undefined ? '' : exitCodeBox(x.exitCode);
    return `<article class="extension"><h3><code>${t(x.name, 200)}</code>${x.type ? ` <span class="muted">${t(x.type, 200)}${x.typeHandlerVersion ? ` ${t(x.typeHandlerVersion, 50)}` : ''}</span>` : ''}</h3>`
      + facts([
        [l10n.t('Status'), stateBadge(x.status)],
        [l10n.t('Level'), plain(x.level, 50)],
        [l10n.t('Code'), code(x.code, 200)],
      ])
      + exit
      + (x.message ? `<pre class="azure-message" tabindex="0">${t(x.message)}</pre>` : '')
      + '</article>';
  }).join('');
}

function exitCodeBox(exitCode: number): string {
  const described = describeExitCode(exitCode);
  return `<div class="exit-code ${described.known ? 'known' : 'unknown'}">`
    + `<p><strong>${escapeHtml(l10n.t('Exit code {0}', exitCode))}</strong>${described.known ? `: <code>${t(described.name, 100)}</code>${described.alias ? ` (${t(described.alias, 100)})` : ''}` : ''}</p>`
    + `<p>${t(capitalizeFirst(described.meaning))}.</p>`
    + `<p><strong>${escapeHtml(l10n.t('Next step:'))}</strong> ${t(described.nextStep)}</p>`
    + '</div>';
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function renderHealth(h: HealthFacts): string {
  return facts([
    [l10n.t('Availability'), stateBadge(h.availabilityState)],
    [l10n.t('Summary'), plain(h.summary, 2000)],
    [l10n.t('Reason'), plain(h.reason, 500)],
    [l10n.t('Detail'), plain(h.detailedStatus, 2000)],
    [l10n.t('Since'), plain(formatUtc(h.since))],
  ]);
}

export function renderActivity(entries: readonly ActivityEntry[], d: Diagnosis): string {
  // The window the backend read (from NotReady, at least 24 h back); older diagnoses lack it.
  const from = d.activityWindow?.from ?? d.startedAt - 24 * 3600_000;
  if (entries.length === 0) {
    return `<p class="muted">${escapeHtml(l10n.t('No restart, reimage, redeploy or delete operations on the instance or its scale set since {0}.', formatUtc(from)))}</p>`;
  }
  const window = d.activityWindow
    ? `<p class="muted activity-window">${escapeHtml(l10n.t('Operations from {0} to {1}, newest first.', formatUtc(d.activityWindow.from), formatUtc(d.activityWindow.to)))}</p>`
    : '';
  const rows = [...entries].sort((a, b) => b.time - a.time).map((a) => {
    const op = a.operationLabel || shortOperation(a.operation);
    const error = a.errorCode || a.errorMessage
      ? `${a.errorCode ? `<code>${t(a.errorCode, 200)}</code> ` : ''}${t(a.errorMessage ?? '', 2000)}` : '';
    return `<tr class="${/fail/i.test(a.status ?? '') ? 'failed' : ''}"><td class="nowrap">${escapeHtml(formatUtc(a.time))}</td>`
      + `<td title="${t(a.operation, 300)}">${t(op, 200)}</td><td>${stateBadge(a.status) ?? ''}${a.subStatus ? ` <span class="muted">${t(a.subStatus, 100)}</span>` : ''}</td>`
      + `<td>${t(a.caller ?? '', 200)}</td><td>${error}</td></tr>`;
  }).join('');
  return `${window}<div class="table-wrap"><table><thead><tr><th scope="col">${escapeHtml(l10n.t('Time'))}</th><th scope="col">${escapeHtml(l10n.t('Operation'))}</th>`
    + `<th scope="col">${escapeHtml(l10n.t('Status'))}</th><th scope="col">${escapeHtml(l10n.t('Caller'))}</th><th scope="col">${escapeHtml(l10n.t('Error'))}</th></tr></thead>`
    + `<tbody>${rows}</tbody></table></div>`;
}

/** `Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action` → `virtualMachines/reimage`. */
function shortOperation(operation: string): string {
  const parts = operation.split('/').filter((p) => p && p.toLowerCase() !== 'action');
  return parts.slice(-2).join('/') || operation;
}

export function renderCluster(c: ClusterFacts): string {
  const identity = c.kubeletIdentity;
  const cluster = facts([
    [l10n.t('Cluster'), code(c.name, 200)],
    [l10n.t('Resource group'), code(c.resourceGroup, 100)],
    [l10n.t('Provisioning state'), stateBadge(c.provisioningState)],
    [l10n.t('Power state'), stateBadge(c.powerState)],
    [l10n.t('Kubernetes version'), plain(c.kubernetesVersion, 50)],
    [l10n.t('Outbound type'), code(c.outboundType, 100)],
    [l10n.t('Node resource group'), code(c.nodeResourceGroup, 100)],
    [l10n.t('Kubelet identity'), identity ? code(identity.resourceId ?? identity.clientId ?? identity.objectId, 1000) : undefined],
  ]);
  const p = c.pool;
  const pool = p ? `<h3>${fillHtml(l10n.t('Node pool {0}'), `<code>${t(p.name, 100)}</code>`)}</h3>` + facts([
    [l10n.t('Provisioning state'), stateBadge(p.provisioningState)],
    [l10n.t('Power state'), stateBadge(p.powerState)],
    [l10n.t('Node count'), plain(p.count)],
    [l10n.t('VM size'), plain(p.vmSize, 100)],
    [l10n.t('Node image version'), code(p.nodeImageVersion, 200)],
    [l10n.t('Mode'), plain(p.mode, 50)],
  ]) : `<p class="muted">${escapeHtml(l10n.t('The node\'s pool is not among the cluster\'s agent pools.'))}</p>`;
  return cluster + pool;
}
