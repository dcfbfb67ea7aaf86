/**
 * Resource Manager routes for Container Insights, plugged into the ARM stand-in through its
 * `extraRoutes`: Log Analytics workspaces (`Microsoft.OperationalInsights/workspaces`), data
 * collection rules and the rule associations on a resource (`Microsoft.Insights`), in ARM's wire
 * format, from an InsightsWorld (live: a test changes it and the next answer shows it).
 */
import { armError } from './armErrors';
import type { ArmRouteHandler } from './armServer';
import type { InsightsWorld } from './insightsScenario';

const WORKSPACE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i;
const RULE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Insights\/dataCollectionRules\/([^/]+)$/i;
const ASSOCIATIONS = /^(\/.+)\/providers\/Microsoft\.Insights\/dataCollectionRuleAssociations$/i;

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const nameOf = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

function notFound(type: string, name: string, group: string): { status: number; body: unknown } {
  return {
    status: 404,
    body: armError('ResourceNotFound', `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`),
  };
}

/** The routes over `world`; anything else falls through to the built-in ones. */
export function insightsRoutes(world: InsightsWorld): ArmRouteHandler {
  return ({ method, path }, scenario) => {
    let m: RegExpExecArray | null;
    if ((m = WORKSPACE.exec(path))) {
      if (method !== 'GET') {
        return { status: 405, body: armError('MethodNotAllowed', `The requested resource does not support http method '${method}'.`) };
      }
      const workspace = world.workspaces.find((w) => same(w.resourceId, path));
      if (!workspace || !same(m[1], scenario.subscriptionId)) {
        return notFound('Microsoft.OperationalInsights/workspaces', m[3], m[2]);
      }
      return {
        status: 200,
        body: {
          id: workspace.resourceId,
          name: nameOf(workspace.resourceId),
          type: 'Microsoft.OperationalInsights/workspaces',
          location: workspace.location,
          properties: {
            provisioningState: 'Succeeded',
            customerId: workspace.customerId,
            sku: { name: 'PerGB2018', lastSkuUpdate: '2024-11-04T09:12:31.0000000Z' },
            retentionInDays: 30,
            features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
            workspaceCapping: { dailyQuotaGb: -1, quotaNextResetTime: '2025-01-14T00:00:00Z', dataIngestionStatus: 'RespectQuota' },
            publicNetworkAccessForIngestion: 'Enabled',
            publicNetworkAccessForQuery: 'Enabled',
            createdDate: '2024-11-04T09:12:31.0000000Z',
            modifiedDate: '2024-11-04T09:14:02.0000000Z',
          },
        },
      };
    }
    if ((m = RULE.exec(path))) {
      const rule = world.rules.find((r) => same(r.resourceId, path));
      if (method !== 'GET') {
        return { status: 405, body: armError('MethodNotAllowed', `The requested resource does not support http method '${method}'.`) };
      }
      if (!rule) {
        return notFound('Microsoft.Insights/dataCollectionRules', m[3], m[2]);
      }
      const destinations: Record<string, unknown> = {};
      if (rule.logAnalytics.length > 0) {
        destinations.logAnalytics = rule.logAnalytics.map((d) => ({
          workspaceResourceId: d.workspaceResourceId,
          // ARM fills the workspace ID in from the workspace (read-only in the rule).
          workspaceId: d.workspaceId ?? world.workspaces.find((w) => same(w.resourceId, d.workspaceResourceId))?.customerId,
          name: d.name,
        }));
      }
      if (rule.monitoringAccounts) {
        destinations.monitoringAccounts = rule.monitoringAccounts;
      }
      const destinationNames = [...rule.logAnalytics.map((d) => d.name), ...(rule.monitoringAccounts ?? []).map((d) => d.name)];
      return {
        status: 200,
        body: {
          id: rule.resourceId,
          name: nameOf(rule.resourceId),
          type: 'Microsoft.Insights/dataCollectionRules',
          location: rule.location,
          kind: 'Linux',
          properties: {
            immutableId: `dcr-${nameOf(rule.resourceId).replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 24)}`,
            dataSources: {
              extensions: rule.streams.some((s) => /ContainerInsights|KubeEvents/i.test(s))
                ? [{ streams: rule.streams, extensionName: 'ContainerInsights', extensionSettings: { dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off' } }, name: 'ContainerInsightsExtension' }]
                : undefined,
            },
            destinations,
            dataFlows: [{ streams: rule.streams, destinations: destinationNames }],
            provisioningState: 'Succeeded',
          },
        },
      };
    }
    if ((m = ASSOCIATIONS.exec(path))) {
      if (method !== 'GET') {
        return { status: 405, body: armError('MethodNotAllowed', `The requested resource does not support http method '${method}'.`) };
      }
      const resource = m[1];
      const cluster = scenario.managedClusters.find((c) => same(`/subscriptions/${scenario.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`, resource));
      if (!cluster) {
        return { status: 404, body: armError('ResourceNotFound', `The Resource '${resource.replace(/^.*\/providers\//i, '')}' was not found.`) };
      }
      return {
        status: 200,
        body: {
          value: world.associations.filter((a) => same(a.resourceId, resource)).map((a) => ({
            id: `${resource}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${a.name}`,
            name: a.name,
            type: 'Microsoft.Insights/dataCollectionRuleAssociations',
            properties: { dataCollectionRuleId: a.ruleId, provisioningState: 'Succeeded' },
          })),
          ...(world.associationsNextLink ? { nextLink: world.associationsNextLink } : {}),
        },
      };
    }
    return undefined;
  };
}
