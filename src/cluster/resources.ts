/**
 * The two resources the extension keeps: nodes, and the events about nodes (auto-repair's among
 * them). For each: its path, and how its watched changes and listed pages go into the model.
 */

import type { Relisting, ResourceSpec } from './reflector';

const NODE_EVENTS = 'involvedObject.kind=Node';

export const NODES: ResourceSpec = {
  name: 'nodes',
  path: '/api/v1/nodes',
  apply: (model, type, raw) => model.applyNode(type, raw),
  relisting: (model) => projectedPages((raws) => model.projectNodes(raws), (records) => model.replaceNodeRecords(records)),
};

export const EVENTS: ResourceSpec = {
  name: 'node events',
  path: '/api/v1/events',
  fieldSelector: NODE_EVENTS,
  apply: (model, type, raw) => model.applyEvent(type, raw),
  relisting: (model) => projectedPages((raws) => model.projectEvents(raws), (records) => model.replaceEventRecords(records)),
};

/** Keeps each page's projection (a few fields per object), never the page itself. */
function projectedPages<R>(project: (raws: readonly unknown[]) => R[], replace: (records: readonly R[]) => void): Relisting {
  const records: R[] = [];
  return {
    add: (raws) => {
      for (const record of project(raws)) {
        records.push(record);
      }
    },
    // Single use: emptied once handed over, so a batch still reachable afterwards (from a kept-alive
    // connection's first request, see listRequest.ts) holds none of the records it collected.
    commit: () => {
      replace(records);
      records.length = 0;
    },
  };
}
