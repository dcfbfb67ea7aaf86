/**
 * The instance behind the node (scale-set VM or availability-set VM): its model and its instance
 * view, read in parallel, as InstanceFacts and the extensions' ExtensionFacts (with the bootstrap
 * extension's exit code). A 404 is an answer: the instance is gone.
 */
import * as l10n from '@vscode/l10n';
import type { ExtensionFacts, InstanceFacts, NodeTarget, Section } from '../domain/diagnosis';
import { isBootstrapExtension, readExitCode } from '../domain/bootstrapExitCodes';
import type { ArmSession, CallResult } from './armCall';
import { cut } from './problems';

/** What the two compute calls return that this reads (both SDK models fit). */
interface VmModel {
  readonly name?: string;
  readonly provisioningState?: string;
  readonly latestModelApplied?: boolean;
  readonly zones?: readonly string[];
  readonly sku?: { readonly name?: string };
  readonly hardwareProfile?: { readonly vmSize?: string };
  readonly osProfile?: { readonly computerName?: string };
  readonly storageProfile?: { readonly imageReference?: ImageRef };
}
interface ImageRef {
  readonly id?: string;
  readonly publisher?: string;
  readonly offer?: string;
  readonly sku?: string;
  readonly version?: string;
  readonly exactVersion?: string;
  readonly sharedGalleryImageId?: string;
  readonly communityGalleryImageId?: string;
}
interface Status {
  readonly code?: string;
  readonly level?: string;
  readonly displayStatus?: string;
  readonly message?: string;
}
interface InstanceView {
  readonly computerName?: string;
  readonly statuses?: readonly Status[];
  readonly extensions?: readonly {
    readonly name?: string;
    readonly type?: string;
    readonly typeHandlerVersion?: string;
    readonly statuses?: readonly Status[];
    readonly substatuses?: readonly Status[];
  }[];
  readonly vmHealth?: { readonly status?: Status };
}

export interface InstanceSections {
  readonly instance: Section<InstanceFacts>;
  readonly extensions: Section<readonly ExtensionFacts[]>;
}

const MAX_EXTENSIONS = 50;

export async function readInstance(session: ArmSession, target: NodeTarget): Promise<InstanceSections> {
  const [model, view] = await Promise.all([
    session.call<VmModel>('instance', (c, abortSignal) => (target.kind === 'vmss'
      ? c.compute.virtualMachineScaleSetVMs.get(target.resourceGroup, target.scaleSet, target.instanceId, { abortSignal })
      : c.compute.virtualMachines.get(target.resourceGroup, target.vmName, { abortSignal }))),
    session.call<InstanceView>('instance view', (c, abortSignal) => (target.kind === 'vmss'
      ? c.compute.virtualMachineScaleSetVMs.getInstanceView(target.resourceGroup, target.scaleSet, target.instanceId, { abortSignal })
      : c.compute.virtualMachines.instanceView(target.resourceGroup, target.vmName, { abortSignal }))),
  ]);
  const gone = l10n.t('The instance {0} no longer exists in Azure (404).', target.resourceId);
  return {
    instance: instanceSection(target, model, view, gone),
    extensions: asSection(view, gone, (v) => extensionFacts(v)),
  };
}

function asSection<A, B>(result: CallResult<A>, gone: string, map: (a: A) => B): Section<B> {
  if (result.ok) {
    return { state: 'ok', value: map(result.value) };
  }
  if (result.cancelled) {
    return { state: 'skipped', reason: result.problem.message };
  }
  return result.problem.kind === 'not-found' ? { state: 'gone', message: gone } : { state: 'error', problem: result.problem };
}

function instanceSection(target: NodeTarget, model: CallResult<VmModel>, view: CallResult<InstanceView>, gone: string): Section<InstanceFacts> {
  if (!model.ok && model.problem.kind === 'not-found' && !(view.ok)) {
    return { state: 'gone', message: gone };
  }
  return asSection(model, gone, (m) => instanceFacts(target, m, view.ok ? view.value : undefined));
}

/** `PowerState/running` → `running`; `ProvisioningState/failed/Code` → `failed`. */
function statusValue(statuses: readonly Status[] | undefined, prefix: string): string | undefined {
  const code = statuses?.find((s) => s.code?.startsWith(`${prefix}/`))?.code;
  return code?.split('/')[1]?.toLowerCase();
}

function image(ref: ImageRef | undefined): string | undefined {
  if (!ref) {
    return undefined;
  }
  if (ref.publisher || ref.offer) {
    return [ref.publisher, ref.offer, ref.sku, ref.exactVersion ?? ref.version].map((p) => p ?? '').join(':');
  }
  return ref.id ?? ref.sharedGalleryImageId ?? ref.communityGalleryImageId;
}

export function instanceFacts(target: NodeTarget, model: VmModel, view: InstanceView | undefined): InstanceFacts {
  const health = view?.vmHealth?.status?.code;
  return {
    resourceId: target.resourceId,
    name: cut(model.name, 200),
    computerName: cut(model.osProfile?.computerName ?? view?.computerName, 200),
    powerState: cut(statusValue(view?.statuses, 'PowerState'), 50),
    provisioningState: cut(statusValue(view?.statuses, 'ProvisioningState') ?? model.provisioningState?.toLowerCase(), 50),
    latestModelApplied: model.latestModelApplied,
    image: cut(image(model.storageProfile?.imageReference), 400),
    vmSize: cut(model.sku?.name ?? model.hardwareProfile?.vmSize, 100),
    zone: cut(model.zones?.[0], 20),
    vmHealth: health?.startsWith('HealthState/') ? cut(health.slice('HealthState/'.length).toLowerCase(), 50) : undefined,
  };
}

export function extensionFacts(view: InstanceView): ExtensionFacts[] {
  return (view.extensions ?? []).slice(0, MAX_EXTENSIONS).map((ext) => {
    // The first status is the extension's own; substatuses carry stdout/stderr on some handlers.
    const status = ext.statuses?.[0];
    const name = ext.name ?? '';
    let exitCode: number | undefined;
    if (isBootstrapExtension(name, ext.type)) {
      exitCode = readExitCode(status?.message ?? '')
        ?? ext.substatuses?.map((s) => readExitCode(s.message ?? '')).find((c) => c !== undefined);
    }
    return {
      name: cut(name, 200) ?? '',
      type: cut(ext.type, 200),
      typeHandlerVersion: cut(ext.typeHandlerVersion, 50),
      status: cut(status?.displayStatus, 200),
      level: cut(status?.level, 20),
      code: cut(status?.code, 200),
      message: cut(status?.message, 4000, true),
      exitCode,
    };
  });
}
