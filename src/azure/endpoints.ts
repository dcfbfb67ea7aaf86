/**
 * Resource Manager endpoints as the settings give them: trimmed, the host read for messages and
 * logs, and whether it is the public cloud's. No @azure import: the VS Code adapter (in
 * extension.js), the panel's settings and the backend (in azure.js) all use it.
 */

/** The public cloud's Resource Manager hosts; any other host is a sovereign (or custom) cloud. */
const PUBLIC_RESOURCE_MANAGER_HOSTS: ReadonlySet<string> = new Set(['management.azure.com', 'management.core.windows.net']);

/** `https://management.azure.com/ ` → `https://management.azure.com`. */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, '');
}

/** The host (and port) of a URL, for messages and logs; never the path or query, which may carry anything. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '<unparsable URL>';
  }
}

/** True for the public cloud's endpoint; false for a sovereign cloud, a custom host, or an address that does not parse. */
export function isPublicCloud(endpoint: string): boolean {
  try {
    return PUBLIC_RESOURCE_MANAGER_HOSTS.has(new URL(normalizeEndpoint(endpoint)).hostname.toLowerCase());
  } catch {
    return false;
  }
}
