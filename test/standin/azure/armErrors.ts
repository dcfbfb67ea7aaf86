/** ARM's error bodies, and what ARM says for each status when a test does not say otherwise. */

export interface ArmErrorBody {
  error: { code: string; message: string; details?: { code: string; message: string }[] };
}

export function armError(code: string, message: string, details?: { code: string; message: string }[]): ArmErrorBody {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** An answer other than 200 (or a 200 with headers), thrown from a route and sent as JSON; `body` undefined sends none. */
export class ArmAnswer extends Error {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
    super(`ARM ${status}`);
  }
}

/**
 * The RBAC action a request needs, as ARM names it in AuthorizationFailed:
 * `…/providers/Microsoft.Compute/virtualMachineScaleSets/x/virtualMachines/3/instanceView` →
 * `Microsoft.Compute/virtualMachineScaleSets/virtualMachines/instanceView/read`.
 */
export function armAction(method: string, requestPath: string): { action: string; scope: string } {
  const at = requestPath.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) {
    return { action: `Microsoft.Resources/subscriptions/${method === 'GET' ? 'read' : 'write'}`, scope: requestPath };
  }
  const [namespace, ...rest] = requestPath.slice(at + '/providers/'.length).split('/');
  // rest alternates type, name, type, name…; an odd tail is a collection or a sub-resource like instanceView.
  const types = rest.filter((_, i) => i % 2 === 0);
  const verb = method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : method === 'POST' ? 'action' : 'write';
  const owner = requestPath.slice(0, at);
  // A provider on a resource (Resource Health), a subscription-wide list or the Activity Log is
  // authorized over what it hangs off; a resource over itself.
  const scope = owner.toLowerCase().includes('/providers/') || rest.length < 2 || /^microsoft\.insights$/i.test(namespace)
    ? owner
    : `${owner}/providers/${namespace}/${rest.slice(0, rest.length - (rest.length % 2)).join('/')}`;
  return { action: [namespace, ...types, verb].join('/'), scope };
}

const CALLER = { name: 'operator@contoso.com', objectId: '0f3e5d7c-9b1a-4c2e-8d6f-a0b2c4e6f8a1' };

export const armErrors = {
  forStatus(status: number, method: string, requestPath: string, subscriptionId: string): { code: string; message: string } {
    switch (status) {
      case 400:
        return { code: 'BadRequest', message: 'The request is invalid.' };
      case 401:
        return { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
      case 403: {
        const { action, scope } = armAction(method, requestPath);
        return {
          code: 'AuthorizationFailed',
          message: `The client '${CALLER.name}' with object id '${CALLER.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        };
      }
      case 404:
        return { code: 'ResourceNotFound', message: `The Resource '${requestPath.replace(/^.*\/providers\//i, '')}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix` };
      case 409:
        return { code: 'Conflict', message: 'The operation conflicts with another operation in progress.' };
      case 429:
        return {
          code: 'TooManyRequests',
          message: 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits',
        };
      case 503:
        return { code: 'ServiceUnavailable', message: 'The service is currently unavailable. Please try again later.' };
      default:
        return {
          code: 'InternalServerError',
          message: `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscriptionId}', tracking id '00000000-0000-0000-0000-000000000000'.`,
        };
    }
  },
};
