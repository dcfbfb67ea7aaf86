/**
 * The node VM actions: restart, reimage or redeploy one scale-set instance (the steps auto-repair
 * itself takes), and delete one machine from its agent pool so the pool replaces it. Each acts on
 * exactly the instance the node's providerID names: never a whole scale set or pool, never an
 * availability-set VM, never anything when the providerID does not parse. Never rejects.
 */
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AzureProblem, NodeTarget } from '../domain/diagnosis';
import { parseProviderId, poolFromScaleSet, scaleSetResourceId } from '../domain/providerId';
import { shellQuote } from '../domain/shellQuote';
import { LOG_CHANNEL_NAME } from '../ids';
import { ArmSession } from './armCall';
import type {
  AzureSettings, DeleteMachineRequest, InstanceOperation, InstanceOperationRequest, OperationProgress, OperationResult,
} from './azureTypes';
import { readCluster } from './clusterReader';
import type { RefreshableCredential } from './credentialTypes';
import { normalizeEndpoint } from './endpoints';
import { runLongRunning, type LongRunningSpec } from './longRunning';
import { classify, cut } from './problems';
import { shareCredential } from './sharedCredential';

export interface ActionOptions {
  /** Tests only: an HTTP client that trusts the stand-in's CA. */
  readonly httpClient?: HttpClient;
}

type ScaleSetTarget = Extract<NodeTarget, { kind: 'vmss' }>;

const OPERATIONS: ReadonlySet<string> = new Set<InstanceOperation>(['restart', 'reimage', 'redeploy']);
const VM_CONTRIBUTOR = 'Virtual Machine Contributor';
const AKS_CONTRIBUTOR = 'Azure Kubernetes Service Contributor Role';
const DELETE_MACHINES_ACTION = 'Microsoft.ContainerService/managedClusters/agentPools/deleteMachines/action';
/** AKS pool names: lower-case letters and digits, starting with a letter, at most 12 (Windows 6). */
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

export function runInstanceOperation(
  request: InstanceOperationRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  onProgress: (progress: OperationProgress) => void,
  signal: AbortSignal,
  options: ActionOptions = {},
): Promise<OperationResult> {
  const startedAt = Date.now();
  return settled(startedAt, settings, () => instanceOperation(request, credential, settings, onProgress, signal, options, startedAt));
}

export function deleteMachine(
  request: DeleteMachineRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  onProgress: (progress: OperationProgress) => void,
  signal: AbortSignal,
  options: ActionOptions = {},
): Promise<OperationResult> {
  const startedAt = Date.now();
  return settled(startedAt, settings, () => poolMachineDeletion(request, credential, settings, onProgress, signal, options, startedAt));
}

/** The promise "never rejects" keeps even for a bug in here: the failure becomes a problem. */
async function settled(startedAt: number, settings: AzureSettings, run: () => Promise<OperationResult>): Promise<OperationResult> {
  try {
    return await run();
  } catch (error) {
    settings.log?.warn(`Azure: a node action failed unexpectedly: ${error instanceof Error ? error.name : typeof error}.`);
    return {
      ok: false,
      elapsedMs: Date.now() - startedAt,
      problem: { kind: 'unknown', message: l10n.t('The action failed unexpectedly.'), nextStep: l10n.t('Check the log (Output › {0}), then check the node in the Azure portal.', LOG_CHANNEL_NAME) },
    };
  }
}

async function instanceOperation(
  request: InstanceOperationRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  onProgress: (progress: OperationProgress) => void,
  signal: AbortSignal,
  options: ActionOptions,
  startedAt: number,
): Promise<OperationResult> {
  const operation = request.operation;
  if (!OPERATIONS.has(operation)) {
    return refused(startedAt, l10n.t('"{0}" is not an operation on a scale-set instance (restart, reimage or redeploy).', String(operation).slice(0, 40)),
      l10n.t('Use Restart, Reimage or Redeploy Node VM on the node.'));
  }
  const target = scaleSetTarget(request.providerId, startedAt);
  if (!target.ok) {
    return target.result;
  }
  const t = target.target;
  const session = openSession(credential, t, settings, signal, options);
  if (!session.ok) {
    return { ok: false, problem: session.problem, elapsedMs: Date.now() - startedAt, resourceId: t.resourceId };
  }
  const action = `Microsoft.Compute/virtualMachineScaleSets/virtualMachines/${operation}/action`;
  const instance = l10n.t('instance {0} of scale set {1}', t.instanceId, t.scaleSet);
  const spec: LongRunningSpec = {
    what: operation,
    client: 'compute',
    resourceId: t.resourceId,
    start: (clients, o) => {
      const vms = clients.compute.virtualMachineScaleSetVMs;
      const args = [t.resourceGroup, t.scaleSet, t.instanceId, o] as const;
      return operation === 'restart' ? vms.restart(...args) : operation === 'reimage' ? vms.reimage(...args) : vms.redeploy(...args);
    },
    forbidden: (problem) => needsRole(problem, VM_CONTRIBUTOR, scaleSetResourceId(t) ?? t.resourceId, action,
      l10n.t('Not allowed to {0} {1}: it needs {2}.', operation, instance, action)),
    conflict: (problem) => ({
      ...problem,
      message: l10n.t('Another operation is running on {0}, so Azure refused the {1} ({2}): {3}', instance, operation, problem.code ?? '409', cut(problem.message, 400) ?? ''),
      nextStep: l10n.t('Wait for it to finish (see the Activity Log, or `{0}`), then try again.', instanceViewCommand(t)),
    }),
    stopped: () => ({
      kind: 'unknown',
      message: l10n.t('Stopped waiting; the {0} may still run in Azure.', operation),
      nextStep: l10n.t('Check the instance in the portal or with `{0}`.', instanceViewCommand(t)),
    }),
  };
  return runLongRunning(session.session, spec, settings, onProgress, signal, startedAt);
}

async function poolMachineDeletion(
  request: DeleteMachineRequest,
  credential: TokenCredential,
  settings: AzureSettings,
  onProgress: (progress: OperationProgress) => void,
  signal: AbortSignal,
  options: ActionOptions,
  startedAt: number,
): Promise<OperationResult> {
  const target = scaleSetTarget(request.providerId, startedAt);
  if (!target.ok) {
    return target.result;
  }
  const t = target.target;
  const pool = typeof request.pool === 'string' ? request.pool.toLowerCase() : '';
  const machine = typeof request.node === 'string' ? request.node : '';
  const mismatch = machineMismatch(t, machine, pool);
  if (mismatch) {
    return refused(startedAt, mismatch, l10n.t('Refresh the Nodes view and run the action on the node again.'), t.resourceId);
  }
  const session = openSession(credential, t, settings, signal, options);
  if (!session.ok) {
    return { ok: false, problem: session.problem, elapsedMs: Date.now() - startedAt, resourceId: t.resourceId };
  }
  const fail = (problem: AzureProblem): OperationResult => ({ ok: false, problem, elapsedMs: Date.now() - startedAt, resourceId: t.resourceId });

  const cluster = await readCluster(session.session, t, pool);
  switch (cluster.state) {
    case 'ok':
      break;
    case 'error':
      return fail(cluster.problem);
    case 'gone':
      return fail({ kind: 'not-found', message: cluster.message, nextStep: l10n.t('Check that the node belongs to an AKS cluster in this subscription.') });
    default:
      return fail(signal.aborted
        ? { kind: 'unknown', message: l10n.t('Cancelled before anything was sent to Azure.'), nextStep: l10n.t('Run the action again when you are ready.') }
        : { kind: 'unknown', message: l10n.t('The cluster could not be read.'), nextStep: l10n.t('Try again.') });
  }
  const c = cluster.value;
  if (!c.pool || c.pool.name.toLowerCase() !== pool) {
    return fail({
      kind: 'not-found',
      message: l10n.t('The cluster {0} has no node pool {1}; nothing was deleted.', c.name, pool),
      nextStep: l10n.t('Refresh the Nodes view: the pool may have been removed or renamed.'),
    });
  }
  const poolName = c.pool.name;
  const poolId = `${c.resourceId}/agentPools/${poolName}`;
  const spec: LongRunningSpec = {
    what: 'deleteMachines',
    client: 'containers',
    resourceId: `${poolId}/machines/${machine}`,
    start: (clients, o) => clients.containers.agentPools.deleteMachines(c.resourceGroup, c.name, poolName, { machineNames: [machine] }, o),
    forbidden: (problem) => needsRole(problem, AKS_CONTRIBUTOR, c.resourceId, DELETE_MACHINES_ACTION,
      l10n.t('Not allowed to delete machine {0} from node pool {1}: it needs {2}.', machine, poolName, DELETE_MACHINES_ACTION)),
    conflict: (problem) => ({
      ...problem,
      message: l10n.t('Another operation is running on node pool {0}, so Azure refused to delete machine {1} ({2}): {3}', poolName, machine, problem.code ?? '409', cut(problem.message, 400) ?? ''),
      nextStep: l10n.t('Wait for it to finish (see the Activity Log, or `{0}`), then try again.', poolCommand(c.resourceGroup, c.name, poolName)),
    }),
    stopped: () => ({
      kind: 'unknown',
      message: l10n.t('Stopped waiting; the deletion of machine {0} may still run in Azure.', machine),
      nextStep: l10n.t('Check the node pool in the portal or with `{0}`.', poolCommand(c.resourceGroup, c.name, poolName)),
    }),
  };
  return runLongRunning(session.session, spec, settings, onProgress, signal, startedAt);
}

/** The scale-set instance the providerID names, or the refusal (no request is made for it). */
function scaleSetTarget(providerId: string, startedAt: number): { ok: true; target: ScaleSetTarget } | { ok: false; result: OperationResult } {
  const parsed = parseProviderId(providerId);
  if (!parsed.ok) {
    return {
      ok: false,
      result: refused(startedAt, l10n.t('The providerID does not name an Azure VM: {0}. Nothing was sent to Azure.', parsed.reason),
        l10n.t('Check the node\'s spec.providerID with `kubectl get node -o yaml`; act on its VM in the Azure portal if you know which it is.')),
    };
  }
  if (parsed.target.kind !== 'vmss') {
    return {
      ok: false,
      result: refused(startedAt, l10n.t('{0} is not a scale-set instance (an availability-set VM); these actions act on one scale-set instance only. Nothing was sent to Azure.', parsed.target.vmName),
        l10n.t('Act on the VM in the Azure portal or with `az vm` instead.'), parsed.target.resourceId),
    };
  }
  return { ok: true, target: parsed.target };
}

/**
 * Why the machine must not be deleted, when the request does not hang together: the pool name is
 * not one, the scale set is another pool's, or the node name is not this instance's computer name
 * (`<scale set><instance id in base 36, six digits>`).
 */
function machineMismatch(t: ScaleSetTarget, machine: string, pool: string): string | undefined {
  if (!POOL_NAME.test(pool)) {
    return l10n.t('"{0}" is not an AKS node pool name; nothing was deleted.', pool.slice(0, 40));
  }
  const scaleSetPool = poolFromScaleSet(t.scaleSet);
  if (scaleSetPool !== undefined && scaleSetPool.toLowerCase() !== pool) {
    return l10n.t('The node\'s scale set {0} belongs to pool {1}, not {2}; nothing was deleted.', t.scaleSet, scaleSetPool, pool);
  }
  const expected = `${t.scaleSet}${Number(t.instanceId).toString(36).padStart(6, '0')}`;
  if (machine.toLowerCase() !== expected.toLowerCase()) {
    return l10n.t('The node name {0} is not the computer name of instance {1} of {2} ({3}); nothing was deleted.', machine.slice(0, 100), t.instanceId, t.scaleSet, expected);
  }
  return undefined;
}

function openSession(
  credential: TokenCredential, t: ScaleSetTarget, settings: AzureSettings, signal: AbortSignal, options: ActionOptions,
): { ok: true; session: ArmSession } | { ok: false; problem: AzureProblem } {
  try {
    const shared = shareCredential(credential as RefreshableCredential);
    return { ok: true, session: new ArmSession(shared, t.subscriptionId, settings, signal, options.httpClient, t.resourceGroup) };
  } catch (error) {
    return {
      ok: false,
      problem: classify(error, { endpoint: normalizeEndpoint(settings.resourceManagerEndpoint), subscriptionId: t.subscriptionId, timeoutMs: settings.requestTimeoutMs ?? 0 }),
    };
  }
}

/** Refused here, before any request. */
function refused(startedAt: number, message: string, nextStep: string, resourceId?: string): OperationResult {
  return { ok: false, elapsedMs: Date.now() - startedAt, resourceId, problem: { kind: 'unknown', message, nextStep } };
}

function needsRole(problem: AzureProblem, role: string, scope: string, action: string, message: string): AzureProblem {
  return {
    ...problem,
    kind: 'forbidden',
    missingRole: { role, scope },
    message,
    nextStep: l10n.t('Ask for the {0} role on {1} (or any role that grants {2}), then try again.', role, scope, action),
  };
}

function instanceViewCommand(t: ScaleSetTarget): string {
  return `az vmss get-instance-view --resource-group ${shellQuote(t.resourceGroup)} --name ${shellQuote(t.scaleSet)} --instance-id ${t.instanceId}`;
}

function poolCommand(resourceGroup: string, cluster: string, pool: string): string {
  return `az aks nodepool show --resource-group ${shellQuote(resourceGroup)} --cluster-name ${shellQuote(cluster)} --name ${shellQuote(pool)}`;
}
