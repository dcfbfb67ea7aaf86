import * as vscode from 'vscode';
import type { AzureBackend, InstanceOperation, OperationResult } from '../azure/azureTypes';
import { clientNotLoaded } from '../diagnosis/azureSignIn';
import { UNKNOWN_ERROR_ID } from '../domain/catalog';
import type { AzureProblem } from '../domain/diagnosis';
import type { GuidanceTarget } from '../domain/guidanceTarget';
import type { CatalogService } from '../guidance/catalogService';
import { CommandIds } from '../ids';
import type { AzureSession } from '../session/azureSession';
import type { ActionHost } from './actionHost';
import type { ActionLog } from './actionLog';
import type { ActionTarget, ClusterRef, Rechecked } from './actionTarget';
import { azureProblemText } from './actionTexts';
import { actionVerb } from './confirmation';
import { formatElapsed } from './elapsed';

export type AzureActionKind = InstanceOperation | 'deleteMachine';

export interface AzureRun {
  readonly host: ActionHost;
  readonly log: ActionLog;
  readonly cluster: ClusterRef;
  /** The cluster and the node checked again (through the API server), just before acting on a further node. */
  readonly recheck: (target: ActionTarget) => Promise<Rechecked>;
}

/**
 * Restart, reimage, redeploy and delete machine through Azure Resource Manager, one node after
 * the other, each a long-running operation shown with Azure's status and the elapsed time.
 * Cancelling stops waiting; the operation itself may go on in Azure, and the result says so.
 */
export class AzureActionRunner {
  constructor(private readonly azure: AzureSession, private readonly catalog: CatalogService) {}

  async run(run: AzureRun, kind: AzureActionKind, targets: readonly ActionTarget[]): Promise<void> {
    const choice = this.azure.credential();
    if ('problem' in choice) {
      this.signInFailed(run, kind, targets, choice.problem);
      return;
    }
    let backend: AzureBackend;
    try {
      backend = this.azure.backend();
    } catch (err) {
      run.log.write('error', kind, run.cluster, targets.map((t) => t.node), `the Azure client did not load: ${String(err)}`);
      this.signInFailed(run, kind, targets, clientNotLoaded());
      return;
    }
    for (const [i, target] of targets.entries()) {
      // The first was checked just now; each further one is checked when its turn comes.
      const checked = i === 0 ? undefined : await run.recheck(target);
      if (checked && 'problem' in checked) {
        const rest = targets.slice(i).map((t) => t.node);
        run.log.write('warn', kind, run.cluster, rest, `not started: ${checked.log}`);
        void run.host.notify('warning', checked.problem);
        return;
      }
      const result = await this.runOne(run, backend, choice.credential, kind, target);
      if (result !== 'next' && i < targets.length - 1) {
        const rest = targets.slice(i + 1).map((t) => t.node);
        run.log.write('warn', kind, run.cluster, rest, 'not started (an earlier operation was cancelled or failed)');
        void run.host.notify('warning', vscode.l10n.t('Not started (nothing was done to them): {0}.', rest.join(', ')));
        return;
      }
    }
  }

  private async runOne(run: AzureRun, backend: AzureBackend, credential: Parameters<AzureBackend['runInstanceOperation']>[1], kind: AzureActionKind, target: ActionTarget): Promise<'next' | 'stop'> {
    const node = target.node;
    const verb = actionVerb(kind);
    run.log.write('info', kind, run.cluster, node, `started on ${target.providerID ?? '(no providerID)'}`);
    let cancelled = false;
    const result = await run.host.progress(vscode.l10n.t('{0} {1}', verb, node), true, (report, signal) => {
      signal.addEventListener('abort', () => { cancelled = true; }, { once: true });
      report(vscode.l10n.t('Sending the request to Azure…'));
      const onProgress = (p: { status: string; elapsedMs: number }) => report(vscode.l10n.t('Azure: {0} · {1}', p.status, formatElapsed(p.elapsedMs)));
      return kind === 'deleteMachine'
        ? backend.deleteMachine({ node, providerId: target.providerID ?? '', pool: target.pool ?? '' }, credential, this.azure.settings(), onProgress, signal)
        : backend.runInstanceOperation({ node, providerId: target.providerID ?? '', operation: kind }, credential, this.azure.settings(), onProgress, signal);
    });
    if (cancelled && !result.ok && !result.sent) {
      run.log.write('info', kind, run.cluster, node, 'cancelled before anything was sent to Azure');
      void run.host.notify('info', vscode.l10n.t('{0} of {1} cancelled before anything was sent to Azure: nothing was done.', verb, node));
      return 'stop';
    }
    if (cancelled && !result.ok) {
      run.log.write('warn', kind, run.cluster, node, `stopped waiting after ${formatElapsed(result.elapsedMs)}; the operation may continue in Azure`);
      void run.host.notify('warning', vscode.l10n.t('Stopped waiting after {0}: {1} of {2} may still continue in Azure. Watch the node in the Nodes view, or the Activity Log of its instance.',
        formatElapsed(result.elapsedMs), verb, node));
      return 'stop';
    }
    if (result.ok) {
      run.log.write('info', kind, run.cluster, node, `succeeded: ${result.status} after ${formatElapsed(result.elapsedMs)} (${result.resourceId})`);
      void run.host.notify('info', successText(kind, node, target.pool, result));
      return 'next';
    }
    this.failed(run, kind, node, result);
    return 'stop';
  }

  private failed(run: AzureRun, kind: AzureActionKind, node: string, result: Extract<OperationResult, { ok: false }>): void {
    const problem = result.problem;
    run.log.write('error', kind, run.cluster, node,
      `failed after ${formatElapsed(result.elapsedMs)}: ${problem.kind}${problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}: ${problem.message}`);
    const guidance = this.guidanceFor(node, problem);
    const openGuidance = vscode.l10n.t('Open Guidance');
    const showLog = vscode.l10n.t('Show Log');
    const buttons = guidance ? [openGuidance, showLog] : [showLog];
    void run.host.notify('error', vscode.l10n.t('{0} of {1} failed: {2}', actionVerb(kind), node, azureProblemText(problem)), ...buttons).then((choice) => {
      if (choice === openGuidance && guidance) {
        void vscode.commands.executeCommand(CommandIds.openGuidance, guidance);
      } else if (choice === showLog) {
        void vscode.commands.executeCommand(CommandIds.showLog);
      }
    });
  }

  private signInFailed(run: AzureRun, kind: AzureActionKind, targets: readonly ActionTarget[], problem: AzureProblem): void {
    run.log.write('error', kind, run.cluster, targets.map((t) => t.node), `not started: ${problem.kind}: ${problem.message}`);
    void run.host.notify('error', vscode.l10n.t('{0} was not started: {1}', actionVerb(kind), azureProblemText(problem)));
  }

  /** The catalog's entry for Azure's error code, when it has one of its own (not the unknown-code page). */
  private guidanceFor(node: string, problem: AzureProblem): GuidanceTarget | undefined {
    const code = problem.code;
    if (!code) {
      return undefined;
    }
    const entry = this.catalog.catalog.byMatch(code) ?? this.catalog.catalog.get(code);
    if (!entry || entry.id === UNKNOWN_ERROR_ID) {
      return undefined;
    }
    return { id: entry.id, context: { node, code, azureMessage: problem.message, seenAt: Date.now() } };
  }
}

function successText(kind: AzureActionKind, node: string, pool: string | undefined, result: Extract<OperationResult, { ok: true }>): string {
  const elapsed = formatElapsed(result.elapsedMs);
  switch (kind) {
    case 'restart':
      return vscode.l10n.t('Restart of {0} finished: {1} after {2}. The node reports Ready again once its kubelet is back; watch it in the Nodes view.', node, result.status, elapsed);
    case 'reimage':
      return vscode.l10n.t('Reimage of {0} finished: {1} after {2}. The node re-registers once its VM has booted from the fresh image; watch it in the Nodes view.', node, result.status, elapsed);
    case 'redeploy':
      return vscode.l10n.t('Redeploy of {0} finished: {1} after {2}. The node reports Ready again once its VM runs on the new host; watch it in the Nodes view.', node, result.status, elapsed);
    case 'deleteMachine':
      return vscode.l10n.t('Machine {0} was deleted from pool {1}: {2} after {3}. The node leaves the cluster.', node, pool ?? '', result.status, elapsed);
  }
}
