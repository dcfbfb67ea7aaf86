/**
 * The two resources the extension keeps: nodes, and the events about nodes (auto-repair's among
 * them). For each: how it is listed and watched, where it goes in the model, and what is dropped
 * before it is kept.
 */

import { field } from '../domain/nodeProjection';
import type { ResourceSpec } from './reflector';

const NODE_EVENTS = 'involvedObject.kind=Node';

export const NODES: ResourceSpec = {
  name: 'nodes',
  path: '/api/v1/nodes',
  list: (api, query, signal) => api.listNodes(query, signal),
  apply: (model, type, raw) => model.applyNode(type, raw),
  replace: (model, raws) => model.replaceNodes(raws),
  slim: slimNode,
};

export const EVENTS: ResourceSpec = {
  name: 'node events',
  path: '/api/v1/events',
  fieldSelector: NODE_EVENTS,
  list: (api, query, signal) => api.listEvents({ ...query, fieldSelector: NODE_EVENTS }, signal),
  apply: (model, type, raw) => model.applyEvent(type, raw),
  replace: (model, raws) => model.replaceEvents(raws),
  slim: slimEvent,
};

/** Nodes without images, volumes and managedFields: a node's image list alone can be tens of kB. */
function slimNode(raw: unknown): unknown {
  const metadata = field(raw, 'metadata');
  const status = field(raw, 'status');
  return {
    metadata: withoutKeys(metadata, ['managedFields', 'ownerReferences']),
    spec: field(raw, 'spec'),
    status: withoutKeys(status, ['images', 'volumesAttached', 'volumesInUse', 'daemonEndpoints', 'config']),
  };
}

/** Events without managedFields. */
function slimEvent(raw: unknown): unknown {
  return withoutKeys(raw, [], ['metadata', ['managedFields']]);
}

function withoutKeys(obj: unknown, drop: readonly string[], nested?: [string, readonly string[]]): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return obj;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (drop.includes(key)) {
      continue;
    }
    copy[key] = nested && key === nested[0] ? withoutKeys(value, nested[1]) : value;
  }
  return copy;
}
