import * as vscode from 'vscode';
import type { ActionProblem, DrainOptions, NodeActions } from '../cluster/clusterTypes';
import { pickNode } from '../commands/nodePick';
import type { CatalogService } from '../guidance/catalogService';
import { SETTINGS_SECTION, settingId, Settings } from '../ids';
import type { AzureSession } from '../session/azureSession';
import type { ClusterSession } from '../session/clusterSession';
import { HostSwitch, type ActionHost } from './actionHost';
import { ActionLog } from './actionLog';
import { nodeNamesOf } from './actionArguments';
import {
  clusterChange, inapplicable, nodeChange, sameServer, type ActionTarget, type ClusterRef, type Inapplicable, type Rechecked, type Refusal,
} from './actionTarget';
import { clusterProblemText, refusalText, sentences } from './actionTexts';
import { AzureActionRunner } from './azureActionRunner';
import { BusyNodes, type RunningAction } from './busyNodes';
import { ClusterActionRunner } from './clusterActionRunner';
import { actionVerb, confirmation } from './confirmation';
import { equivalentCommands } from './equivalentCommands';
import { DEFAULT_DRAIN_TIMEOUT_MS, type NodeActionKind } from './nodeActionKinds';

/**
 * Test hook only (the vscode tier, through ExtensionApi): answers the actions' dialogs and
 * shortens the drain timeout. Not an API to build on.
 */
export interface NodeActionsTestHook {
  useHost(host: ActionHost): vscode.Disposable;
  /** Replaces the drain's options (undefined: the defaults, a 5-minute timeout). */
  setDrainOptions(options: DrainOptions | undefined): void;
}

/**
 * Every node action, the same way: refuse when the setting turns actions off; capture the
 * nodes and the cluster at click time; refuse a node another action is still running on; ask
 * in a modal dialog; check again that actions are on, that the cluster and its API server and
 * each node are still the ones asked about (and again before each further node); run it with
 * progress; say the result and log it.
 */
export class NodeActionService {
  private readonly hosts = new HostSwitch();
  private readonly log: ActionLog;
  private readonly clusterRunner = new ClusterActionRunner();
  private readonly azureRunner: AzureActionRunner;
  private readonly busy = new BusyNodes();
  private drainOptions: DrainOptions | undefined;

  constructor(private readonly session: ClusterSession, azure: AzureSession, catalog: CatalogService, log: vscode.LogOutputChannel) {
    this.log = new ActionLog(log);
    this.azureRunner = new AzureActionRunner(azure, catalog);
  }

  readonly testHook: NodeActionsTestHook = {
    useHost: (host) => this.hosts.use(host),
    setDrainOptions: (options) => { this.drainOptions = options; },
  };

  /** Runs `kind` on the nodes a command was given (a row, the selected rows, a name), or asks which. */
  async run(kind: NodeActionKind, arg?: unknown, selected?: unknown): Promise<void> {
    const host = this.hosts.host;
    if (!actionsEnabled()) {
      turnedOff(host, vscode.l10n.t('Node actions are turned off by the setting {0}, so nothing was done. Turn it on to cordon, drain, restart, reimage, redeploy or delete nodes from VS Code.', settingId(Settings.actionsEnabled)));
      return;
    }
    let names = nodeNamesOf(arg, selected);
    if (names.length === 0) {
      const picked = await pickNode(this.session, paletteTitle(kind));
      names = picked ? [picked] : [];
    }
    if (names.length === 0) {
      return;
    }
    const captured = await this.capture(names);
    if ('problem' in captured) {
      void host.notify('error', captured.problem);
      return;
    }
    const { cluster } = captured;
    const targets = this.applicable(kind, captured.targets, host);
    if (targets.length === 0) {
      return;
    }
    const nodes = targets.map((t) => t.node);
    const running = this.busy.runningOn(cluster, nodes);
    if (running) {
      this.log.write('warn', kind, cluster, nodes, `refused: ${running.kind} of ${running.node} is still running`);
      void host.notify('warning', busyText(running));
      return;
    }
    const drainOptions = { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS, ...this.drainOptions };
    const commands = equivalentCommands(kind, targets, cluster, drainOptions.timeoutMs);
    if (!await host.confirm(confirmation(kind, cluster, targets, commands, drainOptions.timeoutMs))) {
      this.log.write('info', kind, cluster, nodes, 'not confirmed; nothing was done');
      return;
    }
    // The dialog may have been open a long time: the setting, and another action, are checked again.
    if (!actionsEnabled()) {
      this.log.write('warn', kind, cluster, nodes, `refused after confirmation: ${settingId(Settings.actionsEnabled)} is off`);
      turnedOff(host, vscode.l10n.t('Nothing was done: node actions were turned off by the setting {0} while the dialog was open.', settingId(Settings.actionsEnabled)));
      return;
    }
    const claim = this.busy.claim(cluster, kind, nodes);
    if ('running' in claim) {
      this.log.write('warn', kind, cluster, nodes, `refused after confirmation: ${claim.running.kind} of ${claim.running.node} is still running`);
      void host.notify('warning', busyText(claim.running));
      return;
    }
    try {
      const checked = await this.recheck(cluster, targets);
      if ('problem' in checked) {
        this.log.write('warn', kind, cluster, nodes, `refused after confirmation: ${checked.log}`);
        void host.notify('warning', checked.problem);
        return;
      }
      this.log.write('info', kind, cluster, nodes, `confirmed; equivalent: ${commands.join(' ; ')}`);
      const actions = checked.actions;
      const run = {
        host, log: this.log, cluster, actions,
        clusterNow: () => this.clusterRef(),
        recheck: (target: ActionTarget) => this.recheckOne(cluster, actions, target),
      };
      switch (kind) {
        case 'cordon':
        case 'uncordon':
          await this.clusterRunner.setUnschedulable(run, targets, kind === 'cordon');
          // The tree follows from the watch; without one, relist so the row shows the change.
          if (this.session.state.kind !== 'connected') {
            this.session.refresh();
          }
          return;
        case 'drain':
          await this.clusterRunner.drain(run, targets, drainOptions);
          return;
        default:
          await this.azureRunner.run(run, kind, targets);
      }
    } finally {
      claim.release();
    }
  }

  private clusterRef(): ClusterRef | undefined {
    const identity = this.session.identity;
    return identity ? { context: identity.context, server: identity.server, clusterEntry: identity.cluster } : undefined;
  }

  /** Wrapped: the union's `problem` key cannot tell them apart (an implementation may have a `problem` member). */
  private actions(): { actions: NodeActions } | { problem: string } {
    const got = this.session.nodeActions();
    return typeof (got as Partial<NodeActions>).readNode === 'function'
      ? { actions: got as NodeActions }
      : { problem: problemLine((got as { problem: ActionProblem }).problem) };
  }

  /** The cluster and each node as they are when the operator clicks. */
  private async capture(names: readonly string[]): Promise<{ cluster: ClusterRef; targets: ActionTarget[] } | { problem: string }> {
    const cluster = this.clusterRef();
    if (!cluster) {
      return { problem: vscode.l10n.t('No cluster is connected. Connect one in the Nodes view (a kubeconfig with an AKS context), then run the action again.') };
    }
    const got = this.actions();
    if ('problem' in got) {
      return got;
    }
    const { actions } = got;
    const read = await Promise.all(names.map(async (node) => ({ node, result: await actions.readNode(node) })));
    const targets: ActionTarget[] = [];
    for (const { node, result } of read) {
      if (!result.ok) {
        return { problem: vscode.l10n.t('Could not read node {0}: {1}', node, clusterProblemText(result.problem)) };
      }
      if (!result.value) {
        return { problem: refusalText({ kind: 'node-gone', node }) };
      }
      const summary = this.session.model.node(node);
      targets.push({
        node, uid: result.value.uid, providerID: result.value.providerID, pool: summary?.pool,
        unschedulable: result.value.unschedulable, ready: summary?.ready,
      });
    }
    return { cluster, targets };
  }

  /** The nodes the action makes sense on; says why the others are left out. */
  private applicable(kind: NodeActionKind, targets: readonly ActionTarget[], host: ActionHost): ActionTarget[] {
    const keep: ActionTarget[] = [];
    const skipped: string[] = [];
    for (const t of targets) {
      const why = inapplicable(kind, t);
      if (why) {
        skipped.push(inapplicableText(kind, t.node, why));
      } else {
        keep.push(t);
      }
    }
    if (skipped.length > 0) {
      void host.notify(keep.length > 0 ? 'info' : 'warning', skipped.join(' '));
    }
    return keep;
  }

  /**
   * After the confirmation: the same cluster, its client on the API server the dialog named (the
   * actions are pinned to it from here on), and each node the same object on the same machine.
   */
  private async recheck(cluster: ClusterRef, targets: readonly ActionTarget[]): Promise<{ actions: NodeActions } | { problem: string; log: string }> {
    const changed = clusterChange(cluster, this.clusterRef());
    if (changed) {
      return refused(changed);
    }
    const got = this.actions();
    if ('problem' in got) {
      return { problem: got.problem, log: 'no node actions on the connection' };
    }
    const server = got.actions.apiServer();
    if (server === undefined || !sameServer(server, cluster.server)) {
      return refused({ kind: 'server-changed', confirmed: cluster.server, now: server });
    }
    const actions = got.actions.pinnedTo(server);
    for (const target of targets) {
      const one = await this.recheckOne(cluster, actions, target);
      if ('problem' in one) {
        return one;
      }
    }
    return { actions };
  }

  /** One node, just before acting on it: the cluster is still the one asked about, the node the same object on the same machine. */
  private async recheckOne(cluster: ClusterRef, actions: NodeActions, target: ActionTarget): Promise<Rechecked> {
    const changed = clusterChange(cluster, this.clusterRef());
    if (changed) {
      return refused(changed);
    }
    const now = await actions.readNode(target.node);
    if (!now.ok) {
      return { problem: vscode.l10n.t('Nothing was done: node {0} could not be read again before acting: {1}', target.node, clusterProblemText(now.problem)), log: `re-read failed: ${now.problem.kind}` };
    }
    const refusal = nodeChange(target, now.value);
    if (refusal || !now.value) {
      return refused(refusal ?? { kind: 'node-gone', node: target.node });
    }
    return { facts: now.value };
  }
}

function actionsEnabled(): boolean {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(Settings.actionsEnabled, true);
}

function turnedOff(host: ActionHost, message: string): void {
  const open = vscode.l10n.t('Open Settings');
  void host.notify('warning', message, open)
    .then((choice) => choice === open && vscode.commands.executeCommand('workbench.action.openSettings', settingId(Settings.actionsEnabled)));
}

function busyText(running: RunningAction): string {
  return vscode.l10n.t('{0} of {1} is still running: wait for it or cancel it from its notification.', actionVerb(running.kind), running.node);
}

function refused(refusal: Refusal): { problem: string; log: string } {
  return { problem: refusalText(refusal), log: refusal.kind };
}

function problemLine(problem: ActionProblem): string {
  return sentences(problem.message, problem.nextStep);
}

/** Why `kind` does not apply to the node, in the operator's words. */
function inapplicableText(kind: NodeActionKind, node: string, why: Inapplicable): string {
  switch (why.kind) {
    case 'already-cordoned': return vscode.l10n.t('{0} is already cordoned.', node);
    case 'not-cordoned': return vscode.l10n.t('{0} is not cordoned.', node);
    case 'no-azure-target': return vscode.l10n.t('{0} cannot be acted on in Azure: {1}.', node, why.reason);
    case 'not-scale-set': return kind === 'deleteMachine'
      ? vscode.l10n.t('{0} is not a scale-set instance (its providerID names a virtual machine), so it is no machine of an agent pool; nothing was asked or done. Delete the VM in the Azure portal or with `az vm delete` instead.', node)
      : vscode.l10n.t('{0} is not a scale-set instance (its providerID names a virtual machine), so it has no scale-set restart, reimage or redeploy.', node);
    case 'no-pool': return vscode.l10n.t('{0} has no agent pool label (kubernetes.azure.com/agentpool), so its machine cannot be named in a pool.', node);
  }
}

function paletteTitle(kind: NodeActionKind): string {
  switch (kind) {
    case 'cordon': return vscode.l10n.t('Cordon Node');
    case 'uncordon': return vscode.l10n.t('Uncordon Node');
    case 'drain': return vscode.l10n.t('Drain Node');
    case 'restart': return vscode.l10n.t('Restart Node VM');
    case 'reimage': return vscode.l10n.t('Reimage Node VM');
    case 'redeploy': return vscode.l10n.t('Redeploy Node VM');
    case 'deleteMachine': return vscode.l10n.t('Delete Node Machine');
  }
}
