/**
 * The four Resource Manager clients for one subscription, each built the same way: the configured
 * endpoint (and a token scope that follows it), the host guard before the token is attached and
 * again next to the wire, a per-request timeout, and no SDK retries (armCall.ts retries, so a
 * 429's Retry-After is waited once, not twice).
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { MonitorClient } from '@azure/arm-monitor';
import { MicrosoftResourceHealth } from '@azure/arm-resourcehealth';
import type { TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, type HttpClient, type Pipeline, type PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AzureLogger } from './azureTypes';
import { normalizeEndpoint } from './endpoints';
import { hostGuardPolicy, requestTimeoutPolicy } from './pipelinePolicies';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ArmClients {
  readonly compute: ComputeManagementClient;
  readonly containers: ContainerServiceClient;
  readonly health: MicrosoftResourceHealth;
  readonly monitor: MonitorClient;
}

export interface ArmClientOptions {
  readonly endpoint: string;
  readonly requestTimeoutMs?: number;
  readonly log?: AzureLogger;
  /** Tests only: the stand-in's CA is trusted by an HTTP client the test builds. */
  readonly httpClient?: HttpClient;
}

export function createArmClients(credential: TokenCredential, subscriptionId: string, options: ArmClientOptions): ArmClients {
  const endpoint = normalizeEndpoint(options.endpoint);
  const scope = `${endpoint}/.default`;
  const additionalPolicies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[] = [
    { policy: requestTimeoutPolicy(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS), position: 'perRetry' },
    { policy: hostGuardPolicy(endpoint, options.log, 'aksNodeRepairHostGuardWire'), position: 'perRetry' },
  ];
  const common = {
    endpoint,
    additionalPolicies,
    retryOptions: { maxRetries: 0 },
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
  };
  const modern = { ...common, credentials: { scopes: [scope] } };
  const clients: ArmClients = {
    compute: new ComputeManagementClient(credential, subscriptionId, modern),
    containers: new ContainerServiceClient(credential, subscriptionId, modern),
    monitor: new MonitorClient(credential, subscriptionId, modern),
    health: new MicrosoftResourceHealth(credential, subscriptionId, { ...common, $host: endpoint, credentialScopes: [scope] }),
  };
  for (const client of Object.values(clients) as { pipeline: Pipeline }[]) {
    guardBeforeToken(client.pipeline, endpoint, options.log);
  }
  return clients;
}

/** The host guard ahead of the bearer-token policy: a refused request never asks for a token. */
function guardBeforeToken(pipeline: Pipeline, endpoint: string, log: AzureLogger | undefined): void {
  pipeline.addPolicy(hostGuardPolicy(endpoint, log, 'aksNodeRepairHostGuard'), {
    beforePolicies: [bearerTokenAuthenticationPolicyName],
  });
}
