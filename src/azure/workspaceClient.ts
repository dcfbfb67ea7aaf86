/**
 * The Log Analytics workspaces client (`@azure/arm-operationalinsights`), built as armClients.ts
 * builds the others: the configured Resource Manager endpoint and its scope, the host guard
 * before the token and next to the wire, a per-request timeout, no SDK retries (ArmSession retries).
 */
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import type { TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, type HttpClient } from '@azure/core-rest-pipeline';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './armClients';
import type { AzureSettings } from './azureTypes';
import { normalizeEndpoint } from './endpoints';
import { hostGuardPolicy, requestTimeoutPolicy } from './pipelinePolicies';

export function createWorkspaceClient(
  credential: TokenCredential,
  subscriptionId: string,
  settings: AzureSettings,
  httpClient: HttpClient | undefined,
): OperationalInsightsManagementClient {
  const endpoint = normalizeEndpoint(settings.resourceManagerEndpoint);
  const client = new OperationalInsightsManagementClient(credential, subscriptionId, {
    endpoint,
    credentials: { scopes: [`${endpoint}/.default`] },
    additionalPolicies: [
      { policy: requestTimeoutPolicy(settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS), position: 'perRetry' },
      { policy: hostGuardPolicy(endpoint, settings.log, 'aksNodeRepairHostGuardWire'), position: 'perRetry' },
    ],
    retryOptions: { maxRetries: 0 },
    ...(httpClient ? { httpClient } : {}),
  });
  client.pipeline.addPolicy(hostGuardPolicy(endpoint, settings.log, 'aksNodeRepairHostGuard'), { beforePolicies: [bearerTokenAuthenticationPolicyName] });
  return client;
}
