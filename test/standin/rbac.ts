/**
 * Requests the stand-in's user may not make, answered with the authorizer's 403 in the real
 * API server's words, e.g. `pods "web-1" is forbidden: User "..." cannot create resource
 * "pods/eviction" in API group "" in the namespace "shop"`.
 */

import { StandInError } from './status';

export const STANDIN_USER = 'aks-standin-user';

export interface AccessRequest {
  /** get, list, watch, create, patch, update, delete. */
  verb: string;
  /** Plural, with the subresource: `nodes`, `pods/eviction`. */
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
}

export class AccessRules {
  private readonly denied = new Set<string>();

  /** `verb resource`, e.g. `create pods/eviction`: refused in every namespace until allowed again. */
  forbid(verb: string, resource: string): void {
    this.denied.add(`${verb} ${resource}`);
  }

  allow(verb: string, resource: string): void {
    this.denied.delete(`${verb} ${resource}`);
  }

  clear(): void {
    this.denied.clear();
  }

  check(request: AccessRequest): void {
    if (!this.denied.has(`${request.verb} ${request.resource}`)) {
      return;
    }
    const plural = request.resource.split('/')[0];
    const object = request.name !== undefined
      ? `${plural}${request.group ? `.${request.group}` : ''} "${request.name}"`
      : `${plural}${request.group ? `.${request.group}` : ''}`;
    const scope = request.namespace !== undefined ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
    throw new StandInError(403, 'Forbidden',
      `${object} is forbidden: User "${STANDIN_USER}" cannot ${request.verb} resource "${request.resource}" in API group "${request.group}" ${scope}`,
      { ...(request.name !== undefined ? { name: request.name } : {}), ...(request.group ? { group: request.group } : {}), kind: plural });
  }
}
