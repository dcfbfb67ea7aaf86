/**
 * The exit codes of AKS's node bootstrap script (the `vmssCSE` custom script extension), as AKS's
 * bootstrap sources number them, with what each means and what to do, in the project's own words.
 * The extension's message is untrusted and can be large: reading it looks at a capped prefix only.
 */
import * as l10n from '@vscode/l10n';
import type { ExtensionFacts } from './diagnosis';

/** The vmssCSE message quotes the script's output; the exit status sits near its start. */
export const EXIT_CODE_SCAN_LIMIT = 64 * 1024;

export interface BootstrapExitCode {
  readonly code: number;
  /** The bootstrap script's constant, e.g. `ERR_OUTBOUND_CONN_FAIL`. */
  readonly name: string;
  /** The name troubleshooting articles use, when they have one. */
  readonly alias?: string;
  readonly meaning: string;
  readonly nextStep: string;
}

export interface ExitCodeDescription extends BootstrapExitCode {
  /** False for a number this list does not name: shown as the number it is. */
  readonly known: boolean;
  /** `50 ERR_OUTBOUND_CONN_FAIL (OutboundConnFailVMExtensionError)`, or `exit code 7 (not a known bootstrap code)`. */
  readonly label: string;
}

interface Row {
  readonly name: string;
  readonly alias?: string;
  readonly meaning: () => string;
  readonly nextStep: () => string;
}

// Thunks, so the strings are looked up after the l10n bundle is loaded, not at import time.
const CODES: ReadonlyMap<number, Row> = new Map<number, Row>([
  [5, {
    name: 'ERR_CLOUD_INIT_TIMEOUT',
    meaning: () => l10n.t('cloud-init did not finish in time on the node'),
    nextStep: () => l10n.t('Reimage the node; if it recurs, check the node image version and custom data of the pool.'),
  }],
  [9, {
    name: 'ERR_APT_INSTALL_TIMEOUT',
    meaning: () => l10n.t('installing a package with apt timed out'),
    nextStep: () => l10n.t('Check egress to the package mirrors (packages.microsoft.com, the Ubuntu archives) through your firewall or proxy, then reimage the node.'),
  }],
  [31, {
    name: 'ERR_K8S_DOWNLOAD_TIMEOUT',
    meaning: () => l10n.t('downloading the Kubernetes binaries timed out'),
    nextStep: () => l10n.t('Check egress to mcr.microsoft.com and acs-mirror.azureedge.net, then reimage the node.'),
  }],
  [34, {
    name: 'ERR_KUBELET_START_FAIL',
    meaning: () => l10n.t('the kubelet service could not be started'),
    nextStep: () => l10n.t('Read the kubelet log on the node (journalctl -u kubelet); check custom kubelet configuration and the node image, then reimage the node.'),
  }],
  [35, {
    name: 'ERR_CONTAINER_IMG_PULL_TIMEOUT',
    meaning: () => l10n.t('pulling a container image timed out'),
    nextStep: () => l10n.t('Check egress to mcr.microsoft.com (and your private registry, if any), then reimage the node.'),
  }],
  [41, {
    name: 'ERR_CNI_DOWNLOAD_TIMEOUT',
    meaning: () => l10n.t('downloading the CNI plugins timed out'),
    nextStep: () => l10n.t('Check egress to acs-mirror.azureedge.net and mcr.microsoft.com, then reimage the node.'),
  }],
  [49, {
    name: 'ERR_MODPROBE_FAIL',
    meaning: () => l10n.t('a kernel module could not be loaded'),
    nextStep: () => l10n.t('Upgrade the node image of the pool, then reimage the node.'),
  }],
  [50, {
    name: 'ERR_OUTBOUND_CONN_FAIL',
    alias: 'OutboundConnFailVMExtensionError',
    meaning: () => l10n.t('the node could not reach the endpoints it needs outside the cluster (e.g. mcr.microsoft.com)'),
    nextStep: () => l10n.t('Open egress to the required AKS endpoints in your NSG, route table (UDR) and firewall, check custom DNS, then reimage the node.'),
  }],
  [51, {
    name: 'ERR_K8S_API_SERVER_CONN_FAIL',
    alias: 'K8SAPIServerConnFailVMExtensionError',
    meaning: () => l10n.t('the node could not connect to the cluster\'s API server'),
    nextStep: () => l10n.t('Allow traffic from the node subnet to the API server (port 443; authorized IP ranges, NSG, firewall, private cluster link), then reimage the node.'),
  }],
  [52, {
    name: 'ERR_K8S_API_SERVER_DNS_LOOKUP_FAIL',
    alias: 'K8SAPIServerDNSLookupFailVMExtensionError',
    meaning: () => l10n.t('the node could not resolve the API server\'s name'),
    nextStep: () => l10n.t('Check the virtual network\'s DNS servers (custom DNS must forward to Azure DNS 168.63.129.16; private clusters need the private DNS zone linked), then reimage the node.'),
  }],
  [53, {
    name: 'ERR_K8S_API_SERVER_AZURE_DNS_LOOKUP_FAIL',
    meaning: () => l10n.t('Azure DNS could not resolve the API server\'s name'),
    nextStep: () => l10n.t('Check that the node can reach Azure DNS (168.63.129.16) and, for a private cluster, that the private DNS zone is linked to the node\'s virtual network, then reimage the node.'),
  }],
  [70, {
    name: 'ERR_CONTAINERD_DOWNLOAD_TIMEOUT',
    meaning: () => l10n.t('downloading containerd timed out'),
    nextStep: () => l10n.t('Check egress to the required AKS endpoints, then reimage the node.'),
  }],
  [80, {
    name: 'ERR_CUSTOM_SEARCH_DOMAINS_FAIL',
    meaning: () => l10n.t('the custom DNS search domains could not be configured'),
    nextStep: () => l10n.t('Check the pool\'s custom search domain settings, then reimage the node.'),
  }],
  [84, {
    name: 'ERR_GPU_DRIVERS_START_FAIL',
    meaning: () => l10n.t('the GPU driver could not be started'),
    nextStep: () => l10n.t('Check that the VM size and node image support the GPU driver, then reimage the node.'),
  }],
  [85, {
    name: 'ERR_GPU_DRIVERS_INSTALL_TIMEOUT',
    meaning: () => l10n.t('installing the GPU driver timed out'),
    nextStep: () => l10n.t('Check egress to the driver download endpoints, then reimage the node.'),
  }],
  [99, {
    name: 'ERR_APT_UPDATE_TIMEOUT',
    meaning: () => l10n.t('apt-get update did not finish in time'),
    nextStep: () => l10n.t('Check egress to the package mirrors through your firewall or proxy, then reimage the node.'),
  }],
  [100, {
    name: 'ERR_CSE_PROVISION_SCRIPT_NOT_READY_TIMEOUT',
    meaning: () => l10n.t('the provisioning script never appeared on the node'),
    nextStep: () => l10n.t('Reimage the node; if it recurs, upgrade the node image of the pool.'),
  }],
  [124, {
    name: 'ERR_VHD_FILE_NOT_FOUND',
    meaning: () => l10n.t('a file the node image should contain was missing (an unsupported or altered image)'),
    nextStep: () => l10n.t('Use a supported AKS node image: upgrade the pool\'s node image (az aks nodepool upgrade --node-image-only), then reimage the node.'),
  }],
]);

export function knownExitCodes(): readonly number[] {
  return [...CODES.keys()];
}

export function describeExitCode(code: number): ExitCodeDescription {
  const row = Number.isInteger(code) ? CODES.get(code) : undefined;
  if (row === undefined) {
    const shown = Number.isFinite(code) ? String(code) : '?';
    return {
      code,
      known: false,
      name: '',
      meaning: l10n.t('exit code {0} is not one of the bootstrap codes this extension knows', shown),
      nextStep: l10n.t('Read the extension\'s full message and the provisioning log on the node (/var/log/azure/cluster-provision.log).'),
      label: l10n.t('exit code {0} (not a known bootstrap code)', shown),
    };
  }
  const label = row.alias === undefined ? `${code} ${row.name}` : `${code} ${row.name} (${row.alias})`;
  return { code, known: true, name: row.name, alias: row.alias, meaning: row.meaning(), nextStep: row.nextStep(), label };
}

/** AKS's bootstrap extension: `vmssCSE` on scale sets (Linux and Windows), `cse-agent-N` / `cse-master-N` on older clusters. */
const BOOTSTRAP_NAME = /^(?:vmssCSE|cse-(?:agent|master)-\d+)$/i;
/** Its handler: `Microsoft.Azure.Extensions.CustomScript` (Linux), `Microsoft.Compute.CustomScriptExtension` (Windows). */
const CUSTOM_SCRIPT_TYPE = /^(?:Microsoft\.Azure\.Extensions\.CustomScript|Microsoft\.Compute\.CustomScriptExtension|CustomScript(?:Extension)?)$/i;

/**
 * Whether an extension is AKS's node bootstrap (the one whose exit code this list names): by its
 * name, and by its type when the instance view gives one (another handler under that name is not it).
 */
export function isBootstrapExtension(name: string, type?: string): boolean {
  return BOOTSTRAP_NAME.test(name) && (type === undefined || type === '' || CUSTOM_SCRIPT_TYPE.test(type));
}

const EXIT_STATUS = /exit status\s*=\s*(\d{1,3})(?!\d)/i;
const EXIT_CODE_JSON = /\\?"ExitCode\\?"\s*:\s*\\?"?(\d{1,3})(?!\d)/i;

/**
 * The bootstrap script's exit code from the extension's message: `… exit status=50 …`, or the
 * `[stdout]` JSON's `"ExitCode": "50"` (also when that JSON is itself escaped inside a string).
 */
export function readExitCode(message: string): number | undefined {
  if (typeof message !== 'string' || message === '') {
    return undefined;
  }
  const text = message.length > EXIT_CODE_SCAN_LIMIT ? message.slice(0, EXIT_CODE_SCAN_LIMIT) : message;
  const m = EXIT_STATUS.exec(text) ?? EXIT_CODE_JSON.exec(text);
  if (m === null) {
    return undefined;
  }
  const n = Number(m[1]);
  return n <= 255 ? n : undefined;
}

/** The bootstrap exit code of an extension: the one the backend read, or else from its message; none for any other extension. */
export function extensionExitCode(x: ExtensionFacts): number | undefined {
  if (x.exitCode !== undefined) {
    return x.exitCode;
  }
  return isBootstrapExtension(x.name, x.type) && x.message ? readExitCode(x.message) : undefined;
}
