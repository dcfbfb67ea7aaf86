/**
 * The writes the stand-in accepts: PATCH of nodes and pods (merge, strategic merge and JSON
 * patch, with resourceVersion preconditions and server-side dry run), POST of a pod's eviction
 * subresource, DELETE of pods (both with DeleteOptions' uid precondition). What an eviction or a
 * delete does to the pod: workloads.ts.
 */

import { applyPatch, patchTypeOf } from './patch';
import { StandInError, str } from './status';
import { KubeObject, pathValue } from './tables';
import type { Workloads } from './workloads';

export interface MutationHost {
  /** The stored object (not a copy). */
  get(resource: 'nodes' | 'pods', key: string): KubeObject | undefined;
  /** Stores it (watches see MODIFIED); returns the stored copy. */
  put(resource: 'nodes' | 'pods', obj: KubeObject): KubeObject;
  readonly workloads: Workloads;
}

export interface MutationRequest {
  method: string;
  /** Plural resource, e.g. `nodes`. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  query: Record<string, string>;
  contentType?: string;
  body: string;
}

export interface MutationResponse {
  status: number;
  body: unknown;
}

const SUCCESS = (code: number): KubeObject => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

export function mutate(host: MutationHost, req: MutationRequest): MutationResponse {
  const { method, resource, subresource, namespace, name } = req;
  if (name === undefined) {
    throw new StandInError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  if (method === 'PATCH' && subresource === undefined && (resource === 'nodes' || resource === 'pods')) {
    return { status: 200, body: patch(host, resource, resource === 'pods' ? `${namespace ?? ''}/${name}` : name, req) };
  }
  if (method === 'POST' && resource === 'pods' && subresource === 'eviction' && namespace !== undefined) {
    const eviction = parseJson(req.body, 'Eviction');
    if (req.query.dryRun !== 'All') {
      host.workloads.evict(namespace, name, eviction);
    }
    return { status: 201, body: SUCCESS(201) };
  }
  if (method === 'DELETE' && resource === 'pods' && subresource === undefined && namespace !== undefined) {
    const options = req.body.trim() === '' ? {} : parseJson(req.body, 'DeleteOptions');
    const fromQuery = req.query.gracePeriodSeconds !== undefined ? Number(req.query.gracePeriodSeconds) : undefined;
    const fromBody = pathValue(options, 'gracePeriodSeconds');
    const grace = fromQuery ?? (typeof fromBody === 'number' ? fromBody : undefined);
    if (req.query.dryRun === 'All') {
      const pod = host.get('pods', `${namespace}/${name}`);
      if (!pod) {
        throw new StandInError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      }
      return { status: 200, body: pod };
    }
    return { status: 200, body: host.workloads.delete(namespace, name, grace, pathValue(options, 'preconditions.uid')) };
  }
  throw new StandInError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function patch(host: MutationHost, resource: 'nodes' | 'pods', key: string, req: MutationRequest): KubeObject {
  const type = patchTypeOf(req.contentType);
  const stored = host.get(resource, key);
  if (!stored) {
    throw new StandInError(404, 'NotFound', `${resource} "${req.name ?? ''}" not found`, { name: req.name, kind: resource });
  }
  const patched = applyPatch(stored, req.body, type);
  if (patched.metadata?.name !== stored.metadata?.name || patched.metadata?.namespace !== stored.metadata?.namespace) {
    throw new StandInError(400, 'BadRequest', `the name of the object (${str(patched.metadata?.name)}) does not match the name on the URL (${str(stored.metadata?.name)})`);
  }
  // A patch that names a resourceVersion is a precondition, as optimistic concurrency needs.
  if (patched.metadata?.resourceVersion !== stored.metadata?.resourceVersion) {
    throw new StandInError(409, 'Conflict',
      `Operation cannot be fulfilled on ${resource} "${str(stored.metadata?.name)}": the object has been modified; please apply your changes to the latest version and try again`,
      { name: stored.metadata?.name, kind: resource });
  }
  if (patched.metadata?.uid !== stored.metadata?.uid) {
    throw new StandInError(422, 'Invalid', `${resource} "${str(stored.metadata?.name)}" is invalid: metadata.uid: Invalid value: field is immutable`);
  }
  if (req.query.dryRun === 'All') {
    return patched;
  }
  return host.put(resource, patched);
}

function parseJson(body: string, kind: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new StandInError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${(err as Error).message} (decoding ${kind})`);
  }
}
