/**
 * A node's `spec.providerID` read as the Azure VM behind it. The text is untrusted (anyone who can
 * edit the Node object wrote it): the parser is linear, capped, and never throws; a refusal says
 * why, and is itself the evidence for `scaleSetNameAndInstanceIDFromProviderID failed`.
 */
import * as l10n from '@vscode/l10n';
import type { NodeTarget, ProviderIdResult } from './diagnosis';

/** Real providerIDs are ~200 characters; anything past this is not one. */
export const PROVIDER_ID_MAX_LENGTH = 1024;
/** What a refusal keeps of the raw text, so a huge value never travels further. */
const RAW_KEPT = 300;

const SCHEME = 'azure://';
/** Azure names: letters, digits and `-_.()`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._()-]{0,89}$/;
const RESOURCE_GROUP = /^[A-Za-z0-9._()-]{1,90}$/;
/** A GUID in real clusters; kept lenient (letters, digits, dashes) so test ids still resolve. */
const SUBSCRIPTION = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const INSTANCE_ID = /^[0-9]{1,10}$/;

function fail(raw: string, reason: string): ProviderIdResult {
  return { ok: false, raw: raw.length > RAW_KEPT ? `${raw.slice(0, RAW_KEPT)}…` : raw, reason };
}

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function parseProviderId(raw: string | undefined): ProviderIdResult {
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') {
    return fail(text, l10n.t('the node has no providerID'));
  }
  if (text.length > PROVIDER_ID_MAX_LENGTH) {
    return fail(text, l10n.t('the providerID is {0} characters long, more than any Azure resource ID ({1})', text.length, PROVIDER_ID_MAX_LENGTH));
  }
  if (!text.toLowerCase().startsWith(SCHEME)) {
    return fail(text, l10n.t('the providerID does not start with "azure://"'));
  }
  const path = text.slice(SCHEME.length);
  // Control characters, spaces, quotes, `?`, `#`, `%`, `\` … have no place in an Azure resource ID.
  if (!/^[A-Za-z0-9/._()-]*$/.test(path)) {
    return fail(text, l10n.t('the providerID contains characters an Azure resource ID cannot hold'));
  }
  if (!path.startsWith('/')) {
    return fail(text, l10n.t('the providerID has no resource ID after "azure://"'));
  }
  const parts = path.slice(1).split('/');
  if (parts.some((p) => p === '')) {
    return fail(text, l10n.t('the providerID has an empty path segment'));
  }
  const [subKey, sub, rgKey, rg, provKey, ns, typeKey, name, childKey, child, ...rest] = parts;
  if (!eq(subKey, 'subscriptions') || sub === undefined) {
    return fail(text, l10n.t('the providerID names no subscription'));
  }
  if (!SUBSCRIPTION.test(sub)) {
    return fail(text, l10n.t('the providerID\'s subscription "{0}" is not a subscription ID', sub));
  }
  if (!eq(rgKey, 'resourceGroups') || rg === undefined) {
    return fail(text, l10n.t('the providerID names no resource group'));
  }
  if (!RESOURCE_GROUP.test(rg) || rg.endsWith('.')) {
    return fail(text, l10n.t('the providerID\'s resource group "{0}" is not a valid name', rg));
  }
  if (!eq(provKey, 'providers') || !eq(ns, 'Microsoft.Compute')) {
    return fail(text, l10n.t('the providerID does not name a Microsoft.Compute resource'));
  }
  if (name === undefined || !NAME.test(name)) {
    return fail(text, l10n.t('the providerID names no scale set or virtual machine'));
  }
  const prefix = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute`;
  if (eq(typeKey, 'virtualMachineScaleSets')) {
    if (!eq(childKey, 'virtualMachines') || child === undefined) {
      return fail(text, l10n.t('the providerID names scale set "{0}" but no instance', name));
    }
    if (!INSTANCE_ID.test(child)) {
      return fail(text, l10n.t('the providerID\'s instance "{0}" is not a scale-set instance ID', child));
    }
    if (rest.length > 0) {
      return fail(text, l10n.t('the providerID has extra segments after the instance'));
    }
    const target: NodeTarget = {
      kind: 'vmss',
      subscriptionId: sub,
      resourceGroup: rg,
      scaleSet: name,
      instanceId: child,
      resourceId: `${prefix}/virtualMachineScaleSets/${name}/virtualMachines/${child}`,
    };
    return { ok: true, target };
  }
  if (eq(typeKey, 'virtualMachines')) {
    if (childKey !== undefined) {
      return fail(text, l10n.t('the providerID has extra segments after the virtual machine'));
    }
    const target: NodeTarget = {
      kind: 'vm',
      subscriptionId: sub,
      resourceGroup: rg,
      vmName: name,
      resourceId: `${prefix}/virtualMachines/${name}`,
    };
    return { ok: true, target };
  }
  return fail(text, l10n.t('the providerID names neither a scale-set instance nor a virtual machine'));
}

/** Resource group names are case-insensitive (`mc_…` in providerIDs, `MC_…` in the cluster). */
export function sameResourceGroup(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== '' && a.toLowerCase() === b.toLowerCase();
}

/** AKS names a pool's scale set `aks-<pool>-<number>-vmss` (`aks-nodepool1-12345678-vmss` → `nodepool1`). */
const AKS_SCALE_SET = /^aks-([a-z0-9]{1,12})-\d+-vmss$/i;

/** The node pool a scale set belongs to, read from AKS's naming; undefined for any other name. */
export function poolFromScaleSet(scaleSet: string): string | undefined {
  return AKS_SCALE_SET.exec(scaleSet)?.[1];
}

/** The scale set's own resource ID for a scale-set instance; undefined for an availability-set VM. */
export function scaleSetResourceId(target: NodeTarget): string | undefined {
  return target.kind === 'vmss'
    ? `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${target.scaleSet}`
    : undefined;
}
