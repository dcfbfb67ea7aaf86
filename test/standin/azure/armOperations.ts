import { randomUUID } from 'node:crypto';

import { ArmAnswer, armError } from './armErrors';
import { managedClusterId, scaleSetVmId } from './resourceIds';
import type { ArmOperationKind, AzureScenario, InstanceViewStatus, ManagedClusterSpec, OperationScript, ScaleSetVmSpec } from './scenario';
import { ACTIVITY_ACTIONS, activityLogOperation, armTime, cseStatus } from './simulatedAzure';

/**
 * The long-running POSTs of the node actions, as ARM runs them: restart / reimage / redeploy of
 * one scale-set instance and deleteMachines of one agent pool answer 202 with `Azure-AsyncOperation`
 * and `Location` URLs on the stand-in; the status URL answers `InProgress` for the scripted number
 * of polls, then `Succeeded` or `Failed` with Azure's error; the Location URL answers 202, then
 * 200. A second operation on a resource whose operation is still InProgress answers 409 by itself.
 * The end changes the scenario as Azure would (provisioning state, the bootstrap extension after a
 * reimage, Resource Health, the machine gone after deleteMachines) and adds Activity Log events.
 */

/** What ran, for tests to assert (JSON-safe). */
export interface ArmOperationRecord {
  readonly id: string;
  readonly kind: ArmOperationKind;
  /** The POST's path. */
  readonly path: string;
  /** The POST's body as sent ('' for none). */
  readonly body: string;
  /** The instance acted on, or the agent pool of deleteMachines. */
  readonly resourceId: string;
  /** Computer names of the instances concerned (the machines deleteMachines named). */
  readonly nodes: readonly string[];
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Polls answered (status and Location URLs). */
  polls: number;
  readonly startedAt: number;
  endedAt?: number;
}

/** The server's lookups; each throws the ARM 404 for what does not exist. */
export interface ArmLookup {
  subscription(id: string): void;
  scaleSetVm(sub: string, group: string, scaleSet: string, instanceId: string): ScaleSetVmSpec;
  cluster(sub: string, group: string, name: string): ManagedClusterSpec;
}

export interface ArmOperationRequest {
  readonly method: string;
  readonly path: string;
  readonly params: URLSearchParams;
  readonly body: string;
  /** Where the operation URLs point: the stand-in itself unless a `foreignNextLink` fault says otherwise. */
  readonly linkBase: string;
}

export interface ArmOperationAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** An instance's state when the operation began: a failed deleteMachines puts it back. */
interface Before {
  readonly provisioningState: string;
  readonly statuses: InstanceViewStatus[];
}

interface Running {
  readonly record: ArmOperationRecord;
  readonly provider: 'Microsoft.Compute' | 'Microsoft.ContainerService';
  readonly vms: ScaleSetVmSpec[];
  readonly before: Map<ScaleSetVmSpec, Before>;
  /** Resource ids (lower case) another operation must not touch meanwhile. */
  readonly keys: readonly string[];
  readonly script: OperationScript;
  readonly location: string;
  readonly activity: { readonly resourceId: string; readonly resourceGroup: string; readonly start: Date };
  /** deleteMachines: the pool whose count goes down. */
  readonly pool?: { readonly cluster: ManagedClusterSpec; readonly name: string };
}

type StartOptions = Omit<Running, 'record' | 'before' | 'script' | 'activity'> & {
  readonly kind: ArmOperationKind;
  readonly resourceId: string;
  readonly activity: { readonly resourceId: string; readonly resourceGroup: string };
};

const CALLER = 'operator@contoso.com';
const INSTANCE_POST = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)\/virtualMachines\/([^/]+)\/(restart|reimage|redeploy)$/i;
const DELETE_MACHINES_POST = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/agentPools\/([^/]+)\/deleteMachines$/i;
const OPERATION_GET = /^\/subscriptions\/([^/]+)\/providers\/(Microsoft\.Compute|Microsoft\.ContainerService)\/locations\/([^/]+)\/(operations|operationresults)\/([^/]+)$/i;

const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export class ArmOperations {
  readonly records: ArmOperationRecord[] = [];
  private running = new Map<string, Running>();

  constructor(private readonly scenario: () => AzureScenario, private readonly lookup: ArmLookup) {}

  /** Forgets every operation (a running one no longer blocks its instance). */
  clear(): void {
    this.records.length = 0;
    this.running.clear();
  }

  /** The answer when the request is a node action's POST or a poll of one; undefined otherwise. Throws ArmAnswer. */
  handle(request: ArmOperationRequest): ArmOperationAnswer | undefined {
    let m: RegExpExecArray | null;
    if (request.method === 'POST' && (m = INSTANCE_POST.exec(request.path))) {
      const vm = this.lookup.scaleSetVm(m[1], m[2], m[3], m[4]);
      const kind = m[5].toLowerCase() as ArmOperationKind;
      const resourceId = scaleSetVmId(this.scenario().subscriptionId, vm);
      return this.start(request, {
        kind, provider: 'Microsoft.Compute', resourceId, vms: [vm], keys: [resourceId.toLowerCase()], location: vm.location,
        activity: { resourceId, resourceGroup: vm.resourceGroup },
      });
    }
    if (request.method === 'POST' && (m = DELETE_MACHINES_POST.exec(request.path))) {
      const cluster = this.lookup.cluster(m[1], m[2], m[3]);
      const pool = cluster.agentPoolProfiles.find((p) => same(p.name, m?.[4]));
      if (!pool) {
        throw new ArmAnswer(404, armError('NotFound', `Agent pool "${m[4]}" not found in managed cluster "${cluster.name}".`));
      }
      const vms = this.machines(cluster, pool.name, request.body);
      const poolId = `${managedClusterId(this.scenario().subscriptionId, cluster)}/agentPools/${pool.name}`;
      const sub = this.scenario().subscriptionId;
      return this.start(request, {
        kind: 'deleteMachines', provider: 'Microsoft.ContainerService', resourceId: poolId, vms,
        keys: [poolId.toLowerCase(), ...vms.map((vm) => scaleSetVmId(sub, vm).toLowerCase())], location: cluster.location,
        activity: { resourceId: poolId, resourceGroup: cluster.resourceGroup }, pool: { cluster, name: pool.name },
      });
    }
    if (request.method === 'GET' && (m = OPERATION_GET.exec(request.path))) {
      this.lookup.subscription(m[1]);
      const op = this.running.get(m[5].toLowerCase());
      if (!op || !same(op.provider, m[2])) {
        throw new ArmAnswer(404, armError('NotFound', `The operation '${m[5]}' was not found.`));
      }
      return this.poll(op, m[4].toLowerCase() === 'operationresults' || request.params.get('monitor') === 'true', request);
    }
    return undefined;
  }

  /** The scale-set instances deleteMachines names, from its body `{"machineNames": [...]}`. */
  private machines(cluster: ManagedClusterSpec, pool: string, body: string): ScaleSetVmSpec[] {
    let names: unknown;
    try {
      names = (JSON.parse(body) as { machineNames?: unknown }).machineNames;
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
      throw new ArmAnswer(400, armError('InvalidParameter', 'The request body must be {"machineNames": ["<machine name>", …]} with at least one machine name.'));
    }
    const inPool = new RegExp(`^aks-${pool}-\\d+-vmss$`, 'i');
    return (names as string[]).map((name) => {
      const vm = this.scenario().scaleSetVms.find((v) => same(v.resourceGroup, cluster.nodeResourceGroup) && inPool.test(v.scaleSetName) && same(v.computerName, name));
      if (!vm) {
        throw new ArmAnswer(400, armError('InvalidParameter', `Machine '${name}' does not exist in agent pool '${pool}'.`));
      }
      return vm;
    });
  }

  private start(request: ArmOperationRequest, o: StartOptions): ArmOperationAnswer {
    const busy = [...this.running.values()].find((r) => r.record.status === 'InProgress' && r.keys.some((k) => o.keys.includes(k)));
    if (busy) {
      throw new ArmAnswer(409, armError('OperationNotAllowed', o.kind === 'deleteMachines'
        ? `Operation is not allowed because there's an in progress ${busy.record.kind} operation on '${busy.record.resourceId.split('/').pop()}'. Please wait for it to finish before starting a new operation.`
        : `Operation '${o.kind}' is not allowed on VM '${o.vms[0].name ?? `${o.vms[0].scaleSetName}_${o.vms[0].instanceId}`}' since the VM is in the middle of a '${busy.record.kind}' operation. Retry after the operation completes.`));
    }
    const nodes = o.vms.map((vm) => vm.computerName);
    const script = this.script(o.kind, nodes);
    const id = randomUUID();
    const record: ArmOperationRecord = {
      id, kind: o.kind, path: request.path, body: request.body, resourceId: o.resourceId, nodes, status: 'InProgress', polls: 0, startedAt: Date.now(),
    };
    const before = new Map(o.vms.map((vm) => [vm, { provisioningState: vm.provisioningState, statuses: vm.instanceView.statuses.map((s) => ({ ...s })) }]));
    const running: Running = { ...o, record, before, script, activity: { ...o.activity, start: new Date() } };
    this.records.push(record);
    this.running.set(id, running);
    for (const vm of o.vms) {
      const deleting = o.kind === 'deleteMachines';
      vm.provisioningState = deleting ? 'Deleting' : 'Updating';
      setStatus(vm, 'ProvisioningState/', { code: `ProvisioningState/${deleting ? 'deleting' : 'updating'}`, level: 'Info', displayStatus: deleting ? 'Deleting' : 'Updating' });
    }
    this.writeActivity(running, 'Running');

    const version = request.params.get('api-version') ?? '';
    const base = `${request.linkBase}/subscriptions/${this.scenario().subscriptionId}/providers/${o.provider}/locations/${o.location}`;
    const headers: Record<string, string> = o.provider === 'Microsoft.Compute'
      ? {
        'Azure-AsyncOperation': `${base}/operations/${id}?p=${randomUUID()}&api-version=${version}`,
        Location: `${base}/operations/${id}?p=${randomUUID()}&monitor=true&api-version=${version}`,
      }
      : {
        'Azure-AsyncOperation': `${base}/operations/${id}?api-version=${version}`,
        Location: `${base}/operationresults/${id}?api-version=${version}`,
      };
    return { status: 202, headers: { ...headers, ...retryAfter(script) } };
  }

  /** The first script that matches (one with `times` left), or the default. */
  private script(kind: ArmOperationKind, nodes: string[]): OperationScript {
    const script = (this.scenario().operations ?? []).find((s) => (s.times === undefined || s.times > 0)
      && (s.operation === undefined || s.operation === kind)
      && (s.node === undefined || nodes.some((n) => same(n, s.node))));
    if (script?.times !== undefined) {
      script.times--;
    }
    return script ?? {};
  }

  private poll(op: Running, isLocation: boolean, request: ArmOperationRequest): ArmOperationAnswer {
    const { record, script } = op;
    if (record.status === 'InProgress') {
      record.polls++;
      if (record.polls > Math.max(0, script.pollsInProgress ?? 1)) {
        this.finish(op);
      }
    }
    if (isLocation) {
      if (record.status === 'InProgress') {
        return { status: 202, headers: { Location: `${request.linkBase}${request.path}?${request.params.toString()}`, ...retryAfter(script) } };
      }
      // Compute's Location URL: 200 with no body once done; a failed operation answers its error.
      return record.status === 'Succeeded' ? { status: 200 } : { status: 400, body: armError(script.fail?.code ?? 'OperationFailed', script.fail?.message ?? 'The operation failed.') };
    }
    const start = armTime(new Date(record.startedAt));
    const body = {
      ...(op.provider === 'Microsoft.ContainerService' ? { id: request.path } : {}),
      name: record.id,
      status: record.status,
      startTime: start,
      ...(record.endedAt ? { endTime: armTime(new Date(record.endedAt)) } : {}),
      ...(record.status === 'Failed' && script.fail ? { error: { code: script.fail.code, message: script.fail.message } } : {}),
    };
    return { status: 200, body, headers: record.status === 'InProgress' ? retryAfter(script) : {} };
  }

  /** The end, as Azure leaves the resources: see the file's comment. */
  private finish(op: Running): void {
    const { record, script } = op;
    const failed = script.fail !== undefined;
    record.status = failed ? 'Failed' : 'Succeeded';
    record.endedAt = Date.now();
    const now = new Date(record.endedAt);
    const scenario = this.scenario();
    if (record.kind === 'deleteMachines') {
      if (failed) {
        for (const [vm, before] of op.before) {
          vm.provisioningState = before.provisioningState;
          vm.instanceView.statuses = before.statuses;
        }
      } else {
        scenario.scaleSetVms = scenario.scaleSetVms.filter((vm) => !op.vms.includes(vm));
        const pool = op.pool?.cluster.agentPoolProfiles.find((p) => same(p.name, op.pool?.name));
        if (pool) {
          pool.count = Math.max(0, pool.count - op.vms.length);
        }
      }
    } else {
      for (const vm of op.vms) {
        this.endInstanceOperation(vm, record.kind, script, op.before.get(vm), now);
      }
    }
    this.writeActivity(op, failed ? 'Failed' : 'Succeeded');
  }

  private endInstanceOperation(vm: ScaleSetVmSpec, kind: ArmOperationKind, script: OperationScript, before: Before | undefined, now: Date): void {
    const time = armTime(now);
    if (script.fail) {
      vm.provisioningState = 'Failed';
      setStatus(vm, 'ProvisioningState/', { code: `ProvisioningState/failed/${script.fail.code}`, level: 'Error', displayStatus: 'Provisioning failed', message: script.fail.message, time });
      const power = before?.statuses.find((s) => s.code.startsWith('PowerState/'));
      if (power) {
        setStatus(vm, 'PowerState/', power);
      }
      return;
    }
    vm.provisioningState = 'Succeeded';
    setStatus(vm, 'ProvisioningState/', { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time });
    setStatus(vm, 'PowerState/', { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' });
    if (kind === 'reimage') {
      // A new OS disk: the bootstrap extension runs again.
      const cse = vm.instanceView.extensions.find((e) => same(e.name, 'vmssCSE'));
      if (cse) {
        cse.statuses = [cseStatus(0, now)];
      }
    }
    if (vm.instanceView.vmHealth) {
      vm.instanceView.vmHealth = { status: { code: 'HealthState/healthy', level: 'Info', displayStatus: 'The VM is healthy', time } };
    }
    const id = scaleSetVmId(this.scenario().subscriptionId, vm).toLowerCase();
    const health = this.scenario().resourceHealth.find((h) => h.resourceId.toLowerCase() === id);
    if (health) {
      Object.assign(health, {
        availabilityState: 'Available', title: 'Available', reasonType: undefined, detailedStatus: undefined, context: undefined, category: undefined,
        summary: "There aren't any known Azure platform problems affecting this virtual machine.", occurredTime: time, reportedTime: time,
      });
    }
  }

  /** The operation's Activity Log events: Started now, and its end once it has one (replacing the earlier ones). */
  private writeActivity(op: Running, end: 'Running' | 'Succeeded' | 'Failed'): void {
    const [action, localized] = ACTIVITY_ACTIONS[op.record.kind];
    const entries = activityLogOperation({
      resourceId: op.activity.resourceId, resourceGroup: op.activity.resourceGroup, action, localized, caller: CALLER,
      start: op.activity.start, durationMs: (op.record.endedAt ?? Date.now()) - op.activity.start.getTime(), end, error: op.script.fail,
    });
    const scenario = this.scenario();
    const correlation = entries[0].correlationId;
    scenario.activityLog = [...entries, ...scenario.activityLog.filter((e) => e.correlationId !== correlation)];
  }
}

function setStatus(vm: ScaleSetVmSpec, prefix: string, status: InstanceViewStatus): void {
  const statuses = vm.instanceView.statuses.filter((s) => !s.code.startsWith(prefix));
  vm.instanceView.statuses = prefix === 'ProvisioningState/' ? [status, ...statuses] : [...statuses, status];
}

function retryAfter(script: OperationScript): Record<string, string> {
  return script.retryAfterSeconds !== undefined ? { 'Retry-After': String(script.retryAfterSeconds) } : {};
}
